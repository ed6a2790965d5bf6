import { describe, expect, it } from 'vitest';
import { at, lines, parseProblems as problemsOf, web } from './stack-config-helpers.js';

describe('parseStackYaml: problems at their line and column', () => {
  it.each<[string, string, ReturnType<typeof at>[]]>([
    ['a YAML syntax error', lines('services:', '  web: [run', 'x: 1'), [at(3, 1)]],
    [
      'tabs as indentation',
      lines('services:', '\tweb: {}'),
      [at(2, 1, undefined, 'indent with spaces')],
    ],
    [
      'a duplicate key',
      lines('services:', '  web: { command: a }', '  web: { command: b }'),
      [at(3, 3)],
    ],
    ['an empty file', '', [at(1, 1)]],
    [
      'two documents',
      lines('services: {}', '---', 'a: 1'),
      [at(2, 1, undefined, 'a stack file is one document: remove the "---" line')],
    ],
    [
      'an alias inside what it names',
      lines('services: &s', '  web: { command: *s }'),
      [at(2, 19, 'services.web.command')],
    ],
    ['a list at the top', '- a\n', [at(1, 1)]],
    ['no services', lines('name: shop'), [at(1, 1)]],
    ['an empty services map', lines('services: {}'), [at(1, 11, 'services')]],
    ['services with nothing', lines('services:'), [at(1, 1, 'services')]],
    [
      'a misspelt top-level key',
      lines('name: shop', 'servces:', '  web: { command: run }'),
      [
        at(2, 1, 'servces', 'did you mean "services"?'),
        at(1, 1, undefined, 'did you mean "services"?'),
      ],
    ],
    [
      'a name that is a list',
      lines('name: [a]', 'services: { web: { command: run } }'),
      [at(1, 7, 'name')],
    ],
    [
      'an unknown service key',
      web('depend_on: [db]'),
      [at(4, 5, 'services.web.depend_on', 'did you mean "depends_on"?')],
    ],
    [
      "another tool's key",
      web('environment: {}'),
      [at(4, 5, 'services.web.environment', 'did you mean "env"?')],
    ],
    ['a service with nothing', lines('services:', '  web:'), [at(2, 3, 'services.web')]],
    [
      'a service without command',
      lines('services:', '  web: { cwd: . }'),
      [at(2, 3, 'services.web')],
    ],
    [
      'command and postgres',
      web('postgres: {}'),
      [at(4, 5, 'services.web.postgres', 'remove one of them')],
    ],
    [
      'a command that is a map',
      lines('services:', '  web:', '    command: { a: 1 }'),
      [at(3, 14, 'services.web.command')],
    ],
    [
      'an empty command list',
      lines('services:', '  web:', '    command: []'),
      [at(3, 14, 'services.web.command')],
    ],
    [
      'a list item that is a map',
      lines('services:', '  web:', '    command: [node, { a: 1 }]'),
      [at(3, 21, 'services.web.command[1]')],
    ],
    [
      'an invalid service name',
      lines('services:', '  my_api: { command: run }'),
      [at(2, 3, 'services.my_api', 'did you mean "my-api"?')],
    ],
    [
      'a name ending in -',
      lines('services:', '  api-: { command: run }'),
      [at(2, 3, 'services.api-', 'did you mean "api"?')],
    ],
    [
      'names equal but for case',
      lines('services:', '  api: { command: a }', '  API: { command: b }'),
      [at(3, 3, 'services.API')],
    ],
    ['port 0', web('port: 0'), [at(4, 11, 'services.web.port')]],
    ['port 70000', web('port: 70000'), [at(4, 11, 'services.web.port')]],
    [
      'a misspelt port word',
      web('port: atuo'),
      [at(4, 11, 'services.web.port', 'did you mean "auto"?')],
    ],
    [
      'an unknown condition',
      web('depends_on: { db: healty }'),
      [at(4, 23, 'services.web.depends_on.db', 'did you mean "healthy"?')],
    ],
    [
      'a dependency listed twice',
      web('depends_on: [db, DB]'),
      [at(4, 22, 'services.web.depends_on[1]')],
    ],
    ['depends_on as a string', web('depends_on: db'), [at(4, 17, 'services.web.depends_on')]],
    [
      'a long form key that is not condition',
      web('depends_on: { db: { conditon: service_healthy } }'),
      [at(4, 25, 'services.web.depends_on.db.conditon', 'did you mean "condition"?')],
    ],
    ['ready without a kind', web('ready: { timeout: 1s }'), [at(4, 12, 'services.web.ready')]],
    [
      'ready with two kinds',
      web('ready: { tcp: true, http: / }'),
      [at(4, 25, 'services.web.ready.http')],
    ],
    [
      'an http path without /',
      web('ready: { http: health }'),
      [at(4, 20, 'services.web.ready.http', 'did you mean "/health"?')],
    ],
    [
      'a log pattern that does not compile',
      web('ready: { log: "a(b" }'),
      [at(4, 19, 'services.web.ready.log')],
    ],
    ['tcp: false', web('ready: { tcp: false }'), [at(4, 19, 'services.web.ready.tcp')]],
    [
      'ready: http without a path',
      web('ready: http'),
      [at(4, 12, 'services.web.ready', 'write ready: { http: /health }')],
    ],
    [
      'a misspelt shorthand',
      web('ready: tpc'),
      [at(4, 12, 'services.web.ready', 'did you mean "tcp"?')],
    ],
    [
      'a misspelt timing key',
      web('ready: { tcp: true, perod: 1s }'),
      [at(4, 25, 'services.web.ready.perod', 'did you mean "period"?')],
    ],
    ['period 0', web('ready: { tcp: true, period: 0 }'), [at(4, 33, 'services.web.ready.period')]],
    [
      'a bad duration',
      web('ready: { tcp: true, timeout: soon }'),
      [at(4, 34, 'services.web.ready.timeout')],
    ],
    [
      'a threshold of 0',
      web('ready: { tcp: true, success_threshold: 0 }'),
      [at(4, 44, 'services.web.ready.success_threshold')],
    ],
    [
      'a misspelt restart policy',
      web('restart: on_failure'),
      [at(4, 14, 'services.web.restart', 'did you mean "on-failure"?')],
    ],
    [
      "Compose's unless-stopped",
      web('restart: unless-stopped'),
      [at(4, 14, 'services.web.restart', 'did you mean "always"?')],
    ],
    [
      'backoff over max_backoff',
      web('restart: { backoff: 1m, max_backoff: 1s }'),
      [at(4, 14, 'services.web.restart')],
    ],
    [
      'negative max_restarts',
      web('restart: { max_restarts: -1 }'),
      [at(4, 30, 'services.web.restart.max_restarts')],
    ],
    [
      'an unknown signal',
      web('stop_signal: SIGTREM'),
      [at(4, 18, 'services.web.stop_signal', 'did you mean "SIGTERM"?')],
    ],
    ['a signal number', web('stop_signal: 15'), [at(4, 18, 'services.web.stop_signal')]],
    ['a negative stop_timeout', web('stop_timeout: -5'), [at(4, 19, 'services.web.stop_timeout')]],
    ['an env value that is a list', web('env: { A: [1] }'), [at(4, 15, 'services.web.env.A')]],
    ['an env name with =', web("env: { 'A=B': x }"), [at(4, 12, 'services.web.env.A=B')]],
    [
      'an env_file that is a number',
      web('env_file: [.env, 3]'),
      [at(4, 22, 'services.web.env_file[1]')],
    ],
    ['an empty cwd', web("cwd: ''"), [at(4, 10, 'services.web.cwd')]],
    [
      'a misspelt postgres key',
      lines('services:', '  db:', '    postgres: { datbase: x }'),
      [at(3, 17, 'services.db.postgres.datbase', 'did you mean "database"?')],
    ],
    [
      'a database name that is not plain',
      lines('services:', '  db:', '    postgres: { database: my-db }'),
      [at(3, 27, 'services.db.postgres.database')],
    ],
    [
      'a postgres setting with no value',
      lines('services:', '  db:', '    postgres: { settings: { fsync: } }'),
      [at(3, 29, 'services.db.postgres.settings.fsync')],
    ],
  ])('%s', (_title, text, expected) => {
    expect(problemsOf(text)).toEqual(expected);
  });

  it('reports every problem of a file at once', () => {
    const text = lines(
      'services:',
      '  api:',
      '    comand: node server.js',
      '    port: 0',
      '    restart: sometimes',
      '  web:',
      '    command: run',
      '    ready: { http: health }',
    );
    expect(problemsOf(text).map((p) => [p.line, p.path])).toEqual([
      [3, 'services.api.comand'],
      [4, 'services.api.port'],
      [5, 'services.api.restart'],
      [2, 'services.api'],
      [8, 'services.web.ready.http'],
    ]);
  });
});
