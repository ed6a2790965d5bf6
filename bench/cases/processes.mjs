// Whole-process wall times: the Node floor, the portier CLI, and the system tools it is
// compared with. Everything runs with the background load present.
import { measureCommands } from '../measure.mjs';

/** Suffix of the cases run with NODE_EXTRA_CA_CERTS removed from the environment. */
export const WITHOUT_EXTRA_CA = '(without NODE_EXTRA_CA_CERTS)';

/** Runs every whole-process case; `root` is the package root (where bin/portier.cjs is). */
export function runProcessCases({ root, runs, warmup }) {
  const node = process.execPath;
  const commands = {
    'node -e 0': [node, '-e', '0'],
    'portier --version': [node, 'bin/portier.cjs', '--version'],
    'portier ls': [node, 'bin/portier.cjs', 'ls'],
    'ss -ltnp': ['ss', '-ltnp'],
    'lsof -iTCP -sTCP:LISTEN -P -n': ['lsof', '-iTCP', '-sTCP:LISTEN', '-P', '-n'],
  };
  // Node loads NODE_EXTRA_CA_CERTS before running any script (tens of ms here), which raises
  // the floor every ratio to `node -e 0` is taken against: show both sides without it too.
  if (process.env.NODE_EXTRA_CA_CERTS) {
    const bare = ['env', '-u', 'NODE_EXTRA_CA_CERTS', node];
    commands[`node -e 0 ${WITHOUT_EXTRA_CA}`] = [...bare, '-e', '0'];
    commands[`portier ls ${WITHOUT_EXTRA_CA}`] = [...bare, 'bin/portier.cjs', 'ls'];
  }
  const results = measureCommands(commands, { cwd: root, runs, warmup });
  for (const [name, argv] of Object.entries(commands)) {
    results[name].kind = 'process';
    results[name].command = argv.join(' ');
    const codes = results[name].exitCodes;
    if (codes.some((code) => code !== 0)) results[name].failed = `exit codes ${codes.join(', ')}`;
  }
  return results;
}
