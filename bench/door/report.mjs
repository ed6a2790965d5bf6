// The door bench's markdown: run facts, the proxy × case tables, latency at one connection,
// the target rows, CPU and memory, the contenders; and the door section of docs/benchmarks.md.

import {
  contenderName,
  measurementTable,
  ms,
  NOT_SELECTED,
  pct,
  rps,
  runFactLines,
} from '../serve/report.mjs';
import { BUSY_SHARE } from '../serve/run-serve-bench.mjs';
import { updateDocsSection } from '../shared/docs-section.mjs';

const mb = (n) => (n === undefined ? '—' : n.toFixed(1));
const shown = (run) => run.contenders.filter((c) => c.skip !== NOT_SELECTED);
const hasNumbers = (c) => !c.skip && Object.keys(c.cases ?? {}).length > 0;
const mark = (r) => `${r.otherShare > BUSY_SHARE ? ' †' : ''}${r.problems.length ? ' ⚠' : ''}`;

/** The value of a target row in its unit. */
export function formatTargetValue(metric, n) {
  if (n === undefined) return '—';
  if (metric === 'req/s') return rps(n);
  if (metric === 'RSS MB') return mb(n);
  return metric.startsWith('p50 added') ? `${n >= 0 ? '+' : ''}${ms(n)}` : ms(n);
}

function latencyTable(run) {
  const ids = ['tiny-c1', '64k-c1'];
  const direct = run.contenders.find((c) => c.id === 'direct');
  const lines = [
    '| proxy | tiny × 1 p50 ms | over direct | p99 ms | 64 KiB × 1 p50 ms | over direct | p99 ms |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const c of shown(run).filter(hasNumbers)) {
    const cells = ids.flatMap((id) => {
      const r = c.cases[id];
      const base = direct?.cases?.[id]?.latencyMs.p50;
      if (!r) return ['—', '—', '—'];
      const added =
        base === undefined || c.id === 'direct'
          ? '—'
          : formatTargetValue('p50 added ms', r.latencyMs.p50 - base);
      return [`${ms(r.latencyMs.p50)}${mark(r)}`, added, ms(r.latencyMs.p99)];
    });
    lines.push(`| ${c.label} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

function targetTable(run, targets) {
  const label = (id) => run.contenders.find((c) => c.id === id)?.label ?? id ?? '—';
  const caseLabel = (id) => run.cases.find((c) => c.id === id)?.label ?? id;
  const lines = [
    '| case | metric | portier door | against | its value | ratio | target | result |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const t of targets) {
    const result = t.result === 'PASS' || t.result === 'FAIL' ? `**${t.result}**` : t.result;
    const peerValue =
      t.peerValue === undefined
        ? '—'
        : formatTargetValue(t.metric.replace(' added', ''), t.peerValue);
    lines.push(
      `| ${caseLabel(t.caseId)} | ${t.metric} | ${formatTargetValue(t.metric, t.value)} | ${t.peer ? label(t.peer) : '—'} | ${peerValue} | ${t.ratio === undefined ? '—' : `${t.ratio.toFixed(2)}×`} | ${t.target} | ${result} |`,
    );
  }
  return lines.join('\n');
}

function cpuTable(run) {
  const ids = ['tiny-c64', '64k-c64'];
  const lines = [
    '| proxy: cores busy, proxy + upstream (other processes); RSS after the run | tiny × 64 | 64 KiB × 64 |',
    '| --- | --- | --- |',
  ];
  for (const c of shown(run).filter(hasNumbers)) {
    const cells = ids.map((id) => {
      const r = c.cases[id];
      if (!r) return '—';
      const rss = r.rssMB === undefined ? '' : `; ${mb(r.rssMB)} MB`;
      return `${r.serverCores.toFixed(2)} + ${r.helperCores.toFixed(2)} (${pct(r.otherShare)})${rss}`;
    });
    lines.push(`| ${c.label} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

function memoryText(memory) {
  if (!memory) return 'Memory: not measured (the door did not run).';
  if (memory.error) return `Memory: error: ${memory.error}`;
  const failures = Object.entries(memory.failures);
  return `Memory: the door after a warm-up at 64 connections, then ${memory.connections} keep-alive clients opened (${Math.round(memory.openS * 1000)} ms, 100 at a time), one GET answered on each and left open: **${mb(memory.rssMB)} MB** VmRSS (largest of 5 reads over 0.8 s; ${mb(memory.rssIdleMB)} MB before the clients, peak VmHWM ${mb(memory.hwmMB)} MB; MB = 10⁶ bytes), ${memory.open} of ${memory.connections} clients still open, ${memory.doorSockets} sockets in the door's fd table${failures.length ? `; failed: ${failures.map(([why, n]) => `${n} × ${why}`).join(', ')}` : ''}.`;
}

/** The report, in markdown. */
export function renderDoorReport(run, targets, source) {
  const s = run.settings;
  const facts = [
    ...runFactLines(
      run,
      source,
      `${s.durationS} s runs, ${s.rounds} round${s.rounds > 1 ? 's' : ''}`,
    ),
    `- Load: \`${s.wrk}\` on 127.0.0.1 (one wrk thread at 1 connection), one proxy at a time, after a ${s.warmupS} s warm-up per body at 16 connections; bodies ${s.files.map((f) => `\`${f.name}\` (${f.size} B)`).join(', ')}; ${s.rounds > 1 ? `${s.rounds} rounds, in alternating order, each cell the round with the median req/s among those without † (among all when every round had †)` : '1 round'}; total ${run.totalS.toFixed(0)} s`,
    `- Upstream (the same for every proxy): ${s.upstream}`,
  ];
  const errors = run.contenders.filter((c) => c.error).map((c) => `${c.label}: ${c.error}`);
  const bySize = (size, title) =>
    `${title}:\n\n${measurementTable({ ...run, contenders: shown(run), cases: run.cases.filter((c) => c.size === size) }, 'proxy')}`;
  const proxies = shown(run).map(
    (c) =>
      `- ${contenderName(c)} — ${c.skip ? `skipped: ${c.skip}` : c.settings}${c.command ? `: \`${c.command}\`` : ''}`,
  );
  return [
    facts.join('\n'),
    bySize('tiny', `Tiny body (${s.files[0].size} B)`),
    bySize('64k', '64 KiB body'),
    `Latency at 1 connection (wrk's 50th percentile):\n\n${latencyTable(run)}`,
    `† = other processes used more than ${BUSY_SHARE * 100}% of the machine during that run; ⚠ = wrk counted failed responses or socket errors, and such a cell counts for no target.${errors.length ? `\n\nErrors: ${errors.join('; ')}` : ''}`,
    targetTable(run, targets),
    memoryText(run.memory),
    cpuTable(run),
    `Proxies (paths of the temporary folders vary per run):\n\n${proxies.join('\n')}`,
  ].join('\n\n');
}

/** Replaces the door section of docs/benchmarks.md (appending the markers if missing). */
export function updateDoorDocs(path, markdown) {
  updateDocsSection(path, 'door', markdown);
}
