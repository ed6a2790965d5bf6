// Where pickPort() spends its time with the ledger: the lock file, the ledger read and
// atomic rewrite, the owner identity, the bind probes. Uses portier's internal modules.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measure } from '../measure.mjs';

/** A RAM-backed directory, to compare against the default state dir on disk. */
const TMPFS = '/dev/shm';

/** A ledger of `count` live leases owned by this process, as pickPort writes it. */
function ledgerText(count) {
  const expiresAt = Date.now() + 600_000;
  const leases = Array.from({ length: count }, (_, i) => ({
    port: 61000 + i,
    pid: process.pid,
    startTime: 1,
    expiresAt,
  }));
  return `${JSON.stringify({ version: 1, leases })}\n`;
}

/** Median per operation, `runs` each, in a temporary state directory. */
export async function runPickPhases({ lib, internals: m, runs }) {
  const dir = mkdtempSync(join(tmpdir(), 'portier-bench-pick-'));
  const dirs = [dir];
  const ledger = join(dir, 'leases.json');
  const text = ledgerText(25);
  writeFileSync(ledger, text);
  let port = 61000;
  const nextPort = () => (port = port >= 65000 ? 61000 : port + 1);
  const steps = {
    'pickPort({ stateDir }) whole (ledger starts at 25 leases)': () =>
      lib.pickPort({ stateDir: dir }),
    'pickPort({ lease: false }) whole': () => lib.pickPort({ lease: false }),
    'listLeases({ stateDir }): lock + read + prune + rewrite, no probes': () =>
      lib.listLeases({ stateDir: dir }),
    'withFileLock: create + unlink the lock file': () => m.withFileLock(`${ledger}.lock`, () => {}),
    'read + parse a 25-lease ledger': () => m.parseLedger(readFileSync(ledger, 'utf8')),
    'writeFileAtomic (only when the ledger is replaced whole): write temp + rename (25 leases)':
      () => m.writeFileAtomic(join(dir, 'other.json'), text),
    'identifyProcess(self): read /proc/self/stat': () => m.identifyProcess(process.pid),
    'isFreeOnLoopback: bind probes on 127.0.0.1 and ::1': () => m.isFreeOnLoopback(nextPort()),
    'listeningPorts(): cached listener set': () => m.listeningPorts(),
    'readEphemeralRange(): read /proc/sys/net/ipv4/ip_local_port_range': () =>
      m.readEphemeralRange(),
  };
  if (existsSync(TMPFS)) {
    const shm = mkdtempSync(join(TMPFS, 'portier-bench-pick-'));
    dirs.push(shm);
    writeFileSync(join(shm, 'leases.json'), text);
    steps[`pickPort({ stateDir }) with the state dir on tmpfs (${TMPFS})`] = () =>
      lib.pickPort({ stateDir: shm });
  }
  const phases = {};
  try {
    for (const [name, fn] of Object.entries(steps)) {
      phases[name] = await measure(fn, { runs, warmup: 20 });
      writeFileSync(ledger, text); // back to 25 leases after a pickPort step added its own
    }
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  return { phases };
}
