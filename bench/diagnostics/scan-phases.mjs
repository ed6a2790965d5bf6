// Where listListeners() spends its time, phase by phase, using portier's own internal modules
// (bench/internals.mjs) under the bench load. Also times a read that stops at the first
// non-listening row: the kernel prints listening sockets first in /proc/net/tcp{,6}.
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } from 'node:fs';
import { measure } from '../measure.mjs';

const TABLES = ['/proc/net/tcp', '/proc/net/tcp6'];
const CHUNK_BYTES = 16 * 1024;
const chunk = Buffer.allocUnsafe(CHUNK_BYTES);

/** Reads one table until a row whose state is not LISTEN (0A) appears; returns the text read. */
export function readListenSection(path) {
  const fd = openSync(path, 'r');
  let text = '';
  try {
    for (;;) {
      const n = readSync(fd, chunk, 0, CHUNK_BYTES);
      if (n === 0) return text;
      text += chunk.latin1Slice(0, n);
      // State is the 4th field; a row is "  sl: local remote st ...".
      if (/\n\s*\d+: \S+ \S+ (?!0A)[0-9A-F]{2} /.test(text)) return text;
    }
  } finally {
    closeSync(fd);
  }
}

function fdDirs(pids) {
  const dirs = [];
  for (const pid of pids) {
    try {
      dirs.push([`/proc/${pid}/fd/`, readdirSync(`/proc/${pid}/fd`)]);
    } catch {}
  }
  return dirs;
}

/** Phase timings (median ms) of one listListeners(), with the counts that drive them. */
export async function runScanPhases({ internals: m, runs }) {
  const tableOptions = { protocols: ['tcp'], states: { tcp: [m.PROC_STATE_LISTEN] } };
  const rows = m.readSocketTable(tableOptions);
  const wanted = new Set(rows.map((r) => r.inode).filter(Boolean));
  const pids = m.listPids();
  const dirs = fdDirs(pids);
  const fdCount = dirs.reduce((n, [, fds]) => n + fds.length, 0);
  const { owners } = m.scanSocketOwners(wanted);
  const ownerPids = [...new Set([...owners.values()].flat())];
  const processes = new Map(ownerPids.map((pid) => [pid, m.readProcessInfo(pid)]));
  const phases = {
    'read /proc/net/tcp + tcp6 whole (readFileSync)': () => {
      for (const t of TABLES) readFileSync(t, 'latin1');
    },
    'read /proc/net/tcp whole': () => readFileSync(TABLES[0], 'latin1'),
    'read /proc/net/tcp6 whole': () => readFileSync(TABLES[1], 'latin1'),
    'readSocketTable: read + parse, keep LISTEN': () => m.readSocketTable(tableOptions),
    'read tcp + tcp6 only up to the first non-LISTEN row': () => {
      for (const t of TABLES) readListenSection(t);
    },
    'same, tcp only': () => readListenSection(TABLES[0]),
    [`listPids: readdir /proc (${pids.length} pids)`]: () => m.listPids(),
    [`readdir /proc/<pid>/fd × ${dirs.length}`]: () => fdDirs(pids),
    [`readlink × ${fdCount} fds (dirs listed beforehand)`]: () => {
      for (const [dir, fds] of dirs) {
        for (const fd of fds) {
          try {
            readlinkSync(dir + fd);
          } catch {}
        }
      }
    },
    'scanSocketOwners: the whole fd scan': () => m.scanSocketOwners(wanted),
    [`readProcessInfo × ${ownerPids.length} owner pids`]: () => {
      for (const pid of ownerPids) m.readProcessInfo(pid);
    },
    [`assembleListeners: ${rows.length} rows`]: () =>
      m.assembleListeners({ rows, owners, processes, nameUser: (uid) => m.userName(uid) }),
    'scanLinux(): everything listListeners does': () => m.scanLinux({ protocols: ['tcp'] }),
  };
  const out = {};
  for (const [name, fn] of Object.entries(phases))
    out[name] = await measure(fn, { runs, warmup: 3 });
  return {
    phases: out,
    counts: { pids: pids.length, fdDirs: dirs.length, fds: fdCount, listenRows: rows.length },
  };
}
