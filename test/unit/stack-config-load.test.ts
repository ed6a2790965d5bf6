import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROBE_TIMING, DEFAULT_RESTART } from '../../src/stack/config/config-defaults.js';
import { errorOf, lines, problemsOfYaml, ROOT, resolveYaml } from './stack-config-helpers.js';

const YAML = join(ROOT, 'portier.yaml');

/** The example of DESIGN.md section 4, verbatim. */
const DESIGN_EXAMPLE = lines(
  'name: shop                       # project name, part of hostnames',
  'services:',
  '  db:',
  '    postgres: {}                 # built-in: embedded PostgreSQL, no install needed',
  '  cache:',
  '    command: redis-server --port $PORT',
  '    ready: { redis: true }',
  '  api:',
  '    command: node server.js',
  '    cwd: ./api',
  '    env: { LOG_LEVEL: debug }',
  '    env_file: .env',
  '    depends_on: { db: healthy }  # started | healthy | completed',
  '    ready: { http: /health }     # tcp | http | postgres | redis | log: "regex" | exec: "cmd"',
  '    restart: on-failure          # no | on-failure | always; exponential backoff, crash-loop cap',
  '  web:',
  '    command: npm run dev -- --port $PORT --strictPort',
  '    depends_on: { api: started }',
);

const base = { probe: DEFAULT_PROBE_TIMING, restart: DEFAULT_RESTART, port: 'auto', envFiles: [] };
const plain = {
  ...base,
  cwd: ROOT,
  env: {},
  dependsOn: {},
  stopSignal: 'SIGTERM',
  stopTimeoutMs: 10_000,
};
const pos = (line: number) => ({ file: YAML, line, column: 3 });

describe('loadStackConfig: the example of DESIGN.md', () => {
  it('resolves every service with its defaults, frozen', () => {
    const config = resolveYaml(DESIGN_EXAMPLE, {
      '.env': 'LOG_LEVEL=info\nSECRET=s3cret\n',
      'api/server.js': '',
    });
    expect(config).toEqual({
      name: 'shop',
      root: ROOT,
      file: YAML,
      source: 'portier.yaml',
      services: [
        {
          ...plain,
          name: 'db',
          postgres: { database: 'app', user: 'portier', settings: {} },
          ready: { kind: 'postgres' },
          stopSignal: 'SIGINT',
          stopTimeoutMs: 30_000,
          position: pos(3),
        },
        {
          ...plain,
          name: 'cache',
          command: { kind: 'shell', script: 'redis-server --port $PORT' },
          ready: { kind: 'redis' },
          position: pos(5),
        },
        {
          ...plain,
          name: 'api',
          command: { kind: 'shell', script: 'node server.js' },
          cwd: join(ROOT, 'api'),
          env: { LOG_LEVEL: 'debug', SECRET: 's3cret' },
          envFiles: [join(ROOT, '.env')],
          dependsOn: { db: 'healthy' },
          ready: { kind: 'http', path: '/health' },
          position: pos(8),
        },
        {
          ...plain,
          name: 'web',
          command: { kind: 'shell', script: 'npm run dev -- --port $PORT --strictPort' },
          dependsOn: { api: 'started' },
          position: pos(16),
        },
      ],
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.services)).toBe(true);
    expect(Object.isFrozen(config.services[2]?.env)).toBe(true);
    expect(Object.isFrozen(config.services[2]?.dependsOn)).toBe(true);
  });
});

