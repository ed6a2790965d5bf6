// Whole-process wall times: the Node floor, the portier CLI, and the system tools it is
// compared with. Everything runs with the background load present.
import { measureCommands } from '../measure.mjs';

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
  const results = measureCommands(commands, { cwd: root, runs, warmup });
  for (const [name, argv] of Object.entries(commands)) {
    results[name].kind = 'process';
    results[name].command = argv.join(' ');
    const codes = results[name].exitCodes;
    if (codes.some((code) => code !== 0)) results[name].failed = `exit codes ${codes.join(', ')}`;
  }
  return results;
}
