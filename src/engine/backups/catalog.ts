// On-demand backups (CreateBackup, DescribeBackup, ListBackups, DeleteBackup) and the SYSTEM backup
// kept when a table with point-in-time recovery on is deleted: what each backup holds, where, and
// in which state.
//
// Storage (a data folder): `backups/` inside it holds one table snapshot file per backup
// (`<backup id>.tsnap`, src/engine/log/snapshot.ts: the table's metadata with its indexes, its codec
// dictionary and every item, as of the backup) and `catalog` naming the AVAILABLE backups. In
// memory (`inMemory: true`) the same records hold the snapshot itself and nothing touches a disk;
// backups then last as long as the Database object.
//
// Invariants:
// - A backup is listed AVAILABLE only once its snapshot file is durable; the catalog is rewritten
//   whole, atomically (temp file, sync, rename, folder sync), one write at a time, and carries its
//   own CRC, so a crash at any moment leaves the old catalog or the new one, never a mix.
// - A backup is CREATING only in the process creating it: a crash (kill -9) leaves it AVAILABLE and
//   whole, or absent. Files no catalog names (a crashed CreateBackup's, a temp file, a deleted
//   backup's not yet removed) are removed when the database opens (`openBackups`); a SYSTEM
//   backup's file whose table is gone as recovered is adopted instead (DeleteTable makes it durable before the table's
//   deletion is logged, so the deletion never outlives its backup).
// - A backup holds only writes the log acknowledged: CreateBackup waits for the log to settle
//   before it answers, and fails if the log failed (those writes were undone).
// - Its snapshot is taken synchronously (references to immutable strings), so it is exactly the
//   table at one moment, whatever writes come while the file is written.
// - Database.close waits for backup work in progress (`db.track`), so nothing is written into the
//   folder after its lock is released.
// - SYSTEM backups expire 35 days after they are made (`dropExpired`), USER backups never.
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Database } from '../database';
import { DynamoDBError } from '../errors';
import { nodeFileSystem, type FileSystem } from '../log/file-system';
import { CorruptSnapshotError, readSealedJson, readTableSnapshot, readTableSnapshotAsync, writeSealedJson, writeTableSnapshot, SnapshotWriter, type TableSnapshot } from '../log/snapshot';
import type { Table, TableMeta } from '../table';

export type BackupStatus = 'CREATING' | 'AVAILABLE' | 'DELETED';
export type BackupType = 'USER' | 'SYSTEM';
/** ListBackups' BackupType filter. */
export type BackupTypeFilter = BackupType | 'AWS_BACKUP' | 'ALL';

/** One backup as the catalog keeps it (the persisted fields) plus its runtime state. */
export interface BackupRecord {
  arn: string;
  name: string;
  type: BackupType;
  /** Epoch milliseconds of the request. */
  createdAt: number;
  /** SYSTEM backups: epoch milliseconds at which DynamoDB would drop it (35 days on). */
  expiresAt?: number;
  sizeBytes: number;
  itemCount: number;
  /** The source table's metadata at the backup (indexes included). */
  source: TableMeta;
  /** The snapshot file's name inside `backups/` (a data folder only). */
  file?: string;
}

interface Entry extends BackupRecord {
  status: 'CREATING' | 'AVAILABLE';
  /** In memory: the snapshot itself. */
  snapshot?: TableSnapshot;
  /** Restores reading it now (DeleteBackup waits for none: it refuses). */
  readers: number;
}

/** What `listBackupSummaries` selects; times in epoch seconds (lower inclusive, upper exclusive). */
export interface BackupFilter {
  /** A table name or a table ARN. */
  tableName?: string;
  lower?: number;
  upper?: number;
  /** Default USER, as ListBackups. */
  type?: BackupTypeFilter;
  /** Only backups listed after this one (ListBackups' ExclusiveStartBackupArn, see `backupOrder`). */
  after?: { createdAt: number; arn: string };
}

/** ListBackups' BackupSummary. */
export interface BackupSummary {
  TableName: string;
  TableId: string;
  TableArn: string;
  BackupArn: string;
  BackupName: string;
  BackupCreationDateTime: number;
  BackupExpiryDateTime?: number;
  BackupStatus: BackupStatus;
  BackupType: BackupType;
  BackupSizeBytes: number;
}

