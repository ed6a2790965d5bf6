import { spawn } from 'node:child_process';
import { probe } from '../probes/probe.js';
import type { ReadyCheck } from './config/types.js';

/** One readiness check's verdict. */
export interface CheckResult {
  ok: boolean;
  /** What was seen, one line (`HTTP 200 OK`, `exit code 1`). */
  summary: string;
  /** Nothing accepted a connection (refused): cheap to ask again soon. */
  down?: boolean;
}

/** What a check runs against. */
export interface CheckContext {
  port?: number;
  cwd: string;
  env: Readonly<Record<string, string>>;
  /** The check's budget, ms. */
  timeoutMs: number;
  /** True once a line of the service's output matched a `log` check. */
  logMatched: () => boolean;
}

const URL_SCHEME: Record<'tcp' | 'http' | 'postgres' | 'redis', string> = {
  tcp: 'tcp',
  http: 'http',
  postgres: 'pg',
  redis: 'redis',
};

/**
 * Probes 127.0.0.1 and then ::1: a service told `HOST=127.0.0.1` may still bind ::1 only
 * (`localhost` resolving to ::1 first), and it is ready on whichever it serves.
 */
async function probeLoopback(check: ReadyCheck, ctx: CheckContext): Promise<CheckResult> {
  if (ctx.port === undefined) return { ok: false, summary: 'the service has no port to probe' };
  const scheme = URL_SCHEME[check.kind as keyof typeof URL_SCHEME];
  const path = check.kind === 'http' ? check.path : '';
  let last = '';
  for (const host of ['127.0.0.1', '[::1]']) {
    const result = await probe(`${scheme}://${host}:${ctx.port}${path}`, {
      timeoutMs: ctx.timeoutMs,
    });
    if (result.ok) return { ok: true, summary: result.summary };
    last = result.summary;
    // Something answered on 127.0.0.1: that is the service, not ready yet.
    if (result.status === 'not-ready') return { ok: false, summary: last };
  }
  return { ok: false, summary: last, down: true };
}

/** Runs an `exec` check: the command through /bin/sh in the service's cwd and env. */
function runExecCheck(command: string, ctx: CheckContext): Promise<CheckResult> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], {
      cwd: ctx.cwd,
      env: ctx.env,
      stdio: 'ignore',
      detached: true,
    });
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {}
    }, ctx.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, summary: `could not run \`${command}\`: ${error.message}` });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ ok: true, summary: `\`${command}\` exited 0` });
      else
        resolve({
          ok: false,
          summary: signal
            ? `\`${command}\` timed out after ${ctx.timeoutMs} ms`
            : `\`${command}\` exited ${code}`,
        });
    });
  });
}

/** Runs one readiness check once. Never rejects. */
export async function runCheck(check: ReadyCheck, ctx: CheckContext): Promise<CheckResult> {
  switch (check.kind) {
    case 'log':
      return ctx.logMatched()
        ? { ok: true, summary: `a line matched /${check.pattern.source}/` }
        : { ok: false, summary: `no line matched /${check.pattern.source}/ yet` };
    case 'exec':
      return runExecCheck(check.command, ctx);
    default:
      return probeLoopback(check, ctx);
  }
}

/** `http /health`, `tcp`, `log /ready/`: how a check is named in messages. */
export function describeCheck(check: ReadyCheck): string {
  if (check.kind === 'http') return `http ${check.path}`;
  if (check.kind === 'log') return `log /${check.pattern.source}/`;
  if (check.kind === 'exec') return `exec \`${check.command}\``;
  return check.kind;
}
