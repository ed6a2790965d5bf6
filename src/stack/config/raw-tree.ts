import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
  type YAMLError,
} from 'yaml';
import { ProblemList, type Where } from './problems.js';

/**
 * A parsed YAML or JSON document reduced to maps, lists and scalars, each with where it was
 * written. The readers validate this tree, so they never see the `yaml` package's node types.
 */
export type RawNode = RawMap | RawSeq | RawScalar;

/** A mapping, entries in file order. */
export interface RawMap {
  kind: 'map';
  entries: RawEntry[];
  where: Where;
}

/** One `key: value` of a mapping; `keyWhere` points at the key (for unknown-key problems). */
export interface RawEntry {
  key: string;
  keyWhere: Where;
  value: RawNode;
}

/** A sequence. */
export interface RawSeq {
  kind: 'seq';
  items: RawNode[];
  where: Where;
}

/** A scalar; `text` is what was written for plain numbers and booleans (`1.50`, `True`). */
export interface RawScalar {
  kind: 'scalar';
  value: string | number | boolean | null;
  text: string;
  where: Where;
}

/** The result of {@link parseYamlTree}: the tree when the text parsed at all, and the problems. */
export interface ParsedTree {
  root: RawNode | undefined;
  problems: ProblemList;
}

/**
 * Parses YAML (1.2 core schema, so a bare `no` stays a string) or JSON (a subset of it, which
 * is why `.json` goes through here too: JSON.parse has no positions). Syntax errors become
 * problems at their line and column; the tree is dropped when there are any, because the
 * parser's recovery could show the readers keys the user never wrote.
 */
export function parseYamlTree(text: string, file: string): ParsedTree {
  const problems = new ProblemList();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number, path: string): Where => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col, path };
  };
  for (const error of doc.errors) {
    const hint = SYNTAX_HINTS[error.code];
    problems.add(at(error.pos[0], ''), `syntax error: ${firstLine(error.message)}`, hint);
  }
  if (problems.size > 0) return { root: undefined, problems };
  if (doc.contents === null) return { root: undefined, problems };
  const context: Context = { doc, at, problems, active: new Set(), nodes: 0 };
  const root = toRaw(doc.contents as Node, '', context, undefined);
  return { root, problems };
}

/** Fixes for the syntax errors people make in config files. */
const SYNTAX_HINTS: Partial<Record<YAMLError['code'], string>> = {
  TAB_AS_INDENT: 'indent with spaces',
  // `log: "ready on \d+"`: in double quotes a backslash starts an escape.
  BAD_DQ_ESCAPE: "use single quotes for text with backslashes, like regular expressions: '\\d+'",
  MULTIPLE_DOCS: 'a stack file is one document: remove the "---" line',
};

/**
 * Nodes a tree may have once aliases are expanded. Far above any real stack; it stops an
 * alias bomb (each level repeating the one before) from eating the memory.
 */
const MAX_TREE_NODES = 100_000;

interface Context {
  doc: Document;
  at: (offset: number, path: string) => Where;
  problems: ProblemList;
  /** Collections being converted, to catch an alias inside the node it refers to. */
  active: Set<Node>;
  nodes: number;
}

function toRaw(node: Node, path: string, context: Context, fallback: Where | undefined): RawNode {
  const where = node.range ? context.at(node.range[0], path) : (fallback ?? context.at(0, path));
  if (++context.nodes === MAX_TREE_NODES) {
    context.problems.add(
      where,
      `the file expands to more than ${MAX_TREE_NODES} values through aliases`,
    );
  }
  if (context.nodes >= MAX_TREE_NODES) return nullAt(where);
  if (isAlias(node)) {
    const target = node.resolve(context.doc);
    if (target && context.active.has(target)) {
      context.problems.add(where, `the alias *${node.source} refers to a value that contains it`);
      return nullAt(where);
    }
    return target ? toRaw(target, path, context, where) : nullAt(where);
  }
  if (!isMap(node) && !isSeq(node)) {
    return isScalar(node) ? scalarOf(node.value, node.source, where) : nullAt(where);
  }
  context.active.add(node);
  const raw: RawNode = isMap(node)
    ? { kind: 'map', entries: toEntries(node.items, path, context, where), where }
    : {
        kind: 'seq',
        items: node.items.map((item, i) => toRaw(item as Node, `${path}[${i}]`, context, where)),
        where,
      };
  context.active.delete(node);
  return raw;
}

function toEntries(
  pairs: readonly Pair[],
  path: string,
  context: Context,
  where: Where,
): RawEntry[] {
  const entries: RawEntry[] = [];
  for (const pair of pairs) {
    const keyNode = pair.key as Node | null;
    const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
    const keyAt = keyNode?.range ? context.at(keyNode.range[0], path) : where;
    if (key === undefined) {
      context.problems.add(keyAt, 'a key must be a plain name, not a list or a map');
      continue;
    }
    const childPath = path ? `${path}.${key}` : key;
    const keyWhere = { ...keyAt, path: childPath };
    const valueNode = pair.value as Node | null;
    const value =
      valueNode && !isEmptyScalar(valueNode)
        ? toRaw(valueNode, childPath, context, keyWhere)
        : nullAt(keyWhere);
    entries.push({ key, keyWhere, value });
  }
  return entries;
}

/** `key:` with nothing after it: point at the key, not at the next line where the value "is". */
function isEmptyScalar(node: Node): boolean {
  return isScalar(node) && node.value === null && !node.source;
}

function scalarOf(value: unknown, source: string | undefined, where: Where): RawScalar {
  if (value === null || value === undefined) return nullAt(where);
  if (typeof value === 'number' || typeof value === 'boolean') {
    return { kind: 'scalar', value, text: source || String(value), where };
  }
  if (typeof value === 'bigint')
    return { kind: 'scalar', value: Number(value), text: String(value), where };
  const text = value instanceof Date ? value.toISOString() : String(value);
  return { kind: 'scalar', value: text, text, where };
}

function nullAt(where: Where): RawScalar {
  return { kind: 'scalar', value: null, text: '', where };
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/** How a node reads in a message: `a list`, `a map`, `"abc"`, `42`, `true`, `nothing`. */
export function describeNode(node: RawNode): string {
  if (node.kind === 'map') return 'a map';
  if (node.kind === 'seq') return 'a list';
  if (node.value === null) return 'nothing';
  if (typeof node.value === 'string') return JSON.stringify(node.value);
  return node.text;
}

/** The entry of `map` with this key, if any. */
export function entryOf(map: RawMap, key: string): RawEntry | undefined {
  return map.entries.find((entry) => entry.key === key);
}
