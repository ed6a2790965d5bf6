// The command-line flags every bench runner shares.

/** The whole number after `--rounds` in `argv`, or `fallback` when absent; throws on a bad one. */
export function roundsFlag(argv, fallback) {
  const index = argv.indexOf('--rounds');
  if (index < 0) return fallback;
  const value = Number(argv[index + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error('--rounds needs a whole number ≥ 1');
  return value;
}

/** The ids after `--only` (comma-separated), or undefined when absent. */
export function onlyFlag(argv) {
  const index = argv.indexOf('--only');
  return index < 0 ? undefined : (argv[index + 1] ?? '').split(',').filter(Boolean);
}
