import { readdirSync, readFileSync } from 'node:fs';
import { readProcStat } from '../sockets/linux-process.js';
import { ancestorsOf, type ParentMap } from './process-tree.js';

/**
 * The parents and children of a few processes, read as they are asked for (Linux): a kill
 * needs the chains above its holders and itself and the trees below the holders, not every
 * process on the machine. Children come from /proc/<pid>/task/<tid>/children, which a
 * kernel built without CONFIG_PROC_CHILDREN lacks: then {@link childrenOf} is undefined and
 * the caller reads the whole process tree instead.
 */
export class ProcessFamily {
  readonly #procRoot: string;
  readonly #parents = new Map<number, number>();
  readonly #read = new Set<number>();

  constructor(procRoot = '/proc') {
    this.#procRoot = procRoot;
  }

  /** The parent of `pid`; undefined when it is gone. */
  parentOf(pid: number): number | undefined {
    if (!this.#read.has(pid)) {
      this.#read.add(pid);
      const stat = readProcStat(pid, this.#procRoot);
      if (stat) this.#parents.set(pid, stat.ppid);
    }
    return this.#parents.get(pid);
  }

  /** `pid`'s parent, grandparent, … up to pid 1, nearest first (a loop ends it). */
  ancestorsOf(pid: number): number[] {
    return ancestorsOf(pid, { get: (p) => this.parentOf(p) });
  }

  /** The children of `pid` (of every thread of it); undefined when the kernel cannot say. */
  childrenOf(pid: number): number[] | undefined {
    const taskDir = `${this.#procRoot}/${pid}/task`;
    let threads: string[];
    try {
      threads = readdirSync(taskDir);
    } catch {
      // Gone: no children left to stop. Still there: this /proc cannot say (undefined).
      return readProcStat(pid, this.#procRoot) ? undefined : [];
    }
    const children: number[] = [];
    for (const tid of threads) {
      let text: string;
      try {
        text = readFileSync(`${taskDir}/${tid}/children`, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' && tid === threads[0])
          return undefined; // no children files on this kernel
        continue; // a thread that ended meanwhile
      }
      for (const word of text.split(' ')) if (word) children.push(Number(word));
    }
    for (const child of children) this.#parents.set(child, pid);
    return children;
  }

  /**
   * Reads the trees below `roots`; false when the kernel cannot list children (the map then
   * lacks them).
   */
  readTreesBelow(roots: readonly number[]): boolean {
    const queue = [...roots];
    const seen = new Set(roots);
    while (queue.length > 0) {
      const children = this.childrenOf(queue.shift()!);
      if (!children) return false;
      for (const child of children) {
        if (seen.has(child)) continue;
        seen.add(child);
        queue.push(child);
      }
    }
    return true;
  }

  /** pid → parent of every process read so far. */
  get parents(): ParentMap {
    return this.#parents;
  }
}
