import { describe, expect, it } from 'vitest';
import { createRouteTable, decideRoute, qualifiedName } from '../../src/door/route-table.js';
import type { Route, RouteDecision } from '../../src/door/types.js';

function route(name: string, kind: Route['kind'], project?: string, port = 4000): Route {
  return {
    name,
    kind,
    ...(project ? { project } : {}),
    upstream: { address: '127.0.0.1', port },
    since: 0,
  };
}

const shopApi = route('api', 'stack', 'shop', 4001);
const shopWeb = route('web', 'stack', 'shop', 4002);
const blogApi = route('api', 'stack', 'blog', 4003);
const docs = route('docs', 'run', undefined, 4004);
const db = route('db', 'alias', undefined, 5432);
const blogDocs = route('docs', 'stack', 'blog', 4005);
const blogPortier = route('portier', 'stack', 'blog', 4006);
const all = [shopApi, shopWeb, blogApi, docs, db, blogDocs, blogPortier];

/** The decision in short: `forward <qualified name>`, `dashboard`, `unknown <name>`, `<status>`. */
function brief(decision: RouteDecision): string {
  switch (decision.kind) {
    case 'forward':
      return `forward ${qualifiedName(decision.route)}`;
    case 'dashboard':
      return 'dashboard';
    case 'unknown':
      return `unknown ${decision.name}`;
    case 'reject':
      return String(decision.status);
  }
}

describe('decideRoute over two stacks, a run and an alias', () => {
  it.each([
    // Qualified stack names always; short ones while one project has the service.
    ['api.shop.localhost:57573', 'forward api.shop.localhost'],
    ['API.Shop.LocalHost.:57573', 'forward api.shop.localhost'],
    ['api.blog.localhost', 'forward api.blog.localhost'],
    ['web.localhost:57573', 'forward web.shop.localhost'],
    ['web.shop.localhost', 'forward web.shop.localhost'],
    ['api.localhost:57573', 'unknown api.localhost'],
    // A run or alias holds the short name before a stack's service.
    ['docs.localhost', 'forward docs.localhost'],
    ['docs.blog.localhost', 'forward docs.blog.localhost'],
    ['db.localhost:57573', 'forward db.localhost'],
    // The dashboard's name is never a service's short name.
    ['portier.localhost:57573', 'dashboard'],
    ['portier.blog.localhost', 'forward portier.blog.localhost'],
    // More than one route: the bare addresses are the dashboard.
    ['localhost:57573', 'dashboard'],
    ['127.0.0.1:57573', 'dashboard'],
    ['[::1]:57573', 'dashboard'],
    // Exact match only.
    ['evilapi.localhost', 'unknown evilapi.localhost'],
    ['x.api.shop.localhost', 'unknown x.api.shop.localhost'],
    ['shop.localhost', 'unknown shop.localhost'],
    ['api.shop', '403'],
    ['api.localhost.evil.example', '403'],
    ['rebind.attacker.example:57573', '403'],
    ['localhost.attacker.example', '403'],
    ['evillocalhost', '403'],
    ['192.168.1.20:57573', '403'],
    ['[2001:db8::1]:57573', '403'],
    ['evil@api.localhost', '400'],
    ['api.localhost, evil.example', '400'],
    ['my_app.localhost', '400'],
    ['', '400'],
    [undefined, '400'],
  ])('%j → %s', (host, expected) => {
    expect(brief(decideRoute(all, host))).toBe(expected);
  });

  it('names both projects for an ambiguous short name', () => {
    const table = createRouteTable(all);
    expect(table.candidates('api.localhost')).toEqual(['api.blog.localhost', 'api.shop.localhost']);
    expect(table.candidates('web.localhost')).toEqual([]);
  });

  it('lists every name of a route, the short one first', () => {
    const table = createRouteTable(all);
    expect(table.namesOf(shopWeb)).toEqual(['web.localhost', 'web.shop.localhost']);
    expect(table.namesOf(shopApi)).toEqual(['api.shop.localhost']);
    expect(table.namesOf(blogDocs)).toEqual(['docs.blog.localhost']);
    expect(table.namesOf(db)).toEqual(['db.localhost']);
  });

  it('gives a reason with every refusal', () => {
    const decision = decideRoute(all, 'rebind.attacker.example');
    expect(decision).toMatchObject({ kind: 'reject', status: 403 });
    if (decision.kind === 'reject') expect(decision.reason).toContain('rebind.attacker.example');
  });
});

describe('the default route', () => {
  it.each([
    ['localhost'],
    ['localhost:57573'],
    ['LOCALHOST.'],
    ['127.0.0.1'],
    ['127.0.0.1:8080'],
    ['127.0.0.2:57573'],
    ['[::1]'],
    ['[::1]:57573'],
    ['[::ffff:127.0.0.1]:57573'],
  ])('%s is the single route when there is one', (host) => {
    expect(brief(decideRoute([docs], host))).toBe('forward docs.localhost');
    expect(brief(decideRoute([], host))).toBe('dashboard');
    expect(brief(decideRoute([docs, db], host))).toBe('dashboard');
  });

  it('still refuses foreign names with no routes at all', () => {
    expect(brief(decideRoute([], 'rebind.attacker.example'))).toBe('403');
    expect(brief(decideRoute([], 'api.localhost'))).toBe('unknown api.localhost');
  });
});

describe('createRouteTable', () => {
  it('gives the same decision for a repeated Host (cached) and a new one', () => {
    const table = createRouteTable(all);
    const first = table.decide('web.localhost:57573');
    expect(table.decide('web.localhost:57573')).toBe(first);
    for (let i = 0; i < 2000; i++) table.decide(`x${i}.localhost`);
    expect(brief(table.decide('web.localhost:57573'))).toBe('forward web.shop.localhost');
  });

  it('lets the first of two runs with one name win (the registry refuses the second)', () => {
    const other = route('docs', 'run', undefined, 4999);
    expect(decideRoute([docs, other], 'docs.localhost')).toEqual({ kind: 'forward', route: docs });
  });
});
