import { setTimeout as sleep } from 'node:timers/promises';
import { isPidAlive } from '../../ports/process-liveness.js';
import type { CommandSpec } from '../command.js';
import { connectToStack, FILE_OPTION } from '../stack/stack-project.js';

/** Waiting for the supervisor to stop every service and exit, at most, ms. */
const DOWN_TIMEOUT_MS = 120_000;

/** `portier down`: stop the running stack of this project. */
export const downCommand: CommandSpec = {
  name: 'down',
  usage: 'portier down [-f FILE]',
  summary:
    'Stop the running stack of this project (reverse dependency order) and wait until it is gone.',
  options: { ...FILE_OPTION },
  maxPositionals: 0,
  async run({ values }, ctx) {
    const file = typeof values.file === 'string' ? values.file : undefined;
    const { client, record } = connectToStack(ctx.stateDir, file, process.cwd());
    try {
      await client.down();
    } catch {
      // The socket is gone but the process lives: SIGTERM does the same orderly stop.
      process.kill(record.pid, 'SIGTERM');
    }
    const started = Date.now();
    while (isPidAlive(record.pid) && Date.now() - started < DOWN_TIMEOUT_MS) await sleep(50);
    const stopped = !isPidAlive(record.pid);
    if (values.json)
      ctx.stdout.write(
        `${JSON.stringify({ project: record.project, pid: record.pid, stopped })}\n`,
      );
    else
      ctx.stdout.write(
        stopped
          ? `stopped ${record.project} (supervisor pid ${record.pid}) in ${Date.now() - started} ms\n`
          : `${record.project} is still stopping (supervisor pid ${record.pid}); \`portier ps\` shows where it is\n`,
      );
    return stopped ? 0 : 1;
  },
};
