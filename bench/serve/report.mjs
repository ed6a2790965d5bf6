// The serve bench's markdown: run facts, the server × case table, the target rows, and the
// generated section of docs/benchmarks.md between the serve markers.
import { updateDocsSection } from '../shared/docs-section.mjs';
import { BUSY_SHARE } from './run-serve-bench.mjs';

/** req/s for a table: whole numbers. */
export const rps = (n) =>
  n === undefined ? '—' : n >= 10_000 ? String(Math.round(n)) : n.toFixed(0);
/** Milliseconds for a table: 3 significant-ish digits. */
export const ms = (n) =>
  n === undefined ? '—' : n < 1 ? n.toFixed(3) : n < 100 ? n.toFixed(2) : n.toFixed(0);
/** A 0–1 share as a percentage. */
export const pct = (share) => (share === undefined ? '?' : `${Math.round(share * 100)}%`);

function cell(contender, caseId, pick) {
  const r = contender.cases?.[caseId];
  if (!r) return contender.cases && Object.keys(contender.cases).length ? '' : '—';
  const text = `${pick(r)}${r.otherShare > BUSY_SHARE ? ' †' : ''}`;
  return r.problems.length ? `${text} ⚠` : text;
}

/** The skip reason of a contender left out with --only: it gets no row. */
export const NOT_SELECTED = 'not selected (--only)';

/** A contender has no numbers to show (skipped, or failed in every round). */
function hasNoNumbers(c) {
  return Boolean(c.skip) || Object.keys(c.cases ?? {}).length === 0;
}

/** `label version`. */
export function contenderName(c) {
  return `${c.label}${c.version ? ` ${c.version}` : ''}`;
}

/** The contender × case table of req/s and p99 (`title` heads the first column). */
export function measurementTable(run, title = 'server') {
  const head = run.cases.flatMap((c) => [`${c.label} req/s`, 'p99 ms']);
  const lines = [`| ${title} | ${head.join(' | ')} |`, `| --- |${' --- |'.repeat(head.length)}`];
  for (const c of run.contenders) {
    if (c.skip === NOT_SELECTED) continue;
    if (hasNoNumbers(c)) {
      lines.push(
        `| ${contenderName(c)} | ${c.skip ? `skipped: ${c.skip}` : `error: ${c.error}`} |`,
      );
      continue;
    }
    const cells = run.cases.flatMap((x) => [
      cell(c, x.id, (r) => rps(r.requestsPerS)),
      cell(c, x.id, (r) => ms(r.latencyMs.p99)),
    ]);
    lines.push(`| ${contenderName(c)} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

function cpuTable(run) {
  const head = run.cases.map((c) => c.label);
  const lines = [
    `| server: cores busy (other processes) | ${head.join(' | ')} |`,
    `| --- |${' --- |'.repeat(head.length)}`,
  ];
  for (const c of run.contenders) {
    if (hasNoNumbers(c)) continue;
    const cells = run.cases.map((x) =>
      cell(c, x.id, (r) => `${r.serverCores.toFixed(2)} (${pct(r.otherShare)})`),
    );
    lines.push(`| ${c.label} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

function targetTable(run, targets) {
  const label = (id) => run.contenders.find((c) => c.id === id)?.label ?? id ?? '—';
  const caseLabel = (id) => run.cases.find((c) => c.id === id)?.label ?? id;
  const fmt = (metric, n) => (metric === 'req/s' ? rps(n) : ms(n));
  const lines = [
    '| case | subject | metric | value | against | its value | ratio | target | result |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const t of targets) {
    const result = t.result === 'PASS' || t.result === 'FAIL' ? `**${t.result}**` : t.result;
    lines.push(
      `| ${caseLabel(t.caseId)} | ${label(t.subject)} | ${t.metric} | ${fmt(t.metric, t.value)} | ${label(t.peer)} | ${fmt(t.metric, t.peerValue)} | ${t.ratio === undefined ? '—' : `${t.ratio.toFixed(2)}×`} | ${t.target} | ${result} |`,
    );
  }
  return lines.join('\n');
}

/**
 * The facts every wrk bench report starts with: date (and `quickNote` for a --quick run),
 * machine, other processes during the run, code measured. Markdown list lines.
 */
export function runFactLines(run, source, quickNote) {
  const m = run.machine;
  const other = run.otherWork;
  const code = source
    ? `commit ${source.commit}${source.uncommittedSrcFiles ? ` plus uncommitted changes in ${source.uncommittedSrcFiles} src/ files` : ''} (bin/, dist/ and package.json copied aside at the start)`
    : 'unknown';
  return [
    `- Date: ${run.date}${run.settings.quick ? ` (**--quick**: ${quickNote}, not for the docs)` : ''}`,
    `- Machine: ${m.cpus} × ${m.cpuModel.split(' ').slice(0, 2).join(' ')}, ${m.memGiB} GiB, Linux ${m.kernel}, Node ${m.node}; load average ${m.loadAverage.join(' ')} at start, ${run.loadAverageEnd.join(' ')} at end`,
    `- Other processes during the run: ${other ? `${pct(other.otherShare)} of all cores (${other.otherCpuS.toFixed(0)} CPU s in ${other.wallS.toFixed(0)} s), steal ${pct(other.stealShare)}` : 'unknown'}`,
    `- Code: ${code}`,
  ];
}

/** The report, in markdown: facts, measurements, CPU, targets, commands. */
export function renderServeReport(run, targets, source) {
  const facts = [
    ...runFactLines(run, source, '3 s runs'),
    `- Load: \`${run.settings.wrk}\` on 127.0.0.1, one server at a time, after a ${run.settings.warmupS} s warm-up per file; files ${run.settings.files.map((f) => `\`${f.name}\` (${f.size} B)`).join(', ')}; ${run.settings.rounds > 1 ? `${run.settings.rounds} rounds, each cell the round with the median req/s among those without † (among all when every round had †)` : '1 round'}; total ${run.totalS.toFixed(0)} s`,
  ];
  const errors = run.contenders.filter((c) => c.error).map((c) => `${c.label}: ${c.error}`);
  const servers = run.contenders
    .filter((c) => c.skip !== NOT_SELECTED)
    .map((c) => `- ${contenderName(c)} — ${c.settings}${c.command ? `: \`${c.command}\`` : ''}`);
  return [
    facts.join('\n'),
    measurementTable(run),
    `† = other processes used more than ${BUSY_SHARE * 100}% of the machine during that run (see the CPU table); ⚠ = wrk counted failed responses or socket errors, and such a cell counts for no target.${errors.length ? `\n\nErrors: ${errors.join('; ')}` : ''}`,
    targetTable(run, targets),
    cpuTable(run),
    `Servers (paths of the temporary folders vary per run):\n\n${servers.join('\n')}`,
  ].join('\n\n');
}

/** Replaces the serve section of docs/benchmarks.md (appending the markers if missing). */
export function updateServeDocs(path, markdown) {
  updateDocsSection(path, 'serve', markdown);
}
