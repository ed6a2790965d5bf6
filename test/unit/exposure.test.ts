import { describe, expect, it } from 'vitest';
import {
  classifyExposure,
  formatExposure,
  isLoopbackAddress,
  isWildcardAddress,
} from '../../src/net/exposure.js';
import type { ExposureKind } from '../../src/sockets/model.js';

describe('classifyExposure', () => {
  it.each<[string, ExposureKind]>([
    ['127.0.0.1', 'loopback'],
    ['127.0.0.2', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:127.0.0.53', 'loopback'],
    ['0.0.0.0', 'all-interfaces'],
    ['::', 'all-interfaces'],
    ['*', 'all-interfaces'],
    ['::ffff:0.0.0.0', 'all-interfaces'],
    ['192.168.1.20', 'interface'],
    ['10.0.0.5', 'interface'],
    ['fe80::1', 'interface'],
    ['fe80::1%lo0', 'interface'],
    ['fd00::2', 'interface'],
    ['::ffff:192.168.1.20', 'interface'],
    ['128.0.0.1', 'interface'],
    ['1.127.0.0', 'interface'],
    // Non-canonical spellings a library caller may pass.
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['0::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::FFFF:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:0:0:0', 'all-interfaces'],
    ['::0', 'all-interfaces'],
  ])('%s → %s', (address, kind) => {
    expect(classifyExposure(address)).toBe(kind);
  });
});

describe('isLoopbackAddress and isWildcardAddress', () => {
  it.each([
    ['127.0.0.1', true, false],
    ['::1', true, false],
    ['0.0.0.0', false, true],
    ['::', false, true],
    ['192.168.1.20', false, false],
    ['localhost', false, false],
    ['', false, false],
  ])('%s: loopback %s, wildcard %s', (address, loopback, wildcard) => {
    expect(isLoopbackAddress(address)).toBe(loopback);
    expect(isWildcardAddress(address)).toBe(wildcard);
  });
});

describe('formatExposure', () => {
  it.each<[ExposureKind, string, string]>([
    ['loopback', '127.0.0.1', 'loopback'],
    ['all-interfaces', '::', 'all-interfaces'],
    ['interface', '192.168.1.20', 'interface 192.168.1.20'],
    ['interface', 'fe80::1', 'interface fe80::1'],
  ])('%s %s → %s', (kind, address, text) => {
    expect(formatExposure(kind, address)).toBe(text);
  });
});