/** SYSTEM backups expire this long after they are made. */
const SYSTEM_BACKUP_LIFETIME_MS = 35 * 24 * 3600 * 1000;
const CATALOG_FILE = 'catalog';
const CATALOG_MAGIC = Buffer.from('DWBKCAT1', 'latin1');
const CATALOG_VERSION = 1;
const BACKUPS_FOLDER = 'backups';
const SNAPSHOT_SUFFIX = '.tsnap';
/** DeleteTable retries its SYSTEM backup this many times while writes keep changing the table. */
const SYSTEM_BACKUP_ATTEMPTS = 3;

/** The catalog of a database (loaded from its folder when it opens, see `openBackups`). */
export function catalogOf(db: Database): BackupCatalog {
  let catalog = catalogs.get(db);
  if (catalog === undefined) {
    try {
      catalog = new BackupCatalog(db);
    } catch (e) {
      // Not cached: every backup operation reports it until the catalog is repaired.
      if (e instanceof CorruptCatalogError) throw new DynamoDBError('InternalServerError', e.message);
      throw e;
    }
    catalogs.set(db, catalog);
  }
  return catalog;
}

const catalogs = new WeakMap<Database, BackupCatalog>();

/**
 * Loads the catalog of a database just opened, before it serves anything: a SYSTEM backup file
 * no catalog names is adopted only if its table is gone as recovered (not deleted since, without
 * PITR). A damaged catalog does not stop the open: every backup operation reports it.
 */
export function openBackups(db: Database): void {
  try {
    catalogOf(db);
  } catch (e) {
    if (!(e instanceof DynamoDBError)) throw e;
    console.error(`dynamo-workspace: ${e.message}`);
  }
}

/** Every backup `filter` selects, oldest first (ties by ARN), as ListBackups lists them. */
export function listBackupSummaries(db: Database, filter: BackupFilter = {}): BackupSummary[] {
  return catalogOf(db).list(filter).map(summaryOf);
}

/** A catalog file that fails its check. */
export class CorruptCatalogError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`${file} is not a valid backup catalog: ${problem}`);
    this.name = 'CorruptCatalogError';
  }
}

export class BackupCatalog {
  private readonly entries = new Map<string, Entry>();
  private readonly files: FileSystem;
  /** The `backups/` folder, or undefined in memory. */
  private readonly dir: string | undefined;
  /** Catalog rewrites, one at a time, in request order. */
  private readonly writes = new SnapshotWriter();
  /** Ids of tables whose DeleteTable is making their SYSTEM backup (a second DeleteTable is refused). */
  private readonly deleting = new Set<string>();

  constructor(private readonly db: Database) {
    this.files = db.options.fileSystem ?? nodeFileSystem;
    this.dir = db.dir === undefined || db.options.inMemory ? undefined : path.join(db.dir, BACKUPS_FOLDER);
    if (this.dir !== undefined) this.load(this.dir);
  }

  get(arn: string): Entry {
    this.dropExpired();
    const entry = this.entries.get(arn);
    if (entry === undefined) throw new DynamoDBError('BackupNotFoundException', `Backup not found: ${arn}`);
    return entry;
  }

  list(filter: BackupFilter): Entry[] {
    this.dropExpired();
    const type = filter.type ?? 'USER';
    const byTable = filter.tableName;
    return [...this.entries.values()]
      .filter((e) => type === 'ALL' || e.type === type)
      .filter((e) => byTable === undefined || e.source.name === byTable || e.source.arn === byTable)
      .filter((e) => filter.lower === undefined || e.createdAt >= filter.lower * 1000)
      .filter((e) => filter.upper === undefined || e.createdAt < filter.upper * 1000)
      .filter((e) => filter.after === undefined || byCreation(e, filter.after) > 0)
      .sort(byCreation);
  }

  /**
   * Starts a backup of `table` now: listed CREATING at once, AVAILABLE once durable. Resolves
   * with the record when it is AVAILABLE; rejects (and forgets it) if it could not be made.
   */
  create(table: Table, name: string, type: BackupType): Promise<Entry> {
    const { entry, snapshot } = this.capture(table, name, type);
    return this.db.track(this.complete(entry, snapshot, true));
  }

