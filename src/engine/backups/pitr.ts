// Point-in-time recovery: each table's PITR settings, the window a table can be restored to, and
// the table as it was at any moment of that window (`tableAt`), read from the history of changes
// without restoring anything.
//
// How the past is found: the value of a key at time T is the old image of its first change after
// T, or its current value if nothing changed it since, so only the history from T on is read
// (on disk the log, `LogStore.read({ fromTime })`; in memory a bounded list of records kept by
// `PitrKeeper`). The metadata at T (key schema, indexes, settings) is found the same way: every
// metadata change of a table with PITR on carries the metadata it replaced (`TableMeta.priorMeta`,
// attached in `Database.commit` by `keepPriorMeta`), so the metadata at T is the prior metadata of
// the first change after T, or the current one. Nothing about the format changes: metadata is
// logged and checkpointed as JSON, and priorMeta rides along.
//
// Invariants:
// - While any table has PITR on, the log retains its history from the earliest window start
//   (`retain('pitr', { time })`, refreshed at open, at every UpdateContinuousBackups and hourly);
//   once none has, the retention is released. The logHistoryBytes cap may still cut history: the
//   earliest restorable time is then the oldest record kept, and DescribeContinuousBackups says so.
// - A restore needs every change after T: `tableAt` refuses to read while writes are applied in
//   memory but not yet acknowledged by the log (they would be missing from the history); callers
//   await `whenSettled(db)` first, then call `tableAt` in the same synchronous run.
// - In memory (no log), history is kept in memory from the moment PITR is enabled, bounded by
//   `logHistoryBytes` (default 64 MiB in memory); what the bound drops moves the window's start.
import { DynamoDBError } from '../errors';
import type { Database } from '../database';
import type { LogRecord, Mutation } from '../log';
import type { DictionaryAdditions } from '../codec/item-codec';
import type { Table, TableMeta } from '../table';

/** `TableMeta.pitr`: set by UpdateContinuousBackups. */
export interface PitrSettings {
  enabled: boolean;
  recoveryPeriodInDays: number;
  /** When PITR was (last) enabled, in ms: nothing before it can be restored. */
  enabledAt: number;
}

/** A table's items as a snapshot holds them: keys in order, values encoded with `dictionary`. */
export interface PitrContents {
  dictionary: DictionaryAdditions;
  keys: string[];
  values: string[];
}

export const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_RECOVERY_PERIOD_DAYS = 35;
/** In memory, the most history kept for PITR unless logHistoryBytes says otherwise. */
export const DEFAULT_MEMORY_HISTORY_BYTES = 64 * 1024 * 1024;
const REFRESH_MS = 60 * 60 * 1000;

/** The table named by name or ARN (UpdateContinuousBackups' TableName takes either), or TableNotFoundException. */
export function findTable(db: Database, source: { tableName?: string; tableArn?: string }): Table {
  const wanted = source.tableArn ?? source.tableName ?? '';
  const table = source.tableArn !== undefined || wanted.startsWith('arn:') ? [...db.tables.values()].find((t) => t.meta.arn === wanted) : db.tables.get(wanted);
  if (table === undefined) throw new DynamoDBError('TableNotFoundException', `Table not found: ${tableNameOfArn(wanted)}`);
  return table;
}

function tableNameOfArn(arn: string): string {
  const i = arn.indexOf(':table/');
  return i < 0 ? arn : arn.slice(i + ':table/'.length);
}

/**
 * The times (ms) a table with PITR on can be restored to: from the latest of when PITR was
 * enabled, the recovery period's start and the oldest history kept, to now. Undefined when PITR
 * is off (or the table does not exist).
 */
export function pitrWindow(db: Database, tableName: string): { earliest: number; latest: number } | undefined {
  const table = db.tables.get(tableName);
  const pitr = table?.meta.pitr;
  if (pitr === undefined || !pitr.enabled) return undefined;
  const now = db.now();
  let earliest = Math.max(pitr.enabledAt, now - pitr.recoveryPeriodInDays * DAY_MS);
  const kept = db.pitr.historyStart();
  if (kept !== undefined) earliest = Math.max(earliest, kept);
  // Restores are to the millisecond here: the window never ends before it starts.
  return { earliest: Math.min(earliest, now), latest: now };
}

