import { describe, expect, it } from 'vitest';
import { planKill } from '../../src/ports/kill-plan.js';
import { ancestorsOf, descendantsOf } from '../../src/ports/process-tree.js';

// pid → ppid: 1 ← 100 (shell) ← 200 (portier); 1 ← 300 (server) ← 301 ← 302
const parents = new Map([
  [100, 1],
  [200, 100],
  [300, 1],
  [301, 300],
  [302, 301],
  [400, 1],
]);

describe('process tree', () => {
  it('lists descendants parents first and ancestors nearest first', () => {
    expect(descendantsOf([300], parents)).toEqual([301, 302]);
    expect(ancestorsOf(200, parents)).toEqual([100, 1]);
  });
});

describe('planKill', () => {
  it('targets holders and their descendants', () => {
    const plan = planKill({ holders: [{ pid: 300, name: 'node' }], parents, selfPid: 200 });
    expect(plan.targets.map((t) => [t.pid, t.role])).toEqual([
      [300, 'holder'],
      [301, 'descendant'],
      [302, 'descendant'],
    ]);
    expect(plan.refusals).toEqual([]);
  });

  it.each([
    [{ pid: 1, name: 'systemd' }, 'init'],
    [{ pid: 0 }, 'init'],
    [{ pid: 200, name: 'node' }, 'this portier process'],
    [{ pid: 100, name: 'bash' }, 'ancestor'],
    [{ pid: 400, name: 'docker-proxy' }, 'port forwarder'],
    [{ pid: 400, command: '/usr/bin/docker-proxy -proto tcp -host-port 5432' }, 'container'],
    [{ pid: 400, name: 'rootlessport' }, 'port forwarder'],
  ])('refuses %o', (holder, reason) => {
    const plan = planKill({ holders: [holder], parents, selfPid: 200 });
    expect(plan.targets).toEqual([]);
    expect(plan.refusals[0]?.reason).toContain(reason);
  });

  it('leaves descendants out with tree: false', () => {
    const plan = planKill({ holders: [{ pid: 300 }], parents, selfPid: 200, tree: false });
    expect(plan.targets.map((t) => t.pid)).toEqual([300]);
  });
});
