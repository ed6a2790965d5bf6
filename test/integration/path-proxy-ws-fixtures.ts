import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { onTestFinished } from 'vitest';
import { listen } from '../helpers/servers.js';

/**
 * Just enough RFC 6455 for the proxy tests: text and close frames with payloads under 64 KiB.
 * Node 20 has no WebSocket client, and hand-written frames keep the handshake in view.
 */

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** One decoded frame. */
export interface Frame {
  opcode: number;
  text: string;
}

/** Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 §4.2.2). */
export function acceptKey(key: string): string {
  return createHash('sha1').update(`${key}${WS_GUID}`).digest('base64');
}

/** A final frame; clients must mask, servers must not (RFC 6455 §5.1). */
export function encodeFrame(text: string, masked: boolean, opcode = 0x1): Buffer {
  const payload = Buffer.from(text);
  const length =
    payload.length < 126 ? [payload.length] : [126, payload.length >> 8, payload.length & 0xff];
  const header = Buffer.from([0x80 | opcode, (masked ? 0x80 : 0) | length[0]!, ...length.slice(1)]);
  if (!masked) return Buffer.concat([header, payload]);
  const mask = randomBytes(4);
  return Buffer.concat([header, mask, payload.map((byte, i) => byte ^ mask[i % 4]!)]);
}

/** Reads whole frames off the front of `buffer`; returns them and what is left. */
export function decodeFrames(buffer: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  let offset = 0;
  while (buffer.length - offset >= 2) {
    const opcode = buffer[offset]! & 0x0f;
    const masked = (buffer[offset + 1]! & 0x80) !== 0;
    let length = buffer[offset + 1]! & 0x7f;
    let at = offset + 2;
    if (length === 126) {
      if (buffer.length < at + 2) break;
      length = buffer.readUInt16BE(at);
      at += 2;
    }
    const mask = masked ? buffer.subarray(at, at + 4) : undefined;
    if (masked) at += 4;
    if (buffer.length < at + length) break;
    const payload = Buffer.from(buffer.subarray(at, at + length));
    if (mask) for (let i = 0; i < payload.length; i += 1) payload[i]! ^= mask[i % 4]!;
    frames.push({ opcode, text: payload.toString() });
    offset = at + length;
  }
  return { frames, rest: buffer.subarray(offset) };
}

/**
 * A WebSocket echo backend: answers each text frame with `echo:<text>`, a close frame with a
 * close frame and the end of the connection, the peer's end with its own. Records each handshake request; `sockets` holds
 * the open server-side sockets.
 */
export async function startWsBackend(
  options: { host?: string; tls?: { key: Buffer; cert: Buffer } } = {},
) {
  const handshakes: IncomingMessage[] = [];
  const sockets = new Set<Duplex>();
  const server: Server = options.tls ? createHttpsServer(options.tls) : createServer();
  server.on('request', (_req, res) => res.writeHead(426).end('upgrade required'));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    handshakes.push(req);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.on('end', () => socket.end()); // as ws does: the peer's FIN ends the connection
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${acceptKey(String(req.headers['sec-websocket-key']))}\r\n\r\n`,
    );
    let pending: Buffer = Buffer.alloc(0);
    const read = (chunk: Buffer) => {
      const { frames, rest } = decodeFrames(Buffer.concat([pending, chunk]));
      pending = rest;
      for (const frame of frames) {
        if (frame.opcode === 0x8) socket.end(encodeFrame('', false, 0x8));
        else socket.write(encodeFrame(`echo:${frame.text}`, false));
      }
    };
    read(head);
    socket.on('data', read);
  });
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, host);
  return { port, handshakes, sockets };
}

/** A raw client connection that sent an Upgrade request. */
export interface RawUpgrade {
  socket: Socket;
  /** Status code of the response to the handshake. */
  status: number;
  /** The response head, status line and headers, as text. */
  head: string;
  /** The Sec-WebSocket-Key sent. */
  key: string;
  /** The next frame from the server. */
  nextFrame(): Promise<Frame>;
  /** Sends a masked text (or other opcode) frame. */
  send(text: string, opcode?: number): void;
  /** Resolves with whatever followed the head but was not a frame, once the socket closes. */
  closed: Promise<string>;
}

/**
 * Opens a connection to `port`, sends a WebSocket handshake for `path` with `host` (default
 * `127.0.0.1:<port>`) and `early` frames in the same write (so they reach the proxy as the
 * upgrade's `head`), and resolves once the response head has arrived. Destroyed when the test
 * ends.
 */
export function openUpgrade(
  port: number,
  path: string,
  options: { host?: string; headers?: string[]; early?: string[] } = {},
): Promise<RawUpgrade> {
  const socket = connect({ host: '127.0.0.1', port });
  onTestFinished(() => {
    socket.destroy();
  });
  socket.on('error', () => {});
  const key = randomBytes(16).toString('base64');
  const lines = [
    `GET ${path} HTTP/1.1`,
    `Host: ${options.host ?? `127.0.0.1:${port}`}`,
    'Connection: keep-alive, Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    `Sec-WebSocket-Key: ${key}`,
  ];
  const extra = options.headers ?? [];
  for (let i = 0; i + 1 < extra.length; i += 2) lines.push(`${extra[i]}: ${extra[i + 1]}`);
  const early = (options.early ?? []).map((text) => encodeFrame(text, true));
  socket.write(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), ...early]));

  let buffer: Buffer = Buffer.alloc(0);
  let head: string | undefined;
  let upgraded = false;
  const frames: Frame[] = [];
  const waiters: ((frame: Frame) => void)[] = [];
  const flush = () => {
    while (frames.length > 0 && waiters.length > 0) waiters.shift()!(frames.shift()!);
  };
  return new Promise((resolve, reject) => {
    const closed = new Promise<string>((resolveClosed) =>
      socket.once('close', () => resolveClosed(buffer.toString())),
    );
    socket.once('close', () => {
      if (head === undefined) reject(new Error(`closed before a response: ${buffer.toString()}`));
    });
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (head === undefined) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        head = buffer.subarray(0, end).toString();
        buffer = buffer.subarray(end + 4);
        const status = Number(head.split(' ')[1]);
        upgraded = status === 101;
        resolve({
          socket,
          status,
          head,
          key,
          nextFrame: () =>
            new Promise((resolveFrame) => {
              waiters.push(resolveFrame);
              flush();
            }),
          send: (text, opcode = 0x1) => socket.write(encodeFrame(text, true, opcode)),
          closed,
        });
      }
      if (!upgraded) return; // an error response: its body stays in `buffer` for `closed`
      const { frames: decoded, rest } = decodeFrames(buffer);
      buffer = rest;
      frames.push(...decoded);
      flush();
    });
  });
}
