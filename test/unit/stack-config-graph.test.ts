import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from '../../src/stack/config/did-you-mean.js';
import { parseEnvFile } from '../../src/stack/config/env-file.js';
import {
  findDependencyCycle,
  findDependencyCycles,
  planStartOrder,
} from '../../src/stack/config/load-stack-config.js';
import {
  serviceNameFromPackage,
  serviceNameProblem,
  toDnsLabel,
} from '../../src/stack/config/names.js';
import { formatProblem } from '../../src/stack/config/problems.js';
import { errorOf } from './stack-config-helpers.js';

/** Services from `name: deps` pairs: `graph('api:db,cache', 'db:', 'cache:')`. */
function graph(...specs: string[]) {
  return specs.map((spec) => {
    const [name = '', deps = ''] = spec.split(':');
    const names = deps.split(',').filter(Boolean);
    return { name, dependsOn: Object.fromEntries(names.map((d) => [d, 'started'])) };
  });
}

describe('planStartOrder', () => {
  it.each([
    [['a:'], [['a']]],
    [
      ['web:api', 'api:db,cache', 'db:', 'cache:'],
      [['db', 'cache'], ['api'], ['web']],
    ],
    [['a:', 'b:', 'c:'], [['a', 'b', 'c']]],
    [
      ['c:b', 'b:a', 'a:', 'd:a'],
      [['a'], ['b', 'd'], ['c']],
    ],
    [
      ['x:a,b', 'a:', 'b:a'],
      [['a'], ['b'], ['x']],
    ],
    [[], []],
  ])('orders %j as %j', (specs, waves) => {
    expect(planStartOrder(graph(...specs))).toEqual(waves);
  });

  it('throws STACK_CONFIG_INVALID for a cycle', () => {
    expect(errorOf(() => planStartOrder(graph('a:b', 'b:a'))).code).toBe('STACK_CONFIG_INVALID');
  });

  it('orders a subset, taking dependencies outside it as satisfied', () => {
    expect(planStartOrder(graph('web:api', 'api:db'))).toEqual([['api'], ['web']]);
    expect(planStartOrder(graph('api:db'))).toEqual([['api']]);
  });

  it('orders a chain of 5,000 services without running out of stack', () => {
    const chain = Array.from({ length: 5000 }, (_, i) => `s${i}:${i > 0 ? `s${i - 1}` : ''}`);
    expect(planStartOrder(graph(...chain))).toHaveLength(5000);
    expect(findDependencyCycle(graph(...chain, 's0b:s4999', 'x:x'))).toEqual(['x', 'x']);
  });
});

describe('findDependencyCycle', () => {
  it.each([
    [['a:', 'b:a'], undefined],
    [['a:a'], ['a', 'a']],
    [
      ['api:worker', 'worker:api'],
      ['api', 'worker', 'api'],
    ],
    [
      ['web:api', 'api:db', 'db:web'],
      ['web', 'api', 'db', 'web'],
    ],
    [
      ['db:', 'api:db,worker', 'worker:queue', 'queue:api'],
      ['api', 'worker', 'queue', 'api'],
    ],
    // the shortest way back through the first service in the group
    [
      ['a:b,c', 'b:d', 'd:a', 'c:a'],
      ['a', 'c', 'a'],
    ],
    [['a:ghost'], undefined],
  ])('finds in %j: %j', (specs, cycle) => {
    expect(findDependencyCycle(graph(...specs))).toEqual(cycle);
  });

  it('finds one cycle per group of services that depend on each other', () => {
    expect(findDependencyCycles(graph('a:b', 'b:a', 'c:', 'd:e', 'e:d', 'f:f'))).toEqual([
      ['a', 'b', 'a'],
      ['d', 'e', 'd'],
      ['f', 'f'],
    ]);
  });
});

describe('did you mean', () => {
  it.each([
    ['depends_on', 'depend_on', 1],
    ['SIGTERM', 'SIGTREM', 1],
    ['database', 'databse', 1],
    ['abc', 'abc', 0],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
  ])('%j and %j are %i apart', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });

  it.each([
    ['depend_on', ['command', 'depends_on', 'env'], 'depends_on'],
    ['Command', ['command', 'cwd'], 'command'],
    ['envfile', ['env', 'env_file'], 'env_file'],
    ['xyz', ['command', 'cwd'], undefined],
    ['db', ['web', 'api'], undefined],
  ])('suggests for %j among %j: %j', (word, candidates, match) => {
    expect(closestMatch(word, candidates)).toBe(match);
  });
});

describe('names', () => {
  it.each([
    ['shop', 'shop'],
    ['My Shop!', 'my-shop'],
    ['--a__b--', 'a-b'],
    ['!!!', ''],
    ['x'.repeat(70), 'x'.repeat(63)],
    [`${'a'.repeat(62)}-b`, 'a'.repeat(62)],
  ])('makes %j the label %j', (text, label) => {
    expect(toDnsLabel(text)).toBe(label);
  });

  it.each([
    ['api', true],
    ['API-2', true],
    ['2fa', true],
    ['-api', false],
    ['api-', false],
    ['my_api', false],
    ['a.b', false],
    ['x'.repeat(64), false],
  ])('service name %j is valid: %j', (name, valid) => {
    expect(serviceNameProblem(name) === undefined).toBe(valid);
  });

  it.each([
    ['@shop/api', 'api'],
    ['web', 'web'],
    ['@Shop/Admin_UI', 'admin-ui'],
  ])('names the workspace %j %j', (packageName, name) => {
    expect(serviceNameFromPackage(packageName)).toBe(name);
  });
});

describe('parseEnvFile', () => {
  it('reads comments, export, quotes and multi-line values', () => {
    const text = '# c\nA=1\nexport B = two \nC="multi\nline"\nD=\'x # y\' # note\nE=\n';
    expect(parseEnvFile(text)).toEqual({
      values: { A: '1', B: 'two', C: 'multi\nline', D: 'x # y', E: '' },
      problems: [],
    });
  });

  it.each([
    ['A=1\nnot a line\nB=2\n', [2]],
    ['A="open\nB=2\n', [1]],
    ['=x\n', [1]],
    ['A=1\n1 B=2\nC\n', [2, 3]],
  ])('reports bad lines of %j', (text, badLines) => {
    const { values, problems } = parseEnvFile(text);
    expect(problems.map((p) => p.line)).toEqual(badLines);
    expect(values).toEqual({});
  });
});

describe('formatProblem', () => {
  it.each([
    [
      { message: 'm', file: '/p/portier.yaml', line: 3, column: 5, hint: 'did you mean "x"?' },
      '/p',
      'portier.yaml:3:5: m (did you mean "x"?)',
    ],
    [
      { message: 'm', file: '/p/portier.yaml', line: 3, column: 5 },
      '/elsewhere',
      '/p/portier.yaml:3:5: m',
    ],
    [{ message: 'm', file: '/p/.env' }, undefined, '/p/.env: m'],
    [{ message: 'm' }, undefined, 'm'],
  ])('formats %j from %j', (problem, cwd, text) => {
    expect(formatProblem(problem, cwd)).toBe(text);
  });
});
