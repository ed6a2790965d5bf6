import { constants } from 'node:os';
import { isPortierError } from '../../errors.js';
import { parseDuration } from '../../time/duration.js';
import { didYouMean } from './did-you-mean.js';
import type { ProblemList } from './problems.js';
import { describeNode, type RawEntry, type RawMap, type RawNode } from './raw-tree.js';

/*
 * Small readers shared by the stack-file readers. Each reads one node, records a problem and
 * returns `undefined` when the node is wrong, so the caller goes on and every problem is found.
 *
 * Hand-written rather than a zod schema: each problem needs the line and column of the node
 * at fault and, for unknown keys and names, a suggestion from the keys that do exist. zod
 * reports paths only, so every issue would need mapping back to a node and its messages
 * rewriting; reading the positioned tree directly is shorter and keeps messages in one voice.
 */

/** The node as a map, or a problem naming `expected`. */
export function readMap(
  node: RawNode,
  problems: ProblemList,
  expected = 'a map',
): RawMap | undefined {
  if (node.kind === 'map') return node;
  problems.add(node.where, `${label(node)}: expected ${expected}, got ${describeNode(node)}`);
  return undefined;
}

/**
 * The entries of `map` whose keys are in `known`; every other key is a problem with a
 * suggestion, from `aliases` (a key from another tool: `environment` → `env`) or by spelling.
 */
export function knownEntries(
  map: RawMap,
  known: readonly string[],
  problems: ProblemList,
  aliases: Readonly<Record<string, string>> = {},
): RawEntry[] {
  const out: RawEntry[] = [];
  for (const entry of map.entries) {
    if (known.includes(entry.key)) {
      out.push(entry);
      continue;
    }
    const alias = Object.hasOwn(aliases, entry.key) ? aliases[entry.key] : undefined;
    const hint = alias ? `did you mean "${alias}"?` : didYouMean(entry.key, known);
    const where = map.where.path ? ` in ${map.where.path}` : ' at the top level';
    problems.add(entry.keyWhere, `unknown key "${entry.key}"${where}`, hint);
  }
  return out;
}

/** A non-empty string. */
export function readString(
  node: RawNode,
  problems: ProblemList,
  expected = 'a string',
): string | undefined {
  if (node.kind === 'scalar' && typeof node.value === 'string' && node.value.trim() !== '') {
    return node.value;
  }
  problems.add(node.where, `${label(node)}: expected ${expected}, got ${describeNode(node)}`);
  return undefined;
}

/** A string, number or boolean as text (`1.50` stays `1.50`); `null` for an empty value. */
export function scalarText(node: RawNode): string | null | undefined {
  if (node.kind !== 'scalar') return undefined;
  if (node.value === null) return null;
  return typeof node.value === 'string' ? node.value : node.text;
}

/**
 * A duration in ms: a number is ms, a string has a unit (`500ms`, `2s`, `1m`, `1h`).
 * Below `minMs` (default 0) is a problem.
 */
export function readDurationMs(
  node: RawNode,
  problems: ProblemList,
  minMs = 0,
): number | undefined {
  let ms: number | undefined;
  if (node.kind === 'scalar' && typeof node.value === 'number' && Number.isFinite(node.value)) {
    ms = node.value >= 0 ? Math.round(node.value) : undefined;
  } else if (node.kind === 'scalar' && typeof node.value === 'string') {
    ms = parseDurationOrUndefined(node.value);
  }
  if (ms === undefined) {
    const got = describeNode(node);
    problems.add(
      node.where,
      `${label(node)}: expected a duration like 500ms, 2s or 1m, got ${got}`,
    );
    return undefined;
  }
  if (ms < minMs) {
    problems.add(
      node.where,
      `${label(node)}: must be at least ${minMs} ms, got ${describeNode(node)}`,
    );
    return undefined;
  }
  return ms;
}

function parseDurationOrUndefined(text: string): number | undefined {
  try {
    return parseDuration(text);
  } catch (error) {
    if (isPortierError(error)) return undefined;
    throw error;
  }
}

/** A whole number in `min`..`max`. */
export function readInteger(
  node: RawNode,
  problems: ProblemList,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (node.kind === 'scalar' && Number.isInteger(node.value)) {
    const value = node.value as number;
    if (value >= min && value <= max) return value;
  }
  const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `${min}-${max}`;
  problems.add(
    node.where,
    `${label(node)}: expected a whole number, ${range}, got ${describeNode(node)}`,
  );
  return undefined;
}

/**
 * A map of names to text (`env:`, postgres `settings:`): strings, numbers and booleans are
 * kept as written; an empty value is `null`. Lists and maps as values are problems.
 */
export function readTextMap(
  node: RawNode,
  problems: ProblemList,
  isValidKey: (key: string) => boolean,
  keyRule: string,
): Record<string, string | null> | undefined {
  const map = readMap(node, problems);
  if (!map) return undefined;
  const out: Record<string, string | null> = {};
  for (const entry of map.entries) {
    if (!isValidKey(entry.key)) {
      problems.add(
        entry.keyWhere,
        `${label(node)}: "${entry.key}" is not a valid name (${keyRule})`,
      );
      continue;
    }
    const text = scalarText(entry.value);
    if (text === undefined) {
      problems.add(
        entry.value.where,
        `${entry.keyWhere.path}: expected a string, number or true/false, got ${describeNode(entry.value)}`,
      );
      continue;
    }
    out[entry.key] = text;
  }
  return out;
}

/** Signal names this platform knows (`SIGTERM`, `SIGINT`, …). */
export const SIGNAL_NAMES: readonly string[] = Object.keys(constants.signals);

/** A signal as `SIGTERM`, `TERM` or `sigint`, returned as `SIGTERM`/`SIGINT`. */
export function readSignal(
  node: RawNode,
  problems: ProblemList,
  known: readonly string[] = SIGNAL_NAMES,
): NodeJS.Signals | undefined {
  if (node.kind === 'scalar' && typeof node.value === 'string') {
    const upper = node.value.trim().toUpperCase();
    const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
    if (known.includes(name)) return name as NodeJS.Signals;
    problems.add(
      node.where,
      `${label(node)}: unknown signal ${describeNode(node)}`,
      didYouMean(name, known),
    );
    return undefined;
  }
  problems.add(
    node.where,
    `${label(node)}: expected a signal name like SIGTERM or INT, got ${describeNode(node)}`,
  );
  return undefined;
}

/** The node's dotted path for messages (`services.api.port`), or `the file` for the root. */
export function label(node: RawNode): string {
  return node.where.path || 'the file';
}
