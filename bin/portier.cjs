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
  // The CLI bundle and each command's are compiled through V8's code cache by dist/loader.cjs
  // (src/cli/bundle-loader.ts). That small file is compiled here as Node would wrap it, minus
  // the resolving and realpath-ing of \`require\`, which cost a cold process ~0.5 ms.
  const { join } = require('node:path');
  const file = join(__dirname, '..', 'dist', 'loader.cjs');
  const source = require('node:fs').readFileSync(file, 'utf8');
  const { Script } = require('node:vm');
  const wrapper = new Script(
    `(function (exports, require, module, __filename, __dirname) { ${source}\n});`,
    { filename: file },
  ).runInThisContext();
  const loader = { exports: {} };
  wrapper.call(
    loader.exports,
    loader.exports,
    require,
    loader,
    file,
    join(__dirname, '..', 'dist'),
  );
  loader.exports
    .loadBundle('cli.cjs')
    .main(process.argv.slice(2))
    .then(
      (code) => {
        process.exitCode = code;
        // When nothing is active any more (no write still pending, timer, child, server, or
        // terminal stream), the process would end now anyway: end without Node tearing down
        // its heap and environment first (docs/benchmarks.md has what that saved a kill).
        // Checked on the next turn of the loop, once queued callbacks have run. Otherwise
        // it ends the usual way, once that is done (a full pipe's slow reader gets every byte).
        setImmediate(() => {
          if (process.getActiveResourcesInfo().length === 0) process.exit(code);
        });
      },
      (error) => {
        process.stderr.write(
          `portier: internal error (a bug, please report it)\n${error?.stack || error}\n`,
        );
        process.exitCode = 70;
      },
    );
}
