// The log store: the write-ahead log the database, and later Streams, point-in-time recovery,
// backups and transactions, read as their source of truth. It owns the segments (format.ts,
// FORMAT.md), appends with group commit (writer.ts, which keeps log.mark: how far the segment
// being written is synced, and where a failed run's log ends; end-mark.ts), recovers at open (recovery.ts, and
// upgrade.ts for folders of the format before), keeps an index from lsn and time to segment
// (time-index.ts), hands out readers of a range (reader.ts; recent ranges from the in-memory tail
// of acknowledged records, tail-cache.ts; `readFrom` goes on from a position an earlier read
// stopped at), tells consumers how far the log is durable (`durableLsn`, `onDurable`: what no
// crash takes back, the most Streams shows), takes checkpoints as per-table
// snapshots (snapshot.ts) when enough log has accumulated, and removes what no consumer retains
// (retention.ts). Every byte goes through a FileSystem, so tests can inject faults and crashes.
//
// Invariants:
// - lsns increase by one within a run; times never go backwards (max(now, last time)).
// - After any failure (a failed write or sync) nothing more is appended: `failed` is set, the
//   owner is told at once, and every later append is refused.
// - Checkpoints run one at a time: a request made while one runs is queued (requests made
//   meanwhile share that queued run), never run beside it.
// - Replayed bytes count toward the next checkpoint, so a log that grows across runs without one
//   is checkpointed right after an open.
// - A table restored from history (a `loadTable` with `restoredFrom`, FORMAT.md) is rebuilt at
//   replay from its source and the log after its restore time: the segments holding that history
//   are kept as the checkpoint's own are (restorePins) until a checkpoint covers its record.
import * as path from 'node:path';
import { nodeFileSystem, type FileSystem } from './file-system';
import { LogCorruptionError, listSegments, segmentName, type LogPosition } from './format';
import { readFrom, readRange, type FrameDecoder, type LogRange, type ReadCursor } from './reader';
import { TailCache } from './tail-cache';
import { applyRepair, planRepair, recover, type CheckpointFrom, type RepairPlan } from './recovery';
import type { LoadTableMutation, LogRecord, Mutation, Origin, TableContentsSnapshot } from './records';
import { Retention, type RetainFrom } from './retention';
import { CorruptSnapshotError, readCheckpoint, readTableSnapshot, writeCheckpoint, writeTableSnapshot, type CheckpointToken, type TableSnapshot } from './snapshot';
import { TimeIndex } from './time-index';
import { legacyFiles, readLegacyCheckpoint, readLegacyLog, removeLegacyFiles } from './upgrade';
import { LogWriter, type Durability, type SegmentSpan, type SegmentStart } from './writer';

export { FORMAT_VERSION, LogCorruptionError, LogFormatError, type LogPosition } from './format';
export type { LoadTableMutation, LogRecord, Mutation, Origin, TableContentsSnapshot } from './records';
export type { Durability } from './writer';
export type { FrameDecoder, LogRange, ReadCursor } from './reader';
export type { RetainFrom } from './retention';
export type { CheckpointToken, TableSnapshot } from './snapshot';
export type { RepairPlan } from './recovery';

/**
 * What cutting the damaged log of `dir` at its first damage would lose (undefined if it opens as
 * it is); with `apply`, cuts it. The folder must not be open.
 */
export function repairLog(dir: string, options: { fileSystem?: FileSystem; apply?: boolean } = {}): RepairPlan | undefined {
  const fs = options.fileSystem ?? nodeFileSystem;
  const checkpoint = readCheckpoint(fs, dir);
  const plan = planRepair(fs, dir, checkpoint && { lsn: checkpoint.lsn, from: checkpoint.from as CheckpointFrom });
  if (plan && options.apply) applyRepair(fs, dir, plan);
  return plan;
}

export const DEFAULT_CHECKPOINT_BYTES = 256 * 1024 * 1024;
export const DEFAULT_LOG_HISTORY_BYTES = 1024 * 1024 * 1024;

