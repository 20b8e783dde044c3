// Log record payloads. One record is one atomic change: a single write, or every write of a
// transaction. Each mutation carries its new and old images (Streams, point-in-time recovery, and
// undoing a write the log refused all need the old one) and the dictionary entries it introduced.
//
// Payload: f64 lsn | f64 time | u8 flags | [token] | varint count | mutation*
// flags: bits 0-1 the origin (user, TTL, restore), bit 2 a transaction token follows (text).
// Text is lossless: UTF-8 when the string is well-formed UTF-16, else its UTF-16 code units as
// they are (a lone surrogate must come back as itself, not as U+FFFD). See FORMAT.md.
import type { DictionaryAdditions } from '../codec/item-codec';
import { BinaryReader, BinaryWriter } from '../storage/binary';

export type Mutation =
  | { kind: 'createTable'; tableId: string; meta: unknown }
  | { kind: 'updateTable'; tableId: string; meta: unknown }
  | { kind: 'deleteTable'; tableId: string }
  | { kind: 'put'; tableId: string; key: string; item: string; old: string | undefined; added: DictionaryAdditions | undefined }
  | { kind: 'delete'; tableId: string; key: string; old: string }
  | LoadTableMutation;

/**
 * A new table created whole with its items (src/engine/backups/restore.ts): the log carries its
 * metadata and where its items come from, never the items themselves: the name of a table
 * snapshot file in the data folder that holds them, or (`restoredFrom`, a point-in-time restore)
 * another table and a time, the items being that table's as they were at that time, which replay
 * rebuilds from that table's state just before this record and the log's history after the time.
 * `contents` is not logged: the writer's in-memory copy (applied at once), or, at replay, what
 * the log store read back (the file, or the table and its history) before the record is applied.
 */
export interface LoadTableMutation {
  kind: 'loadTable';
  tableId: string;
  meta: unknown;
  /** The snapshot file's name inside the data folder ('' in memory, where there is none, and with `restoredFrom`). */
  file: string;
  /** Logged as kind 7 (restoreTable): the items are table `tableId`'s as they were at `time` (ms). */
  restoredFrom?: { tableId: string; time: number };
  contents?: TableContentsSnapshot;
  /**
   * Not logged: when the new table's background building (its point-read map, its indexes) may
   * start. The writer passes its acknowledgement, so that building a large table's indexes does
   * not hold the record's own write back; replay starts it at once.
   */
  startAfter?: Promise<unknown>;
}

/** The items of a loaded table: encoded with `dictionary`, keys in key order. */
export interface TableContentsSnapshot {
  dictionary: DictionaryAdditions;
  keys: string[];
  values: string[];
  /** The keys' heads (storage/sorted-index.ts), when the contents came with them: not recomputed. */
  heads?: Float64Array;
}

/** Who made a change: a client's write, TTL expiry, or a restore. */
export type Origin = 'user' | 'ttl' | 'restore';
const ORIGINS: Origin[] = ['user', 'ttl', 'restore'];
const HAS_TOKEN = 4;

export interface LogRecord {
  lsn: number;
  /** Milliseconds since the epoch; never less than the previous record's. */
  time: number;
  mutations: Mutation[];
  /** Default 'user'. */
  origin?: Origin;
  /** The client's transaction token, for transactions' idempotency. */
  token?: string;
}

const KIND = { createTable: 1, updateTable: 2, deleteTable: 3, put: 4, delete: 5, loadTable: 6, restoreTable: 7 } as const;

interface WithWellFormed {
  isWellFormed(): boolean;
}

/** Writes `s` losslessly: varint(byteLength * 2) + UTF-8, or varint(units * 2 + 1) + UTF-16LE. */
export function writeText(w: BinaryWriter, s: string): void {
  if (!(s as unknown as WithWellFormed).isWellFormed()) {
    w.varint(s.length * 2 + 1);
    w.raw(s, 'utf16le');
    return;
  }
  const start = w.pos;
  // Reserve the worst case (3 bytes per unit and a 5-byte length), then settle the length.
  w.skip(s.length * 3 + 6);
  const buf = w.buf;
  if (s.length * 3 < 64) {
    const written = buf.utf8Write(s, start + 1);
    buf[start] = written * 2;
    w.pos = start + 1 + written;
    return;
  }
  const written = buf.utf8Write(s, start + 5);
  let n = written * 2;
  if (n < 128) {
    // A one-byte length: the text moves back (fewer than 64 bytes).
    buf[start] = n;
    buf.copy(buf, start + 1, start + 5, start + 5 + written);
    w.pos = start + 1 + written;
    return;
  }
  // A length padded to five varint bytes (continuation bits on the first four), so the text
  // stays where it was written instead of being moved.
  for (let p = start; p < start + 4; p++) {
    buf[p] = (n & 127) | 128;
    n = Math.floor(n / 128);
  }
  buf[start + 4] = n;
  w.pos = start + 5 + written;
}

/** Moves past a text without building its string; returns '' (a put's new image a reader did not ask for). */
function skipText(r: BinaryReader): string {
  const v = r.varint();
  r.pos += v % 2 === 1 ? v - 1 : v / 2;
  return '';
}

export function readText(r: BinaryReader): string {
  const v = r.varint();
  const start = r.pos;
  if (v % 2 === 1) {
    const bytes = (v - 1);
    r.pos += bytes;
    return r.buf.toString('utf16le', start, r.pos);
  }
  r.pos += v / 2;
  return r.buf.utf8Slice(start, r.pos);
}

