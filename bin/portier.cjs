#!/usr/bin/env node
'use strict';
// CommonJS and tiny on purpose: a CommonJS entry starts ~20 ms sooner than an ES module one on
// Node 20, and `portier --version` must cost little more than `node -e 0`.
// A literal, not require('../package.json'): reading and parsing that costs ~2 ms more.
// test/e2e/cli-ports.test.ts fails when it drifts from package.json.
const VERSION = '0.1.0';
const arg = process.argv[2];
if (arg === '--version' || arg === '-v') {
  // Straight to the descriptor: building process.stdout costs more than the rest of this run.
  try {
    require('node:fs').writeSync(1, `${VERSION}\n`);
  } catch (error) {
    if (error.code === 'EAGAIN') process.stdout.write(`${VERSION}\n`);
    else if (error.code !== 'EPIPE') throw error;
  }
} else {
  // Each command's bundle is compiled through V8's code cache (src/cli/command-loader.ts).
  require('../dist/cli.cjs')
    .main(process.argv.slice(2))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error) => {
        process.stderr.write(
          `portier: internal error (a bug, please report it)\n${error?.stack || error}\n`,
        );
        process.exitCode = 70;
      },
    );
}