export interface LogStoreOptions {
  fileSystem?: FileSystem;
  segmentBytes?: number;
  durability?: Durability;
  syncIntervalMs?: number;
  /** Bytes of log (written or replayed) after which a checkpoint is taken. */
  checkpointBytes?: number;
  /** The most completed-segment bytes kept as history for consumers (default 1 GiB). */
  logHistoryBytes?: number;
  /** Bytes of the newest acknowledged records kept in memory for readers (default 16 MiB; 0: none). */
  tailCacheBytes?: number;
  now: () => number;
}

/** What the log store recovers into and checkpoints from: the database's tables. */
export interface LogOwner {
  /** Tables as a snapshot holds them (a checkpoint, or an old folder's). */
  load(tables: TableSnapshot[]): void;
  /** A record read back from the log, in order. */
  apply(record: LogRecord): void;
  /** The state now, for a checkpoint; taken at once (it must not change while written). */
  snapshot(): TableSnapshot[];
  /**
   * Request tokens to keep in the checkpoint (taken with `snapshot`): those of records the
   * checkpoint covers that must outlive it, since replay will not read those records again.
   */
  tokens?(): CheckpointToken[];
  /** A checkpoint's tokens, given before any record is replayed. */
  loadTokens?(tokens: CheckpointToken[]): void;
  /** Every record up to `lsn` is acknowledged. */
  acknowledged(lsn: number): void;
  /**
   * At replay, the items of a table restored to a point in time (a `loadTable` with
   * `restoredFrom`): its source table as replay has it now (just before the record), taken back to
   * `restoredFrom.time` with `history`, the log's records after that time up to the record, read by
   * `decodeFrame`. An owner that restores no tables may leave it out.
   */
  restored?(m: LoadTableMutation, history: <T>(decodeFrame: FrameDecoder<T>) => Iterable<LogRecord | T>): TableContentsSnapshot;
  /**
   * The log failed; records not acknowledged will never be. Called before any append hears of it;
   * appends are rejected with what it returns (the failure itself if nothing).
   */
  failed(error: Error): Error | void;
}

export class LogStore {
  private nextLsn: number;
  private lastTime: number;
  private lastLogged: Promise<void> = Promise.resolve();
  private checkpointFrom: CheckpointFrom;
  private bytesAtCheckpoint = 0;
  /** Bytes replay would read that the log's own appends do not count: records replayed at open, and loaded-table files since. */
  private replayedBytes: number;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private readonly index = new TimeIndex();
  private readonly retention = new Retention();
  private failure: Error | undefined;
  private closing = false;
  /** The newest acknowledged records, for readers of recent history. */
  private readonly tail: TailCache;
  /**
   * Loaded-table files (see `stageTable`) that a logged record names, with that record's lsn:
   * replay needs each until a checkpoint covers its record, and then it is removed.
   */
  private readonly loadedFiles = new Map<string, number>();
  /**
   * Point-in-time restores logged as a reference to history (`restoredFrom`), by lsn, with the time
   * they go back to: until a checkpoint covers its record, replay reads the log from that time on,
   * so those segments are kept as the checkpoint's own are, whatever retention and the size cap say.
   */
  private readonly restorePins = new Map<number, number>();
  /** Loaded-table files being written: close waits for them, so nothing is written into the folder after it. */
  private readonly staging = new Set<Promise<unknown>>();
  /** Consumers that read the newest records from the in-memory tail (see retain). */
  private readonly tailReaders = new Set<string>();
  /** Told when the durable lsn moves (see durableLsn). */
  private readonly durableListeners = new Set<(lsn: number) => void>();

  private constructor(
    private readonly fs: FileSystem,
    readonly dir: string,
    private readonly writer: LogWriter,
    private readonly owner: LogOwner,
    private readonly options: LogStoreOptions,
    start: SegmentStart,
    from: CheckpointFrom,
    replayedBytes: number,
  ) {
    this.nextLsn = start.firstLsn;
    this.lastTime = start.firstTime;
    this.checkpointFrom = from;
    this.replayedBytes = replayedBytes;
    this.index.follow(() => writer.currentSpan);
    this.tail = new TailCache(options.tailCacheBytes);
  }

