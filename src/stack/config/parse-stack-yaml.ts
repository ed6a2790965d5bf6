import type { ProblemDetail } from '../../errors.js';
import { ProblemList } from './problems.js';
import { parseYamlTree } from './raw-tree.js';
import { readStackSpec } from './read-stack.js';
import type { StackSpec } from './stack-spec.js';

/** What a pure stack-file parser returns: the spec as far as it could be read, and problems. */
export interface ParsedStack {
  /** `undefined` when the text could not be parsed at all (a syntax error). */
  spec: StackSpec | undefined;
  /** Every problem found, with positions; empty when the spec is good so far. */
  problems: ProblemDetail[];
}

/**
 * Reads `portier.yaml` / `portier.yml` / `portier.json` text (JSON goes through the YAML
 * parser, which reads it with positions). Pure: nothing is read from disk and no defaults are
 * applied; `file` is only used in positions.
 */
export function parseStackYaml(text: string, file: string): ParsedStack {
  const { root, problems } = parseYamlTree(text, file);
  if (problems.size > 0) return { spec: undefined, problems: problems.items };
  const readProblems = new ProblemList();
  const spec = readStackSpec(root, file, readProblems);
  return { spec, problems: readProblems.items };
}
