import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  findStackFile,
  loadStackConfig,
  parseProcfile,
  stackSourceOf,
} from '../../src/stack/config/load-stack-config.js';
import { expandWorkspaceGlobs } from '../../src/stack/config/workspace-globs.js';
import { tempDir } from '../helpers/temp-dir.js';
import { errorOf, lines, memoryFs, ROOT, withoutMessage } from './stack-config-helpers.js';

const PROCFILE = '/p/Procfile';

/** Writes files (path relative to `dir` → text) into a real directory. */
function writeTree(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

const pkg = (name: string, scripts: Record<string, string> = { dev: 'vite' }) =>
  JSON.stringify({ name, scripts }, null, 2);

describe('parseProcfile', () => {
  it('reads name: command lines, skipping comments and blank lines', () => {
    const text =
      '# processes\nweb: bundle exec puma -p $PORT\n\nworker_2:   node worker.js --queue=a:b\r\n';
    const { spec, problems } = parseProcfile(text, PROCFILE);
    expect(problems).toEqual([]);
    expect(spec?.services.map((s) => [s.name, s.command, s.where.line])).toEqual([
      ['web', { kind: 'shell', script: 'bundle exec puma -p $PORT' }, 2],
      ['worker-2', { kind: 'shell', script: 'node worker.js --queue=a:b' }, 4],
    ]);
  });

  it.each([
    ['a line without a colon', 'web: run\nworker run\n', [{ line: 2, column: 1 }]],
    ['a name with a dot', 'web.1: run\n', [{ line: 1, column: 1 }]],
    ['an empty command', 'web:\n', [{ line: 1, column: 5, path: 'web' }]],
    ['a name given twice', 'web: a\nWEB: b\n', [{ line: 2, column: 1, path: 'web' }]],
    ['no processes at all', '# nothing\n', [{ line: 1, column: 1 }]],
    ['an indented bad line', 'web: a\n  ??\n', [{ line: 2, column: 3 }]],
  ])('reports %s at its line', (_title, text, expected) => {
    expect(parseProcfile(text, PROCFILE).problems.map(withoutMessage)).toEqual(
      expected.map((p) => ({ file: PROCFILE, ...p })),
    );
  });

  it('loads as shell services with defaults, named after the directory', () => {
    const dir = join(tempDir(), 'My App');
    writeTree(dir, { Procfile: 'web: node web.js\nworker: node worker.js\n' });
    const config = loadStackConfig({ cwd: dir });
    expect([config.name, config.source, config.file]).toEqual([
      'my-app',
      'Procfile',
      join(dir, 'Procfile'),
    ]);
    expect(
      config.services.map((s) => [s.name, s.port, s.cwd, s.dependsOn, s.restart.policy]),
    ).toEqual([
      ['web', 'auto', dir, {}, 'on-failure'],
      ['worker', 'auto', dir, {}, 'on-failure'],
    ]);
  });
});

describe('package.json workspaces', () => {
  it('runs npm run dev in each workspace with a dev script, named after its package', () => {
    const dir = tempDir();
    writeTree(dir, {
      'package.json': JSON.stringify({
        name: 'shop',
        workspaces: ['packages/*', 'apps/web', '!packages/legacy'],
      }),
      'packages/api/package.json': pkg('@shop/api'),
      'packages/lib/package.json': pkg('@shop/lib', { build: 'tsc' }),
      'packages/legacy/package.json': pkg('legacy'),
      'packages/notes/readme.md': '',
      'apps/web/package.json': pkg('Shop_Web'),
    });
    const config = loadStackConfig({ cwd: dir });
    expect([config.source, config.file]).toEqual(['workspaces', join(dir, 'package.json')]);
    expect(config.services.map((s) => [s.name, s.command, s.cwd])).toEqual([
      ['api', { kind: 'argv', argv: ['npm', 'run', 'dev'] }, join(dir, 'packages/api')],
      ['shop-web', { kind: 'argv', argv: ['npm', 'run', 'dev'] }, join(dir, 'apps/web')],
    ]);
    expect(config.services[0]?.position).toEqual({
      file: join(dir, 'packages/api/package.json'),
      line: 4,
      column: 5,
    });
  });

  it('reads the { packages: [...] } form', () => {
    const fs = memoryFs({
      '/w/package.json': '{ "workspaces": { "packages": ["svc/*"] } }',
      '/w/svc/one/package.json': pkg('one'),
    });
    expect(loadStackConfig({ cwd: '/w', fs }).services.map((s) => s.name)).toEqual(['one']);
  });

  it('throws STACK_CONFIG_NOT_FOUND when no workspace has a dev script', () => {
    const fs = memoryFs({
      '/w/package.json': '{ "workspaces": ["packages/*"] }',
      '/w/packages/lib/package.json': pkg('lib', { build: 'tsc' }),
    });
    expect(findStackFile('/w', fs)).toBeUndefined();
    expect(errorOf(() => loadStackConfig({ cwd: '/w', fs })).code).toBe('STACK_CONFIG_NOT_FOUND');
    expect(errorOf(() => loadStackConfig({ cwd: '/w', file: 'package.json', fs })).code).toBe(
      'STACK_CONFIG_NOT_FOUND',
    );
  });

  it('reports two workspaces that would get the same service name', () => {
    const fs = memoryFs({
      '/w/package.json': '{ "workspaces": ["a/*", "b/*"] }',
      '/w/a/ui/package.json': pkg('@a/ui'),
      '/w/b/ui/package.json': pkg('@b/ui'),
    });
    const error = errorOf(() => loadStackConfig({ cwd: '/w', fs }));
    expect(error.code).toBe('STACK_CONFIG_INVALID');
    expect(error.problems.map(withoutMessage)).toEqual([
      {
        file: '/w/b/ui/package.json',
        line: 2,
        column: 11,
        path: 'name',
        hint: 'write a portier.yaml naming the services',
      },
    ]);
  });

  it.each([
    [['packages/*'], ['/w/packages/a', '/w/packages/b']],
    [['./packages/*/'], ['/w/packages/a', '/w/packages/b']],
    [['packages/a*'], ['/w/packages/a']],
    [
      ['apps/web', 'packages/*', 'apps/web'],
      ['/w/apps/web', '/w/packages/a', '/w/packages/b'],
    ],
    [['packages/*', '!packages/b'], ['/w/packages/a']],
    [['missing/*', 'apps/none'], []],
    [['**'], []],
  ])('expands %j', (patterns, dirs) => {
    const fs = memoryFs({
      '/w/packages/a/x': '',
      '/w/packages/b/x': '',
      '/w/packages/.hidden/x': '',
      '/w/packages/file.txt': '',
      '/w/apps/web/x': '',
    });
    expect(expandWorkspaceGlobs('/w', patterns, fs)).toEqual(dirs);
  });
});

describe('findStackFile', () => {
  const all = {
    '/d/portier.yaml': '',
    '/d/portier.yml': '',
    '/d/portier.json': '',
    '/d/Procfile': '',
    '/d/package.json': '{ "workspaces": ["a"] }',
    '/d/a/package.json': pkg('a'),
  };

  it.each([
    ['/d/portier.yaml', 'portier.yaml'],
    ['/d/portier.yml', 'portier.yml'],
    ['/d/portier.json', 'portier.json'],
    ['/d/Procfile', 'Procfile'],
    ['/d/package.json', 'workspaces'],
  ])('finds %s first among what is left', (file, source) => {
    const names = Object.keys(all);
    const left = Object.fromEntries(
      Object.entries(all).filter(
        ([path]) => names.indexOf(path) >= names.indexOf(file) || path === '/d/a/package.json',
      ),
    );
    expect(findStackFile('/d', memoryFs(left))).toEqual({ file, source });
  });

  it('finds nothing in an empty directory', () => {
    expect(findStackFile('/d', memoryFs({ '/d/readme.md': '' }))).toBeUndefined();
  });

  it.each([
    ['stack.yaml', 'portier.yaml'],
    ['dev.YML', 'portier.yml'],
    ['stack.json', 'portier.json'],
    ['Procfile', 'Procfile'],
    ['Procfile.dev', 'Procfile'],
    ['local.procfile', 'Procfile'],
    ['package.json', 'workspaces'],
    ['stack.txt', undefined],
  ])('tells the kind of %s', (name, source) => {
    expect(stackSourceOf(`/x/${name}`)).toBe(source);
  });
});

describe('loadStackConfig: finding the file', () => {
  it.each([
    ['an empty directory', {}, undefined],
    ['a file given that does not exist', {}, 'stack.yaml'],
    ['a directory given with no stack file', { '/proj/sub/readme.md': '' }, 'sub'],
    ['package.json without workspaces', { '/proj/package.json': '{"name":"x"}' }, undefined],
  ])('throws STACK_CONFIG_NOT_FOUND for %s', (_title, files, file) => {
    const fs = memoryFs(files);
    expect(errorOf(() => loadStackConfig({ cwd: ROOT, file, fs })).code).toBe(
      'STACK_CONFIG_NOT_FOUND',
    );
  });

  it('reads a file named with -f by its extension, and a directory given with -f', () => {
    const fs = memoryFs({
      '/proj/dev.json': '{ "services": { "web": { "command": ["node", "web.js"] } } }',
      '/proj/other/Procfile': 'web: node web.js\n',
    });
    const json = loadStackConfig({ cwd: ROOT, file: 'dev.json', fs });
    expect([json.source, json.services[0]?.command]).toEqual([
      'portier.json',
      { kind: 'argv', argv: ['node', 'web.js'] },
    ]);
    const procfile = loadStackConfig({ cwd: ROOT, file: 'other', fs });
    expect([procfile.source, procfile.name, procfile.root]).toEqual([
      'Procfile',
      'other',
      '/proj/other',
    ]);
  });

  it('refuses a file whose name does not say its kind', () => {
    const fs = memoryFs({ '/proj/stack.txt': 'services: {}' });
    expect(errorOf(() => loadStackConfig({ cwd: ROOT, file: 'stack.txt', fs })).code).toBe(
      'STACK_CONFIG_INVALID',
    );
  });

  it('loads from a real directory', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'api'));
    writeFileSync(
      join(dir, 'portier.yml'),
      lines('services:', '  api: { command: run, cwd: api, env_file: .env }'),
    );
    writeFileSync(join(dir, '.env'), 'A=1\n');
    const config = loadStackConfig({ cwd: dir });
    expect(config.source).toBe('portier.yml');
    expect(config.services[0]).toMatchObject({
      cwd: join(dir, 'api'),
      env: { A: '1' },
      envFiles: [join(dir, '.env')],
    });
  });
});
