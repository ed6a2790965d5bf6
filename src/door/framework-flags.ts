/**
 * Dev servers that ignore `PORT`/`HOST` and must be told on the command line, recognised by
 * the command's first words (through `npx`, `pnpm`, `yarn`, `bunx`, `python -m`): for those,
 * `portier run` adds the port and loopback-host flags the tool understands. Pure.
 */

/** What {@link planFrameworkFlags} decided for a command. */
export interface FrameworkPlan {
  /** The recognised tool (`vite`, `astro`, `ng`), or undefined when none was. */
  framework?: string;
  /** The command to run: the input with {@link added} inserted (before a `--`, else at the end). */
  argv: string[];
  /** The arguments added; empty when none were needed or the command already has them. */
  added: string[];
}

/** One dev server: its executable, which subcommands serve, and the flags for port and host. */
interface FrameworkRule {
  tool: string;
  /** Whether the first word after the tool (undefined: none, or a flag) starts a server. */
  serves(subcommand: string | undefined): boolean;
  /** Arguments for port and host, leaving out any the user already gave in `rest`. */
  args(rest: readonly string[], port: number, host: string): string[];
}

const oneOf =
  (...names: (string | undefined)[]) =>
  (sub: string | undefined) =>
    names.includes(sub);

/** True when `rest` already has `--flag`, `--flag=…` or one of its aliases. */
function hasFlag(rest: readonly string[], ...names: string[]): boolean {
  return rest.some((arg) => names.some((name) => arg === name || arg.startsWith(`${name}=`)));
}

/** `[flag, value]` pairs, each left out when the user gave that flag. */
function flags(...pairs: [string[], string | undefined][]) {
  return (rest: readonly string[]) =>
    pairs.flatMap(([names, value]) =>
      hasFlag(rest, ...names) ? [] : value === undefined ? [names[0]!] : [names[0]!, value],
    );
}

/** `--port P --host H`, the most common spelling. */
const portHost = (rest: readonly string[], port: number, host: string) =>
  flags([['--port'], String(port)], [['--host'], host])(rest);

/** Vite and the tools built on it: `--strictPort`, or it silently moves to the next port. */
const viteArgs = (rest: readonly string[], port: number, host: string) =>
  flags([['--port'], String(port)], [['--host'], host], [['--strictPort'], undefined])(rest);

const RULES: readonly FrameworkRule[] = [
  // `vite [root]` serves; `vite build` and `vite optimize` do not.
  { tool: 'vite', serves: (sub) => sub !== 'build' && sub !== 'optimize', args: viteArgs },
  { tool: 'astro', serves: oneOf('dev', 'preview'), args: portHost },
  { tool: 'ng', serves: oneOf('serve', 's'), args: portHost },
  { tool: 'react-router', serves: oneOf('dev'), args: viteArgs },
  { tool: 'remix', serves: oneOf('vite:dev'), args: viteArgs },
  {
    tool: 'next',
    serves: oneOf('dev', 'start'),
    args: (rest, port, host) =>
      flags([['--port', '-p'], String(port)], [['--hostname', '-H'], host])(rest),
  },
  { tool: 'webpack', serves: oneOf('serve'), args: portHost },
  { tool: 'webpack-dev-server', serves: () => true, args: portHost },
  { tool: 'storybook', serves: oneOf('dev'), args: portHost },
  { tool: 'docusaurus', serves: oneOf('start', 'serve'), args: portHost },
  { tool: 'gatsby', serves: oneOf('develop', 'serve'), args: portHost },
  { tool: 'jekyll', serves: oneOf('serve', 's'), args: portHost },
  { tool: 'flask', serves: oneOf('run'), args: portHost },
  { tool: 'uvicorn', serves: () => true, args: portHost },
  {
    tool: 'hugo',
    serves: oneOf('server', 'serve'),
    args: (rest, port, host) => flags([['--port', '-p'], String(port)], [['--bind'], host])(rest),
  },
  {
    // `python -m http.server [--bind ADDR] [PORT]`.
    tool: 'http.server',
    serves: () => true,
    args: (rest, port, host) => [
      ...flags([['--bind', '-b'], host])(rest),
      ...(rest.some((arg) => /^\d+$/.test(arg)) ? [] : [String(port)]),
    ],
  },
  {
    // `python manage.py runserver [ADDR:PORT]`.
    tool: 'manage.py',
    serves: oneOf('runserver'),
    args: (rest, port, host) =>
      rest.slice(1).some((arg) => !arg.startsWith('-')) ? [] : [`${host}:${port}`],
  },
];

