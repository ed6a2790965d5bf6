import { diagnose } from '../../doctor/diagnose.js';
import { gatherMachineFacts } from '../../doctor/machine-facts.js';
import { formatHostPort, parseTarget } from '../../net/target.js';
import {
  DEFAULT_ATTEMPT_TIMEOUT_MS,
  DEFAULT_WAIT_TIMEOUT_MS,
  type WaitResult,
  waitFor,
} from '../../probes/wait.js';
import { formatDuration, parseDuration } from '../../time/duration.js';
import type { CliContext, CommandSpec } from '../command.js';
import { PROBE_FLAGS, probeFlags } from '../probe-flags.js';
import { renderReport } from '../render/findings-text.js';
import { createProgress } from '../render/progress.js';
import { runAfter } from '../run-after.js';

async function explainFailure(
  result: WaitResult,
  ctx: CliContext,
  json: boolean,
  free: boolean,
): Promise<void> {
  const pending = result.targets.filter((t) => !t.done);
  if (free) {
    for (const t of pending)
      ctx.stderr.write(
        `${formatHostPort(t.target.host, t.target.port)} is still in use on ${t.heldOn?.join(', ')} after ${formatDuration(result.elapsedMs)}. Run \`portier who ${t.target.port}\`.\n`,
      );
    if (json) ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const machine = await gatherMachineFacts({ env: ctx.env });
  const reports = await Promise.all(
    pending.map((t) => diagnose(t.target, { env: ctx.env, machine, timeoutMs: 2_000 })),
  );
  if (json) {
    ctx.stdout.write(`${JSON.stringify({ ...result, diagnoses: reports }, null, 2)}\n`);
    return;
  }
  ctx.stderr.write(
    `Timed out after ${formatDuration(result.elapsedMs)}: ${pending.length} of ${result.targets.length} not ready.\n`,
  );
  for (const report of reports) ctx.stderr.write(renderReport(report, ctx.colorErr));
}

/** `portier wait <target…>`: block until every target is ready (or free), then optionally run a command. */
export const waitCommand: CommandSpec = {
  name: 'wait',
  usage:
    'portier wait <target…> [--timeout 30s] [--attempt-timeout 2s] [--free] [--json] [-- cmd …]',
  summary:
    'Wait until every target is ready (protocol-aware) or, with --free, until a port is free; then run a command.',
  details:
    "On timeout it prints the doctor's diagnosis of each target that is not ready. With `-- cmd`, it\n" +
    'runs the command once all are ready and exits with its status. Exit 0 ready, 1 timed out.',
  options: {
    ...PROBE_FLAGS,
    'attempt-timeout': {
      type: 'string',
      value: 'DURATION',
      description: `budget of one attempt (default ${DEFAULT_ATTEMPT_TIMEOUT_MS} ms)`,
    },
    interval: {
      type: 'string',
      value: 'DURATION',
      description: 'longest pause between attempts (default 1s)',
    },
    free: { type: 'boolean', description: 'wait until the port is free instead' },
    quiet: { type: 'boolean', short: 'q', description: 'print nothing on success' },
  },
  acceptsCommand: true,
  minPositionals: 1,
  maxPositionals: 64,
  async run({ values, positionals, command }, ctx) {
    const targets = positionals.map(parseTarget);
    const json = values.json === true;
    const free = values.free === true;
    const progress = json ? { update() {}, done() {} } : createProgress(ctx.stderr);
    const result = await waitFor(targets, {
      ...probeFlags(values, DEFAULT_WAIT_TIMEOUT_MS),
      ...(typeof values['attempt-timeout'] === 'string'
        ? { attemptTimeoutMs: parseDuration(values['attempt-timeout'], '--attempt-timeout') }
        : {}),
      ...(typeof values.interval === 'string'
        ? { maxIntervalMs: parseDuration(values.interval, '--interval') }
        : {}),
      free,
      signal: ctx.signal,
      onAttempt: (s) =>
        progress.update(
          `waiting for ${s.target.input}: ${s.last?.summary ?? (s.heldOn?.length ? `in use on ${s.heldOn.join(', ')}` : 'checking')} (attempt ${s.attempts})`,
        ),
    });
    progress.done();
    if (!result.ok) {
      if (!result.aborted) await explainFailure(result, ctx, json, free);
      return result.aborted ? 130 : 1;
    }
    if (json && !command) ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else if (!values.quiet)
      for (const t of result.targets)
        ctx.stderr.write(
          `${ctx.colorErr.green('✓')} ${t.target.input} ${free ? 'free' : 'ready'} after ${formatDuration(t.doneAfterMs ?? 0)}\n`,
        );
    return command ? runAfter(command) : 0;
  },
};