  /**
   * Opens the log in `dir`: loads the checkpoint, replays the records after it into `owner`,
   * makes what it read durable, and starts a new segment for this run. A folder of the format
   * before is upgraded first.
   */
  static async open(dir: string, options: LogStoreOptions, owner: LogOwner): Promise<LogStore> {
    const fs = options.fileSystem ?? nodeFileSystem;
    fs.mkdir(dir);
    let listenerStore: LogStore | undefined;
    const listener = {
      acknowledged: (lsn: number) => {
        listenerStore?.tail.acknowledged(lsn);
        owner.acknowledged(lsn);
      },
      failed: (e: Error) => {
        if (listenerStore) listenerStore.failure ??= e;
        listenerStore?.tail.failed();
        return owner.failed(e);
      },
      sealed: (span: Parameters<TimeIndex['add']>[0]) => {
        listenerStore?.index.add(span);
        listenerStore?.prune();
      },
      durable: (lsn: number) => {
        if (listenerStore) for (const f of listenerStore.durableListeners) f(lsn);
      },
    };
    const writerOptions = { segmentBytes: options.segmentBytes, durability: options.durability, syncIntervalMs: options.syncIntervalMs };
    const checkpoint = readCheckpoint(fs, dir);
    const legacy = legacyFiles(fs, dir);
    let store: LogStore;
    if (checkpoint === undefined && legacy.some((f) => !f.endsWith('.tmp'))) {
      // A folder of the format before: its state, read with the old reader, becomes a checkpoint
      // of this format over an empty new log; the old files go only once both are durable.
      const old = readLegacyCheckpoint(fs, dir);
      if (old) owner.load(old.tables);
      const last = readLegacyLog(fs, dir, { ...(old?.from ?? { segment: 0, offset: 0 }), lsn: old?.lsn ?? 0 }, (r) => owner.apply(r));
      for (const n of listSegments(fs, dir)) fs.remove(path.join(dir, segmentName(n)));
      const lsn = Math.max(old?.lsn ?? 0, last.lsn);
      const start: SegmentStart = {
        segment: 1,
        epoch: 1,
        firstLsn: lsn + 1,
        firstTime: Math.max(options.now(), last.time),
        previous: { segment: 0, offset: 0, crc: 0, lsn },
      };
      const writer = LogWriter.start(fs, dir, start, writerOptions, listener);
      const from: CheckpointFrom = { ...writer.segmentStart, time: start.firstTime, epoch: 1, headerCrc: writer.segmentStart.crc };
      store = new LogStore(fs, dir, writer, owner, options, start, from, 0);
      try {
        await writeCheckpoint(fs, dir, lsn, from, owner.snapshot(), {}, owner.tokens?.());
      } catch (e) {
        await writer.close();
        throw e;
      }
      removeLegacyFiles(fs, dir);
    } else {
      // Leftovers of an upgrade that a crash cut short after its checkpoint was durable.
      if (legacy.length > 0) removeLegacyFiles(fs, dir);
      if (checkpoint) owner.load(checkpoint.tables);
      if (checkpoint?.tokens !== undefined) owner.loadTokens?.(checkpoint.tokens);
      const from = checkpoint?.from as CheckpointFrom | undefined;
      const loaded = new Map<string, number>();
      let loadedBytes = 0;
      const pins = new Map<number, number>();
      const replay = (r: LogRecord, spansBefore: () => SegmentSpan[]): void => {
        for (const m of r.mutations) {
          if (m.kind !== 'loadTable') continue;
          if (m.restoredFrom !== undefined) {
            m.contents = replayRestore(fs, dir, owner, m, r.lsn, spansBefore());
            pins.set(r.lsn, m.restoredFrom.time);
            continue;
          }
          m.contents = readLoadedTable(fs, dir, m.file, m.tableId);
          loaded.set(m.file, r.lsn);
          loadedBytes += fileSize(fs, path.join(dir, m.file));
        }
        owner.apply(r);
      };
      const recovered = recover(fs, dir, checkpoint && from ? { lsn: checkpoint.lsn, from } : undefined, options.now(), replay);
      // A loaded-table file no replayed record names was staged by a run that died before its
      // record was logged (or is covered by the checkpoint): that table does not exist.
      for (const f of fs.list(dir)) if (LOADED_FILE.test(f) && !loaded.has(f)) fs.remove(path.join(dir, f));
      // What recovery read may be only in the page cache (a killed process's writes): it must be
      // on disk before this run's records are, or a power loss could keep those and lose it.
      for (const span of recovered.spans) {
        if (from && span.segment < from.segment) continue;
        const h = fs.open(path.join(dir, segmentName(span.segment)));
        try {
          h.datasync();
        } finally {
          h.close();
        }
      }
      // Spare segments being prepared when the last run ended are not part of the log.
      for (const f of fs.list(dir)) if (/^log-\d{12}\.seg\.tmp$/.test(f)) fs.remove(path.join(dir, f));
      const writer = LogWriter.start(fs, dir, recovered.start, writerOptions, listener);
      // Without a checkpoint, recovery needs every segment there is: none is covered.
      const startFrom: CheckpointFrom = from ?? { segment: 0, offset: 0, crc: 0, lsn: 0, time: 0, epoch: 0, headerCrc: 0 };
      store = new LogStore(fs, dir, writer, owner, options, recovered.start, startFrom, recovered.replayedBytes + loadedBytes);
      for (const span of recovered.spans) store.index.add(span);
      for (const [file, lsn] of loaded) store.loadedFiles.set(file, lsn);
      for (const [lsn, time] of pins) store.restorePins.set(lsn, time);
    }
    listenerStore = store;
    // A long replay is checkpointed at once rather than replayed again at the next open.
    setImmediate(() => store.maybeCheckpoint());
    return store;
  }

