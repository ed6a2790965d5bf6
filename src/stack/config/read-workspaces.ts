import { basename, dirname, join } from 'node:path';
import { serviceNameFromPackage, toDnsLabel } from './names.js';
import type { ParsedStack } from './parse-stack-yaml.js';
import { ProblemList, type Where } from './problems.js';
import { entryOf, parseYamlTree, type RawNode } from './raw-tree.js';
import { describeReadError, type StackFs } from './stack-fs.js';
import { emptyServiceSpec, type ServiceSpec } from './stack-spec.js';
import { expandWorkspaceGlobs } from './workspace-globs.js';

/** What workspaces run: `npm run dev` in each workspace that has a `dev` script. */
export const WORKSPACE_COMMAND: readonly string[] = Object.freeze(['npm', 'run', 'dev']);

/**
 * Infers a stack from a root package.json's `workspaces` (a list of patterns, or
 * `{ packages: [...] }`): every workspace whose package.json has `scripts.dev` becomes a
 * service named after its package (`@shop/api` → `api`) running `npm run dev` in its
 * directory. `spec.services` is empty when there is nothing to run (no workspaces, or none
 * with `dev`); the caller decides whether that is "not found".
 */
export function readWorkspaces(packageFile: string, fs: StackFs): ParsedStack {
  const problems = new ProblemList();
  const root = readJson(packageFile, fs, problems);
  const patterns = root ? workspacePatterns(root) : [];
  const services: ServiceSpec[] = [];
  const dirs = expandWorkspaceGlobs(dirname(packageFile), patterns, fs);
  for (const dir of dirs) {
    const file = join(dir, 'package.json');
    if (fs.kind(file) !== 'file') continue;
    const pkg = readJson(file, fs, problems);
    const dev = pkg && scriptOf(pkg, 'dev');
    if (!pkg || !dev) continue;
    const service = workspaceService(pkg, dir, dev.where, problems, services);
    if (service) services.push(service);
  }
  return { spec: { file: packageFile, services }, problems: problems.items };
}

/** The workspace patterns of a package.json tree; `[]` when it has none. */
function workspacePatterns(pkg: RawNode): string[] {
  if (pkg.kind !== 'map') return [];
  let node = entryOf(pkg, 'workspaces')?.value;
  if (node?.kind === 'map') node = entryOf(node, 'packages')?.value;
  if (node?.kind !== 'seq') return [];
  return node.items.flatMap((item) =>
    item.kind === 'scalar' && typeof item.value === 'string' ? [item.value] : [],
  );
}

function scriptOf(pkg: RawNode, name: string): { where: Where } | undefined {
  if (pkg.kind !== 'map') return undefined;
  const scripts = entryOf(pkg, 'scripts')?.value;
  const script = scripts?.kind === 'map' ? entryOf(scripts, name) : undefined;
  const ok = script?.value.kind === 'scalar' && typeof script.value.value === 'string';
  return ok && script ? { where: script.keyWhere } : undefined;
}

function workspaceService(
  pkg: RawNode,
  dir: string,
  where: Where,
  problems: ProblemList,
  earlier: readonly ServiceSpec[],
): ServiceSpec | undefined {
  const nameNode = pkg.kind === 'map' ? entryOf(pkg, 'name')?.value : undefined;
  const packageName =
    nameNode?.kind === 'scalar' && typeof nameNode.value === 'string' ? nameNode.value : '';
  const name = serviceNameFromPackage(packageName) || toDnsLabel(basename(dir));
  if (name === '') {
    problems.add(
      where,
      `workspace ${dir} has no name that can be a service name`,
      'give its package.json a "name"',
    );
    return undefined;
  }
  const clash = earlier.find((service) => service.name === name);
  if (clash) {
    problems.add(
      nameNode?.where ?? where,
      `workspaces ${clash.cwd?.value} and ${dir} would both be service "${name}"`,
      'write a portier.yaml naming the services',
    );
    return undefined;
  }
  const spec = emptyServiceSpec(name, where);
  spec.command = { kind: 'argv', argv: WORKSPACE_COMMAND };
  spec.cwd = { value: dir, where };
  return spec;
}

/** A package.json as a positioned tree (JSON is YAML), or `undefined` with a problem. */
function readJson(file: string, fs: StackFs, problems: ProblemList): RawNode | undefined {
  let text: string;
  try {
    text = fs.readFile(file);
  } catch (error) {
    problems.addForFile(file, `${file} ${describeReadError(error)}`);
    return undefined;
  }
  const parsed = parseYamlTree(text, file);
  problems.addAll(parsed.problems.items);
  return parsed.root;
}
