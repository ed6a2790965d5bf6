// wrk, the load generator of the serve bench: the command line, and its `--latency` report
// read into numbers.
import { runTracked } from '../children.mjs';

/** wrk threads: one per core of the 2-core reference VM; the server shares the same cores. */
export const WRK_THREADS = 2;

const UNIT_MS = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `381.00us` / `0.90ms` / `1.02s` → ms; undefined when not a wrk duration. */
export function parseWrkDuration(text) {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  return match ? Number(match[1]) * UNIT_MS[match[2]] : undefined;
}

/**
 * Reads the report of `wrk --latency`: requests/s, the latency percentiles (ms), the request
 * count and every error wrk counts (socket errors and non-2xx/3xx responses).
 */
export function parseWrkOutput(text) {
  const number = (re) => {
    const match = re.exec(text);
    return match ? Number(match[1]) : undefined;
  };
  const percentiles = {};
  for (const match of text.matchAll(/^\s+(50|75|90|99)%\s+(\S+)[ \t]*$/gm))
    percentiles[`p${match[1]}`] = parseWrkDuration(match[2]);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const socketErrors = socket
    ? { connect: +socket[1], read: +socket[2], write: +socket[3], timeout: +socket[4] }
    : { connect: 0, read: 0, write: 0, timeout: 0 };
  const result = {
    requestsPerS: number(/^Requests\/sec:\s+([\d.]+)/m),
    requests: number(/^\s*(\d+) requests in/m),
    latencyMs: {
      avg: parseWrkDuration(/^\s+Latency\s+(\S+)/m.exec(text)?.[1] ?? ''),
      ...percentiles,
    },
    non2xx3xx: number(/Non-2xx or 3xx responses:\s+(\d+)/) ?? 0,
    socketErrors,
  };
  if (result.requestsPerS === undefined || result.latencyMs.p99 === undefined)
    throw new Error(`cannot read the wrk report:\n${text}`);
  return result;
}

/** Errors that make a wrk run unusable: any failed response, connect error or timeout. */
export function wrkProblems(result) {
  const e = result.socketErrors;
  const problems = [];
  if (result.non2xx3xx) problems.push(`${result.non2xx3xx} non-2xx/3xx responses`);
  if (e.connect || e.timeout)
    problems.push(`socket errors: connect ${e.connect}, timeout ${e.timeout}`);
  return problems;
}

/**
 * The argv of one wrk run. wrk needs a connection per thread, so fewer connections than
 * `threads` means as many threads as connections. `headers` are `Name: value` lines (`-H`).
 */
export function wrkArgs({ url, connections, durationS, threads = WRK_THREADS, headers = [] }) {
  const t = typeof connections === 'number' ? Math.min(threads, connections) : threads;
  const h = headers.flatMap((header) => ['-H', header]);
  return [`-t${t}`, `-c${connections}`, `-d${durationS}s`, ...h, '--latency', url];
}

/** Slack over a wrk run's own duration before it counts as hung, ms. */
const WRK_SLACK_MS = 30_000;

/** Runs wrk to the end and resolves with its parsed report (and the raw text). */
export async function runWrk(options) {
  const timeoutMs = options.durationS * 1000 + WRK_SLACK_MS;
  const { code, stdout, stderr } = await runTracked('wrk', wrkArgs(options), { timeoutMs });
  if (code !== 0) throw new Error(`wrk exited ${code}: ${stderr || stdout}`);
  return { ...parseWrkOutput(stdout), raw: stdout };
}
