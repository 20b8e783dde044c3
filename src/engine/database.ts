// The engine's entry point: opens a data folder (or memory) through the log store, which
// recovers it, and runs DynamoDB operations by name with DynamoDB's JSON shapes.
//
// Invariants: a write is applied in memory, then logged; nobody is answered from a write before
// the log acknowledged it. If the log fails, every write it did not acknowledge is undone in
// memory (each mutation carries its old image) before anyone hears of the failure, and the
// database refuses writes (InternalServerError) until it is reopened; reads go on.
import * as fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { CapacityManager, CapacityMetrics } from './capacity';
import { settleDictionaries } from './codec/item-codec';
import { tokensOf } from './transactions/idempotency';
import { DynamoDBError, resourceNotFound } from './errors';
import { OPERATIONS } from './operations';
import type { Operation } from './operations/operation';
import { STREAMS_OPERATIONS } from './streams';
import { hasReadableStream } from './streams/catalog';
import { DEFAULT_SHARD_ROLLOVER_MS } from './streams/model';
import { maintainStreams, maintenanceInterval } from './streams/shards';
import { StreamHistory } from './streams/reader';
import { materialize, resultToBody, resultToJson, type JsonBody } from './results';
import { DirectoryLock } from './storage/lock';
import { TableSet } from './storage/table-set';
import { LogStore, type Durability, type Mutation, type Origin } from './log';
import { nodeFileSystem, type FileSystem } from './log/file-system';
import type { Table, TableMeta } from './table';
import { startIndexWork } from './indexes';
import { validateShape } from './validation/shape';
import { TtlSweeper } from './ttl';
import { PitrKeeper, keepPriorMeta, replayedRestore } from './backups/pitr';
import { openBackups } from './backups/catalog';

export { DatabaseLockedError } from './storage/lock';

export interface DatabaseOptions {
  /** Keep everything in memory: nothing is read or written on disk. */
  inMemory?: boolean;
  /** Bytes of log written (or replayed at open) after which a checkpoint is taken. */
  checkpointBytes?: number;
  segmentBytes?: number;
  /** Where every byte of the data folder goes (default the real file system; tests inject faults). */
  fileSystem?: FileSystem;
  /** The most log history kept for Streams and point-in-time recovery (default 1 GiB). */
  logHistoryBytes?: number;
  region?: string;
  accountId?: string;
  /** Milliseconds since the epoch; tests substitute their own clock. */
  now?: () => number;
  /** Largest item collection (items plus LSI entries of one partition key) on tables with LSIs; DynamoDB's 10 GB by default. */
  itemCollectionLimitBytes?: number;
  /** How long a GSI added by UpdateTable allocates before its backfill starts, and how long a deleted GSI stays DELETING (default 0 ms each). */
  indexTimings?: { allocationMs?: number; deletionMs?: number; backfillSliceItems?: number };
  /** Provisioned-throughput quotas (capacity/quotas.ts); DynamoDB's defaults for any not given. */
  capacityQuotas?: Partial<import('./capacity/quotas').CapacityQuotas>;
  /** Throttle PROVISIONED tables at their provisioned throughput (default true). */
  throttling?: boolean;
  /**
   * What an acknowledged write survives. 'process' (default): the process being killed at any
   * moment; a power loss or an OS crash may take the last ~syncIntervalMs of writes. 'disk': also
   * a power loss or an OS crash, but every group commit waits for the disk (much slower).
   */
  durability?: Durability;
  /** 'process' durability: how often, at most, acknowledged writes are flushed to disk (default 200 ms). */
  syncIntervalMs?: number;
  /** How long a stream's shard stays open before a child shard takes over (default 4 hours; shards also roll over at every open). */
  streamShardRolloverMs?: number;
  /** How often the TTL sweeper deletes expired items (default 5000 ms; 0: never on its own, only `db.ttl.sweepNow()`). */
  ttlSweepIntervalMs?: number;
  /** How long an UpdateTimeToLive change stays ENABLING or DISABLING, refusing other changes (default 1000 ms). */
  ttlTransitionMs?: number;
  /**
   * The folder standing in for S3 in ExportTableToPointInTime and ImportTable: each bucket is a
   * folder under it (src/engine/backups/buckets.ts). Default: `buckets` in the data folder; a
   * database in memory without one refuses export and import.
   */
  bucketsRoot?: string;
}

