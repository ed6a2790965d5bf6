import { describe, expect, it } from 'vitest';
import { parseStackYaml } from '../../src/stack/config/load-stack-config.js';
import { at, FILE, lines, parseProblems as problemsOf, web } from './stack-config-helpers.js';

describe('parseStackYaml: reading values', () => {
  it('reads commands as shell strings or argv lists (numbers kept as written)', () => {
    const text = lines(
      'services:',
      '  a:',
      '    command: node server.js',
      '  b:',
      '    command: [sleep, 1.50]',
    );
    const { spec, problems } = parseStackYaml(text, FILE);
    expect(problems).toEqual([]);
    expect(spec?.services.map((s) => s.command)).toEqual([
      { kind: 'shell', script: 'node server.js' },
      { kind: 'argv', argv: ['sleep', '1.50'] },
    ]);
  });

  it.each([
    ['port: 3000', 3000],
    ["port: '3000'", 3000],
    ['port: auto', 'auto'],
    ['port: none', 'none'],
    ['port: false', 'none'],
  ])('reads %s', (line, port) => {
    expect(parseStackYaml(web(line), FILE).spec?.services[0]?.port?.value).toBe(port);
  });

  it.each([
    ['depends_on: [db]', [['db', 'started']]],
    [
      'depends_on: { db: healthy, jobs: completed }',
      [
        ['db', 'healthy'],
        ['jobs', 'completed'],
      ],
    ],
    [
      'depends_on: { db: service_healthy, jobs: service_completed_successfully }',
      [
        ['db', 'healthy'],
        ['jobs', 'completed'],
      ],
    ],
    ['depends_on: { db: { condition: service_started } }', [['db', 'started']]],
    ['depends_on: { DB: }', [['db', 'started']]],
  ])('reads %s', (line, deps) => {
    const spec = parseStackYaml(web(line), FILE).spec;
    expect(spec?.services[0]?.dependsOn.map((d) => [d.name, d.condition])).toEqual(deps);
  });

  it.each([
    ['ready: tcp', { kind: 'tcp' }],
    ['ready: postgres', { kind: 'postgres' }],
    ['ready: redis', { kind: 'redis' }],
    ['ready: { http: /health }', { kind: 'http', path: '/health' }],
    ['ready: { exec: "pg_isready -q" }', { kind: 'exec', command: 'pg_isready -q' }],
    ['ready: false', null],
    ['ready: none', null],
  ])('reads %s', (line, check) => {
    expect(parseStackYaml(web(line), FILE).spec?.services[0]?.ready?.value).toEqual(check);
  });

  it('reads a log pattern and probe timing in the Kubernetes vocabulary', () => {
    const text = web(
      "ready: { log: 'listening on \\d+', initial_delay: 1s, period: 100, timeout: 1.5s,",
      '  success_threshold: 2, failure_threshold: 5 }',
    );
    const service = parseStackYaml(text, FILE).spec?.services[0];
    const check = service?.ready?.value;
    expect(check?.kind === 'log' && check.pattern.test('listening on 8080')).toBe(true);
    expect(service?.probe).toEqual({
      initialDelayMs: 1000,
      periodMs: 100,
      timeoutMs: 1500,
      successThreshold: 2,
      failureThreshold: 5,
    });
  });

  it.each([
    ['restart: no', { policy: 'no' }],
    ['restart: false', { policy: 'no' }],
    ['restart: always', { policy: 'always' }],
    [
      'restart: { policy: on-failure, backoff: 1s, max_backoff: 1m, max_restarts: 0, stable_after: 5s }',
      {
        policy: 'on-failure',
        backoffInitialMs: 1000,
        backoffMaxMs: 60_000,
        maxRestarts: 0,
        stableAfterMs: 5000,
      },
    ],
  ])('reads %s', (line, restart) => {
    expect(parseStackYaml(web(line), FILE).spec?.services[0]?.restart).toEqual(restart);
  });

  it('reads restart: no as "no" under a YAML 1.1 directive too, where it is false', () => {
    const text = `%YAML 1.1\n---\n${web('restart: no')}`;
    expect(parseStackYaml(text, FILE).spec?.services[0]?.restart).toEqual({ policy: 'no' });
  });

  it.each([
    ['stop_signal: INT', 'SIGINT'],
    ['stop_signal: sigterm', 'SIGTERM'],
    ['stop_signal: SIGHUP', 'SIGHUP'],
  ])('reads %s', (line, signal) => {
    expect(parseStackYaml(web(line), FILE).spec?.services[0]?.stopSignal).toBe(signal);
  });

  it('keeps env values as written and marks empty ones for the environment', () => {
    const text = web('env: { RATIO: 1.50, DEBUG: true, NAME: shop, API_KEY: }');
    expect(parseStackYaml(text, FILE).spec?.services[0]?.env).toEqual({
      RATIO: '1.50',
      DEBUG: 'true',
      NAME: 'shop',
      API_KEY: null,
    });
  });

  it('reads JSON with positions', () => {
    const text = '{\n  "services": {\n    "web": { "command": "run", "prot": 1 }\n  }\n}\n';
    expect(problemsOf(text)).toEqual([at(3, 32, 'services.web.prot', 'did you mean "port"?')]);
  });

  it('reports an unknown escape in a double-quoted pattern as YAML syntax (use single quotes)', () => {
    expect(problemsOf(web('ready: { log: "port \\d+" }'))).toEqual([
      at(
        4,
        25,
        undefined,
        "use single quotes for text with backslashes, like regular expressions: '\\d+'",
      ),
    ]);
  });

  it('ignores top-level x- keys, so anchors can live there', () => {
    const text = lines('x-common: &common', '  command: run', 'services:', '  web: *common');
    const { spec, problems } = parseStackYaml(text, FILE);
    expect(problems).toEqual([]);
    expect(spec?.services[0]?.command).toEqual({ kind: 'shell', script: 'run' });
  });
});
