// In-process lookups under load: portier's listListeners/whoHolds against pid-port and
// find-process, plus the raw read of /proc/net/tcp{,6} that bounds any /proc-based lookup.
import { readFileSync } from 'node:fs';
import find from 'find-process';
import { portToPid } from 'pid-port';
import { measureInterleaved } from '../measure.mjs';

function readTcpTables() {
  let bytes = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      bytes += readFileSync(file, 'latin1').length;
    } catch {}
  }
  return bytes;
}

/** Throws unless `ok`: a lookup that finds the wrong thing has no meaningful time. */
function check(ok, message) {
  if (!ok) throw new Error(`bench sanity check failed: ${message}`);
}

/** Checks once that every contender finds the load process before anything is timed. */
async function checkAnswers(lib, load) {
  const { pid, quietPort, busyPort } = load;
  const listeners = await lib.listListeners();
  const own = listeners.filter((l) => l.processes.some((p) => p.pid === pid));
  check(
    own.length >= load.listeners,
    `listListeners() should list ${load.listeners} of pid ${pid}`,
  );
  for (const port of [quietPort, busyPort]) {
    const holder = (await lib.whoHolds(port)).listeners[0]?.processes[0];
    check(holder?.pid === pid && Boolean(holder.command), `whoHolds(${port}) should name ${pid}`);
  }
  check((await portToPid(quietPort)) === pid, `pid-port should find pid ${pid}`);
  check((await find('port', quietPort))[0]?.pid === pid, `find-process should find pid ${pid}`);
}

/**
 * `lib` is dist/index.js; `load` the running load (its pid, a quiet and a busy port). Every
 * case is timed in the same rounds, interleaved; peers (which spawn `ss`) run `peerRuns` times.
 */
export async function runLookupCases({ lib, load, runs, warmup, peerRuns }) {
  const { quietPort, busyPort } = load;
  await checkAnswers(lib, load);
  const results = await measureInterleaved(
    {
      'read /proc/net/tcp{,6}': { fn: readTcpTables },
      'listListeners()': { fn: () => lib.listListeners() },
      'whoHolds(port)': { fn: () => lib.whoHolds(quietPort) },
      'whoHolds(busy port)': { fn: () => lib.whoHolds(busyPort) },
      'pid-port portToPid(port)': { fn: () => portToPid(quietPort), runs: peerRuns },
      "find-process find('port', port)": { fn: () => find('port', quietPort), runs: peerRuns },
    },
    { runs, warmup },
  );
  for (const result of Object.values(results)) result.kind = 'in-process';
  results['whoHolds(port)'].port = quietPort;
  results['whoHolds(busy port)'].port = busyPort;
  results['whoHolds(busy port)'].connections = load.connections;
  return results;
}
