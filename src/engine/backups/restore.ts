// The one durable way to create a table WITH its items: restores from a backup, restores to a
// point in time and imports all come through `createTableWithItems`.
//
// How (see src/engine/log/FORMAT.md, "Loaded tables"): the items are gathered in memory (another
// table's encoded strings and its dictionary, reused as they are, possibly still being read; or
// plain items encoded with the new table's codec), written as ONE table snapshot file in the data folder (streamed, complete or
// absent), and then ONE log record of kind `loadTable` names that file. Replay reads the file;
// a checkpoint covers the table afterwards and the file is then removed; a file no record names
// (a crash before the record) is removed at the next open. So a crash at any moment leaves the
// whole table or no table, and the log never holds a million put records for a restore.
// A point-in-time restore skips the file when it can (FORMAT.md, "Tables restored from history"):
// its record names the source table and the time instead, and replay rebuilds the items from the
// source and the log, which keeps that history until a checkpoint covers the record. Writing and
// syncing a copy of every item was half of such a restore's time.
//
// Invariants:
// - From the call until the load is durable the name is taken: `db.creating` holds it, CreateTable
//   refuses it (ResourceInUseException), DescribeTable and ListTables show the table CREATING,
//   DeleteTable and UpdateTable refuse it (ResourceInUseException), and reads and writes find no
//   table (ResourceNotFoundException). On failure the name is freed and nothing is left behind.
// - The table becomes ACTIVE with its items and secondary indexes (built from the loaded items as
//   a checkpoint's tables are: lazily, and at once by whatever touches them first). That background
//   building starts once the record is acknowledged, so it never holds the record's write back.
// - No put records are logged, so the new table's stream (restored tables have none anyway) and
//   any log reader see one `loadTable` mutation, never an INSERT per item.
// - In memory the same happens without the file.
// - Slow work yields to the event loop: encoding plain items every ITEMS_PER_TURN items, sorting
//   them in runs and merges of bounded size, the snapshot file between chunks.
import { resourceInUse, resourceNotFound, DynamoDBError } from '../errors';
import type { Database } from '../database';
import type { DictionaryAdditions } from '../codec/item-codec';
import type { Origin } from '../log';
import { Table, type TableMeta } from '../table';
import type { Item } from '../types/attribute-value';
import { itemSize } from '../types/attribute-validation';
import { checkItemKey, checkItemSize } from '../operations/common';
import { checkIndexKeysForPut, startIndexWork } from '../indexes';

/**
 * A table's items as a table snapshot holds them (src/engine/log/snapshot.ts): encoded strings
 * under encoded primary keys, decoded with `dictionary`. Keys are those of the new table's key
 * schema (a restore keeps the key schema), so they are taken as they are, not checked.
 */
export interface TableContents {
  dictionary: DictionaryAdditions;
  keys: string[];
  values: string[];
  /** The keys' heads (storage/sorted-index.ts), when known (a restore's keys are a snapshot's): not recomputed. */
  heads?: Float64Array;
}

/** How many plain items are encoded between two turns of the event loop. */
const ITEMS_PER_TURN = 2_000;

/**
 * Creates the table `meta` describes (a complete new table's metadata, with a fresh id, its name
 * and its indexes as they should be) holding `contents` (encoded contents, contents still being
 * read, or plain items), durably and atomically (see the header).
 * Resolves with the ACTIVE table once durable; rejects, freeing the name, on failure:
 * ResourceInUseException when the name is taken, ValidationException for an item that does not
 * fit the key schema or the indexes' key types (nothing is created then).
 */
