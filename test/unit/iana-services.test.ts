import { describe, expect, it } from 'vitest';
import { ianaServiceName } from '../../src/net/iana-services.js';

// RFC 6335 §5.1: 1–15 characters, letters, digits and single inner hyphens, at least one letter.
// The table stores names in lowercase.
const SERVICE_NAME_SYNTAX = /^(?=.*[a-z])[a-z0-9]+(-[a-z0-9]+)*$/;
const MAX_SERVICE_NAME_CHARS = 15;

describe('ianaServiceName', () => {
  it.each([
    // Well-known ports
    [1, 'tcpmux'],
    [20, 'ftp-data'],
    [21, 'ftp'],
    [22, 'ssh'],
    [25, 'smtp'],
    [53, 'domain'],
    [80, 'http'],
    [113, 'auth'],
    [443, 'https'],
    [445, 'microsoft-ds'],
    [465, 'submissions'],
    [587, 'submission'],
    [631, 'ipp'],
    [993, 'imaps'],
    [995, 'pop3s'],
    // Registered ports a developer meets; the IANA name, not the product's
    [1433, 'ms-sql-s'],
    [1521, 'ncube-lm'],
    [2181, 'eforward'],
    [2375, 'docker'],
    [3000, 'hbci'],
    [3306, 'mysql'],
    [3389, 'ms-wbt-server'],
    [4369, 'epmd'],
    [5000, 'commplex-main'],
    [5353, 'mdns'],
    [5432, 'postgresql'],
    [5672, 'amqp'],
    [5900, 'rfb'],
    [6379, 'redis'],
    [6443, 'sun-sr-https'],
    [8000, 'irdmi'],
    [8080, 'http-alt'],
    [8443, 'pcsync-https'],
    [8888, 'ddi-tcp-1'],
    [9000, 'cslistener'],
    [9092, 'xmlipcregsvc'], // IANA spells it XmlIpcRegSvc; names are case-insensitive
    [9200, 'wap-wsp'],
    [11211, 'memcache'],
    [27017, 'mongodb'],
    // Ranges: x11 is 6000–6063, ircu 6665–6669
    [6000, 'x11'],
    [6063, 'x11'],
    [6665, 'ircu'],
    [6667, 'ircu'],
    [6669, 'ircu'],
  ])('port %i is %s', (port, name) => {
    expect(ianaServiceName(port)).toBe(name);
  });

  it.each([
    [0, 'reserved'],
    [1023, 'reserved, last well-known port'],
    [1024, 'reserved, first registered port'],
    [6664, 'unassigned, just below the ircu range'],
    [9042, 'unassigned, though Cassandra uses it'],
    [25565, 'unassigned, though Minecraft uses it'],
    [49151, 'reserved, last registered port'],
    [49152, 'first dynamic port'],
    [57573, 'dynamic'],
    [65535, 'last port'],
    [-1, 'not a port'],
    [65536, 'not a port'],
    [80.5, 'not an integer'],
    [Number.NaN, 'not a number'],
  ])('port %d has no name (%s)', (port) => {
    expect(ianaServiceName(port)).toBeUndefined();
  });

  it('holds a few hundred ports, every name well-formed per RFC 6335', () => {
    const named: Array<[number, string]> = [];
    for (let port = 0; port <= 65535; port++) {
      const name = ianaServiceName(port);
      if (name !== undefined) named.push([port, name]);
    }
    expect(named.length).toBeGreaterThanOrEqual(150);
    expect(named.length).toBeLessThanOrEqual(400);
    const malformed = named.filter(
      ([, name]) => !SERVICE_NAME_SYNTAX.test(name) || name.length > MAX_SERVICE_NAME_CHARS,
    );
    expect(malformed).toEqual([]);
  });
});
