import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { probe } from '../../src/probes/probe.js';
import { listen } from '../helpers/servers.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url));
const key = fixture('localhost.key');
const cert = fixture('localhost.crt');
const expiredCert = fixture('expired.crt');

/** A Node https server with a test certificate; records the SNI name of each request. */
async function serveHttps(certificate = cert, host = '127.0.0.1') {
  const servernames: (string | false | null)[] = [];
  const server = createHttpsServer({ key, cert: certificate }, (request, response) => {
    servernames.push((request.socket as TLSSocket).servername);
    response.writeHead(200, { 'Content-Type': 'text/plain' }).end('secure');
  });
  return { port: await listen(server, host), servernames };
}

async function servePlainHttp(): Promise<number> {
  return listen(createHttpServer((_request, response) => response.end('plain')));
}

describe('https probe', () => {
  it('is ready on a self-signed dev certificate and reports why it is not trusted', async () => {
    const { port, servernames } = await serveHttps();
    const result = await probe(`https://localhost:${port}/`);
    expect(result.status).toBe('ready');
    expect(result.details).toMatchObject({
      status: 200,
      tls: {
        authorized: false,
        authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT',
        trustProblem: 'self-signed',
        subject: 'localhost',
        subjectAltNames: ['DNS:localhost', 'IP:127.0.0.1', 'IP:0:0:0:0:0:0:0:1'],
        alpn: 'http/1.1',
        nameMatches: true,
        selfSigned: true,
      },
    });
    expect(result.summary).toMatch(
      /^HTTP 200 OK over TLSv1\.[23]; certificate not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)$/,
    );
    expect(servernames).toEqual(['localhost']);
  });

  it('sends no SNI for an IP literal', async () => {
    const { port, servernames } = await serveHttps();
    const result = await probe(`https://127.0.0.1:${port}/`);
    expect(result.status).toBe('ready');
    expect(servernames).toEqual([false]);
  });

  it('says tls-expected, use http://, against a plain HTTP server', async () => {
    const port = await servePlainHttp();
    const result = await probe(`https://127.0.0.1:${port}/`);
    expect(result).toMatchObject({
      status: 'not-ready',
      problem: 'tls-expected',
      details: { service: 'http' },
    });
    expect(result.summary).toContain('speaks plain HTTP, not TLS; use http://');
  });

  it('is tls-error on an expired certificate', async () => {
    const { port } = await serveHttps(expiredCert);
    const result = await probe(`https://127.0.0.1:${port}/`);
    expect(result).toMatchObject({
      status: 'not-ready',
      problem: 'tls-error',
      details: { tls: { certificateProblem: 'expired', authorizationError: 'CERT_HAS_EXPIRED' } },
    });
  });
});

describe('http probe against TLS servers', () => {
  it("records closed-before-data with a TLS hint: Node's https server closes on plaintext", async () => {
    const { port } = await serveHttps();
    const result = await probe(`http://127.0.0.1:${port}/`);
    expect(result.status).toBe('not-ready');
    expect(result.attempts[0]!.outcome).toBe('closed-before-data');
    expect(result.details).toEqual({ maybeTls: true });
    expect(result.summary).toContain('try https://');
  });

  it('says plaintext-expected when the server answers with a TLS alert record', async () => {
    // What a TLS server that alerts on garbage sends: alert, TLS 1.2, length 2, fatal, protocol_version.
    const port = await listen(
      createNetServer((socket) =>
        socket.once('data', () =>
          socket.end(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46])),
        ),
      ),
    );
    const result = await probe(`http://127.0.0.1:${port}/`);
    expect(result).toMatchObject({
      status: 'not-ready',
      problem: 'plaintext-expected',
      details: { service: 'tls' },
    });
    expect(result.summary).toContain('speaks TLS; use https://');
  });

  it("says plaintext-expected on nginx's 400 for plain HTTP on an HTTPS port", async () => {
    const server = createHttpServer((_request, response) =>
      response
        .writeHead(400)
        .end('<html><center>The plain HTTP request was sent to HTTPS port</center></html>'),
    );
    const result = await probe(`http://127.0.0.1:${await listen(server)}/`);
    expect(result).toMatchObject({ problem: 'plaintext-expected', details: { status: 400 } });
  });
});

describe('tls probe', () => {
  it('is ready after the handshake and reports the certificate', async () => {
    const { port } = await serveHttps();
    const result = await probe(`tls://localhost:${port}`);
    expect(result.status).toBe('ready');
    expect(result.details).toMatchObject({
      protocol: 'TLSv1.3',
      alpn: 'http/1.1',
      authorized: false,
      authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      subject: 'localhost',
      issuer: 'localhost',
      nameMatches: true,
      validTo: '2126-11-02T11:07:23.000Z',
    });
    expect(result.details!.expiresInDays).toBeGreaterThan(36_000);
    expect(result.details!.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(result.summary).toMatch(
      /^TLSv1\.3 handshake on port \d+: certificate for localhost \(not trusted: DEPTH_ZERO_SELF_SIGNED_CERT, expires in \d+ days\)$/,
    );
  });

  it('handshakes on [::1], where the certificate names the IP', async () => {
    const { port } = await serveHttps(cert, '::1');
    const result = await probe(`tls://[::1]:${port}`);
    expect(result).toMatchObject({
      status: 'ready',
      address: '::1',
      details: { nameMatches: true },
    });
  });

  it('is not ready on an expired certificate (tls-error)', async () => {
    const { port } = await serveHttps(expiredCert);
    const result = await probe(`tls://127.0.0.1:${port}`);
    expect(result).toMatchObject({
      status: 'not-ready',
      problem: 'tls-error',
      details: {
        certificateProblem: 'expired',
        subject: 'expired.localhost',
        validTo: '2001-01-01T00:00:00.000Z',
      },
    });
    expect(result.details!.expiresInDays).toBeLessThan(-9_000);
  });

  it('says tls-expected against a plain HTTP server', async () => {
    const port = await servePlainHttp();
    const result = await probe(`tls://127.0.0.1:${port}`);
    expect(result).toMatchObject({
      problem: 'tls-expected',
      details: { service: 'http', tlsErrorCode: 'ERR_SSL_WRONG_VERSION_NUMBER' },
    });
    expect(result.summary).toContain('use http://');
  });

  it('says tls-expected against a TCP echo server', async () => {
    const port = await listen(createNetServer((socket) => socket.pipe(socket)));
    const result = await probe(`tls://127.0.0.1:${port}`);
    expect(result).toMatchObject({ status: 'not-ready', problem: 'tls-expected' });
    expect(result.summary).toContain('sent our TLS ClientHello back');
  });

  it('records closed-before-data when the server closes during the handshake', async () => {
    const port = await listen(createNetServer((socket) => socket.once('data', () => socket.end())));
    const result = await probe(`tls://127.0.0.1:${port}`);
    expect(result.status).toBe('not-ready');
    expect(result.attempts[0]!.outcome).toBe('closed-before-data');
  });

  it('records reset-after-connect when the server resets the handshake', async () => {
    const port = await listen(
      createNetServer((socket) => socket.once('data', () => socket.resetAndDestroy())),
    );
    const result = await probe(`tls://127.0.0.1:${port}`);
    expect(result.attempts[0]!.outcome).toBe('reset-after-connect');
  });

  it('says no-response when the server never answers the ClientHello', async () => {
    const port = await listen(createNetServer(() => {}));
    const result = await probe(`tls://127.0.0.1:${port}`, { timeoutMs: 300 });
    expect(result).toMatchObject({ status: 'not-ready', problem: 'no-response' });
  });
});
