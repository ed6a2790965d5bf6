import { connect } from 'node:net';

/** Status, headers and body of a raw HTTP/1.1 exchange. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  raw: string;
}

/**
 * Sends `request` bytes exactly as given (no client normalises the path) and reads until the
 * server closes or `timeoutMs` passes. For traversal and malformed-request tests.
 */
export function rawRequest(
  port: number,
  request: string,
  host = '127.0.0.1',
  timeoutMs = 3_000,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let data = '';
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      data += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      const [head = '', ...rest] = data.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({
        status: Number(statusLine.split(' ')[1] ?? 0),
        headers,
        body: rest.join('\r\n\r\n'),
        raw: data,
      });
    });
    socket.write(request);
  });
}

/** A GET for `path` with `Connection: close`, byte for byte. */
export function rawGet(
  port: number,
  path: string,
  host = `127.0.0.1:${port}`,
): Promise<RawResponse> {
  return rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
}
