// A checkpoint is a compact snapshot of every table as of one log sequence number, so recovery
// reads it and replays only the log records after it. Written to a temporary file, synced, then
// renamed over the previous one: a crash leaves either the old or the new checkpoint, never half.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import type { DictionaryAdditions } from '../codec/item-codec';
import { BinaryReader, BinaryWriter } from './binary';
import { readDictionary, writeDictionary } from './records';
import { syncDir } from './wal';

const MAGIC = 'DWCKPT04';
export const CHECKPOINT_FILE = 'checkpoint.bin';

export interface TableSnapshot {
  meta: unknown;
  dictionary: DictionaryAdditions;
  keys: string[];
  values: string[];
}

/**
 * `from` is where replay starts: the log segment being written when the snapshot was taken (every
 * earlier segment is covered), and, for the snapshot taken at a clean close, the exact end of the
 * log within it (otherwise 0).
 */
/**
 * Writes the snapshot in slices, yielding to the event loop between them, so a large database
 * keeps answering while it is checkpointed. The snapshot's arrays must not change meanwhile:
 * callers pass copies (stored strings are immutable, so copying references is enough).
 */
export async function writeCheckpoint(dir: string, lsn: number, from: { segment: number; offset: number }, tables: Iterable<TableSnapshot>): Promise<void> {
  const w = new BinaryWriter(1 << 20);
  w.f64(lsn);
  w.varint(from.segment);
  w.varint(from.offset);
  const list = [...tables];
  w.varint(list.length);
  for (const t of list) {
    w.json(t.meta);
    writeDictionary(w, t.dictionary);
    w.varint(t.keys.length);
    await writeStrings(w, t.keys);
    await writeStrings(w, t.values);
  }
  const body = w.bytes();
  const header = Buffer.alloc(16);
  header.write(MAGIC, 0, 'latin1');
  header.writeUInt32LE(crc32(body), 8);
  header.writeUInt32LE(body.length % 0x100000000, 12);
  const tmp = path.join(dir, CHECKPOINT_FILE + '.tmp');
  const handle = await fs.promises.open(tmp, 'w');
  try {
    await handle.write(header, 0, header.length, 0);
    for (let off = 0; off < body.length; ) {
      const { bytesWritten } = await handle.write(body, off, Math.min(body.length - off, 16 << 20), 16 + off);
      off += bytesWritten;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  fs.renameSync(tmp, path.join(dir, CHECKPOINT_FILE));
  syncDir(dir);
}

export function readCheckpoint(dir: string): { lsn: number; from: { segment: number; offset: number }; tables: TableSnapshot[] } | undefined {
  const file = path.join(dir, CHECKPOINT_FILE);
  if (!fs.existsSync(file)) return undefined;
  const buf = fs.readFileSync(file);
  if (buf.length < 16 || buf.toString('latin1', 0, 8) !== MAGIC) throw new Error(`${file} is not a checkpoint`);
  const body = buf.subarray(16);
  if (crc32(body) !== buf.readUInt32LE(8)) throw new Error(`${file} is corrupt (checksum mismatch)`);
  const r = new BinaryReader(body);
  const lsn = r.f64();
  const from = { segment: r.varint(), offset: r.varint() };
  const tables: TableSnapshot[] = [];
  for (let t = r.varint(); t > 0; t--) {
    const meta = r.json();
    const dictionary = readDictionary(r);
    const count = r.varint();
    const keys = readStrings(r, count);
    const values = readStrings(r, count);
    tables.push({ meta, dictionary, keys, values });
  }
  return { lsn, from, tables };
}

const WIDE = /[^\x00-\xff]/;

/**
 * A column of strings: their lengths, then their text back to back in one fixed-width encoding
 * (latin1 when every char fits, else UTF-16), so reading needs no per-string length parsing of
 * variable-width text. Each string is then copied out on its own: slices of one large string
 * would keep the whole blob alive and, as measured, hold far more memory.
 */
const SLICE = 20_000;
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function writeStrings(w: BinaryWriter, strings: string[]): Promise<void> {
  let wide = false;
  for (let i = 0; i < strings.length && !wide; i++) {
    wide = WIDE.test(strings[i]);
    if (i % SLICE === SLICE - 1) await turn();
  }
  w.u8(wide ? 1 : 0);
  let total = 0;
  for (const s of strings) {
    w.varint(s.length);
    total += s.length;
  }
  w.varint(total);
  const encoding = wide ? 'utf16le' : 'latin1';
  for (let i = 0; i < strings.length; i++) {
    w.raw(strings[i], encoding);
    if (i % SLICE === SLICE - 1) await turn();
  }
}

function readStrings(r: BinaryReader, count: number): string[] {
  const wide = r.u8() === 1;
  const lengths = new Array<number>(count);
  for (let i = 0; i < count; i++) lengths[i] = r.varint();
  const total = r.varint();
  const out = new Array<string>(count);
  const buf = r.buf;
  let at = r.pos;
  if (wide) {
    for (let i = 0; i < count; i++) {
      out[i] = buf.toString('utf16le', at, at + lengths[i] * 2);
      at += lengths[i] * 2;
    }
  } else {
    for (let i = 0; i < count; i++) {
      out[i] = buf.latin1Slice(at, at + lengths[i]);
      at += lengths[i];
    }
  }
  r.pos += wide ? total * 2 : total;
  return out;
}
