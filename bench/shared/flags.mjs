// The command-line flags the bench runners and profilers share.

/** The text after `name` in `argv`, or `fallback` when the flag is absent. */
export function stringFlag(argv, name, fallback) {
  const index = argv.indexOf(name);
  return index < 0 ? fallback : argv[index + 1];
}

/** The whole number ≥ 1 after `name` in `argv`, or `fallback` when absent; throws on a bad one. */
export function wholeNumberFlag(argv, name, fallback) {
  const text = stringFlag(argv, name, undefined);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} needs a whole number ≥ 1`);
  return value;
}

/** The number of rounds after `--rounds`, or `fallback` when absent. */
export function roundsFlag(argv, fallback) {
  return wholeNumberFlag(argv, '--rounds', fallback);
}

/** The ids after `--only` (comma-separated), or undefined when absent. */
export function onlyFlag(argv) {
  const index = argv.indexOf('--only');
  return index < 0 ? undefined : (argv[index + 1] ?? '').split(',').filter(Boolean);
}
