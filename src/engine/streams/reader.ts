// Where stream records come from, and reading a page of them. A stream's records are the item
// mutations of its table in a range of the log, so every reader (GetRecords, subscriptions) reads
// log records through one `StreamHistory` per database:
// - on a data folder, the log store: records up to its durable lsn ('process' durability: synced
//   to disk; 'disk': acknowledged), from its in-memory tail or its segments, with a position hint
//   so that paging through a long stream reads each byte once;
// - in memory (no log), a bounded buffer of the records that touched a table with an enabled
//   stream, fed by Database.commit: the newest logHistoryBytes of them, none older than 24 hours.
// It also keeps the log's retention: while any stream may need history (a live table's, or a
// deleted table's still readable), the log keeps 24 hours of it (`retain('streams')`), refreshed
// as time passes and released once no stream needs it.
//
// Invariants:
// - Nothing after the readable lsn is ever read: no stream record shows a write a crash could
//   still take back.
// - A position before the oldest record held is refused (TrimmedDataAccessException), never
//   read as if the records in between had not existed.
// - Records come in log order; within one log record, in mutation order.
import type { Database } from '../database';
import { DynamoDBError, resourceNotFound } from '../errors';
import type { FrameDecoder, LogPosition, LogRecord, Mutation, Origin, ReadCursor } from '../log';
import { DEFAULT_LOG_HISTORY_BYTES } from '../log';
import { TailCache } from '../log/tail-cache';
import type { Table } from '../table';
import { enabledStream, findStream, hasReadableStream } from './catalog';
import { STREAM_RETENTION_MS, type StreamState } from './model';
import { streamFrameDecoder, type StreamFrame } from './log-frames';
import { approximateBytes, changesItem, isItemMutation, newRecordContext, type RecordContext, type StreamEntry } from './records';

// Module-level copies of the functions readPage calls for every mutation (see log/reader.ts).
const isItem = isItemMutation;
const changes = changesItem;
const entryBytes = approximateBytes;

/** The retention consumer name Streams registers with the log. */
const RETENTION_NAME = 'streams';

export class StreamHistory {
  /** In memory only: the records of tables with an enabled stream. */
  private readonly memory: TailCache | undefined;
  /** In memory only: ids of the tables whose records are kept (those with an enabled stream). */
  private streamTables = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private notifying = false;
  private stopDurable: (() => void) | undefined;
  private retaining = false;

  constructor(private readonly db: Database) {
    if (db.options.inMemory) {
      this.memory = new TailCache(db.options.logHistoryBytes ?? DEFAULT_LOG_HISTORY_BYTES);
      this.memory.enabled = true;
    }
  }

  /** Called once the log store is open (not in memory): follows its durable lsn and sets retention. */
  attach(): void {
    this.stopDurable = this.db.logStore?.onDurable(() => this.notify());
    this.refresh();
  }

  close(): void {
    this.stopDurable?.();
    this.listeners.clear();
  }

  /**
   * A commit in memory (lsn, time and mutations as the log would hold them): kept if it changes
   * an item of a table with an enabled stream. Table changes (a stream enabled or disabled) update
   * which tables those are.
   */
  committed(lsn: number, time: number, mutations: Mutation[], origin: Origin | undefined): void {
    const memory = this.memory;
    if (memory === undefined) return;
    let kept = false;
    for (const m of mutations) {
      if (isItemMutation(m)) kept ||= this.streamTables.has(m.tableId);
      else this.tablesChanged();
    }
    if (!kept) return;
    const record: LogRecord = { lsn, time, mutations };
    if (origin !== undefined && origin !== 'user') record.origin = origin;
    memory.appended(record);
    memory.acknowledged(lsn);
    memory.dropOlderThan(time - STREAM_RETENTION_MS);
    this.notify();
  }

  /** A table was created, changed or deleted: which tables have streams may have changed. */
  tablesChanged(): void {
    if (this.memory !== undefined) {
      this.streamTables = new Set([...this.db.tables.values()].filter((t) => enabledStream(t.meta) !== undefined).map((t) => t.meta.id));
    }
    this.refresh();
  }

  /** Keeps or releases the log's 24 hours of history, as streams need it now (the maintenance timer calls it too). */
  refresh(): void {
    const log = this.db.logStore;
    if (log === undefined) {
      this.memory?.dropOlderThan(this.db.now() - STREAM_RETENTION_MS);
      return;
    }
    const now = this.db.now();
    const needed = [...this.db.tables.values(), ...this.db.retiredTables.values()].some((t) => hasReadableStream(t.meta, now));
    if (needed) {
      // Consumers near the head read from the files (in the page cache) at remembered positions:
      // filling the in-memory tail would cost every write about a fifth more CPU (measured).
      log.retain(RETENTION_NAME, { time: now - STREAM_RETENTION_MS }, false);
      this.retaining = true;
    } else if (this.retaining) {
      log.release(RETENTION_NAME);
      this.retaining = false;
    }
  }

  /** The last lsn whose records may be shown. */
  get readableLsn(): number {
    const log = this.db.logStore;
    return log === undefined ? this.db.nextLsn - 1 : log.durableLsn;
  }

  /** The lsn from which every record is still held: a position before it is trimmed. */
  get earliestLsn(): number {
    const log = this.db.logStore;
    if (log !== undefined) return log.earliestLsn;
    this.memory!.dropOlderThan(this.db.now() - STREAM_RETENTION_MS);
    return this.memory!.droppedThrough + 1;
  }

