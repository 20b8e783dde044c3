// A checkpoint is a compact snapshot of every table as of one log sequence number, so recovery
// reads it and replays only the log records after it. Written to a temporary file, synced, then
// renamed over the previous one: a crash leaves either the old or the new checkpoint, never half.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import type { DictionaryAdditions } from '../codec/item-codec';
import { BinaryReader, BinaryWriter } from './binary';
import { syncDir } from './wal';

const MAGIC = 'DWCKPT01';
export const CHECKPOINT_FILE = 'checkpoint.bin';

export interface TableSnapshot {
  meta: unknown;
  dictionary: DictionaryAdditions;
  keys: string[];
  values: string[];
}

export function writeCheckpoint(dir: string, lsn: number, tables: Iterable<TableSnapshot>): void {
  const w = new BinaryWriter(1 << 20);
  w.f64(lsn);
  const list = [...tables];
  w.varint(list.length);
  for (const t of list) {
    w.json(t.meta);
    w.varint(t.dictionary.names.length);
    for (const n of t.dictionary.names) w.string(n);
    w.varint(t.dictionary.shapes.length);
    for (const ids of t.dictionary.shapes) {
      w.varint(ids.length);
      for (const id of ids) w.varint(id);
    }
    w.varint(t.keys.length);
    for (let i = 0; i < t.keys.length; i++) {
      w.string(t.keys[i]);
      w.string(t.values[i]);
    }
  }
  const body = w.bytes();
  const header = Buffer.alloc(16);
  header.write(MAGIC, 0, 'latin1');
  header.writeUInt32LE(crc32(body), 8);
  header.writeUInt32LE(body.length % 0x100000000, 12);
  const tmp = path.join(dir, CHECKPOINT_FILE + '.tmp');
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, header);
    let off = 0;
    while (off < body.length) off += fs.writeSync(fd, body, off, Math.min(body.length - off, 64 << 20));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, path.join(dir, CHECKPOINT_FILE));
  syncDir(dir);
}

export function readCheckpoint(dir: string): { lsn: number; tables: TableSnapshot[] } | undefined {
  const file = path.join(dir, CHECKPOINT_FILE);
  if (!fs.existsSync(file)) return undefined;
  const buf = fs.readFileSync(file);
  if (buf.length < 16 || buf.toString('latin1', 0, 8) !== MAGIC) throw new Error(`${file} is not a checkpoint`);
  const body = buf.subarray(16);
  if (crc32(body) !== buf.readUInt32LE(8)) throw new Error(`${file} is corrupt (checksum mismatch)`);
  const r = new BinaryReader(body);
  const lsn = r.f64();
  const tables: TableSnapshot[] = [];
  for (let t = r.varint(); t > 0; t--) {
    const meta = r.json();
    const names: string[] = [];
    for (let n = r.varint(); n > 0; n--) names.push(r.string());
    const shapes: number[][] = [];
    for (let n = r.varint(); n > 0; n--) {
      const ids: number[] = [];
      for (let k = r.varint(); k > 0; k--) ids.push(r.varint());
      shapes.push(ids);
    }
    const count = r.varint();
    const keys: string[] = new Array(count);
    const values: string[] = new Array(count);
    for (let i = 0; i < count; i++) {
      keys[i] = r.string();
      values[i] = r.string();
    }
    tables.push({ meta, dictionary: { names, shapes }, keys, values });
  }
  return { lsn, tables };
}