  /**
   * Logs one atomic change; resolves once it is durable as the durability setting defines.
   * `token`: a transaction's idempotency record (src/engine/transactions/idempotency.ts).
   */
  append(mutations: Mutation[], time: number, origin?: Origin, token?: string): Promise<void> {
    if (time < this.lastTime) time = this.lastTime;
    else this.lastTime = time;
    const record: LogRecord = { lsn: this.nextLsn++, time, mutations: withoutContents(mutations) };
    for (const m of mutations) {
      if (m.kind !== 'loadTable') continue;
      if (m.restoredFrom !== undefined) {
        this.restorePins.set(record.lsn, m.restoredFrom.time);
        // The next open would read that history again: it counts toward the next checkpoint.
        for (const span of this.index.spansFrom(-Infinity, m.restoredFrom.time)) this.replayedBytes += span.end;
        continue;
      }
      if (m.file === '') continue;
      this.loadedFiles.set(m.file, record.lsn);
      // The next open would read the file too: it counts toward the next checkpoint.
      this.replayedBytes += fileSize(this.fs, path.join(this.dir, m.file));
    }
    if (origin !== undefined && origin !== 'user') record.origin = origin;
    if (token !== undefined) record.token = token;
    if (!this.failed) this.tail.appended(record);
    const done = this.writer.append(record);
    this.lastLogged = done;
    this.maybeCheckpoint();
    return done;
  }

  /** The lsn of the last record appended. */
  get lastLsn(): number {
    return this.nextLsn - 1;
  }

  /**
   * The last lsn no crash can take back ('process' durability: synced to disk; 'disk': acknowledged).
   * Records after it may still vanish, so consumers of history (Streams) read no further.
   */
  get durableLsn(): number {
    return this.writer.durableLsn;
  }

  /** Calls `listener` with the new durable lsn each time it moves; returns the way to stop. */
  onDurable(listener: (lsn: number) => void): () => void {
    this.durableListeners.add(listener);
    return () => this.durableListeners.delete(listener);
  }

  /** Nothing appended is waiting to be written or acknowledged. */
  get idle(): boolean {
    return this.writer.idle;
  }

  /** The failure that stopped the log, if any. */
  get failed(): Error | undefined {
    return this.failure ?? this.writer.failed;
  }

  /** The last record appended, settled (acknowledgements come in log order). */
  get settled(): Promise<void> {
    return this.lastLogged;
  }

  get unsyncedBytes(): number {
    return this.writer.unsyncedBytes;
  }

  /** Bytes of log written or replayed since the last checkpoint. */
  get bytesSinceCheckpoint(): number {
    return this.writer.appendedBytes - this.bytesAtCheckpoint + this.replayedBytes;
  }

  /** Makes every acknowledged record durable on disk. */
  sync(): Promise<void> {
    return this.writer.sync();
  }

