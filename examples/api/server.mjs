// The demo's JSON API: greetings stored in PostgreSQL. No framework, just node:http and pg.
//   GET  /health          200 once PostgreSQL answers `select 1`, else 503
//   GET  /api/greetings   every greeting, oldest first
//   POST /api/greetings   {"text": "..."} → 201 with the new row; 400 on bad input
// portier gives it HOST, PORT and DATABASE_URL; it also runs on its own with those set.
import { createServer } from 'node:http';
import pg from 'pg';

const HOST = process.env.HOST || '127.0.0.1';
const PORT = Number(process.env.PORT || 3000);
/** Longest accepted request body, in bytes. */
const MAX_BODY_BYTES = 16 * 1024;
/** Longest greeting, in characters (the table's check constraint agrees). */
const MAX_TEXT_CHARS = 200;

if (!process.env.DATABASE_URL) {
  console.error('api: DATABASE_URL is not set (portier sets it for services depending on db).');
  process.exit(1);
}

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 5 });
// An idle client losing its connection (PostgreSQL restarted) must not crash the API.
pool.on('error', (error) => console.error(`api: idle database connection lost: ${error.message}`));

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function send(res, status, body, headers = {}) {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(json);
}

async function readJson(req) {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/json'))
    throw new HttpError(415, 'Send the greeting as JSON (content-type: application/json).');
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new HttpError(413, `The body is over ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'The body is not valid JSON.');
  }
}

/** The greeting text of a POST body, trimmed; throws 400 with the reason. */
function validateGreeting(body) {
  const text = body?.text;
  if (typeof text !== 'string') throw new HttpError(400, 'Give the greeting as {"text": "..."}.');
  const trimmed = text.trim();
  if (trimmed === '') throw new HttpError(400, 'The greeting is empty.');
  if ([...trimmed].length > MAX_TEXT_CHARS)
    throw new HttpError(400, `The greeting is longer than ${MAX_TEXT_CHARS} characters.`);
  return trimmed;
}

const routes = {
  '/health': {
    GET: async (_req, res) => {
      try {
        await pool.query('select 1');
        send(res, 200, { ok: true });
      } catch (error) {
        send(res, 503, { ok: false, error: `database: ${error.message}` });
      }
    },
  },
  '/api/greetings': {
    GET: async (_req, res) => {
      const { rows } = await pool.query(
        'select id, text, created_at as "createdAt" from greetings order by id',
      );
      send(res, 200, rows);
    },
    POST: async (req, res) => {
      const text = validateGreeting(await readJson(req));
      const { rows } = await pool.query(
        'insert into greetings (text) values ($1) returning id, text, created_at as "createdAt"',
        [text],
      );
      send(res, 201, rows[0]);
    },
  },
};

const server = createServer(async (req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const route = routes[path];
  const handler = route?.[req.method ?? 'GET'];
  try {
    if (!route) throw new HttpError(404, `No route for ${path}.`);
    if (!handler) {
      send(
        res,
        405,
        { error: `${req.method} is not allowed here.` },
        { allow: Object.keys(route).join(', ') },
      );
      return;
    }
    await handler(req, res);
  } catch (error) {
    if (error instanceof HttpError) send(res, error.status, { error: error.message });
    else {
      console.error(`api: ${req.method} ${path} failed: ${error.stack ?? error}`);
      send(res, 500, { error: 'The server failed; see its log.' });
    }
  }
});

server.listen(PORT, HOST, () => {
  const { port } = server.address();
  console.log(`api: listening on http://${HOST.includes(':') ? `[${HOST}]` : HOST}:${port}`);
});

let stopping = false;
function shutDown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`api: ${signal}, closing`);
  // Finish requests in flight, drop idle keep-alive connections, then release the pool.
  server.close(() => pool.end().finally(() => process.exit(0)));
  server.closeIdleConnections();
}
process.on('SIGTERM', () => shutDown('SIGTERM'));
process.on('SIGINT', () => shutDown('SIGINT'));
