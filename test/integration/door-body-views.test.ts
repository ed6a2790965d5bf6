/**
 * Content-Length bodies travel through the door as views of each upstream connection's read
 * buffer. These tests pin down the contract that makes that safe: a view the exchange still
 * holds is never overwritten by the next read, and every byte reaches the right client intact
 * under concurrency, slow readers and bodies split over many reads.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Agent, createServer, request } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import {
  type ConnectionOwner,
  type FailureContext,
  READ_BUFFER_BYTES,
  UpstreamConnection,
  type UpstreamError,
  type UpstreamExchange,
} from '../../src/door/upstream-connection.js';
import { aliasRoute, get, scriptedUpstream, startTestDoor } from '../fixtures/door/door-harness.js';
import { listen } from '../helpers/servers.js';

/** `size` bytes that differ with `seed` and along the body (so an overwrite shows). */
function pattern(seed: number, size: number): Buffer {
  const bytes = Buffer.allocUnsafe(size);
  let state = seed * 2654435761 + 1;
  for (let i = 0; i < size; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** An upstream answering `/<seed>/<size>` with pattern(seed, size) and a Content-Length. */
async function patternUpstream() {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.url ?? '');
    const [, seed, size] = (req.url ?? '').split('/');
    const body = pattern(Number(seed), Number(size));
    res.writeHead(200, {
      'Content-Length': body.length,
      'Content-Type': 'application/octet-stream',
    });
    res.end(body);
  });
  return { port: await listen(server), seen };
}

/** An exchange that keeps every view it is given, as a queued client write would. */
class KeepingExchange implements UpstreamExchange {
  readonly headRequest = false;
  readonly upgradeRequest = false;
  readonly views: Buffer[] = [];
  lastSeen = 0;
  ended = false;
  error: UpstreamError | undefined;
  readonly done: Promise<void>;
  private resolve!: () => void;

