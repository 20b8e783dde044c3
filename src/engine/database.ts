// The engine's entry point: opens a data folder (or memory), recovers it, and runs DynamoDB
// operations by name with DynamoDB's JSON shapes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { CapacityManager, CapacityMetrics } from './capacity';
import { DynamoDBError, resourceNotFound } from './errors';
import { OPERATIONS } from './operations';
import { materialize, resultToJson } from './results';
import { readCheckpoint, writeCheckpoint } from './storage/checkpoint';
import { DirectoryLock } from './storage/lock';
import type { LogRecord, Mutation } from './storage/records';
import { WriteAheadLog, listSegments, readLog, segmentName, type Durability } from './storage/wal';
import { Table, type TableMeta } from './table';
import { startIndexWork } from './indexes/backfill';
import { validateShape } from './validation/shape';

export { DatabaseLockedError } from './storage/lock';

export interface DatabaseOptions {
  /** Keep everything in memory: nothing is read or written on disk. */
  inMemory?: boolean;
  /** Bytes of log written after which a checkpoint is taken. */
  checkpointBytes?: number;
  segmentBytes?: number;
  region?: string;
  accountId?: string;
  /** Milliseconds since the epoch; tests substitute their own clock. */
  now?: () => number;
  /** How long log segments are kept after a checkpoint covers them (Streams and PITR read them). */
  logRetentionMs?: number;
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
}

export class Database {
  /** Tables by name. */
  readonly tables = new Map<string, Table>();
  private readonly tablesById = new Map<string, Table>();
  readonly region: string;
  readonly accountId: string;
  readonly now: () => number;
  /** Capacity accounting and throttling (src/engine/capacity). */
  readonly capacity: CapacityManager;
  /** Consumed capacity, throttles, hot keys and cost estimates for the explorer. */
  readonly metrics: CapacityMetrics;
  private nextLsn = 1;
  private loggedBytes = 0;
  /** The last record handed to the log; acknowledgements come in log order, so it settles last. */
  private lastLogged: Promise<void> = Promise.resolve();
  /** The checkpoint being written, if any: one at a time. */
  private checkpointRun: Promise<void> | undefined;
  private closed = false;

