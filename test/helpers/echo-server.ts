import { createServer, type IncomingHttpHeaders } from 'node:http';
import { listen } from './servers.js';

/** What an echo server saw of one request. */
export interface EchoedRequest {
  method: string;
  url: string;
  rawHeaders: string[];
  headers: IncomingHttpHeaders;
  body: string;
  remoteAddress: string | undefined;
  /** Which of the server's connections carried it (0, 1, …). */
  connection: number;
}

/** The answer's status line and raw headers; the body is always the request as JSON. */
export interface EchoAnswer {
  status: number;
  message?: string;
  headers: string[];
}

/**
 * A node:http server on `host` answering every request with JSON of what it saw (after the
 * whole body), recording each one; `answer` picks the status and headers (default 200 JSON).
 * Closed, with its connections, when the test ends.
 */
export async function startEchoServer(
  host = '127.0.0.1',
  answer: (seen: EchoedRequest) => EchoAnswer = () => ({
    status: 200,
    headers: ['Content-Type', 'application/json'],
  }),
) {
  const seen: EchoedRequest[] = [];
  let connections = 0;
  const ids = new WeakMap<object, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry: EchoedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        rawHeaders: req.rawHeaders,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        remoteAddress: req.socket.remoteAddress,
        connection: ids.get(req.socket) ?? -1,
      };
      seen.push(entry);
      const { status, message, headers } = answer(entry);
      if (message === undefined) res.writeHead(status, headers);
      else res.writeHead(status, message, headers);
      res.end(JSON.stringify(entry));
    });
  });
  server.on('connection', (socket) => ids.set(socket, connections++));
  const port = await listen(server, host);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return { port, seen, server, url, connections: () => connections };
}