  /**
   * DeleteTable of a table with point-in-time recovery on: makes its SYSTEM backup durable, then
   * (the table unchanged since the backup was taken) runs `deleteTable`, synchronously, so the
   * backup is the table exactly as deleted. A table that keeps changing is captured again; after
   * SYSTEM_BACKUP_ATTEMPTS it is captured and deleted in one step and the backup written after
   * (a crash in between then loses that backup: the one case where the deletion goes first).
   */
  deleteWithSystemBackup<T>(table: Table, deleteTable: () => Promise<T>): Promise<T> {
    const id = table.meta.id;
    if (this.deleting.has(id)) throw new DynamoDBError('ResourceInUseException', `Attempt to change a resource which is still in use: Table is being deleted: ${table.name}`);
    this.deleting.add(id);
    const done = this.systemBackupThenDelete(table, deleteTable);
    done.then(
      () => this.deleting.delete(id),
      () => this.deleting.delete(id),
    );
    return this.db.track(done);
  }

  private async systemBackupThenDelete<T>(table: Table, deleteTable: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= SYSTEM_BACKUP_ATTEMPTS;
      const version = table.version;
      const meta = table.meta;
      const { entry, snapshot } = this.capture(table, systemBackupName(table.name), 'SYSTEM');
      if (last) {
        const deleted = this.deleteOrForget(entry, deleteTable);
        await this.complete(entry, snapshot, false);
        return deleted;
      }
      // Written as a file only: the catalog names it once the deletion is logged (an unnamed
      // SYSTEM backup file of a table that is gone is adopted at the next load, see `load`).
      try {
        await this.writeFile(entry, snapshot);
      } catch (e) {
        this.forget(entry);
        throw e;
      }
      if (this.db.tables.get(table.name) !== table) {
        // Deleted meanwhile by another request: its own DeleteTable answers for it.
        this.forget(entry);
        throw new DynamoDBError('ResourceNotFoundException', `Requested resource not found: Table: ${table.name} not found`);
      }
      if (table.version !== version || table.meta !== meta) {
        this.forget(entry);
        continue;
      }
      const deleted = this.deleteOrForget(entry, deleteTable);
      await deleted;
      entry.status = 'AVAILABLE';
      // The table is gone and its backup's file durable: a catalog that could not be written now
      // adopts the file at the next open, so the deletion is still answered as done.
      await this.persist().catch((e: unknown) => console.error(`dynamo-workspace: the backup catalog could not be written; ${entry.arn} is kept in its file:`, e));
      return deleted;
    }
  }

  /**
   * SYSTEM backups past their expiry (35 days) are gone, as DynamoDB drops them: checked whenever
   * backups are looked at (no timer), forgotten at once, the catalog and files following.
   */
  private dropExpired(): void {
    const now = this.db.now();
    const expired = [...this.entries.values()].filter((e) => e.status === 'AVAILABLE' && e.readers === 0 && e.expiresAt !== undefined && e.expiresAt <= now);
    if (expired.length === 0) return;
    for (const e of expired) this.entries.delete(e.arn);
    void this.db.track(
      this.persist().then(
        () => expired.forEach((e) => this.removeFile(e)),
        (e: unknown) => console.error('dynamo-workspace: the backup catalog could not be written after SYSTEM backups expired:', e),
      ),
    );
  }

  /** Runs the table's deletion; if it is refused (at once or once logged), its SYSTEM backup is forgotten with it. */
  private deleteOrForget<T>(entry: Entry, deleteTable: () => Promise<T>): Promise<T> {
    const fail = (e: unknown): never => {
      this.forget(entry);
      throw e;
    };
    try {
      return deleteTable().catch(fail);
    } catch (e) {
      return fail(e);
    }
  }

  /** DeleteBackup: forgets the backup durably, then removes its file. */
  delete(arn: string): Promise<Entry> {
    return this.db.track(this.deleteNow(arn));
  }

  private async deleteNow(arn: string): Promise<Entry> {
    const entry = this.get(arn);
    if (entry.status === 'CREATING') throw new DynamoDBError('BackupInUseException', `Backup is being created: ${arn}`);
    if (entry.readers > 0) throw new DynamoDBError('BackupInUseException', `Backup is being restored: ${arn}`);
    this.entries.delete(arn);
    try {
      await this.persist();
    } catch (e) {
      this.entries.set(arn, entry);
      throw e;
    }
    this.removeFile(entry);
    return entry;
  }

  /**
   * The backup's contents for a restore; the backup counts as in use (DeleteBackup refuses) until
   * `release` is called. Refused while it is CREATING.
   */
  open(arn: string): { entry: Entry; snapshot: () => Promise<TableSnapshot>; release: () => void } {
    const entry = this.get(arn);
    if (entry.status !== 'AVAILABLE') throw new DynamoDBError('BackupInUseException', `Backup is being created: ${arn}`);
    entry.readers++;
    let released = false;
    return {
      entry,
      // Read in slices: a large backup does not hold up other requests while it is read.
      snapshot: async () => entry.snapshot ?? readTableSnapshotAsync(this.files, path.join(this.dir!, entry.file!)),
      release: () => {
        if (!released) entry.readers--;
        released = true;
      },
    };
  }

  // -------------------------------------------------------------------------------------------

  private capture(table: Table, name: string, type: BackupType): { entry: Entry; snapshot: TableSnapshot } {
    const createdAt = this.db.now();
    const id = `${String(createdAt).padStart(14, '0')}-${randomBytes(4).toString('hex')}`;
    const source = JSON.parse(JSON.stringify(table.meta)) as TableMeta;
    const snapshot: TableSnapshot = { meta: undefined, dictionary: table.codec.dictionary(), ...table.index.snapshot() };
    const entry: Entry = {
      arn: `${table.meta.arn}/backup/${id}`,
      name,
      type,
      createdAt,
      expiresAt: type === 'SYSTEM' ? createdAt + SYSTEM_BACKUP_LIFETIME_MS : undefined,
      sizeBytes: table.sizeBytes,
      itemCount: table.itemCount,
      source,
      file: this.dir === undefined ? undefined : `${id}${SNAPSHOT_SUFFIX}`,
      status: 'CREATING',
      readers: 0,
    };
    // The file describes its own backup, so a SYSTEM backup's file can be adopted without the catalog.
    snapshot.meta = { backup: persisted(entry) };
    this.entries.set(entry.arn, entry);
    return { entry, snapshot };
  }

  /** Writes the backup and names it in the catalog; `settle`: first wait for the log to acknowledge what the snapshot holds. */
  private async complete(entry: Entry, snapshot: TableSnapshot, settle: boolean): Promise<Entry> {
    try {
      if (settle) await this.settled();
      await this.writeFile(entry, snapshot);
      entry.status = 'AVAILABLE';
      await this.persist();
      return entry;
    } catch (e) {
      this.forget(entry);
      throw e instanceof DynamoDBError ? e : new DynamoDBError('InternalServerError', `The backup could not be written: ${(e as Error).message}`);
    }
  }

  /** Resolves once every write handed to the log so far is acknowledged; rejects if the log failed. */
  private async settled(): Promise<void> {
    const log = this.db.logStore;
    if (log === undefined) return;
    try {
      await log.settled;
    } catch {
      throw new DynamoDBError('InternalServerError', 'The backup was not made: the database could not write to its data folder');
    }
  }

  private async writeFile(entry: Entry, snapshot: TableSnapshot): Promise<void> {
    if (this.dir === undefined) {
      entry.snapshot = snapshot;
      return;
    }
    this.ensureFolder(this.dir);
    await writeTableSnapshot(this.files, path.join(this.dir, entry.file!), { ...snapshot, lsn: 0 });
  }

  private forget(entry: Entry): void {
    if (this.entries.get(entry.arn) === entry) this.entries.delete(entry.arn);
    this.removeFile(entry);
  }

  private removeFile(entry: Entry): void {
    if (this.dir === undefined || entry.file === undefined) return;
    try {
      this.files.remove(path.join(this.dir, entry.file));
      this.files.syncDir(this.dir);
    } catch {
      // A file left behind is an orphan the next load removes.
    }
  }

  /** Rewrites the catalog with every AVAILABLE backup (atomically; queued behind any rewrite running). */
  private persist(): Promise<void> {
    const dir = this.dir;
    if (dir === undefined) return Promise.resolve();
    return this.writes.run(async () => {
      this.ensureFolder(dir);
      const backups = [...this.entries.values()].filter((e) => e.status === 'AVAILABLE').sort(byCreation).map(persisted);
      writeCatalog(this.files, dir, backups);
    });
  }

  /** Makes the `backups/` folder (durably) before its first file: a data folder without backups has none. */
  private ensureFolder(dir: string): void {
    if (this.files.exists(dir)) return;
    this.files.mkdir(dir);
    this.files.syncDir(path.dirname(dir));
  }

  /** Reads the catalog, adopts the SYSTEM backups of deleted tables it misses, removes orphans. */
  private load(dir: string): void {
    if (!this.files.exists(dir)) return;
    const named = readCatalog(this.files, dir);
    for (const record of named) this.entries.set(record.arn, { ...record, status: 'AVAILABLE', readers: 0 });
    const kept = new Set(named.map((r) => r.file));
    let adopted = false;
    for (const name of this.files.list(dir)) {
      if (name === CATALOG_FILE || kept.has(name)) continue;
      const file = path.join(dir, name);
      const record = name.endsWith(SNAPSHOT_SUFFIX) ? this.orphanSystemBackup(file) : undefined;
      if (record !== undefined) {
        this.entries.set(record.arn, { ...record, status: 'AVAILABLE', readers: 0 });
        adopted = true;
        continue;
      }
      this.files.remove(file);
    }
    if (adopted) writeCatalog(this.files, dir, [...this.entries.values()].sort(byCreation).map(persisted));
    this.files.syncDir(dir);
  }

  /** The record of a SYSTEM backup file whose table's deletion was logged (it has no live table). */
  private orphanSystemBackup(file: string): BackupRecord | undefined {
    try {
      const meta = readTableSnapshot(this.files, file).meta as { backup?: BackupRecord } | null;
      const record = meta?.backup;
      if (record?.type !== 'SYSTEM') return undefined;
      const live = this.db.tables.get(record.source.name);
      return live?.meta.id === record.source.id ? undefined : record;
    } catch {
      return undefined; // torn or not ours: removed
    }
  }
}