/**
 * The table exactly as it was at `time` (ms): its metadata then (key schema, indexes, settings;
 * its name and id are the source's) and its items then. DynamoDB's errors: TableNotFoundException,
 * PointInTimeRecoveryUnavailableException when PITR is off, InvalidRestoreTimeException outside
 * the window. Call after `await whenSettled(db)`, in the same synchronous run.
 */
export function tableAt(db: Database, source: { tableName?: string; tableArn?: string }, time: number): { meta: TableMeta; contents: PitrContents } {
  const table = findTable(db, source);
  const window = pitrWindow(db, table.name);
  if (window === undefined) {
    throw new DynamoDBError('PointInTimeRecoveryUnavailableException', `Point in time recovery is not enabled for table '${table.name}'`);
  }
  if (!(time >= window.earliest && time <= window.latest)) throw invalidRestoreTime(window);
  return stateAt(db, table, time);
}

export function invalidRestoreTime(window: { earliest: number; latest: number }): DynamoDBError {
  return new DynamoDBError(
    'InvalidRestoreTimeException',
    `RestoreDateTime must be between EarliestRestorableDateTime (${new Date(window.earliest).toISOString()}) and LatestRestorableDateTime (${new Date(window.latest).toISOString()})`,
  );
}

/** The table at `time` from the history after it (no window check: the caller made it). */
export function stateAt(db: Database, table: Table, time: number): { meta: TableMeta; contents: PitrContents } {
  if (!db.pitr.settledNow()) throw new Error('tableAt read the history while writes were still unacknowledged: await whenSettled(db) first');
  const id = table.meta.id;
  // Per key changed after `time`: its value then (undefined: it did not exist).
  const changed = new Map<string, string | undefined>();
  let metaThen: TableMeta | undefined;
  for (const record of db.pitr.history(time)) {
    if (record.time <= time) continue;
    for (const m of record.mutations) {
      if (m.tableId !== id) continue;
      if (m.kind === 'put' || m.kind === 'delete') {
        if (!changed.has(m.key)) changed.set(m.key, m.old);
      } else if (m.kind === 'updateTable') {
        if (metaThen === undefined) {
          const prior = (m.meta as TableMeta).priorMeta;
          if (prior === undefined) throw new DynamoDBError('InternalServerError', `The metadata of table ${table.name} before a change after the restore time was not kept`);
          metaThen = prior;
        }
      } else if (m.kind === 'createTable') {
        throw new DynamoDBError('InvalidRestoreTimeException', `Table ${table.name} did not exist at the requested restore time`);
      }
    }
  }
  return { meta: withoutHistory(metaThen ?? table.meta), contents: mergeChanges(table, changed) };
}

/** The table's items now, with the keys in `changed` set to their values then (or left out). */
function mergeChanges(table: Table, changed: Map<string, string | undefined>): PitrContents {
  const now = table.index.snapshot();
  const back = [...changed.entries()].filter((e): e is [string, string] => e[1] !== undefined).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const keys: string[] = [];
  const values: string[] = [];
  let j = 0;
  for (let i = 0; i < now.keys.length; i++) {
    const key = now.keys[i];
    while (j < back.length && back[j][0] < key) {
      keys.push(back[j][0]);
      values.push(back[j][1]);
      j++;
    }
    if (changed.has(key)) continue;
    keys.push(key);
    values.push(now.values[i]);
  }
  for (; j < back.length; j++) {
    keys.push(back[j][0]);
    values.push(back[j][1]);
  }
  return { dictionary: table.codec.dictionary(), keys, values };
}

/** Metadata without the prior metadata it carries (a restored table starts its own history). */
export function withoutHistory(meta: TableMeta): TableMeta {
  const { priorMeta: _prior, ...rest } = meta;
  return rest;
}

/**
 * Called by `Database.commit` before mutations apply: a metadata change of a table with PITR on
 * (before or after the change) carries the metadata it replaces, one level deep.
 */
export function keepPriorMeta(tables: { tableById(id: string): Table | undefined }, mutations: Mutation[]): void {
  for (const m of mutations) {
    if (m.kind !== 'updateTable') continue;
    const current = tables.tableById(m.tableId);
    const next = m.meta as TableMeta;
    if (current === undefined || (!current.meta.pitr?.enabled && !next.pitr?.enabled)) continue;
    m.meta = { ...next, priorMeta: withoutHistory(current.meta) };
  }
}