describe('loadStackConfig: defaults and normalising', () => {
  const one = (...extra: string[]) =>
    resolveYaml(lines('services:', '  web:', '    command: run', ...extra.map((l) => `    ${l}`)))
      .services[0]!;

  it.each([
    ['postgres: true', { database: 'app', user: 'portier', settings: {} }],
    [
      'postgres: { database: shop, user: admin, settings: { fsync: off, max_connections: 50, jit: false } }',
      {
        database: 'shop',
        user: 'admin',
        settings: { fsync: 'off', max_connections: '50', jit: 'false' },
      },
    ],
  ])('fills postgres settings from %s', (line, postgres) => {
    const config = resolveYaml(lines('services:', '  db:', `    ${line}`));
    expect(config.services[0]?.postgres).toEqual(postgres);
    expect(config.services[0]?.ready).toEqual({ kind: 'postgres' });
    expect(config.services[0]?.command).toBeUndefined();
  });

  it('turns the postgres readiness default off with ready: false', () => {
    expect(
      resolveYaml(lines('services:', '  db: { postgres: {}, ready: false }')).services[0]?.ready,
    ).toBeUndefined();
  });

  it('keeps explicit stop settings over the postgres ones', () => {
    const db = resolveYaml(
      lines('services:', '  db: { postgres: {}, stop_signal: TERM, stop_timeout: 5s }'),
    ).services[0];
    expect([db?.stopSignal, db?.stopTimeoutMs]).toEqual(['SIGTERM', 5000]);
  });

  it('fills probe timing given in part', () => {
    expect(one('ready: { tcp: true, timeout: 5s }').probe).toEqual({
      ...DEFAULT_PROBE_TIMING,
      timeoutMs: 5000,
    });
  });

  it.each([
    ['restart: no', { ...DEFAULT_RESTART, policy: 'no' }],
    [
      'restart: { backoff: 1m }',
      { ...DEFAULT_RESTART, backoffInitialMs: 60_000, backoffMaxMs: 60_000 },
    ],
    [
      'restart: { max_backoff: 5s, max_restarts: 2 }',
      { ...DEFAULT_RESTART, backoffMaxMs: 5000, maxRestarts: 2 },
    ],
  ])('resolves %s', (line, restart) => {
    expect(one(line).restart).toEqual(restart);
  });

  it.each([
    ['name: shop', 'shop'],
    ['name: My Shop!', 'my-shop'],
    ['name: 2024', '2024'],
    ['', 'proj'],
  ])('names the project from %j', (line, name) => {
    expect(resolveYaml(lines(line, 'services: { web: { command: run } }')).name).toBe(name);
  });

  it('lower-cases service names and the names in depends_on', () => {
    const config = resolveYaml(
      lines('services:', '  DB: { command: a }', '  Web: { command: b, depends_on: [Db] }'),
    );
    expect(config.services.map((s) => [s.name, s.dependsOn])).toEqual([
      ['db', {}],
      ['web', { db: 'started' }],
    ]);
  });
});

describe('loadStackConfig: env and env_file', () => {
  it('layers env files in order, then env over them, then fills empty env from the environment', () => {
    const yaml = lines(
      'services:',
      '  api:',
      '    command: run',
      '    env_file: [.env, config/.env.local]',
      '    env: { MODE: from-env, TOKEN:, MISSING: }',
    );
    const files = {
      '.env': 'MODE=base\nA=1\nB=1\n',
      'config/.env.local': 'B=2\nexport C="multi\nline"\n',
    };
    const api = resolveYaml(yaml, files, { TOKEN: 't0k3n' }).services[0];
    expect(api?.env).toEqual({
      MODE: 'from-env',
      A: '1',
      B: '2',
      C: 'multi\nline',
      TOKEN: 't0k3n',
    });
    expect(api?.envFiles).toEqual([join(ROOT, '.env'), join(ROOT, 'config/.env.local')]);
  });
});

