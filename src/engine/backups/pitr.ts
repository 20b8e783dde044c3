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
// the first change after T, or the current one. Metadata is logged and checkpointed as JSON, and
// priorMeta rides along. The restored table itself is logged as a reference to this history
// (restore.ts; `replayedRestore` is what replay runs), read by the same steps as the restore.
//
// Invariants:
// - While any table has PITR on, the log retains its history from the earliest window start
//   (`retain('pitr', { time }, false)`: restores read segment files, and the log's in-memory tail
//   is not filled for PITR alone, which would cost every write), refreshed at open, at every
//   table-level commit (UpdateContinuousBackups, DeleteTable...) and hourly; once no table has
//   PITR on, the retention is released. The logHistoryBytes cap may still cut history: the
//   earliest restorable time is then the oldest record kept, and DescribeContinuousBackups says so.
// - A restore needs every change after T: the history is never read while writes are applied in
//   memory but not yet acknowledged by the log (they would be missing from it); callers await
//   `whenSettled(db)` first, then call `tableAt` (or `stateAt`) in the same synchronous run, or
//   `stateAtSliced`, which takes the state and the last lsn at once and reads in slices.
// - A restore's changes go straight into the positions of the table's own arrays
//   (PositionedChanges), never into a map of every changed key.
// - Only old images are decoded from the log, and of each key only its first change after T's
//   (history-frames.ts reads the segments' frames as bytes; table-level changes and records from
//   memory come as LogRecords, decoded with `newImages: false`): new images are never needed.
// - In memory (no log), history is kept in memory from the moment PITR is enabled, bounded by
//   `logHistoryBytes` (default 64 MiB in memory); what the bound drops moves the window's start.
import { DynamoDBError } from '../errors';
import type { Database } from '../database';
import type { FrameDecoder, LoadTableMutation, LogRange, LogRecord, Mutation, Origin, TableContentsSnapshot } from '../log';
import type { Table, TableMeta } from '../table';
import { headOf, positionsIn } from '../storage/sorted-index';
import { sourceTable } from './source';
import { sortSteps, type TableContents } from './restore';
import { historyFrameDecoder, type ChangeSink } from './history-frames';

/** `TableMeta.pitr`: set by UpdateContinuousBackups. */
export interface PitrSettings {
  enabled: boolean;
  recoveryPeriodInDays: number;
  /** When PITR was (last) enabled, in ms: nothing before it can be restored. */
  enabledAt: number;
}

/** A table's items as a snapshot holds them (p0's TableContents): keys in order, values encoded with `dictionary`. */
export type PitrContents = TableContents;

export const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_RECOVERY_PERIOD_DAYS = 35;
/** In memory, the most history kept for PITR unless logHistoryBytes says otherwise. */
export const DEFAULT_MEMORY_HISTORY_BYTES = 64 * 1024 * 1024;
const REFRESH_MS = 60 * 60 * 1000;

/** The table named by name or ARN: TableNotFoundException, or TableInUseException while it is being created. */
export function findTable(db: Database, source: { tableName?: string; tableArn?: string }): Table {
  return sourceTable(db, source.tableArn ?? source.tableName ?? '');
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
  return stateAt(db, restorableTable(db, source, time), time);
}

/** The source table if `time` is inside its PITR window; DynamoDB's errors otherwise (see tableAt). */
export function restorableTable(db: Database, source: { tableName?: string; tableArn?: string }, time: number): Table {
  const table = findTable(db, source);
  const window = pitrWindow(db, table.name);
  if (window === undefined) {
    throw new DynamoDBError('PointInTimeRecoveryUnavailableException', `Point in time recovery is not enabled for table '${table.name}'`);
  }
  if (!(time >= window.earliest && time <= window.latest)) throw invalidRestoreTime(window);
  return table;
}

function invalidRestoreTime(window: { earliest: number; latest: number }): DynamoDBError {
  return new DynamoDBError(
    'InvalidRestoreTimeException',
    `RestoreDateTime must be between EarliestRestorableDateTime (${new Date(window.earliest).toISOString()}) and LatestRestorableDateTime (${new Date(window.latest).toISOString()})`,
  );
}

/** The table at `time` from the history after it (no window check: the caller made it), read at once. */
export function stateAt(db: Database, table: Table, time: number): { meta: TableMeta; contents: PitrContents } {
  return runAtOnce(restoreSteps(db, table, time));
}

/**
 * As stateAt, but read in slices between other work, so a large history never holds the event
 * loop: the table's state now (items, metadata, dictionary) and the last lsn are taken at once,
 * and only the history up to that lsn is read, so writes made meanwhile change nothing of it.
 * Rejects with InternalServerError if the database closes meanwhile.
 */
