// Freeing a port held by a cooperative listener (exits on SIGTERM): portier's killPort in
// process, the `portier kill` CLI as a whole process, and the kill-port library. A fresh
// listener each round; the contenders take turns so drift hits them alike.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import killPortPeer from 'kill-port';
import { canBind, waitUntilFree } from '../bind-probe.mjs';
import { startNodeChild } from '../children.mjs';
import { timeWaitCount } from '../machine.mjs';
import { SPAWN_TIMEOUT_MS, summarize } from '../measure.mjs';

const FIXTURE = new URL('../fixtures/cooperative-listener.mjs', import.meta.url).pathname;
/**
 * Node's floor as the kill rounds see it: spawned the way `portier kill` is, between the same
 * contenders. hyperfine's `node -e 0` runs back to back, with warm caches; this one tells
 * what portier adds to a Node start in the rounds themselves.
 */
export const KILL_ROUND_FLOOR = 'node -e 0 (spawned in the kill rounds)';
/** Grace period given to portier; a cooperative listener never needs it. */
const KILL_TIMEOUT_MS = 5_000;

function waitForExit(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', resolve));
}

/** Each contender frees `port` and resolves once it is free; throws when it is not. */
function contenders(lib, root) {
  return {
    'killPort(port)': async (port) => {
      const result = await lib.killPort(port, { timeoutMs: KILL_TIMEOUT_MS });
      if (!result.freed) throw new Error(`killPort(${port}) did not free the port`);
    },
    'portier kill <port> --yes': async (port) => {
      const run = spawnSync(process.execPath, ['bin/portier.cjs', 'kill', String(port), '--yes'], {
        cwd: root,
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: SPAWN_TIMEOUT_MS,
      });
      if (run.status !== 0)
        throw new Error(`portier kill ${port} exited ${run.status}: ${run.stderr}`);
    },
    "kill-port killPort(port, 'tcp')": async (port) => {
      await killPortPeer(port, 'tcp');
      await waitUntilFree(port); // kill-port resolves when `kill -9` was sent, not when freed
    },
  };
}

/** One `node -e 0`, spawned as `portier kill` is; ms. */
function timeNodeFloor() {
  const start = performance.now();
  const run = spawnSync(process.execPath, ['-e', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: SPAWN_TIMEOUT_MS,
  });
  const ms = performance.now() - start;
  if (run.status !== 0) throw new Error(`node -e 0 exited ${run.status}: ${run.stderr}`);
  return ms;
}

/** `rounds` rounds; each contender frees a freshly started listener once per round. */
export async function runKillCases({ lib, root, rounds }) {
  // portier reads the whole connection table after a kill only while TIME_WAIT sockets exist:
  // the results say how many there were.
  const timeWaitAtStart = timeWaitCount();
  // The kill reads its parent's fd table whole (this process: a holder's parent may share the
  // socket, an ancestor's must be refused): how long that table is bears on its time.
  const benchFds = readdirSync('/proc/self/fd').length;
  const entries = Object.entries(contenders(lib, root));
  const samples = Object.fromEntries(entries.map(([name]) => [name, []]));
  const floor = [];
  // The floor takes its turn like a contender, without a listener to free.
  const turns = [...entries, [KILL_ROUND_FLOOR, undefined]];
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < turns.length; i++) {
      const [name, free] = turns[(round + i) % turns.length];
      if (!free) {
        floor.push(timeNodeFloor());
        continue;
      }
      const { child, ready } = await startNodeChild(FIXTURE);
      const start = performance.now();
      await free(ready.port);
      samples[name].push(performance.now() - start);
      await waitForExit(child);
      if (!(await canBind(ready.port))) throw new Error(`${name} left port ${ready.port} held`);
    }
  }
  return Object.fromEntries([
    [KILL_ROUND_FLOOR, { kind: 'process', ...summarize(floor) }],
    ...entries.map(([name]) => [
      name,
      {
        kind: name.startsWith('portier ') ? 'process' : 'in-process',
        timeWaitAtStart,
        benchFds,
        ...summarize(samples[name]),
      },
    ]),
  ]);
}