/** Attribute names and shapes with their ids: what a write added, or a whole dictionary. */
export function writeDictionary(w: BinaryWriter, d: DictionaryAdditions): void {
  w.varint(d.names.length);
  d.names.forEach((name, i) => {
    w.varint(d.nameIds?.[i] ?? i);
    writeText(w, name);
  });
  w.varint(d.shapes.length);
  d.shapes.forEach((ids, i) => {
    w.varint(d.shapeIds?.[i] ?? i + 1);
    w.varint(ids.length);
    for (const id of ids) w.varint(id);
  });
}

export function readDictionary(r: BinaryReader): DictionaryAdditions {
  const names: string[] = [];
  const nameIds: number[] = [];
  for (let n = r.varint(); n > 0; n--) {
    nameIds.push(r.varint());
    names.push(readText(r));
  }
  const shapes: number[][] = [];
  const shapeIds: number[] = [];
  for (let n = r.varint(); n > 0; n--) {
    shapeIds.push(r.varint());
    const ids: number[] = [];
    for (let k = r.varint(); k > 0; k--) ids.push(r.varint());
    shapes.push(ids);
  }
  return { names, shapes, nameIds, shapeIds };
}

function writeJson(w: BinaryWriter, v: unknown): void {
  writeText(w, JSON.stringify(v));
}

/** Appends the record's payload to `w` (the writer frames it in place). */
export function encodeRecordInto(w: BinaryWriter, record: LogRecord): void {
  w.f64(record.lsn);
  w.f64(record.time);
  const origin = record.origin === undefined ? 0 : ORIGINS.indexOf(record.origin);
  w.u8(origin | (record.token === undefined ? 0 : HAS_TOKEN));
  if (record.token !== undefined) writeText(w, record.token);
  w.varint(record.mutations.length);
  for (const m of record.mutations) {
    w.u8(m.kind === 'loadTable' && m.restoredFrom !== undefined ? KIND.restoreTable : KIND[m.kind]);
    writeText(w, m.tableId);
    switch (m.kind) {
      case 'createTable':
      case 'updateTable':
        writeJson(w, m.meta);
        break;
      case 'deleteTable':
        break;
      case 'loadTable':
        writeJson(w, m.meta);
        if (m.restoredFrom === undefined) writeText(w, m.file);
        else {
          writeText(w, m.restoredFrom.tableId);
          w.f64(m.restoredFrom.time);
        }
        break;
      case 'put': {
        writeText(w, m.key);
        writeText(w, m.item);
        w.u8(m.old === undefined ? 0 : 1);
        if (m.old !== undefined) writeText(w, m.old);
        const added = m.added;
        if (added === undefined || (added.names.length === 0 && added.shapes.length === 0)) {
          w.u8(0);
          w.u8(0);
        } else writeDictionary(w, added);
        break;
      }
      case 'delete':
        writeText(w, m.key);
        writeText(w, m.old);
        break;
    }
  }
}

/**
 * Decodes the payload in buf[start, end). Throws on a payload it cannot make sense of. With
 * `newImages` false the puts' new images are skipped, not decoded (`item` is ''): for readers that
 * need only what each change replaced (point-in-time recovery), which spares the largest strings.
 */
export function decodeRecord(buf: Buffer, start: number, end: number, newImages = true): LogRecord {
  const r = new BinaryReader(buf, start, end);
  const lsn = r.f64();
  const time = r.f64();
  const flags = r.u8();
  const record: LogRecord = { lsn, time, mutations: [] };
  if ((flags & 3) !== 0) record.origin = ORIGINS[flags & 3];
  if (flags & HAS_TOKEN) record.token = readText(r);
  const count = r.varint();
  const mutations = record.mutations;
  for (let i = 0; i < count; i++) {
    const kind = r.u8();
    const tableId = readText(r);
    switch (kind) {
      case KIND.createTable:
        mutations.push({ kind: 'createTable', tableId, meta: JSON.parse(readText(r)) });
        break;
      case KIND.updateTable:
        mutations.push({ kind: 'updateTable', tableId, meta: JSON.parse(readText(r)) });
        break;
      case KIND.deleteTable:
        mutations.push({ kind: 'deleteTable', tableId });
        break;
      case KIND.loadTable:
        mutations.push({ kind: 'loadTable', tableId, meta: JSON.parse(readText(r)), file: readText(r) });
        break;
      case KIND.restoreTable: {
        const meta = JSON.parse(readText(r));
        mutations.push({ kind: 'loadTable', tableId, meta, file: '', restoredFrom: { tableId: readText(r), time: r.f64() } });
        break;
      }
      case KIND.put: {
        const key = readText(r);
        const item = newImages ? readText(r) : skipText(r);
        const old = r.u8() === 1 ? readText(r) : undefined;
        // Most writes add no dictionary entry: two zero counts, read without building empty lists.
        let added: DictionaryAdditions | undefined;
        if (r.buf[r.pos] === 0 && r.buf[r.pos + 1] === 0) r.pos += 2;
        else {
          const d = readDictionary(r);
          if (d.names.length || d.shapes.length) added = d;
        }
        mutations.push({ kind: 'put', tableId, key, item, old, added });
        break;
      }
      case KIND.delete:
        mutations.push({ kind: 'delete', tableId, key: readText(r), old: readText(r) });
        break;
      default:
        throw new Error(`unknown mutation kind ${kind}`);
    }
  }
  if (r.pos !== end) throw new Error(`record ${lsn} has ${end - r.pos} bytes more than its mutations`);
  return record;
}