export function stateAtSliced(db: Database, table: Table, time: number): Promise<{ meta: TableMeta; contents: PitrContents }> {
  return runSliced(db, restoreSteps(db, table, time));
}

/** How many records or keys are handled between two turns of the event loop. */
export const SLICE = 20_000;

type Changes<S extends ChangeSink = Map<string, string | undefined>> = { changed: S; metaThen: TableMeta | undefined };

/** The history from a time on, its segments' frames read by `decodeFrame` (LogStore.read, PitrKeeper.range, or replay's reader). */
export type History = <T>(decodeFrame: FrameDecoder<T>) => Iterable<LogRecord | T>;

/** The records of `range` of the database's history (the log's, or the one kept in memory). */
function historyOf(db: Database, range: LogRange): History {
  if (!db.pitr.settledNow()) throw new Error('the history was read while writes were still unacknowledged: await whenSettled(db) first');
  // Only old images are read: the value at T of a key is the old image of its first change after T.
  return (decodeFrame) => db.pitr.range({ ...range, newImages: false }, decodeFrame);
}

function* restoreSteps(db: Database, table: Table, time: number): Generator<void, { meta: TableMeta; contents: PitrContents }> {
  // The state now, taken in the same turn as the lsn the history is read up to (historyOf's range).
  return yield* tableSteps(table, time, historyOf(db, { fromTime: time, toLsn: db.nextLsn - 1 }));
}

/** The table at `time` from its state now and `history`, every change after `time` up to now. */
function* tableSteps(table: Table, time: number, history: History): Generator<void, { meta: TableMeta; contents: PitrContents }> {
  const metaNow = table.meta;
  const dictionary = table.codec.dictionary();
  const { changed, metaThen } = yield* changeSteps(table, time, history, new PositionedChanges(table.index.snapshotWithHeads()));
  return { meta: withoutHistory(metaThen ?? metaNow), contents: { dictionary, ...(yield* changed.result()) } };
}

/**
 * At the log's replay (LogOwner.restored), the items of a table restored to a point in time: its
 * source table as replay has it just before the record, taken back with the history up to it.
 */
export function replayedRestore(source: Table | undefined, m: LoadTableMutation, history: History): TableContentsSnapshot {
  const from = m.restoredFrom!;
  if (source === undefined) throw new Error(`table ${m.tableId} is restored from table ${from.tableId}, which replay does not have at that point`);
  return runAtOnce(tableSteps(source, from.time, history)).contents;
}

/**
 * What changed in `table` after `time`: per key changed, its value then (undefined: it did not
 * exist), and its metadata then if that changed (else undefined: the current one). Read at once.
 */
export function changesAfter(db: Database, table: Table, time: number): Changes {
  return runAtOnce(changeSteps(table, time, historyOf(db, { fromTime: time, toLsn: db.nextLsn - 1 })));
}

/** As changesAfter, read in slices; `toLsn` is the last lsn read (the last one logged at the call). */
export function changesAfterSliced(db: Database, table: Table, time: number): Promise<Changes & { toLsn: number }> {
  const toLsn = db.nextLsn - 1;
  return runSliced(db, changeSteps(table, time, historyOf(db, { fromTime: time, toLsn }))).then((changes) => ({ ...changes, toLsn }));
}

/** The changes logged after lsn `lsn` (read at once): per key changed, its value as of `lsn`. */
export function changesSinceLsn(db: Database, table: Table, lsn: number): Changes {
  return runAtOnce(changeSteps(table, -Infinity, historyOf(db, { fromLsn: lsn + 1 })));
}

/** changesAfter, pausing (a `yield`) every SLICE records: the records of `history` with a time after `time`. */
function changeSteps(table: Table, time: number, history: History): Generator<void, Changes>;
function changeSteps<S extends ChangeSink>(table: Table, time: number, history: History, changed: S): Generator<void, Changes<S>>;
function* changeSteps(table: Table, time: number, history: History, changed: ChangeSink = new Map<string, string | undefined>()): Generator<void, Changes<ChangeSink>> {
  const id = table.meta.id;
  const name = table.name;
  let metaThen: TableMeta | undefined;
  let count = 0;
  // Puts and deletes of the log's frames go straight into `changed`; what comes back as a record
  // is a table-level change, or a record of the in-memory history or the log's tail.
  for (const record of history(historyFrameDecoder(id, time, changed))) {
    if (++count % SLICE === 0) yield;
    if (record === undefined || record.time <= time) continue;
    for (const m of record.mutations) {
      if (m.tableId !== id) continue;
      if (m.kind === 'put' || m.kind === 'delete') {
        if (!changed.has(m.key)) changed.set(m.key, m.old);
      } else if (m.kind === 'updateTable') {
        if (metaThen === undefined) {
          const prior = (m.meta as TableMeta).priorMeta;
          if (prior === undefined) throw new DynamoDBError('InternalServerError', `The metadata of table ${name} before a change after the restore time was not kept`);
          metaThen = prior;
        }
      } else if (m.kind === 'createTable' || m.kind === 'loadTable') {
        throw new DynamoDBError('InvalidRestoreTimeException', `Table ${name} did not exist at the requested restore time`);
      }
    }
  }
  return { changed, metaThen };
}