describe('loadStackConfig: problems that need the whole stack or the disk', () => {
  const svc = (name: string, ...body: string[]) => [`  ${name}:`, ...body.map((l) => `    ${l}`)];

  it.each([
    [
      'an unknown dependency, with a suggestion',
      [...svc('database', 'command: a'), ...svc('api', 'command: b', 'depends_on: [databse]')],
      [
        {
          line: 6,
          column: 18,
          path: 'services.api.depends_on[0]',
          hint: 'did you mean "database"?',
        },
      ],
    ],
    [
      'a self-dependency',
      svc('api', 'command: a', 'depends_on: { api: started }'),
      [{ line: 4, column: 19, path: 'services.api.depends_on.api' }],
    ],
    [
      'tcp readiness without a port',
      svc('api', 'command: a', 'port: none', 'ready: tcp'),
      [
        {
          line: 5,
          column: 12,
          path: 'services.api.ready',
          hint: 'use ready: { log: "regex" } or { exec: "cmd" }, or give it a port',
        },
      ],
    ],
    [
      'postgres without a port',
      svc('db', 'postgres: {}', 'port: none'),
      [
        {
          line: 4,
          column: 11,
          path: 'services.db.port',
          hint: 'use port: auto or a port number',
        },
      ],
    ],
    [
      'one fixed port for two services',
      [...svc('a', 'command: a', 'port: 3000'), ...svc('b', 'command: b', 'port: 3000')],
      [{ line: 7, column: 11, path: 'services.b.port' }],
    ],
    [
      'a cwd that does not exist',
      svc('api', 'command: a', 'cwd: ./nope'),
      [{ line: 4, column: 10, path: 'services.api.cwd' }],
    ],
    [
      'a cwd that is a file',
      svc('api', 'command: a', 'cwd: notes.txt'),
      [{ line: 4, column: 10, path: 'services.api.cwd' }],
    ],
    [
      'an env_file that does not exist',
      svc('api', 'command: a', 'env_file: [notes.txt, .env.missing]'),
      [{ line: 4, column: 27, path: 'services.api.env_file[1]' }],
    ],
  ])('%s', (_title, body, expected) => {
    const problems = problemsOfYaml(lines('services:', ...body), { 'notes.txt': 'A=1\n' });
    expect(problems).toEqual(expected.map((p) => ({ file: YAML, ...p })));
  });

  it('names a dependency cycle in full, at the edge that starts it', () => {
    const yaml = lines(
      'services:',
      '  api: { command: a, depends_on: [worker] }',
      '  worker: { command: b, depends_on: [api] }',
    );
    const error = errorOf(() => resolveYaml(yaml));
    expect(error.code).toBe('STACK_CONFIG_INVALID');
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({
      file: YAML,
      line: 2,
      column: 35,
      path: 'services.api.depends_on[0]',
    });
    expect(error.problems[0]?.message).toContain('api → worker → api');
  });

  it.each([
    ['a line that is not KEY=value', 'A=1\njust words\n', 2],
    ['a quote that never closes', 'A=1\nB="open\nC=3\n', 2],
    ['a name that is not a variable', 'A B=1\n', 1],
  ])('reports %s at its line in the env file', (_title, text, line) => {
    const problems = problemsOfYaml(lines('services:', '  api: { command: a, env_file: .env }'), {
      '.env': text,
    });
    expect(problems).toEqual([{ file: join(ROOT, '.env'), line, column: 1 }]);
  });

  it('reports a project name with no letters or digits at the name', () => {
    expect(problemsOfYaml(lines("name: '!!!'", 'services: { web: { command: run } }'))).toEqual([
      { file: YAML, line: 1, column: 7, path: 'name' },
    ]);
  });
});

describe('loadStackConfig: the error', () => {
  it('lists every problem in one STACK_CONFIG_INVALID, one per line, sorted, relative to cwd', () => {
    const yaml = lines(
      'services:',
      '  api:',
      '    command: run',
      '    depend_on: [db]',
      '  web:',
      '    command: run',
      '    depends_on: [ap]',
      '    restart: sometimes',
    );
    const error = errorOf(() => resolveYaml(yaml));
    expect(error.code).toBe('STACK_CONFIG_INVALID');
    expect(error.problems.map((p) => [p.line, p.column, p.hint])).toEqual([
      [4, 5, 'did you mean "depends_on"?'],
      [7, 18, 'did you mean "api"?'],
      [8, 14, undefined],
    ]);
    const [, ...problemLines] = error.message.split('\n');
    expect(problemLines.map((l) => l.trim().split(': ')[0])).toEqual([
      'portier.yaml:4:5',
      'portier.yaml:7:18',
      'portier.yaml:8:14',
    ]);
    expect(problemLines[0]).toMatch(/\(did you mean "depends_on"\?\)$/);
  });

  it('returns nothing partial: one bad service fails the whole load', () => {
    expect(
      errorOf(() =>
        resolveYaml(lines('services:', '  a: { command: a }', '  b: { command: b, port: 0 }')),
      ).code,
    ).toBe('STACK_CONFIG_INVALID');
  });
});
