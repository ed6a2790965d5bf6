// The Node floor: a bare node:http server that answers every GET with a file read into
// memory at start-up, `res.end(buffer)` and nothing else (no stat, no ETag, no Host check).
// Usage: node floor-server.mjs <dir> <port>; listens on 127.0.0.1, exits on SIGTERM.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const [dir, port] = process.argv.slice(2);
const TYPES = { '.txt': 'text/plain; charset=utf-8', '.bin': 'application/octet-stream' };
const files = new Map(
  readdirSync(dir).map((name) => [
    `/${name}`,
    {
      body: readFileSync(join(dir, name)),
      type: TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream',
    },
  ]),
);

const server = createServer((req, res) => {
  const file = files.get(req.url);
  if (!file) {
    res.writeHead(404, { 'Content-Length': 0 });
    return res.end();
  }
  res.writeHead(200, { 'Content-Type': file.type, 'Content-Length': file.body.length });
  res.end(file.body);
});
server.listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
