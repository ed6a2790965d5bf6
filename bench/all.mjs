// `npm run bench`: the four benches in turn (ports, serve, stack, door), each given this
// command's flags (`npm run bench -- --quick --update-docs`). Stops at the first that fails.
import { spawnSync } from 'node:child_process';

const RUNNERS = ['run.mjs', 'serve-run.mjs', 'stack-run.mjs', 'door-run.mjs'];

for (const runner of RUNNERS) {
  const script = new URL(runner, import.meta.url).pathname;
  const { status, signal } = spawnSync(process.execPath, [script, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  if (status !== 0) {
    process.stderr.write(`bench: ${runner} ended with ${signal ?? `exit code ${status}`}\n`);
    process.exit(status ?? 1);
  }
}
