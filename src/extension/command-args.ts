// What a command was given, checked. VS Code hands a command whatever the place it ran from has:
// the clicked or selected tree node (context menus, and view-title actions while a row is
// selected), nothing (palette, keybindings), or any value (other extensions, `executeCommand`).
// Commands read their arguments only through these functions, which accept a tree node of an
// expected kind or the documented plain-object form, and reduce everything else to "nothing
// given", i.e. the palette flow that asks. No function here throws on odd input.
import type { QuerySpec } from '../protocol/items';
import type { RemoteSetting } from './manager';

/** Which connection and table a command is about; either may be missing (then the command asks). */
export interface TableTarget {
  connectionId?: string;
  tableName?: string;
}

type Loose = Record<string, unknown>;

const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** A connection row of the explorer: `{type: 'connection', entry: {id, kind, label}}`. */
export function connectionNode(arg: unknown): { id: string; kind: string; label: string } | undefined {
  if (!isObject(arg) || arg.type !== 'connection' || !isObject(arg.entry)) return undefined;
  const id = str(arg.entry.id);
  const kind = str(arg.entry.kind);
  const label = str(arg.entry.label);
  return id && kind && label ? { id, kind, label } : undefined;
}

/** Rows of the explorer that belong to one table (tree/nodes: each has connectionId and tableName). */
const TABLE_ROWS = ['table', 'stream', 'ttl', 'backups', 'pitr', 'backup'];

/** A table row of the explorer, or a row of one table: `{type: 'table' | 'ttl' | ..., connectionId, tableName}`. */
function tableNode(arg: unknown): Required<TableTarget> | undefined {
  if (!isObject(arg) || !TABLE_ROWS.includes(arg.type as string)) return undefined;
  const connectionId = str(arg.connectionId);
  const tableName = str(arg.tableName);
  return connectionId && tableName ? { connectionId, tableName } : undefined;
}

/**
 * The target of a table or connection command. A table row gives its connection and table, a
 * connection row its connection, a plain `{connectionId?, tableName?}` (no `type`) what it names
 * with the right types; anything else (other rows, numbers, arrays, mistyped fields) gives nothing.
 * `wants: 'connection'` drops the table, for commands about a whole connection.
 */
export function targetOf(arg: unknown, wants: 'table' | 'connection' = 'table'): TableTarget {
  let target: TableTarget = {};
  const table = tableNode(arg);
  const connection = connectionNode(arg);
  if (table) target = table;
  else if (connection) target = { connectionId: connection.id };
  else if (isObject(arg) && !('type' in arg)) target = { connectionId: str(arg.connectionId), tableName: str(arg.tableName) };
  return wants === 'connection' ? { connectionId: target.connectionId } : target;
}

/** Which backup a command is about: a backup row, or a plain `{connectionId?, backupArn, tableName?}`. */
export interface BackupTarget extends TableTarget {
  backupArn: string;
  backupName?: string;
}

export function backupTargetOf(arg: unknown): BackupTarget | undefined {
  if (!isObject(arg)) return undefined;
  if (arg.type === 'backup') {
    const target = tableNode(arg);
    const backupArn = str(arg.backupArn);
    return target && backupArn ? { ...target, backupArn, backupName: str(arg.backupName) } : undefined;
  }
  if ('type' in arg) return undefined;
  const backupArn = str(arg.backupArn);
  return backupArn ? { connectionId: str(arg.connectionId), tableName: str(arg.tableName), backupArn, backupName: str(arg.backupName) } : undefined;
}

/** A named option of a plain-object argument, if it is one of the allowed values. */
export function option<T extends string>(arg: unknown, name: string, allowed: readonly T[]): T | undefined {
  if (!isObject(arg) || 'type' in arg) return undefined;
  const v = arg[name];
  return allowed.includes(v as T) ? (v as T) : undefined;
}

/** A named object field of a plain-object argument (a draft, an item). */
export function objectField(arg: unknown, name: string): Loose | undefined {
  if (!isObject(arg) || 'type' in arg) return undefined;
  const v = arg[name];
  return isObject(v) ? v : undefined;
}

/** A named string field of a plain-object argument. */
export function stringField(arg: unknown, name: string): string | undefined {
  if (!isObject(arg) || 'type' in arg) return undefined;
  return str(arg[name]);
}

/** A named boolean field of a plain-object argument; anything but true or false is not given. */
export function booleanField(arg: unknown, name: string): boolean | undefined {
  if (!isObject(arg) || 'type' in arg) return undefined;
  const v = arg[name];
  return typeof v === 'boolean' ? v : undefined;
}

/** `confirmed: true`, and nothing else, skips a confirmation. */
export function confirmed(arg: unknown): boolean {
  return isObject(arg) && !('type' in arg) && arg.confirmed === true;
}

/** Why a value is not a usable http(s) endpoint URL, or undefined when it is one. */
export function endpointProblem(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return undefined;
  } catch {
    /* reported below */
  }
  return 'An http(s) URL, e.g. http://127.0.0.1:8000';
}

/**
 * A remote connection setting passed programmatically: a `name`, and an endpoint URL or a
 * region; every field a string. Tree nodes and anything malformed are not settings.
 */
export function remoteSetting(arg: unknown): RemoteSetting | undefined {
  if (!isObject(arg) || 'type' in arg) return undefined;
  const name = str(arg.name)?.trim();
  if (!name) return undefined;
  const fields = ['endpoint', 'region', 'profile'] as const;
  const out: RemoteSetting = { name };
  for (const f of fields) {
    if (arg[f] === undefined) continue;
    const v = str(arg[f]);
    if (!v) return undefined;
    out[f] = v;
  }
  for (const key of Object.keys(arg)) if (key !== 'name' && !(fields as readonly string[]).includes(key)) return undefined;
  if (out.endpoint && endpointProblem(out.endpoint)) return undefined;
  if (!out.endpoint && !out.region) return undefined;
  return out;
}

/**
 * The query of a plain-object argument's `spec` (the request inspector's "open in items panel"):
 * a Scan or Query on the table or a named index, in raw expressions or none. Fields of the wrong
 * type make it nothing, so the panel opens on its own query instead.
 */
export function querySpecField(arg: unknown): QuerySpec | undefined {
  if (!isObject(arg) || 'type' in arg || !isObject(arg.spec)) return undefined;
  const s = arg.spec;
  if (s.mode !== 'scan' && s.mode !== 'query') return undefined;
  if (typeof s.pageSize !== 'number' || !Number.isInteger(s.pageSize) || s.pageSize < 1) return undefined;
  if (s.indexName !== undefined && !str(s.indexName)) return undefined;
  let raw: QuerySpec['raw'];
  if (s.raw !== undefined) {
    const r = s.raw;
    if (!isObject(r)) return undefined;
    const fields = ['keyConditionExpression', 'filterExpression', 'names', 'values'];
    if (Object.entries(r).some(([k, v]) => !fields.includes(k) || typeof v !== 'string')) return undefined;
    raw = r as QuerySpec['raw'];
  }
  return {
    mode: s.mode,
    filters: [],
    pageSize: s.pageSize,
    ...(s.indexName !== undefined && { indexName: s.indexName as string }),
    ...(raw && { raw }),
    ...(s.descending === true && { descending: true }),
    ...(s.consistentRead === true && { consistentRead: true }),
  };
}