export class Database {
  /** The tables, as the log changes them. */
  private readonly state = new TableSet((meta) => hasReadableStream(meta, this.now()));
  /** Tables by name. */
  readonly tables = this.state.byName;
  /**
   * Tables being created with their items (src/engine/backups/restore.ts), by name: the name is
   * taken (CreateTable refuses it, DescribeTable and ListTables show the table CREATING), but the
   * table is not readable or writable until its load is durable and it leaves this map.
   */
  readonly creating = new Map<string, TableMeta>();
  readonly region: string;
  readonly accountId: string;
  readonly now: () => number;
  /** Capacity accounting and throttling (src/engine/capacity). */
  readonly capacity: CapacityManager;
  /** Consumed capacity, throttles, hot keys and cost estimates for the explorer. */
  readonly metrics: CapacityMetrics;
  /** Time to live: each table's TTL status, and the sweeper that deletes expired items (src/engine/ttl). */
  readonly ttl: TtlSweeper;
  /** Point-in-time recovery: the log's retention for PITR windows, and in memory the history itself (src/engine/backups/pitr.ts). */
  readonly pitr: PitrKeeper;
  private log: LogStore | undefined;
  /** Why the database refuses writes (the log failed), if it does. */
  private refusal: DynamoDBError | undefined;
  private closed = false;
  /** Work writing into the data folder that close() lets finish before it releases it (see `track`). */
  private readonly folderWork = new Set<Promise<unknown>>();
  /** Stops watching the data folder's LOCK (see folderLost). */
  private unwatch: (() => void) | undefined;
  /** In memory there is no log: lsns are counted here. */
  private memoryLsn = 0;
  /** Where stream records are read from (the log, or in memory a buffer of them), and the log's retention for them. */
  readonly history: StreamHistory;
  /** Rolls stream shards over and applies stream retention (src/engine/streams/shards.ts). */
  private streamTimer: NodeJS.Timeout | undefined;
  /** The DynamoDBStreams_20120810 target: the Streams operations (src/engine/streams). */
  readonly streams = {
    execute: (operation: string, input: unknown): Promise<unknown> => this.perform(STREAMS_OPERATIONS, operation, input, materialize),
    executeJson: (operation: string, input: unknown): Promise<string> => this.perform(STREAMS_OPERATIONS, operation, input, resultToJson),
    /** As executeJson, but a GetRecords page comes in pieces (the endpoint writes them one by one; see JsonBody). */
    executeBody: (operation: string, input: unknown): Promise<JsonBody> => this.perform(STREAMS_OPERATIONS, operation, input, resultToBody),
  };

