// Bundles the library and the CLI with esbuild, then emits type declarations with tsc.
// The CLI is CommonJS with its dependencies inlined: for a short-lived process CommonJS loads
// measurably faster than an ES module graph (~20 ms on Node 20). Each command is its own file,
// required only when it runs, so `portier ls` does not read and compile the doctor.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  define: { __PORTIER_VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
};

/**
 * Sends the command table's `./commands/<name>.js` imports to the bundle loader
 * (src/cli/bundle-loader.ts, `./loader.cjs` at run time), which loads the command's own bundle
 * through the code cache, so the table stays plain imports for tests and type checks.
 */
const lazyCommands = {
  name: 'lazy-commands',
  setup(b) {
    b.onResolve({ filter: /^\.\/commands\/[a-z-]+\.js$/ }, (args) => ({
      path: args.path.slice('./commands/'.length, -'.js'.length),
      namespace: 'lazy-command',
    }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-command' }, (args) => ({
      contents: `module.exports = require('./bundle-loader.js').loadBundle(${JSON.stringify(`commands/${args.path}.cjs`)});`,
      resolveDir: 'src/cli',
      loader: 'js',
    }));
  },
};

/**
 * Leaves the CLI's requires of the bundle loader to run time, as `./loader.cjs`: bin/portier.cjs
 * loads that file first and the CLI bundle through it, and both must share one loader.
 */
const sharedLoader = {
  name: 'shared-loader',
  setup(b) {
    b.onResolve({ filter: /^\.\/bundle-loader\.js$/ }, () => ({
      path: './loader.cjs',
      external: true,
    }));
  },
};

const commands = readdirSync('src/cli/commands')
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3));
const cjs = {
  ...common,
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  // import() of a command becomes require(): no ES module loader in the CLI process.
  supported: { 'dynamic-import': false },
};

await Promise.all([
  build({
    ...common,
    entryPoints: { index: 'src/index.ts' },
    outdir: 'dist',
    packages: 'external',
  }),
  build({
    ...cjs,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    plugins: [lazyCommands, sharedLoader],
  }),
  build({
    ...cjs,
    entryPoints: { loader: 'src/cli/bundle-loader.ts' },
    outdir: 'dist',
  }),
  build({
    ...cjs,
    entryPoints: Object.fromEntries(
      commands.map((c) => [`commands/${c}`, `src/cli/commands/${c}.ts`]),
    ),
    outdir: 'dist',
  }),
]);

/**
 * Makes the CLI bundles pure ASCII: esbuild escapes every non-ASCII character in code, but the
 * doc comments it keeps may hold some (–, …), and one of them makes Node decode the whole
 * file into a two-byte string. Escaped here, each bundle is read into a one-byte string: half
 * the memory, and with the rest of a cold `kill` no young-generation collection at all. Only
 * comment lines may hold one: in a regular expression or a raw template the escape would
 * change the code, so the build stops there instead. A test checks the bundles stay ASCII.
 */
function escapeNonAscii(file) {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (!/[^\0-\x7f]/.test(line)) return;
    if (!/^\s*(\/\*|\*|\/\/)/.test(line))
      throw new Error(
        `${file}:${i + 1}: a non-ASCII character outside a comment line: ${line.trim()}`,
      );
    lines[i] = line.replace(
      /[^\0-\x7f]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  });
  const ascii = lines.join('\n');
  if (ascii !== text) writeFileSync(file, ascii);
}
for (const dir of ['dist', 'dist/commands'])
  for (const name of readdirSync(dir)) if (name.endsWith('.cjs')) escapeNonAscii(`${dir}/${name}`);

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], {
  stdio: 'inherit',
});
