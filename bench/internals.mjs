// Loads portier's internal modules (Linux scan, kill, ledger) straight from src/ (bundled with esbuild into a
// temporary file), so the breakdown can time each phase of listListeners, killPort and pickPort. dist/index.js is one
// bundle that exports only the public API. Diagnostic only: when src moves, the breakdown says
// what it could not load and the rest of the bench goes on.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ENTRY = `
export { readSocketTable } from './src/sockets/linux-table.ts';
export { listPids, scanSocketOwners } from './src/sockets/linux-fd-scan.ts';
export { readProcessInfo, userName } from './src/sockets/linux-process.ts';
export { assembleListeners } from './src/sockets/assemble-listeners.ts';
export { PROC_STATE_LISTEN } from './src/sockets/linux-proc-net.ts';
export { scanLinux } from './src/sockets/linux-listeners.ts';
export { readParentMap } from './src/ports/process-tree.ts';
export { identifyProcess, isSameProcessAlive } from './src/ports/process-liveness.ts';
export { isFreeOnLoopback } from './src/ports/bind-probe.ts';
export { listeningPorts } from './src/ports/listening-ports.ts';
export { readEphemeralRange } from './src/ports/kernel-port-settings.ts';
export { parseLedger } from './src/ports/lease-ledger.ts';
export { withFileLock } from './src/state/file-lock.ts';
export { writeFileAtomic } from './src/state/atomic-write.ts';
`;

/** Imports the internal modules named in ENTRY from the package at `root`. */
export async function loadInternals(root) {
  const { build } = await import('esbuild');
  const out = await build({
    stdin: { contents: ENTRY, resolveDir: root, loader: 'ts', sourcefile: 'bench-internals.ts' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const dir = mkdtempSync(join(tmpdir(), 'portier-bench-internals-'));
  try {
    const file = join(dir, 'internals.mjs');
    writeFileSync(file, out.outputFiles[0].text);
    return await import(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
