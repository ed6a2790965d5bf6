// One contender of the door bench: start it (nothing for `direct`), give it its route, check
// what it answers through it, warm it up, run wrk for each case, stop it by pid; and the door's
// memory case, 1,000 open clients on a fresh door.
import { checkServedFiles, waitUntilServing } from '../serve/http-check.mjs';
import { measure } from '../serve/run-serve-bench.mjs';
import { freePort, startServerProcess, stopServerProcess } from '../serve/server-process.mjs';
import { runWrk } from '../serve/wrk.mjs';
import { treeRssKiB } from '../stack/idle.mjs';
import { CASES, ROUTE_NAME } from './contenders.mjs';
import { MEMORY_CONNECTIONS, measureOpenConnections } from './memory.mjs';

/** Connections of the warm-up runs. */
const WARMUP_CONNECTIONS = 16;

/** The Host of every request: the door's route at the contender's port (the others ignore it). */
export const hostFor = (port) => `${ROUTE_NAME}.localhost:${port}`;

/**
 * Starts one contender (nothing for `direct`), gives it its route and checks it answers every
 * body right. Resolves with `{ port, base, server, headers, exited }`.
 */
async function startContender(contender, { site, upstream, signal }) {
  const port = contender.launch ? await freePort() : upstream.port;
  let server;
  if (contender.launch) {
    const spec = contender.launch(port);
    // Checked right before every spawn: once the bench is told to stop, nothing new starts.
    signal?.throwIfAborted();
    server = startServerProcess({ ...spec, env: { ...contender.env, ...spec.env } });
    server.command = [spec.command, ...spec.args].join(' ');
  }
  const exited = () => server?.exited() ?? upstream.exited();
  const base = `http://127.0.0.1:${port}`;
  const host = { host: hostFor(port) };
  try {
    if (contender.prepare) await contender.prepare({ server, port });
    await waitUntilServing(`${base}/${site.files[0].name}`, exited, undefined, host);
    const problems = await checkServedFiles(base, site.files, host);
    if (problems.length) throw new Error(`answers the wrong thing: ${problems.join('; ')}`);
  } catch (error) {
    if (server) await stopServerProcess(server);
    throw error;
  }
  return { port, base, server, headers: [`Host: ${hostFor(port)}`], exited };
}

/** Starts one contender, warms it up, measures every case, stops it. */
export async function runContender(contender, { site, upstream, durationS, warmupS, log, signal }) {
  const started = await startContender(contender, { site, upstream, signal });
  const { server, base, headers } = started;
  const out = { command: server?.command, cases: {} };
  try {
    for (const file of site.files) {
      signal?.throwIfAborted();
      const url = `${base}/${file.name}`;
      await runWrk({ url, connections: WARMUP_CONNECTIONS, durationS: warmupS, headers });
    }
    for (const c of CASES) {
      signal?.throwIfAborted();
      const result = await measure(server, `${base}/${c.file}`, c.connections, durationS, {
        headers,
        helperPids: [upstream.pid],
      });
      const gone = started.exited();
      if (gone)
        throw new Error(`${server ? 'it' : 'the upstream'} died during ${c.label}: ${gone}`);
      // Resident memory of the proxy's processes right after the run, MB.
      if (server) result.rssMB = (treeRssKiB([server.pid]).kib * 1024) / 1e6;
      out.cases[c.id] = result;
      log(
        `  ${contender.label} ${c.label}: ${Math.round(result.requestsPerS)} req/s, p50 ${result.latencyMs.p50.toFixed(3)} ms, p99 ${result.latencyMs.p99.toFixed(2)} ms, proxy ${result.serverCores.toFixed(2)} + upstream ${result.helperCores.toFixed(2)} cores${result.problems.length ? `, ${result.problems.join(', ')}` : ''}`,
      );
    }
  } finally {
    if (server) {
      const killed = await stopServerProcess(server);
      if (killed.length) out.killedPids = killed;
    }
  }
  return out;
}

/** The door with {@link MEMORY_CONNECTIONS} open clients, after a warm-up at 64 connections. */
export async function runMemoryCase(door, { site, upstream, warmupS, signal }) {
  const started = await startContender(door, { site, upstream, signal });
  try {
    const [file] = site.files;
    await runWrk({
      url: `${started.base}/${file.name}`,
      connections: 64,
      durationS: warmupS,
      headers: started.headers,
    });
    return await measureOpenConnections({
      pid: started.server.pid,
      port: started.port,
      path: `/${file.name}`,
      host: hostFor(started.port),
      connections: MEMORY_CONNECTIONS,
    });
  } finally {
    await stopServerProcess(started.server);
  }
}