  private maybeCheckpoint(): void {
    if (this.running || this.closing || this.failed || this.bytesSinceCheckpoint <= (this.options.checkpointBytes ?? DEFAULT_CHECKPOINT_BYTES)) return;
    this.checkpoint().catch(() => undefined);
  }

  /**
   * Writes a checkpoint of the owner's state now and removes what it makes unnecessary. One runs
   * at a time; a call during a run waits for it and then runs once for every call made meanwhile.
   */
  checkpoint(): Promise<void> {
    // Closing takes the last checkpoint itself.
    if (this.closing) return Promise.resolve();
    if (this.running === undefined) {
      this.running = this.runCheckpoint(false).finally(() => (this.running = undefined));
      return this.running;
    }
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.checkpoint();
      });
    return this.queued;
  }

  private async runCheckpoint(atClose: boolean): Promise<void> {
    if (this.failed) throw this.failed;
    // The snapshot is taken at once; records up to `lsn` may still be on their way to the log:
    // the snapshot holds them, and replay skips them by lsn. At a clean close the log's exact
    // end is known, so the next open reads nothing of this segment.
    const lsn = this.lastLsn;
    const logged = this.lastLogged;
    const position: LogPosition = atClose ? this.writer.position : this.writer.segmentStart;
    const from: CheckpointFrom = { ...position, time: this.lastTime, epoch: this.writer.epochOfRun, headerCrc: this.writer.segmentStart.crc };
    const tables = this.owner.snapshot();
    const tokens = this.owner.tokens?.();
    const appended = this.writer.appendedBytes;
    const replayed = this.replayedBytes;
    // The checkpoint must not get ahead of what is on disk in the log.
    await logged;
    await this.writer.sync();
    await writeCheckpoint(this.fs, this.dir, lsn, from, tables, {}, tokens);
    this.bytesAtCheckpoint = appended;
    this.replayedBytes -= replayed;
    this.checkpointFrom = from;
    this.removeLoadedFiles(lsn);
    for (const pinned of this.restorePins.keys()) if (pinned <= lsn) this.restorePins.delete(pinned);
    this.prune();
  }

  /**
   * Writes a new table's contents as a snapshot file in the data folder, durably, and returns its
   * name for a `loadTable` mutation. Until a record naming it is logged the file is nobody's: a
   * crash leaves it to be removed at the next open, and `discardStaged` removes it at once.
   */
  async stageTable(tableId: string, snapshot: TableSnapshot): Promise<string> {
    if (this.failed || this.closing) throw this.failed ?? new Error('the log is closed');
    const file = `${LOADED_PREFIX}${tableId}.tsnap`;
    const written = writeTableSnapshot(this.fs, path.join(this.dir, file), { ...snapshot, lsn: 0 });
    this.staging.add(written);
    try {
      await written;
    } finally {
      this.staging.delete(written);
    }
    return file;
  }

  /** Removes a staged file whose record was never logged (the load failed); once closing, the next open removes it instead. */
  discardStaged(file: string): void {
    if (this.loadedFiles.has(file) || this.failure !== undefined || this.closing) return;
    this.fs.remove(path.join(this.dir, file));
  }

  /** Loaded-table files whose records a checkpoint of `lsn` covers are no longer needed. */
  private removeLoadedFiles(lsn: number): void {
    if (this.failure !== undefined) return;
    let removed = false;
    for (const [file, at] of this.loadedFiles) {
      if (at > lsn) continue;
      this.fs.remove(path.join(this.dir, file));
      this.loadedFiles.delete(file);
      removed = true;
    }
    if (removed) this.fs.syncDir(this.dir);
  }

  /**
   * Keeps history from `from` on for the consumer `name` (until released). With `recent`, the
   * consumer also reads the newest records often, and the in-memory tail holds them for it; that
   * costs every write a little (see tail-cache.ts), so a consumer that reads recent records well
   * enough from the files (in the page cache, from remembered positions) passes false.
   */
  retain(name: string, from: RetainFrom, recent = true): void {
    this.retention.retain(name, from);
    if (recent) this.tailReaders.add(name);
    else this.tailReaders.delete(name);
    this.tail.enabled = this.tailReaders.size > 0;
  }

  release(name: string): void {
    this.retention.release(name);
    this.tailReaders.delete(name);
    this.tail.enabled = this.tailReaders.size > 0;
    this.prune();
  }

  /**
   * The folder is no longer this store's (removed, or opened by another process): from now on
   * nothing is written or removed there, no checkpoint (not even at close) and no pruning, as
   * after a failure. The owner refuses further appends.
   */
  abandon(reason: Error): void {
    this.failure ??= reason;
    this.writer.stopMarking();
  }

  /** Removes the completed segments that neither recovery nor any consumer needs, or that the size cap drops. */
  prune(): void {
    // An abandoned folder may hold another owner's segments under the same names.
    if (this.failure !== undefined) return;
    const cap = this.options.logHistoryBytes ?? DEFAULT_LOG_HISTORY_BYTES;
    let recoveryFrom = this.checkpointFrom.segment;
    for (const time of this.restorePins.values()) recoveryFrom = Math.min(recoveryFrom, this.index.spansFrom(-Infinity, time)[0]?.segment ?? recoveryFrom);
    for (const segment of this.retention.removable(this.index.sealed(), recoveryFrom, cap)) {
      this.fs.remove(path.join(this.dir, segmentName(segment)));
      this.index.remove(segment);
    }
    const positions = this.writer.positions;
    const first = this.index.spans()[0]?.segment ?? Infinity;
    let gone = 0;
    while (gone < positions.length && positions[gone].segment < first) gone++;
    if (gone > 0) positions.splice(0, gone);
  }

  /**
   * The records of a range of lsns or times, oldest first, read as iterated. Reading changes
   * nothing. Records read from the segments are made by `decodeFrame` when given (see reader.ts);
   * the in-memory tail's are LogRecords.
   */
  read<T = LogRecord>(range: LogRange = {}, decodeFrame?: FrameDecoder<T>): Generator<LogRecord | T> {
    const cached = this.tail.serve(range);
    return cached ? yieldAll(cached) : readRange<LogRecord | T>(this.fs, this.dir, this.index, range, decodeFrame);
  }

  /**
   * The records from `fromLsn` to `toLsn` (inclusive), oldest first, read as iterated: from the
   * in-memory tail when it holds them, else from the segments a chunk at a time, starting at
   * `cursor.hint` when it is where an earlier read stopped (`cursor.next`, set as records are
   * handed out). A reader that stops early reads little more than it took. Records read from the
   * segments are made by `decodeFrame` when given (see reader.ts); the tail's are LogRecords.
   */
  readFrom<T = LogRecord>(fromLsn: number, toLsn: number, cursor: ReadCursor, decodeFrame?: FrameDecoder<T>): Iterable<LogRecord | T> {
    const cached = this.tail.iterate({ fromLsn, toLsn });
    if (cached) return cached;
    // The nearer of the caller's hint and the writer's remembered positions (hints are only ever before fromLsn).
    const known = this.positionBefore(fromLsn);
    const hint = cursor.hint;
    if (known && (hint === undefined || hint.lsn >= fromLsn || known.segment > hint.segment || (known.segment === hint.segment && known.offset > hint.offset))) cursor.hint = known;
    return decodeFrame === undefined ? readFrom(this.fs, this.dir, this.index, fromLsn, toLsn, cursor) : readFrom(this.fs, this.dir, this.index, fromLsn, toLsn, cursor, decodeFrame);
  }

  /** The last remembered position before the record `lsn` (see LogWriter.positions). */
  private positionBefore(lsn: number): LogPosition | undefined {
    const list = this.writer.positions;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid].lsn < lsn) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? list[lo - 1] : undefined;
  }

  /** The lsn of the oldest record the log still holds. */
  get earliestLsn(): number {
    return this.index.spans()[0]?.firstLsn ?? this.nextLsn;
  }

  /** What the in-memory tail holds now (records and their approximate bytes). */
  get tailCache(): { records: number; bytes: number } {
    return this.tail.size;
  }

  /** The time of the oldest record the log still holds: how far back history can go. */
  get earliestRetainedTime(): number | undefined {
    return this.index.earliestTime;
  }

  /** The kept segments: first and last lsn and time of each. */
  get segments(): ReturnType<TimeIndex['spans']> {
    return this.index.spans();
  }

  /**
   * Waits for checkpoints, closes the log, and (unless the log failed: the owner's state may then
   * differ from what is durable) checkpoints at its exact end, so the next open replays nothing.
   * A run that wrote nothing instead removes its empty segment.
   */
  async close(): Promise<void> {
    // No checkpoint starts from now on but the last one, below.
    this.closing = true;
    await Promise.allSettled([...this.staging]);
    await this.queued?.catch(() => undefined);
    await this.running?.catch(() => undefined);
    await this.writer.close();
    if (this.failed) return;
    if (this.writer.appendedBytes === 0 && this.checkpointFrom.segment !== this.writer.currentSegment) {
      // A run that wrote nothing leaves the folder as it found it, rather than one more empty segment.
      this.fs.remove(path.join(this.dir, segmentName(this.writer.currentSegment)));
      this.fs.syncDir(this.dir);
      return;
    }
    await this.runCheckpoint(true);
  }
}