/**
 * A restore's changed keys, kept where they go: the items `now` (sorted keys, their values and
 * heads: a snapshotWithHeads, fresh arrays this takes over) and, per position, whether the key's
 * value then was set (and to what) or it did not exist then. Each key is found by its head
 * (headBuckets, or positionsIn where heads crowd: numbers side by side; a key string is read only
 * to confirm), so neither a map of every changed key nor a sort of them is made: at half a million
 * changes the map and the pass that merged it took over a third of a restore's time (hashing, and
 * collecting the map's garbage). Only keys that do not exist now (created before T and deleted
 * since) go into a map, to be sorted and merged in.
 */
class PositionedChanges implements ChangeSink {
  /** Per position: UNCHANGED, or the key's value then is in `then` (SET) or it did not exist then (GONE). */
  private readonly state: Uint8Array;
  /** The values then: a copy of the values now, changed keys' overwritten (`now.values` keeps the ones now, for `delete`). */
  private readonly then: string[];
  private gone = 0;
  private readonly absent = new Map<string, string | undefined>();
  /** Finds a key by its head (see headBuckets); keys whose heads crowd into one bucket by positionsIn's search. */
  private readonly buckets: { start: Int32Array; low: number; scale: number };
  private readonly positionOf: (key: string) => number;
  /** The last key looked up and its position: `has` is always followed by `set` of the same key. */
  private lastKey: string | undefined;
  private lastAt = -1;

  constructor(private readonly now: { keys: string[]; values: string[]; heads: Float64Array }) {
    this.state = new Uint8Array(now.keys.length);
    this.then = now.values.slice();
    this.buckets = headBuckets(now.heads);
    this.positionOf = positionsIn(now);
  }

  private at(key: string): number {
    if (key === this.lastKey) return this.lastAt;
    const at = this.search(key);
    this.lastKey = key;
    this.lastAt = at;
    return at;
  }

  /** `key`'s position, or -1: the keys of its head's bucket searched, or positionsIn's search where a bucket holds too many. */
  private search(key: string): number {
    const { keys, heads } = this.now;
    const { start, low, scale } = this.buckets;
    const head = headOf(key);
    const b = Math.floor((head - low) * scale);
    if (b < 0 || b >= start.length - 1) return -1;
    let lo = start[b];
    let hi = start[b + 1];
    if (hi - lo > BUCKET_SEARCH_LIMIT) return this.positionOf(key);
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const h = heads[mid];
      if (h < head || (h === head && keys[mid] < key)) lo = mid + 1;
      else hi = mid;
    }
    return lo < keys.length && keys[lo] === key ? lo : -1;
  }

  has(key: string): boolean {
    const at = this.at(key);
    return at >= 0 ? this.state[at] !== UNCHANGED : this.absent.has(key);
  }

  set(key: string, then: string | undefined): void {
    const at = this.at(key);
    if (at < 0) {
      this.absent.set(key, then);
      return;
    }
    if (this.state[at] === GONE) this.gone--;
    if (then === undefined) {
      this.state[at] = GONE;
      this.gone++;
    } else {
      this.state[at] = SET;
      this.then[at] = then;
    }
  }

  delete(key: string): void {
    const at = this.at(key);
    if (at < 0) {
      this.absent.delete(key);
      return;
    }
    if (this.state[at] === GONE) this.gone--;
    this.state[at] = UNCHANGED;
    this.then[at] = this.now.values[at];
  }

  /** The items then, in key order. */
  *result(): Generator<void, { keys: string[]; values: string[]; heads?: Float64Array }> {
    const nowKeys = this.now.keys;
    const { state, then } = this;
    const absent: string[] = [];
    for (const [key, value] of this.absent) if (value !== undefined) absent.push(key);
    // The same keys as now: their heads go along, for the new table's index.
    if (this.gone === 0 && absent.length === 0) return { keys: nowKeys, values: then, heads: this.now.heads };
    const sorted = yield* sortSteps(absent);
    const keys: string[] = [];
    const out: string[] = [];
    let j = 0;
    for (let i = 0; i < nowKeys.length; i++) {
      if (i % (SLICE * 10) === SLICE * 10 - 1) yield;
      const key = nowKeys[i];
      for (; j < sorted.length && sorted[j] < key; j++) {
        keys.push(sorted[j]);
        out.push(this.absent.get(sorted[j])!);
      }
      if (state[i] === GONE) continue;
      keys.push(key);
      out.push(then[i]);
    }
    for (; j < sorted.length; j++) {
      keys.push(sorted[j]);
      out.push(this.absent.get(sorted[j])!);
    }
    return { keys, values: out };
  }
}

