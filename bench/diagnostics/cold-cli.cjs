// Child of the CLI diagnostics: one cold portier command (argv[3…], default `ls`) inside a
// fresh Node process, with marks. Writes {bootMs, requireMs, mainMs, exitMs, code} to stderr
// as its last line, when the process exits; the command's own output goes where it goes.
// exitMs is main() resolving → the process exiting: handles the command left open, and the
// code cache written for the next run when this one missed it.
'use strict';
const bootMs = performance.now(); // process start → this line: Node's own start-up
// As bin/portier.cjs does: the bundle loader, then the CLI bundle through the code cache.
const { main } = require(`${process.argv[2]}/dist/loader.cjs`).loadBundle('cli.cjs');
const requireMs = performance.now() - bootMs;
const start = performance.now();
const args = process.argv.length > 3 ? process.argv.slice(3) : ['ls'];
let mainMs;
let code;
main(args).then((exitCode) => {
  mainMs = performance.now() - start;
  code = exitCode;
});
process.on('exit', () => {
  const exitMs = performance.now() - start - mainMs;
  process.stderr.write(`${JSON.stringify({ bootMs, requireMs, mainMs, exitMs, code })}\n`);
});