/** Loaded-table files: `loaded-<table id>.tsnap` (and the temp files of their writes). */
const LOADED_PREFIX = 'loaded-';
const LOADED_FILE = /^loaded-[^/\\]+\.tsnap(\.tmp-.*)?$/;

/** The file's size (0 if it is gone: a folder taken over by another process). */
function fileSize(fs: FileSystem, file: string): number {
  if (!fs.exists(file)) return 0;
  const h = fs.open(file, { readOnly: true });
  try {
    return h.size();
  } finally {
    h.close();
  }
}

/** A loaded table's file, checked to be the one its record names. */
function readLoadedTable(fs: FileSystem, dir: string, file: string, tableId: string): TableSnapshot {
  const full = path.join(dir, file);
  if (!LOADED_FILE.test(file) || file.includes('.tmp-')) throw new CorruptSnapshotError(full, 0, `a loadTable record of table ${tableId} names it, but that is not a loaded-table file name`);
  if (!fs.exists(full)) throw new CorruptSnapshotError(full, 0, `it is missing, but the log's record of table ${tableId} loads the table's items from it`);
  const { meta, dictionary, keys, values } = readTableSnapshot(fs, full);
  if ((meta as { id?: unknown } | null)?.id !== tableId) throw new CorruptSnapshotError(full, 32, `it holds another table than the one its record names (${tableId})`);
  return { meta, dictionary, keys, values };
}

