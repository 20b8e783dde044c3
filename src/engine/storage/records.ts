// The write-ahead log's record payloads. One record is one atomic change: a single write, or
// every write of a transaction. Each carries old and new images and a timestamp because the log
// also feeds Streams and point-in-time recovery.
import type { DictionaryAdditions } from '../codec/item-codec';
import { BinaryReader, BinaryWriter } from './binary';

export type Mutation =
  | { kind: 'createTable'; tableId: string; meta: unknown }
  | { kind: 'updateTable'; tableId: string; meta: unknown }
  | { kind: 'deleteTable'; tableId: string }
  | { kind: 'put'; tableId: string; key: string; item: string; old: string | undefined; added: DictionaryAdditions | undefined }
  | { kind: 'delete'; tableId: string; key: string; old: string };

export interface LogRecord {
  lsn: number;
  time: number;
  mutations: Mutation[];
}

const NO_ADDITIONS: DictionaryAdditions = { names: [], shapes: [] };

/** Attribute names and shapes a codec gained (a log record) or holds (a checkpoint). */
export function writeDictionary(w: BinaryWriter, d: DictionaryAdditions): void {
  w.varint(d.names.length);
  for (const name of d.names) w.string(name);
  w.varint(d.shapes.length);
  for (const ids of d.shapes) {
    w.varint(ids.length);
    for (const id of ids) w.varint(id);
  }
}

export function readDictionary(r: BinaryReader): DictionaryAdditions {
  const names: string[] = [];
  for (let n = r.varint(); n > 0; n--) names.push(r.string());
  const shapes: number[][] = [];
  for (let n = r.varint(); n > 0; n--) {
    const ids: number[] = [];
    for (let k = r.varint(); k > 0; k--) ids.push(r.varint());
    shapes.push(ids);
  }
  return { names, shapes };
}

const KIND = { createTable: 1, updateTable: 2, deleteTable: 3, put: 4, delete: 5 } as const;

/** Appends the record's payload to `w` (the log frames it in place). */
export function encodeRecordInto(w: BinaryWriter, record: LogRecord): void {
  w.f64(record.lsn);
  w.f64(record.time);
  w.varint(record.mutations.length);
  for (const m of record.mutations) {
    w.u8(KIND[m.kind]);
    w.string(m.tableId);
    switch (m.kind) {
      case 'createTable':
      case 'updateTable':
        w.json(m.meta);
        break;
      case 'deleteTable':
        break;
      case 'put': {
        w.string(m.key);
        w.string(m.item);
        w.u8(m.old === undefined ? 0 : 1);
        if (m.old !== undefined) w.string(m.old);
        writeDictionary(w, m.added ?? NO_ADDITIONS);
        break;
      }
      case 'delete':
        w.string(m.key);
        w.string(m.old);
        break;
    }
  }
}

export function decodeRecord(buf: Buffer, start: number, end: number): LogRecord {
  const r = new BinaryReader(buf, start, end);
  const lsn = r.f64();
  const time = r.f64();
  const count = r.varint();
  const mutations: Mutation[] = [];
  for (let i = 0; i < count; i++) {
    const kind = r.u8();
    const tableId = r.string();
    switch (kind) {
      case KIND.createTable:
        mutations.push({ kind: 'createTable', tableId, meta: r.json() });
        break;
      case KIND.updateTable:
        mutations.push({ kind: 'updateTable', tableId, meta: r.json() });
        break;
      case KIND.deleteTable:
        mutations.push({ kind: 'deleteTable', tableId });
        break;
      case KIND.put: {
        const key = r.string();
        const item = r.string();
        const old = r.u8() === 1 ? r.string() : undefined;
        const added = readDictionary(r);
        mutations.push({ kind: 'put', tableId, key, item, old, added: added.names.length || added.shapes.length ? added : undefined });
        break;
      }
      case KIND.delete:
        mutations.push({ kind: 'delete', tableId, key: r.string(), old: r.string() });
        break;
      default:
        throw new Error(`unknown mutation kind ${kind}`);
    }
  }
  return { lsn, time, mutations };
}
