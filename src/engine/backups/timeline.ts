// What the explorer's backup/PITR timeline shows, computed from the history without restoring
// anything: change volume over time (writes per minute of one table, inserts, modifications and
// removals apart, TTL expiries among the removals counted on their own), the table's backups, its
// PITR window, and a preview of the table at a time T (item count and size then and now, and the
// keys that differ, with both versions).
//
// Invariants:
// - Nothing here writes or retains anything: it reads the history PITR keeps (backups/pitr.ts), so
//   change volume reaches back as far as that history does (the log's other consumers, Streams'
//   24 hours, may keep more on disk; in memory only PITR keeps any).
// - Like tableAt, the history must hold every write applied: the functions here await
//   `whenSettled(db)`, then read the history in slices (a turn of the event loop every SLICE
//   records), up to the lsn logged when they start; a preview's "now" is that moment too.
// - A preview gives at most `limit` differing keys (in key order), and says when there were more.
import type { Database } from '../database';
import { encodedItemSize } from '../codec/item-codec';
import type { Item } from '../types/attribute-value';
import { listBackupSummaries, type BackupSummary } from './catalog';
import { SLICE, changesAfterSliced, changesSinceLsn, findTable, pitrWindow, restorableTable, runSliced, whenSettled, type PitrSettings } from './pitr';

export const MINUTE_MS = 60_000;
export const DEFAULT_PREVIEW_LIMIT = 100;

/** Writes of one table within one bucket of time (a minute by default). */
export interface VolumeBucket {
  /** The bucket's start, ms since the epoch (a multiple of the bucket length). */
  start: number;
  inserts: number;
  modifications: number;
  removals: number;
  /** Of the removals, those TTL made. */
  expiries: number;
}

export interface Timeline {
  tableName: string;
  /** Oldest first; minutes without writes are left out. */
  volume: VolumeBucket[];
  /** The table's backups (USER and SYSTEM), oldest first, as ListBackups summarises them. */
  backups: BackupSummary[];
  pitr: (PitrSettings & { earliest: number; latest: number }) | undefined;
}

/**
 * Writes per bucket (default a minute) of table `tableName` from `from` (default: as far back as
 * the history goes) up to `to` (default now), oldest first; read in slices.
 */
export async function changeVolume(db: Database, tableName: string, options: { from?: number; to?: number; bucketMs?: number } = {}): Promise<VolumeBucket[]> {
  await whenSettled(db);
  const table = findTable(db, { tableName });
  return runSliced(db, volumeSteps(db, table.meta.id, options));
}

function* volumeSteps(db: Database, id: string, options: { from?: number; to?: number; bucketMs?: number }): Generator<void, VolumeBucket[]> {
  const size = options.bucketMs ?? MINUTE_MS;
  const to = options.to ?? Infinity;
  const out: VolumeBucket[] = [];
  let count = 0;
  for (const record of db.pitr.range({ fromTime: options.from, toLsn: db.nextLsn - 1, newImages: false })) {
    if (++count % SLICE === 0) yield;
    if (record.time > to) break;
    for (const m of record.mutations) {
      if (m.tableId !== id || (m.kind !== 'put' && m.kind !== 'delete')) continue;
      const start = Math.floor(record.time / size) * size;
      let bucket = out[out.length - 1];
      if (bucket === undefined || bucket.start !== start) {
        bucket = { start, inserts: 0, modifications: 0, removals: 0, expiries: 0 };
        out.push(bucket);
      }
      if (m.kind === 'delete') {
        bucket.removals++;
        if (record.origin === 'ttl') bucket.expiries++;
      } else if (m.old === undefined) bucket.inserts++;
      else bucket.modifications++;
    }
  }
  return out;
}

/** The timeline of one table: change volume, backups and PITR window. */
export async function timeline(db: Database, tableName: string, options: { from?: number; to?: number; bucketMs?: number } = {}): Promise<Timeline> {
  const volume = await changeVolume(db, tableName, options);
  const table = findTable(db, { tableName });
  const window = pitrWindow(db, table.name);
  const pitr = table.meta.pitr;
  return {
    tableName: table.name,
    volume,
    backups: listBackupSummaries(db, { tableName: table.name, type: 'ALL' }),
    pitr: window !== undefined && pitr !== undefined ? { ...pitr, ...window } : undefined,
  };
}

export interface PreviewDifference {
  /** The key attributes of the item. */
  key: Item;
  /** The item at the time previewed (absent: it did not exist then). */
  then?: Item;
  /** The item now (absent: it does not exist now). */
  now?: Item;
}

export interface Preview {
  time: number;
  then: { itemCount: number; sizeBytes: number };
  now: { itemCount: number; sizeBytes: number };
  /** The keys whose item differs between then and now, in key order, at most `limit`. */
  differences: PreviewDifference[];
  /** How many keys differ in all (more than differences.length when the limit cut the list). */
  differenceCount: number;
}

/**
 * The table `tableName` at `time` (ms, inside its PITR window: tableAt's errors otherwise) against
 * now: item count and size of both, and the keys that differ with both versions.
 */
export async function preview(db: Database, tableName: string, time: number, options: { limit?: number } = {}): Promise<Preview> {
  await whenSettled(db);
  const table = restorableTable(db, { tableName }, time);
  // "Now" is the moment of the call: counts taken at once, the history read in slices up to its
  // lsn, then each changed key's value at that lsn (its current one, unless written since).
  let itemCount = table.itemCount;
  let sizeBytes = table.sizeBytes;
  const now = { itemCount, sizeBytes };
  const { changed, toLsn } = await changesAfterSliced(db, table, time);
  await whenSettled(db);
  const since = changesSinceLsn(db, table, toLsn).changed;
  const valueNow = (key: string): string | undefined => (since.has(key) ? since.get(key) : table.get(key));
  const differing: string[] = [];
  for (const [key, then] of changed) {
    const current = valueNow(key);
    if (then === current) continue;
    differing.push(key);
    if (current !== undefined) {
      itemCount--;
      sizeBytes -= encodedItemSize(current);
    }
    if (then !== undefined) {
      itemCount++;
      sizeBytes += encodedItemSize(then);
    }
  }
  differing.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const keyNames = table.meta.keySchema.map((k) => k.AttributeName);
  const differences = differing.slice(0, options.limit ?? DEFAULT_PREVIEW_LIMIT).map((key) => {
    const then = changed.get(key);
    const current = valueNow(key);
    const difference: PreviewDifference = { key: {} };
    if (then !== undefined) difference.then = table.codec.decode(then);
    if (current !== undefined) difference.now = table.codec.decode(current);
    const either = (difference.then ?? difference.now)!;
    for (const name of keyNames) difference.key[name] = either[name];
    return difference;
  });
  return { time, then: { itemCount, sizeBytes }, now, differences, differenceCount: differing.length };
}