  private constructor(
    readonly dir: string | undefined,
    private wal: WriteAheadLog | undefined,
    private readonly lock: DirectoryLock | undefined,
    readonly options: DatabaseOptions,
  ) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
    this.now = options.now ?? Date.now;
    this.capacity = new CapacityManager(this, { throttling: options.throttling });
    this.metrics = new CapacityMetrics(this, this.capacity);
  }

  static async open(dir: string, options: DatabaseOptions = {}): Promise<Database> {
    if (options.inMemory) return new Database(undefined, undefined, undefined, options);
    fs.mkdirSync(dir, { recursive: true });
    const lock = DirectoryLock.acquire(dir);
    try {
      const db = new Database(dir, undefined, lock, options);
      const checkpoint = readCheckpoint(dir);
      let lsn = 0;
      let from = { segment: 0, offset: 0 };
      if (checkpoint) {
        from = checkpoint.from;
        lsn = checkpoint.lsn;
        for (const snap of checkpoint.tables) {
          const table = db.addTable(snap.meta as TableMeta);
          table.codec.restore(snap.dictionary);
          table.load(snap.keys, snap.values);
        }
      }
      const end = readLog(
        dir,
        (record) => {
          for (const m of record.mutations) db.apply(m, true);
          lsn = record.lsn;
        },
        { ...from, lsn },
      );
      db.wal = await WriteAheadLog.open(dir, end, {
        segmentBytes: options.segmentBytes,
        durability: options.durability,
        syncIntervalMs: options.syncIntervalMs,
      });
      db.nextLsn = Math.max(lsn, end.lsn) + 1;
      // GSIs a crash or a close left CREATING start their backfill over; deletions complete.
      for (const table of db.tables.values()) startIndexWork(db, table);
      return db;
    } catch (e) {
      lock.release();
      throw e;
    }
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
    return this.perform(operation, input, materialize);
  }

  /** As `execute`, but resolves to the result's JSON text (the HTTP endpoint's fast path). */
  executeJson(operation: string, input: unknown): Promise<string> {
    return this.perform(operation, input, resultToJson);
  }

  private perform<T>(operation: string, input: unknown, shape: (result: unknown) => T): Promise<T> {
    try {
      const result = this.run(operation, input);
      if (result instanceof Promise) return result.then(shape);
      if (this.settled()) return Promise.resolve(shape(result));
      return this.lastLogged.then(() => shape(result));
    } catch (e) {
      if (this.settled()) return Promise.reject(e);
      const refuse = (): Promise<T> => Promise.reject(e);
      return this.lastLogged.then(refuse, refuse);
    }
  }

  /** Every write handed to the log has been acknowledged (or there is no log). */
  private settled(): boolean {
    return this.wal === undefined || this.wal.idle;
  }

  private run(operation: string, input: unknown): unknown {
    if (this.closed) throw new DynamoDBError('InternalServerError', 'The database is closed');
    const op = OPERATIONS.get(operation);
    if (op === undefined) throw new DynamoDBError('UnknownOperationException', `Unknown operation: ${operation}`);
    validateShape(input, op.members);
    return op.run(this, input as never);
  }

  async advertiseEndpoint(url: string): Promise<void> {
    this.lock?.advertise(url);
  }

  /** The table, or DynamoDB's error for a missing one. */
  table(name: string, message?: string): Table {
    const table = this.tables.get(name);
    if (table === undefined) throw resourceNotFound(message);
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

  /** Applies mutations in memory at once and resolves when they are durable (see `durability`). */
  commit(mutations: Mutation[]): Promise<void> {
    for (const m of mutations) this.apply(m, false);
    if (this.wal === undefined) return Promise.resolve();
    const record: LogRecord = { lsn: this.nextLsn++, time: this.now(), mutations };
    const done = this.wal.append(record);
    this.lastLogged = done;
    this.loggedBytes += estimateBytes(mutations);
    if (this.loggedBytes > (this.options.checkpointBytes ?? 256 * 1024 * 1024) && this.checkpointRun === undefined) {
      this.checkpointRun = done
        .then(() => this.checkpoint())
        .catch(() => undefined)
        .finally(() => (this.checkpointRun = undefined));
    }
    return done;
  }

  private addTable(meta: TableMeta): Table {
    const table = new Table(meta);
    this.tables.set(meta.name, table);
    this.tablesById.set(meta.id, table);
    return table;
  }

  private apply(m: Mutation, replay: boolean): void {
    switch (m.kind) {
      case 'createTable':
        this.addTable(m.meta as TableMeta);
        return;
      case 'updateTable': {
        const table = this.tablesById.get(m.tableId);
        if (table) table.meta = m.meta as TableMeta;
        return;
      }
      case 'deleteTable': {
        const table = this.tablesById.get(m.tableId);
        if (table) {
          this.tablesById.delete(m.tableId);
          if (this.tables.get(table.name) === table) this.tables.delete(table.name);
        }
        return;
      }
      case 'put': {
        const table = this.tablesById.get(m.tableId);
        if (!table) return;
        if (replay && m.added) table.codec.restore(m.added);
        table.put(m.key, m.item);
        return;
      }
      case 'delete':
        this.tablesById.get(m.tableId)?.remove(m.key);
        return;
    }
  }

  /** Snapshots every table and prunes log segments that the snapshot covers and retention allows. */
  async checkpoint(atClose = false): Promise<void> {
    if (!this.dir || !this.wal) return;
    // The snapshot is taken at once (references to immutable strings); writing it out then
    // yields to other work. Records up to `lsn` may still be on their way to the log: the
    // snapshot already holds them, and replay skips them by sequence number.
    const lsn = this.nextLsn - 1;
    const logged = this.lastLogged;
    const current = this.wal.currentSegment;
    const from = { segment: current, offset: atClose ? this.wal.end.offset : 0 };
    const snapshots = [...this.tables.values()].map((t) => ({
      meta: JSON.parse(JSON.stringify(t.meta)) as unknown,
      dictionary: t.codec.dictionary(),
      ...t.index.snapshot(),
    }));
    this.loggedBytes = 0;
    // The checkpoint must not get ahead of what is on disk in the log: after a power loss the log
    // would resume below `lsn`, and replay stops at the gap, dropping everything written later.
    await logged;
    await this.wal.sync();
    await writeCheckpoint(this.dir, lsn, from, snapshots);
    const retention = this.options.logRetentionMs ?? 24 * 3600 * 1000;
    for (const seg of listSegments(this.dir)) {
      if (seg >= current) continue;
      const file = path.join(this.dir, segmentName(seg));
      if (this.now() - fs.statSync(file).mtimeMs > retention) fs.rmSync(file, { force: true });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.wal) {
        await this.checkpointRun;
        await this.wal.close();
        // After a failed write this rejects: the tables hold that write, so they are not saved.
        await this.checkpoint(true);
      }
    } finally {
      this.lock?.release();
    }
  }
}

function estimateBytes(mutations: Mutation[]): number {
  let n = 0;
  for (const m of mutations) n += m.kind === 'put' ? m.item.length + m.key.length + (m.old?.length ?? 0) : 64;
  return n;
}
