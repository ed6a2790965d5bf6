// Renders bench results: the targets table (ratios, PASS/FAIL), every measurement, the load
// and the machine, as markdown; and the raw numbers as JSON.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Milliseconds with precision that fits their size. */
export function formatMs(ms) {
  if (ms === undefined || Number.isNaN(ms)) return '—';
  if (ms < 1) return ms.toFixed(3);
  if (ms < 10) return ms.toFixed(2);
  return ms.toFixed(1);
}

/** A median in its unit: ms as {@link formatMs}, a CPU share as `6.5 %` (of one core). */
export function formatValue(value, unit = 'ms') {
  if (unit !== '%') return formatMs(value);
  if (value === undefined || Number.isNaN(value)) return '—';
  return `${value.toFixed(1)} %`;
}

function formatTarget(row) {
  if (row.maxRatio !== undefined) return `≤ ${row.maxRatio}×`;
  if (row.maxMs !== undefined) return `≤ ${row.maxMs} ms`;
  if (row.maxPct !== undefined) return `≤ ${row.maxPct} % of a core`;
  return '—';
}

function formatRatio(ratio) {
  return ratio === undefined || !Number.isFinite(ratio) ? '—' : `${ratio.toFixed(2)}×`;
}

function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The targets table: one row per target, context rows after each group's targets. */
export function renderTargetsTable(rows) {
  return table(
    ['case', 'median ms', 'peer', 'peer median ms', 'ratio', 'target', 'result'],
    rows.map((r) => [
      `\`${r.case}\``,
      formatValue(r.median, r.unit),
      r.peer ? `\`${r.peer}\`` : '—',
      formatValue(r.peerMedian, r.unit),
      formatRatio(r.ratio),
      formatTarget(r),
      r.verdict === 'PASS' || r.verdict === 'FAIL' ? `**${r.verdict}**` : r.verdict,
    ]),
  );
}

/** Every timing with its spread and how it was taken (CPU shares: {@link renderCpuTable}). */
export function renderMeasurementsTable(results) {
  return table(
    ['case', 'kind', 'runs', 'median ms', 'p95 ms', 'min ms', 'max ms', 'how'],
    Object.entries(results)
      .filter(([, r]) => r.unit !== '%')
      .map(([name, r]) => [
        `\`${name}\``,
        r.kind,
        String(r.runs ?? '—'),
        formatMs(r.medianMs),
        formatMs(r.p95Ms),
        formatMs(r.minMs),
        formatMs(r.maxMs),
        r.failed ? `failed: ${r.failed}` : (r.tool ?? r.ledger ?? ''),
      ]),
  );
}

/** CPU shares (% of one core) with their spread, settings and how they were taken. */
export function renderCpuTable(results) {
  const rows = Object.entries(results).filter(([, r]) => r.unit === '%');
  if (rows.length === 0) return '';
  const pct = (value) => formatValue(value, '%');
  return table(
    ['case', 'windows', 'median', 'min', 'max', 'settings', 'how'],
    rows.map(([name, r]) => [
      `\`${name}\``,
      String(r.runs),
      pct(r.medianPct),
      pct(r.minPct),
      pct(r.maxPct),
      r.settings ?? '',
      r.failed ? `failed: ${r.failed}` : (r.tool ?? ''),
    ]),
  );
}

/** Above this share of the machine used by other processes, a run is called busy. */
const BUSY_SHARE = 0.15;

/** Share of the machine used by other processes during the run, and what it means. */
function renderOtherWork(other) {
  if (!other) return 'not measured (no /proc/stat)';
  const pct = (share) => `${(share * 100).toFixed(0)}%`;
  const verdict =
    other.otherShare > BUSY_SHARE ? ' — busy: every number is skewed, compare ratios only' : '';
  return `${pct(other.otherShare)} of all cores (${other.otherCpuS.toFixed(0)} CPU s in ${other.wallS.toFixed(0)} s), steal ${pct(other.stealShare)}${verdict}`;
}

function renderSource(source) {
  if (!source) return 'unknown commit';
  const dirty = source.uncommittedSrcFiles;
  return `commit ${source.commit}${dirty ? ` plus uncommitted changes in ${dirty} src/ files` : ''}`;
}

/** Label/value lines describing one run: machine, load, date. */
export function renderContext(meta) {
  const { machine, load } = meta;
  return [
    `- Date: ${meta.date}`,
    `- Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memGiB} GiB, Linux ${machine.kernel}, Node ${machine.node}; load average ${machine.loadAverageAtStart.join(' ')} at start, ${machine.loadAverage.join(' ')} at end`,
    `- Other processes during the run: ${renderOtherWork(meta.otherWork)}`,
    `- Code: ${renderSource(meta.source)} (bin/, dist/ and package.json copied aside at the start)`,
    `- Load (pid ${load.pid}): ${load.listeners} listeners on 127.0.0.1 and ${load.connections} idle established loopback connections (${load.establishedSockets} sockets, both ends in the load process); socket table at start: ${load.table.listen} LISTEN, ${load.table.established} ESTABLISHED, ${load.table.other} other rows; ${load.fdTotals.fds} fds in ${load.fdTotals.pids} processes`,
    `- Settings: ${meta.settings.processRuns} runs per whole-process case (${meta.settings.timing}), ${meta.settings.lookupRuns} per in-process lookup (${meta.settings.peerRuns} for peers), ${meta.settings.pickCalls} pickPort/get-port calls, ${meta.settings.killRounds} kill rounds; total ${meta.totalSeconds.toFixed(0)} s`,
    `- After the load was stopped: ${meta.settings.waitRounds} detection rounds and ${meta.settings.cpuWindows} CPU windows of 2 s per waiter, ${meta.settings.doctorRuns} runs per doctor/check case (${meta.settings.timing}); \`portier doctor <refused port> (under load)\` ran with the load, ${meta.settings.doctorRuns} runs`,
  ].join('\n');
}

/** The whole markdown report printed to stdout. */
export function renderReport(meta, rows, results) {
  const failed = rows.filter((r) => r.verdict === 'FAIL').length;
  const judged = rows.filter((r) => r.verdict === 'PASS' || r.verdict === 'FAIL').length;
  return [
    renderContext(meta),
    '',
    renderTargetsTable(rows),
    '',
    `${judged - failed} of ${judged} targets pass.`,
    '',
    renderMeasurementsTable(results),
    '',
    renderCpuTable(results),
    '',
  ].join('\n');
}

/**
 * Writes the raw numbers as JSON, creating the directory, then lets the project's Biome
 * format it: `biome check .` covers bench/ and must not fail because a bench was run.
 */
export function writeJson(path, data, root) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
  const biome = join(root, 'node_modules/@biomejs/biome/bin/biome');
  if (existsSync(biome)) {
    spawnSync(process.execPath, [biome, 'format', '--write', path], { cwd: root, stdio: 'ignore' });
  }
}

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

/** Replaces the generated section of docs/benchmarks.md (between the markers) with `markdown`. */
export function updateDocs(path, markdown) {
  const text = readFileSync(path, 'utf8');
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from < 0 || to < from) throw new Error(`${path} has no ${START} … ${END} section`);
  writeFileSync(path, `${text.slice(0, from + START.length)}\n${markdown}\n${text.slice(to)}`);
}
