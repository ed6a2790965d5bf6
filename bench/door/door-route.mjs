// Giving the door its route the way a user does: once `door serve` says it listens, run
// `portier alias up <port> --host 127.0.0.1` against the same state directory and door port.
import { runTracked } from '../children.mjs';
import { READY_TIMEOUT_MS } from '../serve/http-check.mjs';

/** How long `portier alias` may take, ms. */
const ALIAS_TIMEOUT_MS = 15_000;
/** Pause between looks at the door's stderr, ms. */
const POLL_MS = 20;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once the started door's stderr says it listens; rejects if it exits or is slow. */
async function waitListening(server, timeoutMs = READY_TIMEOUT_MS) {
  const deadline = performance.now() + timeoutMs;
  while (!/listening on/.test(server.stderr())) {
    const gone = server.exited();
    if (gone) throw new Error(`the door exited before it listened (${gone})`);
    if (performance.now() > deadline)
      throw new Error(`the door did not say it listens within ${timeoutMs} ms: ${server.stderr()}`);
    await sleep(POLL_MS);
  }
}

/** Runs the CLI to the end (bounded); resolves with its output, rejects on a non-zero exit. */
async function runCli(node, args, env) {
  const { code, stdout, stderr } = await runTracked(node, args, {
    env,
    timeoutMs: ALIAS_TIMEOUT_MS,
  });
  const output = stdout + stderr;
  if (code !== 0)
    throw new Error(`\`portier ${args.slice(1).join(' ')}\` exited ${code}: ${output}`);
  return output;
}

/**
 * Registers `<name>.localhost` → 127.0.0.1:`upstreamPort` with the door `server` (started as
 * `door serve --port doorPort --state-dir stateDir`), through `bin` (bin/portier.cjs).
 */
export async function registerDoorRoute({
  bin,
  node,
  server,
  stateDir,
  doorPort,
  name,
  upstreamPort,
}) {
  await waitListening(server);
  const env = {
    ...process.env,
    PORTIER_STATE_DIR: stateDir,
    PORTIER_DOOR_PORT: String(doorPort),
    NO_COLOR: '1',
  };
  delete env.FORCE_COLOR;
  return runCli(node, [bin, 'alias', name, String(upstreamPort), '--host', '127.0.0.1'], env);
}
