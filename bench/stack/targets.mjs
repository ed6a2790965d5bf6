// The stack supervisor's targets (issue 5), decided from the measured numbers: pure, so the
// report and a test can both call it.

/** All ready ≤ this × the peer's median, with `portier up` in the foreground. */
export const MAX_START_RATIO = 1.5;
/** All ready in at most this, ms (median of the foreground runs). */
export const MAX_START_MS = 2_000;
/** The idle supervisor's CPU, % of one core. */
export const MAX_IDLE_CPU_PCT = 2;
/** The idle supervisor's resident memory, MB (10^6 bytes: the stricter reading of "80 MB"). */
export const MAX_IDLE_RSS_MB = 80;

export const CASES = {
  foreground: 'portier up (foreground)',
  detached: 'portier up -d',
  peerDefault: 'concurrently + wait-on',
  peerFast: 'concurrently + wait-on --interval 10',
};

/**
 * The peer the ratio target uses: whichever wait-on setting had the lower median in this run,
 * i.e. the peer at its best (the stricter comparison). Undefined when neither ran cleanly.
 */
export function targetPeer(starts) {
  const peers = ['peerDefault', 'peerFast'].filter((id) => starts[id]?.medianMs !== undefined);
  if (peers.length === 0) return undefined;
  return peers.reduce((a, b) => (starts[b].medianMs < starts[a].medianMs ? b : a));
}

/** PASS when `value` ≤ `bound` (< when `strict`), ERROR when there is no value. */
function verdict(value, bound, strict = false) {
  if (value === undefined || Number.isNaN(value)) return 'ERROR';
  return (strict ? value < bound : value <= bound) ? 'PASS' : 'FAIL';
}

function startRow(starts, subject, peer, target) {
  const value = starts[subject]?.medianMs;
  const peerValue = peer ? starts[peer]?.medianMs : undefined;
  const ratio = value !== undefined && peerValue ? value / peerValue : undefined;
  return {
    what: `all ${starts.count} ready: ${CASES[subject]}`,
    unit: 'ms',
    value,
    ...(peer ? { peer: CASES[peer], peerValue, ratio } : {}),
    target: target?.text ?? '—',
    verdict: target ? verdict(target.ratio ? ratio : value, target.bound) : 'info',
  };
}

/**
 * Target rows (PASS/FAIL, or ERROR when a side has no clean number), then info rows.
 * `starts`: case id → { medianMs } plus `count`; `idle`: { detached, foreground } measures.
 */
export function evaluateStackTargets(starts, idle) {
  const best = targetPeer(starts);
  const other = best === 'peerFast' ? 'peerDefault' : 'peerFast';
  const rows = [
    startRow(starts, 'foreground', best, {
      ratio: true,
      bound: MAX_START_RATIO,
      text: `≤ ${MAX_START_RATIO}× peer`,
    }),
    startRow(starts, 'foreground', undefined, {
      bound: MAX_START_MS,
      text: `≤ ${MAX_START_MS} ms`,
    }),
  ];
  const d = idle.detached;
  const n = starts.count;
  rows.push(
    {
      what: `idle supervisor CPU (up -d, ${n} services)`,
      unit: '% of one core',
      value: d?.cpuPct,
      target: `< ${MAX_IDLE_CPU_PCT}%`,
      verdict: verdict(d?.cpuPct, MAX_IDLE_CPU_PCT, true),
    },
    {
      what: `idle supervisor RSS (up -d, ${n} services)`,
      unit: 'MB',
      value: d?.rssMB,
      target: `< ${MAX_IDLE_RSS_MB} MB`,
      verdict: verdict(d?.rssMB, MAX_IDLE_RSS_MB, true),
    },
  );
  rows.push(
    startRow(starts, 'foreground', other),
    startRow(starts, 'detached', best),
    startRow(starts, 'detached', other),
  );
  const f = idle.foreground;
  rows.push(
    { what: 'idle supervisor CPU (foreground)', unit: '% of one core', value: f?.cpuPct },
    { what: 'idle supervisor RSS (foreground)', unit: 'MB', value: f?.rssMB },
    { what: `the ${n} services together, RSS (up -d)`, unit: 'MB', value: d?.servicesRssMB },
  );
  for (const row of rows.slice(-3)) Object.assign(row, { target: '—', verdict: 'info' });
  return rows;
}
