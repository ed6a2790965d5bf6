import { diagnose } from '../../doctor/diagnose.js';
import { type SelfTestReport, selfTest } from '../../doctor/self-test.js';
import { diagnoseWhileRunning } from '../../doctor/watch-process.js';
import { PortierError } from '../../errors.js';
import { parseTarget } from '../../net/target.js';
import { DEFAULT_PROBE_TIMEOUT_MS } from '../../probes/probe.js';
import { parseDuration } from '../../time/duration.js';
import type { CliContext, CommandSpec } from '../command.js';
import { PROBE_FLAGS, probeFlags } from '../probe-flags.js';
import { renderFinding, renderReport } from '../render/findings-text.js';
import { createProgress } from '../render/progress.js';

function parsePid(text: string): number {
  if (!/^\d{1,10}$/.test(text) || Number(text) < 1)
    throw new PortierError(
      'INVALID_OPTION',
      `Invalid --pid "${text}": expected a process id, a whole number above 0.`,
    );
  return Number(text);
}

function renderSelfTest(report: SelfTestReport, ctx: CliContext): string {
  const head = report.ok
    ? ctx.color.green('loopback self-test: ok')
    : ctx.color.red('loopback self-test: problems found');
  return `${head} ${ctx.color.dim(`(${Math.round(report.elapsedMs)} ms)`)}\n${report.findings.map((f) => renderFinding(f, ctx.color, f.severity !== 'ok' && f.severity !== 'info')).join('\n')}\n`;
}

/** `portier doctor [target]`: the loopback self-test, or the ranked causes for one target. */
export const doctorCommand: CommandSpec = {
  name: 'doctor',
  usage: 'portier doctor [<target>] [--timeout 4500] [--pid N | -- cmd …] [--wait 30s] [--json]',
  summary:
    'Explain why a target cannot be reached (cause, evidence, fix); without a target, self-test loopback.',
  details:
    'With `-- cmd` (or --pid), watches the process that should listen: if it exits first, says so\n' +
    'with its exit code and last output; if it listens on another port, says where.\n' +
    'Exit 0 reachable (or self-test ok), 1 otherwise. Codes: docs/doctor.md.',
  options: {
    ...PROBE_FLAGS,
    pid: {
      type: 'string',
      value: 'N',
      description: 'watch this running process (expected to listen on the target)',
    },
    wait: {
      type: 'string',
      value: 'DURATION',
      description: 'with -- cmd or --pid: how long to wait for the target (default 30s)',
    },
  },
  acceptsCommand: true,
  maxPositionals: 1,
  async run({ values, positionals, command }, ctx) {
    const env = ctx.env;
    if (positionals.length === 0) {
      if (command || values.pid)
        throw new PortierError(
          'USAGE',
          'Give the target the process should serve: `portier doctor 127.0.0.1:3000 -- npm start`.',
        );
      const report = await selfTest({ env });
      ctx.stdout.write(
        values.json ? `${JSON.stringify(report, null, 2)}\n` : renderSelfTest(report, ctx),
      );
      return report.ok ? 0 : 1;
    }
    const target = parseTarget(positionals[0]!);
    const flags = probeFlags(values, DEFAULT_PROBE_TIMEOUT_MS);
    let report: Awaited<ReturnType<typeof diagnose>>;
    if (command || typeof values.pid === 'string') {
      const progress = values.json ? { update() {}, done() {} } : createProgress(ctx.stderr);
      progress.update(
        `waiting for ${target.input} while watching ${command ? command.join(' ') : `pid ${values.pid}`}`,
      );
      const waitMs =
        typeof values.wait === 'string' ? parseDuration(values.wait, '--wait') : 30_000;
      const pid = typeof values.pid === 'string' ? parsePid(values.pid) : undefined;
      report = await diagnoseWhileRunning(target, {
        ...flags,
        env,
        waitMs,
        signal: ctx.signal,
        ...(command ? { command } : {}),
        ...(pid ? { pid } : {}),
      });
      progress.done();
    } else {
      report = await diagnose(target, { ...flags, env });
    }
    ctx.stdout.write(
      values.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report, ctx.color),
    );
    return report.ok ? 0 : 1;
  },
};
