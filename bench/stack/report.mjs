// The stack bench's markdown: run facts, start times, targets, where portier's time goes, the
// idle supervisor; and the generated section of docs/benchmarks.md between the stack markers.
import { updateDocsSection } from '../shared/docs-section.mjs';
import { BUSY_SHARE } from './busy.mjs';
import { CASES } from './targets.mjs';

const num = (n, digits = 0) => (n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits));
const pct = (share) => (share === undefined ? '?' : `${Math.round(share * 100)}%`);

function facts(run) {
  const m = run.machine;
  const o = run.otherWork;
  const s = run.settings;
  const src = run.source;
  const code = src
    ? `commit ${src.commit}${src.uncommittedSrcFiles ? ` plus uncommitted changes in ${src.uncommittedSrcFiles} src/ files` : ''} (bin/, dist/ and package.json copied aside at the start)`
    : 'unknown';
  return [
    `- Date: ${run.date}${s.quick ? ' (**--quick**: fewer rounds, not for the docs)' : ''}`,
    `- Machine: ${m.cpus} × ${m.cpuModel.split(' ').slice(0, 2).join(' ')}, ${m.memGiB} GiB, Linux ${m.kernel}, Node ${m.node}; load average ${m.loadAverage.join(' ')} at start, ${run.loadAverageEnd.join(' ')} at end`,
    `- Other processes during the run: ${o ? `${pct(o.otherShare)} of all cores (${o.otherCpuS.toFixed(0)} CPU s in ${o.wallS.toFixed(0)} s), steal ${pct(o.stealShare)}` : 'unknown'}`,
    `- Code: ${code}`,
    `- Stack: ${s.count} × \`bench/fixtures/health-server.mjs\` (node:http, 200 on /health), ready on \`http /health\`; peers concurrently ${s.versions.concurrently} and wait-on ${s.versions.waitOn}`,
    `- Runs: ${s.warmupRounds} warm-up round, then ${s.rounds} rounds, each starting every case once in rotated order; medians; everything stopped and every port free again between starts, ${s.pauseMs} ms pause; total ${run.totalS.toFixed(0)} s`,
  ].join('\n');
}

function startTable(run) {
  const lines = [
    '| case | median ms | median of all | min | max | runs (quiet) | each run, ms (other processes) | cores idle, median | portier says "settled in" |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const [id, label] of Object.entries(CASES)) {
    const c = run.starts[id];
    if (!c) continue;
    const ok = c.samples;
    const each = ok.map((ms, i) => {
      const share = c.shares[i];
      return `${num(ms)} (${pct(share)})${share === undefined || share > BUSY_SHARE ? ' †' : ''}`;
    });
    lines.push(
      `| ${label} | ${num(c.medianMs)}${c.basis === 'all' ? ' †' : ''} | ${num(c.medianAllMs)} | ${num(Math.min(...ok))} | ${num(Math.max(...ok))} | ${ok.length} (${c.quietRuns})${c.errors.length ? ` +${c.errors.length} failed` : ''} | ${each.join(', ')} | ${pct(c.medianIdle)} | ${c.reported.length ? c.reported.join(', ') : '—'} |`,
    );
  }
  return `${lines.join('\n')}\n\n† = other processes used more than ${BUSY_SHARE * 100}% of the machine during that start (busy time from /proc/stat minus the bench's own process tree and the live trees it started, those by their threads' schedstat run time). "median ms" is over the quiet starts when at least half were quiet (else over all, marked †); the targets use it. "cores idle": the share of the machine nobody used during the start.`;
}

function targetTable(rows) {
  const lines = [
    '| measure | value | unit | against | its value | ratio | target | result |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const digits = r.unit === 'ms' ? 0 : 1;
    const result = r.verdict === 'PASS' || r.verdict === 'FAIL' ? `**${r.verdict}**` : r.verdict;
    lines.push(
      `| ${r.what} | ${num(r.value, digits)} | ${r.unit} | ${r.peer ?? '—'} | ${num(r.peerValue, digits)} | ${r.ratio === undefined ? '—' : `${r.ratio.toFixed(2)}×`} | ${r.target} | ${result} |`,
    );
  }
  return lines.join('\n');
}

function phaseRows(run, ids) {
  const names = [...new Set(ids.flatMap((id) => Object.keys(run.phases[id])))];
  const lines = [
    `| phase, median ms | ${ids.map((id) => CASES[id]).join(' | ')} |`,
    `| --- |${' --- |'.repeat(ids.length)}`,
  ];
  for (const name of names)
    lines.push(`| ${name} | ${ids.map((id) => num(run.phases[id][name])).join(' | ')} |`);
  return lines.join('\n');
}

function phaseTable(run) {
  const mine = ['foreground', 'detached'].filter((id) => run.phases[id]);
  const peers = ['peerDefault', 'peerFast'].filter((id) => run.phases[id]);
  const out = [];
  if (mine.length)
    out.push(
      `Where portier's time goes, in ms from the spawn of the CLI: the supervisor's own epoch stamps in \`portier ps --json\` (its \`startedAt\`, each service's \`readyAt\`) and each service process's fork time (start time in /proc/<pid>/stat, 10 ms ticks, relative to the CLI's). The first five rows add up to the whole:\n\n${phaseRows(run, mine)}`,
    );
  if (peers.length)
    out.push(`The peer, the same way (concurrently's shells):\n\n${phaseRows(run, peers)}`);
  return out.join('\n\n');
}

function idleTable(run) {
  const lines = [
    '| supervisor | CPU, % of one core | CPU ticks in window | schedstat, % of one core | RSS MB | services RSS MB (processes) | other processes |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const [id, m] of Object.entries(run.idle)) {
    if (!m) continue;
    lines.push(
      `| ${id === 'detached' ? 'up -d' : 'foreground'} | ${num(m.cpuPct, 2)} | ${m.cpuTicks} of ${m.ticksPerS}/s over ${num(m.wallS, 1)} s | ${num(m.runtimePct, 2)} | ${num(m.rssMB, 1)} | ${num(m.servicesRssMB, 0)} (${m.serviceProcesses}) | ${pct(m.otherShare)} |`,
    );
  }
  return `Idle (${run.settings.idleSettleMs / 1000} s after settling, then a ${run.settings.idleWindowMs / 1000} s window; MB = 10⁶ bytes of VmRSS):\n\n${lines.join('\n')}`;
}

/** The whole report, in markdown. */
export function renderStackReport(run, rows) {
  const errors = run.errors.length
    ? `Errors:\n\n${run.errors.map((e) => `- ${e}`).join('\n')}`
    : '';
  return [
    facts(run),
    startTable(run),
    targetTable(rows),
    `Target peer: **${run.targetPeer ? CASES[run.targetPeer] : 'none'}** — of the two wait-on settings, the one with the lower median in this run (the peer at its best).`,
    phaseTable(run),
    idleTable(run),
    errors,
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** Replaces the stack section of docs/benchmarks.md (appending the markers if missing). */
export function updateStackDocs(path, markdown) {
  updateDocsSection(path, 'stack', markdown);
}