/**
 * The items of the table a `restoredFrom` record restored, at replay: the owner takes its source
 * back in time with the history before the record (`spans`: the segments up to it), which must
 * reach back to the restore's time (the record's pin keeps those segments until a checkpoint
 * covers the record).
 */
function replayRestore(fs: FileSystem, dir: string, owner: LogOwner, m: LoadTableMutation, lsn: number, spans: SegmentSpan[]): TableContentsSnapshot {
  const time = m.restoredFrom!.time;
  const index = new TimeIndex();
  for (const span of spans) index.add(span);
  const first = index.spans()[0];
  if (first !== undefined && first.firstTime > time && first.firstLsn > 1) {
    throw new LogCorruptionError(path.join(dir, segmentName(first.segment)), first.segment, 0, `record ${lsn} restores table ${m.tableId} from the history after ${new Date(time).toISOString()}, but the log kept starts later`);
  }
  if (owner.restored === undefined) throw new Error(`record ${lsn} restores table ${m.tableId} to a point in time, which this log's owner cannot replay`);
  return owner.restored(m, (decodeFrame) => readRange(fs, dir, index, { fromTime: time, toLsn: lsn - 1 }, decodeFrame));
}

/** The mutations as the log keeps them: a loaded table's items stay out of the tail cache (they are in its file), and so does what only the writer uses. */
function withoutContents(mutations: Mutation[]): Mutation[] {
  if (!mutations.some((m) => m.kind === 'loadTable' && (m.contents !== undefined || m.startAfter !== undefined))) return mutations;
  return mutations.map((m) => (m.kind === 'loadTable' ? { kind: m.kind, tableId: m.tableId, meta: m.meta, file: m.file, ...(m.restoredFrom && { restoredFrom: m.restoredFrom }) } : m));
}

function* yieldAll<T>(list: readonly T[]): Generator<T> {
  yield* list;
}