/** The fields of a backup that are persisted (catalog and the snapshot file's own description). */
function persisted(e: BackupRecord): BackupRecord {
  const out: BackupRecord = { arn: e.arn, name: e.name, type: e.type, createdAt: e.createdAt, sizeBytes: e.sizeBytes, itemCount: e.itemCount, source: e.source };
  if (e.expiresAt !== undefined) out.expiresAt = e.expiresAt;
  if (e.file !== undefined) out.file = e.file;
  return out;
}

function byCreation(a: Pick<BackupRecord, 'createdAt' | 'arn'>, b: Pick<BackupRecord, 'createdAt' | 'arn'>): number {
  return a.createdAt - b.createdAt || (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0);
}

export function systemBackupName(tableName: string): string {
  return `${tableName}$DeletedTableBackup`;
}

/** Where `arn` sorts among backups (ListBackups' ExclusiveStartBackupArn need not name a live backup). */
export function backupOrder(arn: string): { createdAt: number; arn: string } | undefined {
  const m = /\/backup\/(\d{13,14})-[0-9a-f]{8}$/.exec(arn);
  return m === null ? undefined : { createdAt: Number(m[1]), arn };
}

export function summaryOf(e: Entry): BackupSummary {
  const s: BackupSummary = {
    TableName: e.source.name,
    TableId: e.source.id,
    TableArn: e.source.arn,
    BackupArn: e.arn,
    BackupName: e.name,
    BackupCreationDateTime: e.createdAt / 1000,
    BackupStatus: e.status,
    BackupType: e.type,
    BackupSizeBytes: e.sizeBytes,
  };
  if (e.expiresAt !== undefined) s.BackupExpiryDateTime = e.expiresAt / 1000;
  return s;
}

// ---------------------------------------------------------------------------------------------
// The catalog file: sealed JSON (log/snapshot.ts's writeSealedJson, magic "DWBKCAT1") of { version, backups }

function writeCatalog(files: FileSystem, dir: string, backups: BackupRecord[]): void {
  writeSealedJson(files, path.join(dir, CATALOG_FILE), CATALOG_MAGIC, { version: CATALOG_VERSION, backups });
}

function readCatalog(files: FileSystem, dir: string): BackupRecord[] {
  const file = path.join(dir, CATALOG_FILE);
  if (!files.exists(file)) return [];
  let parsed: { version: number; backups: BackupRecord[] };
  try {
    parsed = readSealedJson(files, file, CATALOG_MAGIC, 'a backup catalog') as typeof parsed;
  } catch (e) {
    throw e instanceof CorruptSnapshotError ? new CorruptCatalogError(file, `${e.message.slice(e.message.indexOf(': ') + 2)} (byte ${e.offset})`) : e;
  }
  if (parsed.version !== CATALOG_VERSION) throw new CorruptCatalogError(file, `version ${parsed.version} is not one this build reads (${CATALOG_VERSION})`);
  return parsed.backups;
}