  private constructor(
    readonly dir: string | undefined,
    private readonly lock: DirectoryLock | undefined,
    readonly options: DatabaseOptions,
  ) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
    this.now = options.now ?? Date.now;
    this.capacity = new CapacityManager(this, { throttling: options.throttling });
    this.metrics = new CapacityMetrics(this, this.capacity);
    this.history = new StreamHistory(this);
    this.ttl = new TtlSweeper(this);
    this.pitr = new PitrKeeper(this);
  }

  static async open(dir: string, options: DatabaseOptions = {}): Promise<Database> {
    if (options.inMemory) {
      const db = new Database(undefined, undefined, options);
      db.startStreamMaintenance();
      db.ttl.start();
      db.pitr.start();
      return db;
    }
    const files = options.fileSystem ?? nodeFileSystem;
    // The lock guards a real folder against a second process; a file system of a test's own has none.
    let lock: DirectoryLock | undefined;
    if (files === nodeFileSystem) {
      fs.mkdirSync(dir, { recursive: true });
      lock = DirectoryLock.acquire(dir);
    }
    try {
      const db = new Database(dir, lock, options);
      db.log = await LogStore.open(
        dir,
        {
          fileSystem: files,
          segmentBytes: options.segmentBytes,
          durability: options.durability,
          syncIntervalMs: options.syncIntervalMs,
          checkpointBytes: options.checkpointBytes,
          logHistoryBytes: options.logHistoryBytes,
          now: db.now,
        },
        {
          load: (tables) => db.state.load(tables),
          apply: (record) => {
            db.state.applyAll(record.mutations, true);
            // A transaction committed shortly before a crash keeps its ClientRequestToken.
            if (record.token !== undefined) tokensOf(db).recovered(record.token, record.time, db.now());
          },
          snapshot: () => db.state.snapshot(),
          // Tokens of records a checkpoint covers would be forgotten: the checkpoint keeps them.
          tokens: () => tokensOf(db).checkpointed(db.now()),
          loadTokens: (tokens) => {
            for (const t of tokens) tokensOf(db).recovered(t.text, t.time, db.now());
          },
          acknowledged: (lsn) => db.state.acknowledged(lsn),
          restored: (m, history) => replayedRestore(db.state.tableById(m.restoredFrom!.tableId), m, history),
          failed: (e) => db.logFailed(e),
        },
      );
      // Before anything can checkpoint (a long replay is checkpointed at once) and prune: the
      // log keeps the history the streams it recovered (a deleted table's too) still need.
      db.history.attach();
      // Before anything can prune the log: the history PITR windows need stays.
      db.pitr.start();
      // GSIs a crash or a close left CREATING start their backfill over; deletions complete.
      for (const table of db.tables.values()) startIndexWork(db, table);
      // Before any request: a SYSTEM backup file a crash left unnamed is judged against the tables as recovered.
      openBackups(db);
      // Every open starts new shards (as DynamoDB's shards roll over), and retention catches up.
      await maintainStreams(db, { reopened: true, rolloverMs: db.shardRolloverMs });
      db.startStreamMaintenance();
      // Expired items a crash or a close left behind go at the next pass.
      db.ttl.start();
      // A cheap check twice a second: LOCK gone or replaced means the folder is no longer ours.
      db.unwatch = lock?.watch(() => db.folderLost(), FOLDER_CHECK_MS);
      return db;
    } catch (e) {
      lock?.release();
      throw e;
    }
  }

  /** The log store (undefined in memory): readers, retention, and what Streams and PITR will use. */
  get logStore(): LogStore | undefined {
    return this.log;
  }

  /** Deleted tables kept while their streams are readable, by table id (src/engine/streams/catalog.ts). */
  get retiredTables(): ReadonlyMap<string, Table> {
    return this.state.retired;
  }

  /** Forgets a retired table once none of its streams is readable (src/engine/streams/shards.ts). */
  releaseRetired(tableId: string): void {
    this.state.release(tableId);
  }

  get shardRolloverMs(): number {
    return this.options.streamShardRolloverMs ?? DEFAULT_SHARD_ROLLOVER_MS;
  }

  private startStreamMaintenance(): void {
    const timer = setInterval(() => {
      if (!this.closed && this.refusal === undefined) void maintainStreams(this, { rolloverMs: this.shardRolloverMs });
      if (!this.closed) this.history.refresh();
    }, maintenanceInterval(this.shardRolloverMs));
    timer.unref();
    this.streamTimer = timer;
  }

  /** Whether close() has been called (background work stops). */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Runs one DynamoDB operation; resolves once its writes are durable. Writes are applied in
   * memory before they are logged, so a read may have seen one that is not acknowledged yet: it
   * then answers only once every write handed to the log so far is acknowledged, and no reader
   * sees a write that a crash could still take back. The same holds for a refusal that may rest
   * on such a write (a failed condition returning the item it found).
   */
  execute(operation: string, input: unknown): Promise<unknown> {
    return this.perform(OPERATIONS, operation, input, materialize);
  }

  /** As `execute`, but resolves to the result's JSON text (the HTTP endpoint's fast path). */
  executeJson(operation: string, input: unknown): Promise<string> {
    return this.perform(OPERATIONS, operation, input, resultToJson);
  }

  private perform<T>(registry: ReadonlyMap<string, Operation>, operation: string, input: unknown, shape: (result: unknown) => T): Promise<T> {
    // A result read from writes the log then refused is not given out: once they are undone,
    // the operation runs again on what is really there. (Closures only off the common path.)
    try {
      const result = this.run(registry, operation, input);
      if (result instanceof Promise) return result.then(shape);
      if (this.settled()) return Promise.resolve(shape(result));
      return this.log!.settled.then(
        () => shape(result),
        () => this.perform(registry, operation, input, shape),
      );
    } catch (e) {
      if (this.settled()) return Promise.reject(e);
      return this.log!.settled.then(
        () => Promise.reject(e),
        () => this.perform(registry, operation, input, shape),
      );
    }
  }

  /** Every write handed to the log has been acknowledged or undone (or there is no log). */
  private settled(): boolean {
    return this.log === undefined || this.log.idle || this.refusal !== undefined;
  }

  private run(registry: ReadonlyMap<string, Operation>, operation: string, input: unknown): unknown {
    if (this.closed) throw new DynamoDBError('InternalServerError', 'The database is closed');
    const op = registry.get(operation);
    if (op === undefined) throw new DynamoDBError('UnknownOperationException', `Unknown operation: ${operation}`);
    validateShape(input, op.members);
    try {
      return op.run(this, input as never);
    } finally {
      // Dictionary entries encoded for a write that was then refused are dropped (#11, problem 9).
      settleDictionaries();
    }
  }

  async advertiseEndpoint(url: string): Promise<void> {
    this.lock?.advertise(url);
  }

  /** The table, or DynamoDB's error for a missing one. */
  table(name: string, message?: string): Table {
    const table = this.tables.get(name);
    if (table === undefined || (this.creating.size > 0 && this.creating.has(name))) throw resourceNotFound(message);
    return table;
  }

  newTableMeta(fields: Omit<TableMeta, 'id' | 'arn' | 'createdAt' | 'decreasesToday' | 'tableClass' | 'deletionProtection'> & Partial<TableMeta>): TableMeta {
    return {
      id: randomUUID(),
      arn: `arn:aws:dynamodb:${this.region}:${this.accountId}:table/${fields.name}`,
      createdAt: this.now() / 1000,
      decreasesToday: 0,
      tableClass: 'STANDARD',
      deletionProtection: false,
      ...fields,
    };
  }

  /**
   * Applies mutations in memory at once and resolves when they are durable (see `durability`).
   * `token`: a transaction's idempotency record, logged with the mutations.
   * Refused with InternalServerError, changing nothing, once the log has failed.
   */
  /** `token`: the record's request token, or a function making it once the mutations are applied (an answer of the new state). */
  commit(mutations: Mutation[], origin?: Origin, token?: string | (() => string)): Promise<void> {
    if (this.refusal) throw this.refusal;
    if (this.closed) throw new DynamoDBError('InternalServerError', 'The database is closed');
    keepPriorMeta(this.state, mutations);
    // A record of table-level changes starts with one (item writes never lead it): the first mutation tells.
    const first = mutations[0];
    const tableChange = first !== undefined && first.kind !== 'put' && first.kind !== 'delete';
    const log = this.log;
    if (log === undefined) {
      this.memoryLsn++;
      this.state.applyAll(mutations, false);
      this.history.committed(this.memoryLsn, this.now(), mutations, origin);
      this.pitr.recordInMemory(this.memoryLsn, mutations, origin);
      if (tableChange) this.pitr.refresh();
      return Promise.resolve();
    }
    this.state.write(log.lastLsn + 1, mutations);
    // A stream enabled (or a table deleted) changes what history the log must keep, at once.
    if (tableChange) {
      this.history.tablesChanged();
      this.pitr.refresh();
    }
    // Rejected, if the log fails, with the refusal logFailed returns, not the system's error.
    return log.append(mutations, this.now(), origin, typeof token === 'function' ? token() : token);
  }

  /** The lsn the next commit will be logged at (an operation that commits at once may name its own record). */
  get nextLsn(): number {
    return (this.log?.lastLsn ?? this.memoryLsn) + 1;
  }

  /**
   * The data folder was removed, or another process took it over: writes are refused from now on
   * (reads go on from memory), and nothing more is written into the folder, which may now be
   * another owner's.
   */
  private folderLost(): void {
    if (this.closed || this.refusal !== undefined) return;
    this.refusal = folderLostError(this.dir ?? '');
    console.error(`dynamo-workspace: ${this.refusal.message}`);
    this.log?.abandon(this.refusal);
  }

  /** The log failed: every write it did not acknowledge is taken back, and no more are taken. */
  private logFailed(error: Error): DynamoDBError {
    this.refusal = logFailure();
    // The cause stays out of what clients see; whoever runs the database sees it here.
    console.error(`dynamo-workspace: the log of ${this.dir} failed; writes are refused until it is reopened:`, error);
    this.state.undoPending();
    return this.refusal;
  }

  /**
   * Writes a checkpoint (every table as a snapshot) and lets the log drop what it covers. Calls
   * made while one runs are queued behind it, never run beside it.
   */
  async checkpoint(): Promise<void> {
    await this.log?.checkpoint();
  }

  /** Holds close() until `work` settles (backups being written into the data folder); returns `work`. */
  track<T>(work: Promise<T>): Promise<T> {
    this.folderWork.add(work);
    const done = (): void => void this.folderWork.delete(work);
    work.then(done, done);
    return work;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unwatch?.();
    clearInterval(this.streamTimer);
    this.history.close();
    this.ttl.stop();
    this.pitr.stop();
    // A backup being written finishes while the folder is still ours, rather than after the lock is released.
    await Promise.allSettled([...this.folderWork]);
    try {
      await this.log?.close();
    } finally {
      this.lock?.release();
    }
  }
}

/** How often an open database checks that its data folder's LOCK is still its own. */
const FOLDER_CHECK_MS = 500;

function folderLostError(dir: string): DynamoDBError {
  return new DynamoDBError(
    'InternalServerError',
    `The data folder ${dir} was removed or taken over by another process; writes are refused until the database is reopened. Reads go on from memory.`,
  );
}

function logFailure(): DynamoDBError {
  return new DynamoDBError(
    'InternalServerError',
    'The database could not write to its data folder (the disk may be full or failing), so it accepts no more writes; reads go on. ' +
      'The database must be reopened once the disk is fixed.',
  );
}