export async function createTableWithItems(
  db: Database,
  meta: TableMeta,
  contents: TableContents | Promise<TableContents> | AsyncIterable<Item>,
  options: { origin?: Origin; restoredFrom?: { table: Table; time: number } } = {},
): Promise<Table> {
  if (db.isClosed) throw closedError();
  refuseNameTaken(db, meta.name);
  db.creating.set(meta.name, meta);
  const log = db.logStore;
  let file: string | undefined;
  try {
    // Contents still being read (a backup read in slices) keep the name reserved meanwhile.
    const given = isPromise(contents) ? await contents : contents;
    if (db.isClosed) throw closedError();
    let loaded = isContents(given) ? await inKeyOrder(given) : await encodeItems(db, meta, given);
    // A point-in-time restore is logged as a reference to the history it was read from when it
    // still can be (see historyStillThere); no await from here to the commit, so that holds then.
    const from = options.restoredFrom;
    const fromHistory = log !== undefined && from !== undefined && historyStillThere(db, from.table, from.time);
    if (fromHistory) {
      // Replay rebuilds the items with the source's dictionary as it is at the record (a superset
      // of the one they were read with: entries are never removed); the run uses the same one.
      loaded = { ...loaded, dictionary: from.table.codec.dictionary() };
    } else if (log !== undefined) file = await log.stageTable(meta.id, { meta, ...loaded });
    // Durable as every write is (the database's `durability`): a kill in 'process' mode, a power
    // loss too in 'disk' mode. The table's background building waits for that, not the reverse.
    let acknowledged!: () => void;
    const startAfter = new Promise<void>((resolve) => (acknowledged = resolve));
    try {
      const restoredFrom = fromHistory ? { restoredFrom: { tableId: from!.table.meta.id, time: from!.time } } : {};
      await db.commit([{ kind: 'loadTable', tableId: meta.id, meta, file: file ?? '', contents: loaded, startAfter, ...restoredFrom }], options.origin ?? 'restore');
    } finally {
      acknowledged();
    }
  } catch (e) {
    if (file !== undefined) log?.discardStaged(file);
    throw asDynamoDBError(e, meta.name);
  } finally {
    db.creating.delete(meta.name);
  }
  const table = db.tables.get(meta.name);
  if (table === undefined || table.meta.id !== meta.id) throw resourceNotFound(`Requested resource not found: Table: ${meta.name} not found`);
  // A GSI the caller left CREATING is backfilled as after UpdateTable (restores pass them ACTIVE).
  startIndexWork(db, table);
  return table;
}

/**
 * Whether a table restored from `source` as it was at `time` can be logged as a reference to the
 * history (FORMAT.md, "Tables restored from history"): replay takes the source as it is just
 * before the record back to `time` with the log after it, so the source must still be that table
 * (not deleted, not replaced by another of the same name) and the log must still reach back to
 * `time` (the size cap may have cut it since the window was checked).
 */
function historyStillThere(db: Database, source: Table, time: number): boolean {
  return db.tables.get(source.name) === source && (db.logStore?.earliestRetainedTime ?? Infinity) <= time;
}

/** 'CREATING' while `createTableWithItems` fills the table, 'ACTIVE' once it exists, undefined when there is no such table. */
export function tableStatus(db: Database, name: string): 'CREATING' | 'ACTIVE' | undefined {
  if (db.creating.has(name)) return 'CREATING';
  return db.tables.has(name) ? 'ACTIVE' : undefined;
}

/** DescribeTable's description of a table still being created with its items (no items yet), or undefined. */
export function describeCreating(db: Database, name: string): Record<string, unknown> | undefined {
  const meta = db.creating.get(name);
  return meta === undefined ? undefined : new Table(meta).describe('CREATING');
}

/** DeleteTable and UpdateTable refuse a table still being created, as DynamoDB does. */
/** CreateTable's refusal of a name already taken, by a table or by one being created with its items. */
export function refuseNameTaken(db: Database, name: string): void {
  if (tableStatus(db, name) !== undefined) throw resourceInUse(`Table already exists: ${name}`);
}

export function refuseWhileCreating(db: Database, name: string): void {
  if (db.creating.has(name)) throw resourceInUse(`Attempt to change a resource which is still in use: Table is being created: ${name}`);
}

const closedError = (): DynamoDBError => new DynamoDBError('InternalServerError', 'The database is closed');

/** A failure to read the contents or write the data folder as DynamoDB's InternalServerError; the cause goes to whoever runs the database. */
function asDynamoDBError(e: unknown, name: string): unknown {
  if (e instanceof DynamoDBError || e instanceof RangeError) return e;
  console.error(`dynamo-workspace: table ${name} could not be created with its items:`, e);
  return new DynamoDBError(
    'InternalServerError',
    `Table ${name} was not created: its items could not be read or written to the data folder (a damaged source, or a full or failing disk; the database's own log says which).`,
  );
}

function isPromise(contents: TableContents | Promise<TableContents> | AsyncIterable<Item>): contents is Promise<TableContents> {
  return typeof (contents as Promise<TableContents>).then === 'function';
}

function isContents(contents: TableContents | AsyncIterable<Item>): contents is TableContents {
  return Array.isArray((contents as TableContents).keys);
}

/**
 * The contents with keys strictly ascending (the sorted index is built from them as they are):
 * already so when they come from a table, else sorted, the last value of a repeated key kept.
 */
