import { describe, expect, it } from 'vitest';
import { ProcessFamily } from '../../src/ports/process-family.js';
import { createFakeProc } from '../helpers/fake-proc.js';
import { startFixture } from '../helpers/fixtures.js';

describe('ProcessFamily', () => {
  it('reads the chain above a process and the tree below it, and nothing else', async () => {
    const fixture = await startFixture('listen.mjs', ['127.0.0.1', '0', '--children', '2']);
    const family = new ProcessFamily();
    expect(family.ancestorsOf(process.pid)[0]).toBe(process.ppid);
    expect(family.readTreesBelow([fixture.pid])).toBe(true);
    for (const child of fixture.children) expect(family.parents.get(child)).toBe(fixture.pid);
    // Only what was asked for: the chain, the fixture's children, not every process.
    const unrelated = [...family.parents.keys()].filter(
      (pid) => pid !== process.pid && !fixture.children.includes(pid),
    );
    expect(unrelated.every((pid) => family.ancestorsOf(process.pid).includes(pid))).toBe(true);
  });

  it('says it cannot list children where /proc has no task folders, and nothing for a gone process', () => {
    const procRoot = createFakeProc({ processes: [{ pid: 200, name: 'server', ppid: 1 }] });
    const family = new ProcessFamily(procRoot);
    expect(family.childrenOf(200)).toBeUndefined();
    expect(family.readTreesBelow([200])).toBe(false);
    expect(family.childrenOf(999)).toEqual([]);
    expect(family.parentOf(200)).toBe(1);
    expect(family.parentOf(999)).toBeUndefined();
  });
});