  constructor(private readonly answer: boolean) {
    this.done = new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  onResponseHead(): void {}
  onResponseBody(chunk: Buffer): void {
    this.views.push(chunk);
  }
  onResponseView(view: Buffer, last: boolean): boolean {
    this.views.push(view);
    if (last) {
      this.lastSeen += 1;
      this.resolve();
    }
    return this.answer;
  }
  onReadEnd(): void {}
  onResponseEnd(): void {
    this.ended = true;
    this.resolve();
  }
  onUpstreamError(error: UpstreamError, _context: FailureContext): void {
    this.error = error;
    this.resolve();
  }
  onUpgrade(): void {}
}

describe('front door: Content-Length bodies as views of the read buffer', () => {
  it('a view the exchange still holds is not overwritten by the next response on the connection', async () => {
    const { port } = await patternUpstream();
    const released: UpstreamConnection[] = [];
    const owner: ConnectionOwner = {
      release: (connection) => released.push(connection),
      forget: () => {},
    };
    const connection = new UpstreamConnection({ address: '127.0.0.1', port }, owner, 0);
    onTestFinished(() => {
      connection.socket.destroy();
    });
    const size = 300 * 1024; // more than one read buffer
    const first = new KeepingExchange(true);
    connection.begin(first, 5_000);
    connection.write(`GET /1/${size} HTTP/1.1\r\nHost: up\r\n\r\n`);
    connection.endRequest();
    await first.done;
    expect(released).toEqual([connection]);

    const second = new KeepingExchange(true);
    connection.begin(second, 5_000);
    connection.write(`GET /2/${size} HTTP/1.1\r\nHost: up\r\n\r\n`);
    connection.endRequest();
    await second.done;

    // Both bodies are whole: the first one's views kept their bytes while the second was read.
    expect(first.error).toBeUndefined();
    expect(first.lastSeen).toBe(1);
    expect(first.ended).toBe(false); // the last view ends the response, not onResponseEnd
    expect(sha(Buffer.concat(first.views))).toBe(sha(pattern(1, size)));
    expect(sha(Buffer.concat(second.views))).toBe(sha(pattern(2, size)));
    expect(released).toEqual([connection, connection]);
  });

  it('a view given back is reused for the next read (one buffer per connection)', async () => {
    const { port } = await patternUpstream();
    const owner: ConnectionOwner = { release: () => {}, forget: () => {} };
    const connection = new UpstreamConnection({ address: '127.0.0.1', port }, owner, 0);
    onTestFinished(() => {
      connection.socket.destroy();
    });
    const buffers = new Set<ArrayBufferLike>();
    for (const seed of [3, 4, 5]) {
      const exchange = new KeepingExchange(false);
      connection.begin(exchange, 5_000);
      connection.write(`GET /${seed}/50000 HTTP/1.1\r\nHost: up\r\n\r\n`);
      connection.endRequest();
      await exchange.done;
      // Which ArrayBuffer each view lay in: the views themselves were only valid during the call.
      for (const view of exchange.views) buffers.add(view.buffer);
    }
    expect(buffers.size).toBe(1);
  });

  it('every client gets its own bytes: concurrency, slow readers, bodies of every size', async () => {
    const { port } = await patternUpstream();
    const door = await startTestDoor({ routeList: [aliasRoute('api', port)] });
    const agent = new Agent({ keepAlive: true, maxSockets: 6 });
    onTestFinished(() => agent.destroy());
    const sizes = [1, 700, 16_384, 65_536, 65_537, 131_072, 200_000, 1_048_576];
    const jobs = Array.from({ length: 48 }, (_, i) => ({
      seed: 100 + i,
      size: sizes[i % sizes.length]!,
    }));
    const bodies = await Promise.all(
      jobs.map(({ seed, size }) =>
        slowGet(door.port, `/${seed}/${size}`, agent, seed % 3 === 0 ? 5 : 0),
      ),
    );
    bodies.forEach((body, i) => {
      expect(body.length, `job ${i}`).toBe(jobs[i]!.size);
      expect(sha(body), `job ${i}`).toBe(sha(pattern(jobs[i]!.seed, jobs[i]!.size)));
    });
  });

  it('a client that reads nothing for a while still gets its whole body while others are served', async () => {
    const { port, seen } = await patternUpstream();
    const door = await startTestDoor({ routeList: [aliasRoute('api', port)] });
    const size = 24 * 1024 * 1024; // more than the loopback socket buffers hold
    const socket = connect({ host: '127.0.0.1', port: door.port });
    onTestFinished(() => {
      socket.destroy();
    });
    socket.pause();
    socket.write(`GET /7/${size} HTTP/1.1\r\nHost: api.localhost\r\nConnection: close\r\n\r\n`);
    await vi.waitFor(() => expect(seen).toContain(`/7/${size}`), { timeout: 3_000, interval: 10 });
    // Meanwhile other clients go through the same pool.
    for (let i = 0; i < 5; i++) {
      const reply = await get(door.port, `/${20 + i}/100000`);
      expect(reply.complete).toBe(true);
    }
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.resume();
    await once(socket, 'close');
    const raw = Buffer.concat(chunks);
    const body = raw.subarray(raw.indexOf('\r\n\r\n') + 4);
    expect(body.length).toBe(size);
    expect(sha(body)).toBe(sha(pattern(7, size)));
  });

  it('a pipelined response waiting behind a slow one keeps its bytes while its connection serves others', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.url ?? '');
      const [, seed, size] = (req.url ?? '').split('/');
      const body = seed === 'slow' ? Buffer.from('slow') : pattern(Number(seed), Number(size));
      const send = () => {
        res.writeHead(200, { 'Content-Length': body.length });
        res.end(body);
      };
      if (seed === 'slow') setTimeout(send, 300);
      else send();
    });
    const port = await listen(server);
    const door = await startTestDoor({ routeList: [aliasRoute('api', port)] });
    // The second answer is ready first but must wait in the door until the first is sent.
    const client = pipelined(door.port, ['/slow/0', '/11/100000']);
    await vi.waitFor(() => expect(seen).toContain('/11/100000'), { timeout: 3_000, interval: 10 });
    for (let i = 0; i < 4; i++)
      expect((await get(door.port, `/${30 + i}/100000`)).complete).toBe(true);
    const secondBody = () => {
      const raw = client.received();
      return raw.subarray(raw.lastIndexOf('\r\n\r\n') + 4);
    };
    await vi.waitFor(() => expect(secondBody().length).toBe(100_000), {
      timeout: 3_000,
      interval: 20,
    });
    expect(client.received().subarray(0, 15).toString()).toBe('HTTP/1.1 200 OK');
    expect(sha(secondBody())).toBe(sha(pattern(11, 100_000)));
  });

  it('bytes past Content-Length do not cost a finished response that is still queued', async () => {
    // Some servers send a stray CRLF after a body. The pipelined second answer is ready first
    // and waits in the door; the spoiled upstream connection must not take it down with it.
    const body = pattern(12, 16_384);
    const upstream = await scriptedUpstream((socket) => {
      socket.once('data', (chunk: Buffer) => {
        if (chunk.toString('latin1').startsWith('GET /slow')) {
          setTimeout(() => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nslow'), 300);
        } else {
          const head = `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`;
          socket.write(Buffer.concat([Buffer.from(head), body, Buffer.from('\r\n')]));
        }
      });
    });
    const door = await startTestDoor({ routeList: [aliasRoute('api', upstream.port)] });
    const client = pipelined(door.port, ['/slow', '/fast']);
    await vi.waitFor(() => expect(client.received().length).toBeGreaterThan(body.length), {
      timeout: 3_000,
      interval: 20,
    });
    const raw = client.received();
    const second = raw.subarray(raw.lastIndexOf('\r\n\r\n') + 4);
    expect(raw.toString('latin1').split('HTTP/1.1 200').length).toBe(3);
    expect(sha(second)).toBe(sha(body));
    expect(client.socket.destroyed).toBe(false);
  });

  it('a large body to a client that keeps up is read into the same buffer, not a new one per read', async () => {
    const { port } = await patternUpstream();
    const door = await startTestDoor({ routeList: [aliasRoute('api', port)] });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    onTestFinished(() => agent.destroy());
    await slowGet(door.port, '/40/1000', agent, 0); // the upstream connection exists now
    const original = Buffer.allocUnsafe;
    let readBuffers = 0;
    Buffer.allocUnsafe = ((size: number) => {
      if (size === READ_BUFFER_BYTES) readBuffers++;
      return original(size);
    }) as typeof Buffer.allocUnsafe;
    try {
      for (let i = 0; i < 5; i++) {
        const body = await slowGet(door.port, `/${41 + i}/1048576`, agent, 0);
        expect(body.length).toBe(1_048_576);
      }
    } finally {
      Buffer.allocUnsafe = original;
    }
    // 5 MiB arrive in at least 40 reads of 128 KiB; a new buffer per read would be 40 or more.
    expect(readBuffers).toBeLessThan(10);
  });

  it('a body dribbled over many reads, and bytes past its end in a later read', async () => {
    const body = pattern(9, 40_000);
    let firstClosed = false;
    const upstream = await scriptedUpstream((socket, index) => {
      if (index === 0) socket.once('close', () => (firstClosed = true));
      socket.once('data', async () => {
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`);
        for (let at = 0; at < body.length; at += 7_000) {
          socket.write(body.subarray(at, at + 7_000));
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        if (index === 0) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil');
      });
    });
    const door = await startTestDoor({ routeList: [aliasRoute('api', upstream.port)] });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    onTestFinished(() => agent.destroy());
    const first = await slowGet(door.port, '/a', agent, 0);
    expect(sha(first)).toBe(sha(body));
    // The stray bytes spoil the first connection: the door closes it.
    await vi.waitFor(() => expect(firstClosed).toBe(true), { timeout: 3_000, interval: 10 });
    const second = await slowGet(door.port, '/b', agent, 0);
    expect(sha(second)).toBe(sha(body));
    expect(upstream.connections()).toBe(2); // the first connection was not reused
  });
});

/** A raw client that sends GETs for `paths` in one write (pipelined) and keeps every byte back. */
function pipelined(port: number, paths: readonly string[]) {
  const socket = connect({ host: '127.0.0.1', port });
  onTestFinished(() => {
    socket.destroy();
  });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.write(paths.map((path) => `GET ${path} HTTP/1.1\r\nHost: api.localhost\r\n\r\n`).join(''));
  return { socket, received: () => Buffer.concat(chunks) };
}

/** GET through the door; `pauseMs` > 0 pauses the reader that long after every chunk. */
function slowGet(port: number, path: string, agent: Agent, pauseMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const req = request({
      host: '127.0.0.1',
      port,
      path,
      agent,
      headers: { Host: `api.localhost:${port}` },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        if (pauseMs > 0) {
          res.pause();
          setTimeout(() => res.resume(), pauseMs);
        }
      });
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', reject);
    });
    req.end();
  });
}