  /**
   * The log records from `fromLsn` to `toLsn`, oldest first, read as iterated (see ReadCursor);
   * those read from the log's files made by `decodeFrame` when given (see log-frames.ts).
   */
  read(fromLsn: number, toLsn: number, cursor: ReadCursor, decodeFrame?: FrameDecoder<StreamFrame | LogRecord>): Iterable<StreamFrame | LogRecord> {
    const log = this.db.logStore;
    if (log !== undefined) return log.readFrom(fromLsn, toLsn, cursor, decodeFrame);
    const memory = this.memory!;
    const oldest = memory.oldestLsn;
    if (oldest === undefined) return [];
    return memory.iterate({ fromLsn: Math.max(fromLsn, oldest), toLsn }) ?? [];
  }

  /** Calls `listener` (soon, not inside a write) whenever more records may have become readable. */
  onReadable(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    if (this.notifying || this.listeners.size === 0) return;
    this.notifying = true;
    setImmediate(() => {
      this.notifying = false;
      for (const f of [...this.listeners]) f();
    });
  }
}

/** Where a reader is in a stream: the next record's lsn and mutation index (its sequence number's parts). */
export interface StreamPosition {
  lsn: number;
  index: number;
}

/** A range of one table's stream to read: a shard, or a whole stream (subscriptions). */
export interface StreamRange {
  table: Table;
  stream: StreamState;
  /** The first lsn of the range. */
  firstLsn: number;
  /** The last lsn (inclusive) once the range is closed; undefined while records may still come. */
  lastLsn: number | undefined;
}

export interface Page {
  entries: StreamEntry[];
  /** Where the next page starts. */
  next: StreamPosition;
  /** The log position after the last record read, for the next page to start reading at. */
  hint: LogPosition | undefined;
  /** The range is closed and every record of it has been read. */
  drained: boolean;
}

export const MAX_PAGE_BYTES = 1024 * 1024;

export function trimmed(): DynamoDBError {
  return new DynamoDBError('TrimmedDataAccessException', 'The operation attempted to read past the oldest stream record in a shard.');
}

/** What rendering the records of a stream needs (see records.ts). */
export function recordContext(db: Database, table: Table, stream: StreamState): RecordContext {
  return newRecordContext(table.codec, table.schema, stream.viewType, db.region, stream.arn);
}

/** The oldest position of the range still held (TRIM_HORIZON). */
export function oldestPosition(history: StreamHistory, range: StreamRange): StreamPosition {
  return { lsn: Math.max(range.firstLsn, history.earliestLsn), index: 0 };
}

/** The position just after the newest readable record of the range (LATEST). */
export function latestPosition(history: StreamHistory, range: StreamRange): StreamPosition {
  const last = Math.min(range.lastLsn ?? Infinity, history.readableLsn);
  return { lsn: Math.max(range.firstLsn, last + 1), index: 0 };
}

/**
 * Up to `limit` records (and about `maxBytes` of them) of `range` from `from`, with where the
 * next page starts. A position before the oldest record held is TrimmedDataAccessException.
 */
export function readPage(history: StreamHistory, range: StreamRange, from: StreamPosition, limit: number, maxBytes: number, hint?: LogPosition): Page {
  const stream = range.stream;
  const closedAt = Math.min(range.lastLsn ?? Infinity, stream.disabledLsn ?? Infinity);
  const last = Math.min(closedAt, history.readableLsn);
  if (from.lsn > last) return { entries: [], next: from, hint, drained: from.lsn > closedAt };
  if (from.lsn < history.earliestLsn) throw trimmed();
  const tableId = range.table.meta.id;
  const codec = range.table.codec;
  const entries: StreamEntry[] = [];
  const cursor: ReadCursor = { hint };
  let bytes = 0;
  let next: StreamPosition = { lsn: last + 1, index: 0 };
  // The log position before the record being looked at: where the next page reads from if it starts there.
  let before = hint;
  let after = hint;
  read: for (const record of history.read(from.lsn, last, cursor, streamFrameDecoder(tableId))) {
    before = after;
    after = cursor.next;
    const mutations: ReadonlyArray<Mutation | StreamFrame['mutations'][number]> = record.mutations;
    for (let i = record.lsn === from.lsn ? from.index : 0; i < mutations.length; i++) {
      const m = mutations[i];
      if (m === undefined || m.tableId !== tableId || !isItem(m) || !changes(codec, m)) continue;
      if (entries.length >= limit || (entries.length > 0 && bytes >= maxBytes)) {
        next = { lsn: record.lsn, index: i };
        after = before;
        break read;
      }
      const entry: StreamEntry = { lsn: record.lsn, index: i, time: record.time, origin: record.origin, mutation: m, keyUnits: 'keyUnits' in m ? m.keyUnits : m.key.length };
      entries.push(entry);
      bytes += entryBytes(entry);
    }
  }
  // A hint is good only for a read that starts after it (records read from the tail have none).
  return { entries, next, hint: after !== undefined && after.lsn < next.lsn ? after : undefined, drained: next.lsn > closedAt };
}

/** The shard `shardId` of the readable stream `arn` as a range to read; ResourceNotFoundException for either unknown. */
export function shardOf(db: Database, arn: string, shardId: string): StreamRange {
  const found = findStream(db, arn);
  if (found === undefined) throw resourceNotFound(`Requested resource not found: Stream: ${arn} not found`);
  const shard = found.stream.shards.find((s) => s.id === shardId);
  if (shard === undefined) throw resourceNotFound(`Requested resource not found: Shard: ${shardId} in Stream: ${arn} not found`);
  return { table: found.table, stream: found.stream, firstLsn: shard.firstLsn, lastLsn: shard.lastLsn };
}