/** Resolves once every write handed to the log is acknowledged (at once in memory). */
export async function whenSettled(db: Database): Promise<void> {
  const log = db.logStore;
  while (log !== undefined && !log.idle) await log.settled.catch(() => undefined);
}

/**
 * The database's side of PITR: keeps the log's retention in step with the tables' windows, and
 * in memory keeps the history itself. Started at open, stopped at close.
 */
export class PitrKeeper {
  private timer: NodeJS.Timeout | undefined;
  /** In memory: the records kept while some table has PITR on, oldest first, from `head`. */
  private memory: { records: LogRecord[]; sizes: number[]; head: number; bytes: number; dropped: number | undefined } | undefined;
  private lastTime = -Infinity;

  constructor(private readonly db: Database) {}

  start(): void {
    this.refresh();
    this.timer = setInterval(() => this.refresh(), REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Retains history from the earliest window start of any table with PITR on, or releases it. */
  refresh(): void {
    const now = this.db.now();
    let from = Infinity;
    for (const table of this.db.tables.values()) {
      const pitr = table.meta.pitr;
      if (pitr?.enabled) from = Math.min(from, Math.max(pitr.enabledAt, now - pitr.recoveryPeriodInDays * DAY_MS));
    }
    const log = this.db.logStore;
    if (log !== undefined) {
      if (from === Infinity) log.release('pitr');
      else log.retain('pitr', { time: from });
      return;
    }
    if (from === Infinity) this.memory = undefined;
    else {
      this.memory ??= { records: [], sizes: [], head: 0, bytes: 0, dropped: undefined };
      this.trim(from);
    }
  }

  /** In memory: a committed change (with its lsn), kept while some table has PITR on. */
  recordInMemory(lsn: number, mutations: Mutation[]): void {
    const memory = this.memory;
    if (memory === undefined) return;
    const time = (this.lastTime = Math.max(this.lastTime, this.db.now()));
    let size = 64;
    for (const m of mutations) size += m.kind === 'put' ? 2 * (m.key.length + m.item.length + (m.old?.length ?? 0)) : m.kind === 'delete' ? 2 * (m.key.length + m.old.length) : 1024;
    memory.records.push({ lsn, time, mutations });
    memory.sizes.push(size);
    memory.bytes += size;
    const cap = this.db.options.logHistoryBytes ?? DEFAULT_MEMORY_HISTORY_BYTES;
    while (memory.bytes > cap && memory.head < memory.records.length) this.dropOldest();
    this.compact();
  }

  /** The history from `time` on (records with a time at or after it), oldest first. */
  history(time: number): Iterable<LogRecord> {
    const log = this.db.logStore;
    if (log !== undefined) return log.read({ fromTime: time });
    const memory = this.memory;
    if (memory === undefined) return [];
    let lo = memory.head;
    let hi = memory.records.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (memory.records[mid].time < time) lo = mid + 1;
      else hi = mid;
    }
    return memory.records.slice(lo);
  }

  /** The earliest time history is complete from (records before it were dropped), if any were. */
  historyStart(): number | undefined {
    const log = this.db.logStore;
    if (log !== undefined) return log.earliestRetainedTime;
    const memory = this.memory;
    if (memory?.dropped === undefined) return undefined;
    // Every dropped record is at or before the oldest kept one (times never go backwards).
    return memory.records[memory.head]?.time ?? memory.dropped;
  }

  /** No write is applied in memory without being in the history yet. */
  settledNow(): boolean {
    return this.db.logStore?.idle ?? true;
  }

  /** The time (ms) the next in-memory record will carry at the earliest (tests of restores to now). */
  get latestRecordTime(): number {
    return this.lastTime;
  }

  private trim(from: number): void {
    const memory = this.memory!;
    while (memory.head < memory.records.length && memory.records[memory.head].time < from) this.dropOldest(false);
    this.compact();
  }

  /** `bounded`: dropped for the size cap (the window's start moves), not because no window needs it. */
  private dropOldest(bounded = true): void {
    const memory = this.memory!;
    const record = memory.records[memory.head];
    memory.bytes -= memory.sizes[memory.head];
    memory.head++;
    if (bounded) memory.dropped = record.time;
  }

  private compact(): void {
    const memory = this.memory!;
    if (memory.head > 4096 && memory.head * 2 > memory.records.length) {
      memory.records = memory.records.slice(memory.head);
      memory.sizes = memory.sizes.slice(memory.head);
      memory.head = 0;
    }
  }
}