async function inKeyOrder(c: TableContents): Promise<TableContents> {
  if (c.keys.length !== c.values.length) throw new RangeError(`table contents of ${c.keys.length} keys have ${c.values.length} values`);
  let ordered = true;
  for (let i = 1; i < c.keys.length && ordered; i++) ordered = c.keys[i - 1] < c.keys[i];
  if (ordered) return c;
  const byKey = new Map<string, string>();
  for (let i = 0; i < c.keys.length; i++) byKey.set(c.keys[i], c.values[i]);
  return { dictionary: c.dictionary, ...(await sortedEntries(byKey)) };
}

/** Keys sorted in runs of this many, each in one turn of the event loop. */
const SORT_RUN = 16_384;
/** Keys merged (or values looked up) per turn of the event loop. */
const MERGE_SLICE = 65_536;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const ascending = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The map's keys in ascending order with their values, sorted in slices (see sortSteps), so a
 * million keys never hold the event loop for the second a single sort of them takes.
 */
async function sortedEntries(byKey: Map<string, string>): Promise<{ keys: string[]; values: string[] }> {
  const steps = sortSteps([...byKey.keys()]);
  let step = steps.next();
  for (; !step.done; step = steps.next()) await turn();
  const keys = step.value;
  const values = new Array<string>(keys.length);
  for (let at = 0; at < keys.length; at += MERGE_SLICE) {
    const end = Math.min(keys.length, at + MERGE_SLICE);
    for (let i = at; i < end; i++) values[i] = byKey.get(keys[i])!;
    if (end < keys.length) await turn();
  }
  return { keys, values };
}

/**
 * Distinct keys in ascending order, pausing (a `yield`) between slices of the work: runs sorted
 * one per slice, then merged pairwise a slice at a time. Keys that come nearly in order (a
 * history written in key order) cost little more than a pass.
 */
export function* sortSteps(all: string[]): Generator<void, string[]> {
  let ordered = true;
  for (let i = 1; i < all.length && ordered; i++) ordered = all[i - 1] < all[i];
  if (ordered) return all;
  let runs: string[][] = [];
  for (let at = 0; at < all.length; at += SORT_RUN) {
    runs.push(all.slice(at, at + SORT_RUN).sort(ascending));
    if (at + SORT_RUN < all.length) yield;
  }
  while (runs.length > 1) {
    const merged: string[][] = [];
    for (let i = 0; i < runs.length; i += 2) merged.push(i + 1 < runs.length ? yield* merge(runs[i], runs[i + 1]) : runs[i]);
    runs = merged;
  }
  return runs[0] ?? [];
}

/** Two ascending lists of distinct keys (none in both) merged into one, a slice per step. */
function* merge(a: string[], b: string[]): Generator<void, string[]> {
  // Runs that do not overlap (keys that came in order) are joined without comparing each key.
  if (a.length === 0 || b.length === 0 || a[a.length - 1] < b[0]) return a.concat(b);
  const out = new Array<string>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (k < out.length) {
    const stop = Math.min(out.length, k + MERGE_SLICE);
    while (k < stop) out[k++] = j >= b.length || (i < a.length && a[i] < b[j]) ? a[i++] : b[j++];
    if (k < out.length) yield;
  }
  return out;
}

/**
 * Encodes plain items with a codec of the new table's own, checking each against the key schema,
 * the indexes' key types and the item size limit; a later item of the same key replaces an
 * earlier one (as a put would).
 */
async function encodeItems(db: Database, meta: TableMeta, items: AsyncIterable<Item>): Promise<TableContents> {
  // Checks see the indexes and encode with the new table's codec; items gather in a plain map
  // and are put in key order once, at the end (inserting into a sorted index costs far more).
  const table = new Table({ ...meta, ttl: undefined, streams: undefined });
  const gathered = new Map<string, string>();
  let count = 0;
  for await (const item of items) {
    checkItemKey(table, item);
    checkIndexKeysForPut(table, item);
    const size = itemSize(item);
    checkItemSize(size);
    const added: DictionaryAdditions = { names: [], shapes: [] };
    const encoded = table.codec.encode(item, size, added);
    // Other operations settle dictionaries between our turns: these entries must stay.
    table.codec.publish(added);
    gathered.set(table.keyOf(item), encoded);
    if (++count % ITEMS_PER_TURN === 0) {
      await turn();
      if (db.isClosed) throw closedError();
    }
  }
  return { dictionary: table.codec.dictionary(), ...(await sortedEntries(gathered)) };
}