/** Runners that execute a package's binary, with their subcommands that come before it. */
const RUNNERS: Readonly<Record<string, readonly string[]>> = {
  npx: [],
  pnpx: [],
  bunx: [],
  pnpm: ['exec', 'dlx'],
  yarn: ['exec', 'dlx'],
  bun: ['x', 'run'],
  npm: ['exec', 'x'],
};

/** Programs that run a script given as a path: `node node_modules/vite/bin/vite.js`. */
const SCRIPT_RUNNERS: ReadonlySet<string> = new Set(['node', 'nodejs']);

/**
 * The file name of a path, without a Windows `.cmd`/`.exe` or a script's `.js`/`.mjs`/`.cjs`:
 * `./node_modules/.bin/vite` and `node_modules/vite/bin/vite.js` → `vite`.
 */
function baseName(word: string): string {
  return (word.split(/[\\/]/).pop() ?? word).replace(/\.(cmd|exe|bat|js|mjs|cjs)$/i, '');
}

/** Index in `argv` of the tool itself, past runners and their flags (`npx -y vite` → 2). */
function toolIndex(argv: readonly string[]): number {
  let i = 0;
  const first = baseName(argv[0] ?? '');
  if (first in RUNNERS) {
    i = 1;
    if (RUNNERS[first]!.includes(argv[1] ?? '')) i = 2;
    while (argv[i]?.startsWith('-')) i++; // `npx --yes vite`, `npm exec -- vite`
  } else if (SCRIPT_RUNNERS.has(first)) {
    i = 1;
    while (argv[i]?.startsWith('-')) i++; // `node --inspect vite.js`
  } else if (/^python(\d(\.\d+)?)?$/.test(first)) {
    // `python -m http.server` runs a module; `python manage.py` a script.
    i = argv[1] === '-m' ? 2 : 1;
  }
  return i;
}

/**
 * The command with the flags its dev server needs to listen on `host`:`port`, when its first
 * words name a known one (`vite`, `npx astro dev`, `ng serve`, `python -m http.server`). Flags
 * the user already wrote are left alone; unknown commands are returned as they are.
 */
export function planFrameworkFlags(
  argv: readonly string[],
  port: number,
  host = '127.0.0.1',
): FrameworkPlan {
  const at = toolIndex(argv);
  const tool = baseName(argv[at] ?? '');
  const rule = RULES.find((r) => r.tool === tool);
  const dash = argv.indexOf('--', at + 1);
  const rest = argv.slice(at + 1, dash < 0 ? undefined : dash);
  const sub = rest[0]?.startsWith('-') ? undefined : rest[0];
  if (!rule?.serves(sub)) return { argv: [...argv], added: [] };
  const added = rule.args(rest, port, host);
  const end = dash < 0 ? argv.length : dash;
  return {
    framework: rule.tool,
    argv: [...argv.slice(0, end), ...added, ...argv.slice(end)],
    added,
  };
}

/**
 * The port a command sets itself with `--port N` or `--port=N`, if it does; also after a `--`
 * (`npm run dev -- --port 3000` passes it on to the dev server).
 */
export function explicitPort(argv: readonly string[]): number | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const text = arg === '--port' ? argv[i + 1] : arg.startsWith('--port=') ? arg.slice(7) : '';
    if (text && /^\d{1,5}$/.test(text) && Number(text) >= 1 && Number(text) <= 65535)
      return Number(text);
  }
  return undefined;
}