/** A bucket holding more keys than this is searched by positionsIn instead (heads that crowd together: keys sharing a long prefix). */
const BUCKET_SEARCH_LIMIT = 64;
/** Keys per bucket on average. */
const KEYS_PER_BUCKET = 4;

/**
 * The positions of sorted heads by value range: bucket b holds the heads from low + b/scale on,
 * `start[b]` is the first position whose head is in bucket b or a later one. A table's keys begin
 * with a hash of the partition key (codec/key-codec.ts), so their heads spread evenly and a key
 * is found among a few neighbours with one or two cache misses, where a binary search over a
 * million heads missed the cache at most of its steps.
 */
function headBuckets(heads: Float64Array): { start: Int32Array; low: number; scale: number } {
  const n = heads.length;
  const count = Math.max(1, Math.ceil(n / KEYS_PER_BUCKET));
  const low = n > 0 ? heads[0] : 0;
  const high = n > 0 ? heads[n - 1] : 0;
  // One past the highest head lands in the last bucket's end.
  const scale = count / (high - low + 1);
  const start = new Int32Array(count + 1);
  let b = 0;
  for (let i = 0; i < n; i++) {
    const to = Math.floor((heads[i] - low) * scale);
    while (b <= to) start[b++] = i;
  }
  while (b <= count) start[b++] = n;
  return { start, low, scale };
}

const UNCHANGED = 0;
const SET = 1;
const GONE = 2;

/** Runs steps (a generator that yields where it may pause) to their end without pausing. */
export function runAtOnce<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Runs steps with a turn of the event loop at each pause; stops if the database closes. */
export async function runSliced<T>(db: Database, steps: Generator<void, T>): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise((resolve) => setImmediate(resolve));
    if (db.isClosed) {
      steps.return(undefined as never);
      throw new DynamoDBError('InternalServerError', 'The database closed while the history was being read');
    }
  }
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
      else log.retain('pitr', { time: from }, false);
      return;
    }
    if (from === Infinity) this.memory = undefined;
    else {
      this.memory ??= { records: [], sizes: [], head: 0, bytes: 0, dropped: undefined };
      this.trim(from);
    }
  }

  /** In memory: a committed change (with its lsn), kept while some table has PITR on. */
  recordInMemory(lsn: number, mutations: Mutation[], origin?: Origin): void {
    const memory = this.memory;
    if (memory === undefined) return;
    const time = (this.lastTime = Math.max(this.lastTime, this.db.now()));
    let size = 64;
    for (const m of mutations) size += m.kind === 'put' ? 2 * (m.key.length + m.item.length + (m.old?.length ?? 0)) : m.kind === 'delete' ? 2 * (m.key.length + m.old.length) : 1024;
    const record: LogRecord = { lsn, time, mutations };
    if (origin !== undefined && origin !== 'user') record.origin = origin;
    memory.records.push(record);
    memory.sizes.push(size);
    memory.bytes += size;
    const cap = this.db.options.logHistoryBytes ?? DEFAULT_MEMORY_HISTORY_BYTES;
    while (memory.bytes > cap && memory.head < memory.records.length) this.dropOldest();
    this.compact();
  }

  /** The history from `time` on (records with a time at or after it) up to `toLsn`, oldest first. */
  history(time: number, toLsn = Infinity): Iterable<LogRecord> {
    return this.range({ fromTime: time, toLsn });
  }

  /** The history of a range of lsns or times (the log's LogRange), oldest first. */
  range(range: LogRange): Iterable<LogRecord>;
  /** As range, the log's segments read with `decodeFrame` (in-memory records and the log's tail come as LogRecords). */
  range<T>(range: LogRange, decodeFrame: FrameDecoder<T>): Iterable<LogRecord | T>;
  range<T>(range: LogRange, decodeFrame?: FrameDecoder<T>): Iterable<LogRecord | T> {
    const log = this.db.logStore;
    if (log !== undefined) return log.read(range, decodeFrame);
    const memory = this.memory;
    if (memory === undefined) return [];
    // Records are in lsn order, and so in time order too.
    const records = memory.records;
    const first = (after: (r: LogRecord) => boolean): number => {
      let lo = memory.head;
      let hi = records.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (after(records[mid])) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    };
    const fromTime = range.fromTime ?? -Infinity;
    const fromLsn = range.fromLsn ?? -Infinity;
    const toLsn = range.toLsn ?? Infinity;
    return records.slice(first((r) => r.time >= fromTime && r.lsn >= fromLsn), first((r) => r.lsn > toLsn));
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
