// One contender's turn in a round of the serve and door benches: run its cases, keep what they
// measured, record a failure on the entry instead of ending the bench (unless stopped).

/**
 * Runs `runContender(settings)` for `entry` and appends the cases to `entry.rounds`; a failure
 * is kept as `entry.error` and logged, an abort is rethrown.
 */
export async function runEntry(entry, runContender, settings) {
  const { log, signal } = settings;
  log(`${entry.label} ${entry.version ?? ''}…`);
  signal?.throwIfAborted();
  try {
    const out = await runContender(settings);
    entry.command = out.command;
    entry.rounds.push(out.cases);
    if (out.killedPids) entry.killedPids = [...(entry.killedPids ?? []), ...out.killedPids];
  } catch (error) {
    if (signal?.aborted) throw error;
    entry.error = String(error.message ?? error);
    log(`${entry.label} FAILED: ${entry.error}`);
  }
}

/**
 * The report entries of `contenders` (their facts, without `launch`/`prepare`), marked
 * skipped when `only` leaves them out; logs the ones that cannot run here.
 */
export function entriesFor(contenders, only, log) {
  const entries = contenders.map(({ launch, prepare, ...facts }) => ({
    ...facts,
    skip: only && !only.includes(facts.id) ? 'not selected (--only)' : facts.skip,
    cases: {},
    rounds: [],
  }));
  for (const entry of entries)
    if (entry.skip && !entry.skip.startsWith('not selected'))
      log(`${entry.label}: skipped: ${entry.skip}`);
  return entries;
}
