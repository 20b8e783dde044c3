// The catalog of exports and imports: each one's description (ExportDescription or
// ImportTableDescription, as DescribeExport and DescribeImport return them), kept in one small
// JSON file of the data folder, `transfers.json`, rewritten atomically (temp file, fsync, rename,
// folder fsync) at each change of status. In memory, or on a test's own file system, it lives in
// memory only.
//
// Invariants: the file is never half-written; an export or import the file says IN_PROGRESS when
// a database opens was cut short by a crash or a kill (this process has not started any yet):
// the export becomes FAILED (its manifest was never written: see export.ts), and the import
// COMPLETED if its table exists (its creation is all-or-nothing: restore.ts) or FAILED if not.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database } from '../database';
import { nodeFileSystem } from '../log/file-system';
import { writeFileDurably } from './buckets';

export type Description = Record<string, unknown>;

interface Stored {
  version: 1;
  exports: Description[];
  imports: Description[];
}

export const TRANSFERS_FILE = 'transfers.json';

/** What a crash left IN_PROGRESS is FAILED with this code and message. */
export const INTERRUPTED = { FailureCode: 'InternalServerError', FailureMessage: 'The database stopped before this finished' };

export class TransferCatalog {
  /** By ARN, in creation order. */
  readonly exports = new Map<string, Description>();
  readonly imports = new Map<string, Description>();

  private constructor(private readonly file: string | undefined) {}

  static load(db: Database): TransferCatalog {
    const persistent = db.dir !== undefined && (db.options.fileSystem === undefined || db.options.fileSystem === nodeFileSystem);
    const catalog = new TransferCatalog(persistent ? path.join(db.dir!, TRANSFERS_FILE) : undefined);
    if (catalog.file === undefined || !fs.existsSync(catalog.file)) return catalog;
    const stored = JSON.parse(fs.readFileSync(catalog.file, 'utf8')) as Stored;
    if (stored.version !== 1) throw new Error(`${catalog.file} is of version ${stored.version}, newer than this build reads`);
    let changed = false;
    const endTime = db.now() / 1000;
    for (const d of stored.exports) {
      if (d.ExportStatus === 'IN_PROGRESS') {
        Object.assign(d, { ExportStatus: 'FAILED', EndTime: endTime, ...INTERRUPTED });
        changed = true;
      }
      catalog.exports.set(d.ExportArn as string, d);
    }
    for (const d of stored.imports) {
      if (d.ImportStatus === 'IN_PROGRESS') {
        const table = [...db.tables.values()].find((t) => t.meta.id === d.TableId);
        if (table !== undefined) Object.assign(d, { ImportStatus: 'COMPLETED', EndTime: endTime, ImportedItemCount: table.itemCount });
        else Object.assign(d, { ImportStatus: 'FAILED', EndTime: endTime, ...INTERRUPTED });
        changed = true;
      }
      catalog.imports.set(d.ImportArn as string, d);
    }
    if (changed) catalog.save();
    return catalog;
  }

  /** Makes the catalog as it is now durable (a no-op in memory). */
  save(): void {
    if (this.file === undefined) return;
    const stored: Stored = { version: 1, exports: [...this.exports.values()], imports: [...this.imports.values()] };
    writeFileDurably(this.file, JSON.stringify(stored));
  }
}

/** `d` without its undefined members (a description holds only what it has, as DynamoDB's JSON does). */
export function defined(d: Description): Description {
  for (const k of Object.keys(d)) if (d[k] === undefined) delete d[k];
  return d;
}

const catalogs = new WeakMap<Database, TransferCatalog>();

/** `db`'s catalog, read (and what a crash left in progress settled) at first use. */
export function transfers(db: Database): TransferCatalog {
  let catalog = catalogs.get(db);
  if (catalog === undefined) catalogs.set(db, (catalog = TransferCatalog.load(db)));
  return catalog;
}

/** A new export or import id as DynamoDB makes them: 14 digits of milliseconds, '-', 8 hex digits. */
export function transferId(now: number): string {
  const random = Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, '0');
  return `${String(Math.floor(now)).padStart(14, '0')}-${random}`;
}

/**
 * One page of `all` (in creation order) after the entry `token` names: a token is the hex of the
 * last ARN returned, so it stays valid while entries are added.
 */
export function page<T>(all: T[], arnOf: (t: T) => string, limit: number, token: string | undefined, badToken: () => Error): { items: T[]; next?: string } {
  let start = 0;
  if (token !== undefined) {
    const arn = /^(?:[0-9a-f]{16})+$/.test(token) ? Buffer.from(token, 'hex').toString('utf8').replace(/\0+$/, '') : undefined;
    const at = arn === undefined ? -1 : all.findIndex((t) => arnOf(t) === arn);
    if (at < 0) throw badToken();
    start = at + 1;
  }
  const items = all.slice(start, start + limit);
  const more = start + limit < all.length;
  return more ? { items, next: tokenOf(arnOf(items[items.length - 1])) } : { items };
}

/** The hex of `arn`, padded with zero bytes to whole 8-byte groups (ListImports' NextToken pattern). */
function tokenOf(arn: string): string {
  const bytes = Buffer.from(arn, 'utf8');
  const padded = Buffer.alloc(Math.ceil(bytes.length / 8) * 8);
  bytes.copy(padded);
  return padded.toString('hex');
}
