import type { ProblemList } from './problems.js';
import { describeNode, type RawNode } from './raw-tree.js';
import { knownEntries, label, readMap, readString, readTextMap } from './read-values.js';
import type { PostgresSpec } from './stack-spec.js';

/** Names portier passes to initdb and in `DATABASE_URL` unquoted: keep them plain identifiers. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/** PostgreSQL setting names: `shared_buffers`, `auto_explain.log_min_duration`. */
const SETTING_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/**
 * Reads `postgres`: `{}`, `true` or an empty value mean all defaults; a map may set
 * `database`, `user` and `settings` (name → value, numbers and booleans kept as written).
 * `false` means no database (`undefined`).
 */
export function readPostgres(node: RawNode, problems: ProblemList): PostgresSpec | undefined {
  if (node.kind === 'scalar' && (node.value === null || node.value === true))
    return { settings: {} };
  if (node.kind === 'scalar' && node.value === false) return undefined;
  const map = readMap(node, problems, 'a map (or {} for the defaults)');
  if (!map) return undefined;
  const spec: PostgresSpec = { settings: {} };
  for (const { key, value } of knownEntries(map, ['database', 'user', 'settings'], problems)) {
    if (key === 'settings') {
      spec.settings = readSettings(value, problems);
      continue;
    }
    const name = readString(value, problems, 'a name');
    if (name === undefined) continue;
    if (IDENTIFIER.test(name)) spec[key as 'database' | 'user'] = name;
    else {
      problems.add(
        value.where,
        `${label(value)}: ${describeNode(value)} is not a plain name (letters, digits and _, not starting with a digit, at most 63)`,
      );
    }
  }
  return spec;
}

function readSettings(node: RawNode, problems: ProblemList): Record<string, string> {
  const settings = readTextMap(
    node,
    problems,
    (name) => SETTING_NAME.test(name),
    'like shared_buffers',
  );
  const out: Record<string, string> = {};
  if (!settings || node.kind !== 'map') return out;
  for (const entry of node.entries) {
    const value = settings[entry.key];
    if (value === null)
      problems.add(entry.keyWhere, `${entry.keyWhere.path}: a setting needs a value`);
    else if (value !== undefined) out[entry.key] = value;
  }
  return out;
}
