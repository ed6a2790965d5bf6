// Plain HTTP/1.1 GETs for the serve bench: readiness polling, and a check that every server
// sends the same bytes, uncompressed, before it is measured.
import { request } from 'node:http';

/** How long a server may take from spawn to its first answer, in ms. */
export const READY_TIMEOUT_MS = 15_000;
/** Pause between readiness polls, in ms. */
const POLL_INTERVAL_MS = 50;

/**
 * One GET with no Accept-Encoding (as wrk sends) and any extra `headers` (e.g. a Host):
 * resolves with status, headers and body length, or `{ error }` — a refused connection is an
 * answer here, not an exception.
 */
export function httpGet(url, timeoutMs = 2_000, headers = {}) {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: timeoutMs, headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk) => {
        bytes += chunk.length;
      });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, bytes }));
      res.on('error', (error) => resolve({ error: error.code ?? error.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) => resolve({ error: error.code ?? error.message }));
    req.end();
  });
}

/**
 * Polls `url` (with `headers`) until it answers 200. Rejects when `exited()` says the server
 * died, or after `timeoutMs`, naming the last answer.
 */
export async function waitUntilServing(url, exited, timeoutMs = READY_TIMEOUT_MS, headers = {}) {
  const deadline = performance.now() + timeoutMs;
  let last;
  for (;;) {
    last = await httpGet(url, undefined, headers);
    if (last.status === 200) return;
    const gone = exited();
    if (gone) throw new Error(`the server exited before it answered (${gone})`);
    if (performance.now() > deadline)
      throw new Error(`no 200 from ${url} within ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS));
  }
}

/**
 * Problems with what `base` serves for `files` (status, length, compression), asked with
 * `headers`; [] when right.
 */
export async function checkServedFiles(base, files, headers = {}) {
  const problems = [];
  for (const file of files) {
    const res = await httpGet(`${base}/${file.name}`, undefined, headers);
    if (res.error) problems.push(`${file.name}: ${res.error}`);
    else if (res.status !== 200) problems.push(`${file.name}: status ${res.status}`);
    else if (res.bytes !== file.size)
      problems.push(`${file.name}: ${res.bytes} bytes, expected ${file.size}`);
    else if (res.headers['content-encoding'])
      problems.push(`${file.name}: compressed (${res.headers['content-encoding']})`);
  }
  return problems;
}
