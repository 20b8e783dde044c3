// Per-table snapshot files, and checkpoints made of them.
//
// A table snapshot is one table's full state (metadata, codec dictionary, and every stored item as
// key and value strings) as of one lsn. Checkpoints use it (recovery reads them, then replays the
// log after their lsn); backups (#10) use it for CreateBackup, for the copy kept when a table with
// point-in-time recovery is deleted, and for restores.
//
// Invariants:
// - Streamed both ways: the writer and the reader hold one chunk (`chunkSize`, 1 MiB by default)
//   at a time and never a buffer of the whole table, so a table of any size (over 2 GiB included)
//   writes and reads back. The writer yields to the event loop between chunks.
// - A snapshot file is complete or absent: written to a temp file of its own (a unique name, never
//   shared by two runs), synced, renamed over the target, and the folder synced.
// - Torn, truncated, reordered or flipped bytes are detected, never misread: the header has its own
//   CRC, and each chunk's CRC is chained to the previous one (seeded by the header's), ending with
//   a trailer, so a chunk from another file or another position, or a missing tail, fails the check.
//   Errors name the file and the byte offset (`CorruptSnapshotError`).
// - Strings round-trip exactly, lone UTF-16 surrogates included (latin1 or UTF-16LE code units,
//   never UTF-8). Metadata and the dictionary are stored as JSON text, which escapes lone surrogates.
// - Runs are serialized: `SnapshotWriter.run` queues a request made while another runs (it does not
//   join the run in progress, whose state predates the request). `writeCheckpoint` goes through one
//   writer per file system and folder.
//
// Table snapshot file layout (all integers little-endian):
//   header, 32 bytes:  magic "DWTSNAP\0" (8) | format version u16 (=1) | reserved u16 |
//                      chunk size u32 | lsn f64 | reserved u32 | crc32 of bytes 0..28 u32
//   chunks:            payload length u32 (1..chunk size) | crc u32 | payload
//                      crc = crc32(payload, previous crc), the first seeded by the header's crc
//   trailer, 8 bytes:  u32 0 | the last chunk's crc (the header's if there is no chunk)
// The payloads, concatenated, hold: meta JSON (string) | dictionary JSON (string) | item count
// (varint) | then per item: key (string) | value (string).
// A string is varint(length in UTF-16 units * 2 + wide) then its units: one byte each (latin1) when
// every unit is below 256, else two (UTF-16LE). A varint never spans two chunks; a string's units
// may, always split at a unit boundary.
//
// Checkpoint = snapshot files `checkpoint-<run>-<table index>.tsnap` plus the manifest `checkpoint.manifest`
// (magic "DWCKMF01" | crc32 of the JSON u32 | JSON length u32 | JSON { version, lsn, from, tables:
// [{ file, items, retired? }] }), written atomically after every snapshot it names is durable. Files no
// manifest names (older checkpoints, runs that crashed) are removed after the new manifest is durable.
// `retired: true` marks a deleted table kept for its stream (metadata and dictionary, no items):
// a manifest holding one is version 2, so that a build reading only version 1 refuses it rather
// than bring the deleted table back; a manifest without one stays version 1 (any build reads it).
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import type { DictionaryAdditions } from '../codec/item-codec';
import type { FileHandle, FileSystem } from './file-system';

// ---------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------

/** One table's state. The arrays must not change while a write runs: pass copies of references. */
export interface TableSnapshot {
  meta: unknown;
  dictionary: DictionaryAdditions;
  keys: string[];
  values: string[];
  /** A deleted table kept only for its stream (storage/table-set.ts): not a live table. */
  retired?: boolean;
}

/** A table snapshot that says which lsn it is as of (every record up to it included). */
export interface LsnTableSnapshot extends TableSnapshot {
  lsn: number;
}

export interface SnapshotOptions {
  /** Largest payload per chunk, and so the largest buffer the writer and reader hold (default 1 MiB). */
  chunkSize?: number;
}

/**
 * Where log replay starts after a checkpoint: a segment and an offset in it, plus whatever numbers
 * the log store needs to resume there (its lsn, running CRC, time, epoch). Stored as JSON in the
 * manifest and returned as it was given.
 */
export interface CheckpointPosition {
  segment: number;
  offset: number;
  [field: string]: number;
}

export interface Checkpoint {
  lsn: number;
  from: CheckpointPosition;
  tables: TableSnapshot[];
  /** The owner's remembered request tokens (FORMAT.md "Request tokens"); left out when the manifest has none. */
  tokens?: CheckpointToken[];
}

/**
 * A request token the checkpoint keeps for its owner: `text` exactly as a log record carries it
 * (LogRecord.token, opaque here) and the time of the record that carried it.
 */
export interface CheckpointToken {
  text: string;
  time: number;
}

/** The version of the manifest's `tokens` member; readers refuse others by name. */
export const TOKENS_FORMAT_VERSION = 1;

/** A snapshot or manifest that fails its checks: torn, truncated, corrupted, or not one at all. */
export class CorruptSnapshotError extends Error {
  constructor(readonly file: string, readonly offset: number, problem: string) {
    super(`${file} is not a valid snapshot at byte ${offset}: ${problem}`);
    this.name = 'CorruptSnapshotError';
  }
}

export const SNAPSHOT_FORMAT_VERSION = 1;
/** The manifest's version when it names a retired table (see the header); readers take 1 and 2. */
export const MANIFEST_RETIRED_VERSION = 2;
export const MANIFEST_FILE = 'checkpoint.manifest';
export const DEFAULT_CHUNK_SIZE = 1 << 20;

/** Queues asynchronous runs so that only one runs at a time, in the order they were asked for. */
export class SnapshotWriter {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** Writes `snapshot` to `file` durably (temp file, sync, rename, folder sync), yielding between chunks. */
export async function writeTableSnapshot(fs: FileSystem, file: string, snapshot: LsnTableSnapshot, options: SnapshotOptions = {}): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${++tempCounter}`;
  const handle = fs.open(tmp, { create: true, truncate: true });
  try {
    const out = new ChunkWriter(handle, options.chunkSize ?? DEFAULT_CHUNK_SIZE, snapshot.lsn);
    out.string(JSON.stringify(snapshot.meta ?? null));
    out.string(JSON.stringify(snapshot.dictionary));
    const count = snapshot.keys.length;
    if (snapshot.values.length !== count) throw new RangeError(`a snapshot of ${count} keys has ${snapshot.values.length} values`);
    out.varint(count);
    // Encoding is synchronous (an await per string would cost more than the encoding); the event
    // loop gets a turn after each chunk that went out.
    let chunks = out.chunks;
    for (let i = 0; i < count; i++) {
      out.string(snapshot.keys[i]);
      out.string(snapshot.values[i]);
      if (out.chunks !== chunks) {
        chunks = out.chunks;
        await turn();
      }
    }
    out.end();
    await handle.datasyncAsync();
  } catch (e) {
    handle.close();
    fs.remove(tmp);
    throw e;
  }
  handle.close();
  fs.rename(tmp, file);
  fs.syncDir(path.dirname(file));
}

/** Reads a snapshot written by `writeTableSnapshot`; throws `CorruptSnapshotError` if it fails any check. */
export function readTableSnapshot(fs: FileSystem, file: string): LsnTableSnapshot {
  const reading = snapshotReading(fs, file, Infinity);
  for (let step = reading.next(); ; step = reading.next()) if (step.done === true) return step.value;
}

/** As `readTableSnapshot`, giving the event loop a turn every `itemsPerTurn` items (a restore reads a large table this way). */
export async function readTableSnapshotAsync(fs: FileSystem, file: string, itemsPerTurn = 20_000): Promise<LsnTableSnapshot> {
  const reading = snapshotReading(fs, file, itemsPerTurn);
  for (let step = reading.next(); ; step = reading.next()) {
    if (step.done === true) return step.value;
    await turn();
  }
}

/** The reading itself, pausing (yielding) every `itemsPerTurn` items; the handle is closed however it ends. */
function* snapshotReading(fs: FileSystem, file: string, itemsPerTurn: number): Generator<void, LsnTableSnapshot> {
  const handle = fs.open(file, { readOnly: true });
  try {
    const input = new ChunkReader(handle, file);
    const meta = parseJson(input, 'metadata');
    const dictionary = parseJson(input, 'dictionary') as DictionaryAdditions;
    const count = input.varint();
    const keys = new Array<string>(count);
    const values = new Array<string>(count);
    for (let i = 0; i < count; i++) {
      keys[i] = input.string();
      values[i] = input.string();
      if ((i + 1) % itemsPerTurn === 0) yield;
    }
    input.end();
    return { meta, dictionary, keys, values, lsn: input.lsn };
  } finally {
    handle.close();
  }
}

/**
 * Writes one snapshot file per table, then the manifest naming them, atomically: a crash at any
 * point leaves the previous checkpoint readable. Serialized per file system and folder.
 */
export function writeCheckpoint(
  fs: FileSystem, dir: string, lsn: number, from: CheckpointPosition, tables: Iterable<TableSnapshot>, options: SnapshotOptions = {}, tokens: readonly CheckpointToken[] = [],
): Promise<void> {
  const list = [...tables];
  const kept = tokens.map((t) => ({ text: t.text, time: t.time }));
  return writerFor(fs, dir).run(() => writeCheckpointNow(fs, dir, lsn, from, list, options, kept));
}

/** The last checkpoint written to `dir`, or undefined if there is none. Throws `CorruptSnapshotError` if it fails a check. */
export function readCheckpoint(fs: FileSystem, dir: string): Checkpoint | undefined {
  const manifest = readManifest(fs, dir);
  if (!manifest) return undefined;
  const tables: TableSnapshot[] = [];
  for (const entry of manifest.tables) {
    const file = path.join(dir, entry.file);
    if (!fs.exists(file)) throw new CorruptSnapshotError(file, 0, `the checkpoint names it but it is missing`);
    const { lsn, ...table } = readTableSnapshot(fs, file);
    if (lsn !== manifest.lsn) throw new CorruptSnapshotError(file, 16, `it is as of lsn ${lsn}, the checkpoint of lsn ${manifest.lsn}`);
    if (table.keys.length !== entry.items) throw new CorruptSnapshotError(file, 0, `it holds ${table.keys.length} items, the checkpoint says ${entry.items}`);
    tables.push(entry.retired === true ? { ...table, retired: true } : table);
  }
  const checkpoint: Checkpoint = { lsn: manifest.lsn, from: manifest.from, tables };
  const tokens = manifestTokens(path.join(dir, MANIFEST_FILE), manifest);
  if (tokens.length > 0) checkpoint.tokens = tokens;
  return checkpoint;
}

/** The manifest's request tokens, checked: a version this build does not read, or a malformed entry, is refused by name. */
function manifestTokens(file: string, manifest: Manifest): CheckpointToken[] {
  const block = manifest.tokens;
  if (block === undefined) return [];
  if (block.version !== TOKENS_FORMAT_VERSION) throw new CorruptSnapshotError(file, 16, `its request tokens are of format version ${block.version}, not one this build reads`);
  if (!Array.isArray(block.records)) throw new CorruptSnapshotError(file, 16, 'its request tokens are not a list');
  for (const t of block.records) {
    if (typeof t?.text !== 'string' || !Number.isFinite(t?.time)) throw new CorruptSnapshotError(file, 16, 'a request token is not {text, time}');
  }
  return block.records;
}

// ---------------------------------------------------------------------------------------------
// Implementation
// ---------------------------------------------------------------------------------------------

const MAGIC = Buffer.from('DWTSNAP\0', 'latin1');
const HEADER_SIZE = 32;
const FRAME_SIZE = 8;
/** A varint of a safe integer takes at most 8 bytes; a chunk with less room left is closed first. */
const VARINT_ROOM = 8;
const MAX_CHUNK_SIZE = 64 << 20;
const MIN_CHUNK_SIZE = 16;
const WIDE = /[^\x00-\xff]/;

let tempCounter = 0;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

class ChunkWriter {
  /** Chunks written so far. */
  chunks = 0;
  /** Frame header then payload, reused for every chunk. */
  private readonly buf: Buffer;
  private used = FRAME_SIZE;
  private position = 0;
  private crc: number;

  constructor(private readonly handle: FileHandle, private readonly chunkSize: number, lsn: number) {
    if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) throw new RangeError(`chunk size ${chunkSize} is not an integer from ${MIN_CHUNK_SIZE} to ${MAX_CHUNK_SIZE}`);
    this.buf = Buffer.allocUnsafe(FRAME_SIZE + chunkSize);
    const header = Buffer.alloc(HEADER_SIZE);
    MAGIC.copy(header, 0);
    header.writeUInt16LE(SNAPSHOT_FORMAT_VERSION, 8);
    header.writeUInt32LE(chunkSize, 12);
    header.writeDoubleLE(lsn, 16);
    this.crc = crc32(header.subarray(0, 28));
    header.writeUInt32LE(this.crc, 28);
    this.put(header);
  }

  varint(n: number): void {
    if (this.room() < VARINT_ROOM) this.flush();
    const b = this.buf;
    let p = this.used;
    while (n >= 128) {
      b[p++] = (n & 127) | 128;
      n = Math.floor(n / 128);
    }
    b[p++] = n;
    this.used = p;
  }

  string(s: string): void {
    const wide = WIDE.test(s);
    this.varint(s.length * 2 + (wide ? 1 : 0));
    const unit = wide ? 2 : 1;
    for (let at = 0; at < s.length; ) {
      if (this.room() < unit) this.flush();
      const n = Math.min(s.length - at, Math.floor(this.room() / unit));
      const part = at === 0 && n === s.length ? s : s.slice(at, at + n);
      if (wide) this.buf.ucs2Write(part, this.used, n * 2);
      else this.buf.latin1Write(part, this.used, n);
      this.used += n * unit;
      at += n;
    }
  }

  end(): void {
    this.flush();
    const trailer = this.buf.subarray(0, FRAME_SIZE);
    trailer.writeUInt32LE(0, 0);
    trailer.writeUInt32LE(this.crc, 4);
    this.put(trailer);
  }

  private room(): number {
    return FRAME_SIZE + this.chunkSize - this.used;
  }

  private flush(): void {
    if (this.used === FRAME_SIZE) return;
    const payload = this.buf.subarray(FRAME_SIZE, this.used);
    this.crc = crc32(payload, this.crc);
    this.buf.writeUInt32LE(payload.length, 0);
    this.buf.writeUInt32LE(this.crc, 4);
    this.put(this.buf.subarray(0, this.used));
    this.used = FRAME_SIZE;
    this.chunks++;
  }

  private put(bytes: Buffer): void {
    this.handle.write(bytes, this.position);
    this.position += bytes.length;
  }
}

class ChunkReader {
  readonly lsn: number;
  private readonly buf: Buffer;
  private readonly chunkSize: number;
  private readonly fileSize: number;
  /** File offset of the next frame. */
  private next = HEADER_SIZE;
  /** File offset of the current payload's first byte, for error messages. */
  private payloadAt = HEADER_SIZE;
  private pos = 0;
  private end_ = 0;
  private crc: number;
  private finished = false;

  constructor(private readonly handle: FileHandle, private readonly file: string) {
    this.fileSize = handle.size();
    const header = Buffer.alloc(HEADER_SIZE);
    if (handle.read(header, 0, HEADER_SIZE, 0) < HEADER_SIZE) throw this.corrupt(0, `it is ${this.fileSize} bytes, shorter than a header`);
    if (!header.subarray(0, 8).equals(MAGIC)) throw this.corrupt(0, 'it does not start with the table snapshot magic');
    this.crc = header.readUInt32LE(28);
    if (crc32(header.subarray(0, 28)) !== this.crc) throw this.corrupt(0, 'the header checksum does not match');
    const version = header.readUInt16LE(8);
    if (version !== SNAPSHOT_FORMAT_VERSION) throw this.corrupt(8, `format version ${version} is not one this build reads (${SNAPSHOT_FORMAT_VERSION})`);
    this.chunkSize = header.readUInt32LE(12);
    if (this.chunkSize < MIN_CHUNK_SIZE || this.chunkSize > MAX_CHUNK_SIZE) throw this.corrupt(12, `chunk size ${this.chunkSize} is out of range`);
    this.lsn = header.readDoubleLE(16);
    this.buf = Buffer.allocUnsafe(this.chunkSize);
  }

  varint(): number {
    if (this.pos >= this.end_) this.load();
    const b = this.buf;
    let n = 0;
    let scale = 1;
    for (let i = 0; i < VARINT_ROOM; i++) {
      if (this.pos >= this.end_) throw this.corrupt(this.payloadAt + this.pos, 'a number runs past its chunk');
      const c = b[this.pos++];
      n += (c & 127) * scale;
      if (c < 128) return n;
      scale *= 128;
    }
    throw this.corrupt(this.payloadAt + this.pos, 'a number is too long');
  }

  string(): string {
    const header = this.varint();
    const wide = header % 2 === 1;
    let left = (header - (wide ? 1 : 0)) / 2;
    let out = '';
    while (left > 0) {
      if (this.pos >= this.end_) this.load();
      const n = Math.min(left, Math.floor((this.end_ - this.pos) / (wide ? 2 : 1)));
      if (n === 0) throw this.corrupt(this.payloadAt + this.pos, 'a string splits a UTF-16 unit');
      const bytes = wide ? n * 2 : n;
      const part = wide ? this.buf.ucs2Slice(this.pos, this.pos + bytes) : this.buf.latin1Slice(this.pos, this.pos + bytes);
      out = out === '' ? part : out + part;
      this.pos += bytes;
      left -= n;
    }
    return out;
  }

  /** The file offset of the next byte to read (the next frame's payload if this chunk is used up). */
  offset(): number {
    return this.pos < this.end_ ? this.payloadAt + this.pos : this.next + FRAME_SIZE;
  }

  /** Checks that the content ended exactly at the trailer, and the trailer at the end of the file. */
  end(): void {
    if (this.pos < this.end_) throw this.corrupt(this.payloadAt + this.pos, 'bytes follow the last item');
    this.readFrame();
    if (!this.finished) throw this.corrupt(this.payloadAt, 'a chunk follows the last item');
  }

  private load(): void {
    this.readFrame();
    if (this.finished) throw this.corrupt(this.next - FRAME_SIZE, 'it ends before its last item (truncated)');
  }

  private readFrame(): void {
    const at = this.next;
    const frame = Buffer.alloc(FRAME_SIZE);
    if (this.handle.read(frame, 0, FRAME_SIZE, at) < FRAME_SIZE) throw this.corrupt(at, 'it ends inside a chunk header (truncated)');
    const length = frame.readUInt32LE(0);
    const crc = frame.readUInt32LE(4);
    if (length === 0) {
      if (crc !== this.crc) throw this.corrupt(at, 'the trailer checksum does not match');
      if (at + FRAME_SIZE !== this.fileSize) throw this.corrupt(at + FRAME_SIZE, `${this.fileSize - at - FRAME_SIZE} bytes follow the trailer`);
      this.finished = true;
      this.next = at + FRAME_SIZE;
      return;
    }
    if (length > this.chunkSize) throw this.corrupt(at, `a chunk of ${length} bytes is over the chunk size ${this.chunkSize}`);
    let got = 0;
    while (got < length) {
      const n = this.handle.read(this.buf, got, length - got, at + FRAME_SIZE + got);
      if (n === 0) throw this.corrupt(at + FRAME_SIZE + got, 'it ends inside a chunk (truncated)');
      got += n;
    }
    const expected = crc32(this.buf.subarray(0, length), this.crc);
    if (expected !== crc) throw this.corrupt(at, 'the chunk checksum does not match (torn or corrupt)');
    this.crc = crc;
    this.payloadAt = at + FRAME_SIZE;
    this.pos = 0;
    this.end_ = length;
    this.next = at + FRAME_SIZE + length;
  }

  corrupt(offset: number, problem: string): CorruptSnapshotError {
    return new CorruptSnapshotError(this.file, offset, problem);
  }
}

function parseJson(input: ChunkReader, what: string): unknown {
  const at = input.offset();
  const text = input.string();
  try {
    return JSON.parse(text);
  } catch {
    throw input.corrupt(at, `its ${what} is not JSON`);
  }
}

// ---- checkpoints ----

const MANIFEST_MAGIC = Buffer.from('DWCKMF01', 'latin1');
const SNAPSHOT_FILE = /^checkpoint-(\d+)-(\d+)\.tsnap$/;

interface Manifest {
  version: number;
  lsn: number;
  from: CheckpointPosition;
  tables: { file: string; items: number; retired?: true }[];
  /** Left out when there is none, so such a manifest is byte for byte what earlier builds write. */
  tokens?: { version: number; records: CheckpointToken[] };
}

const writers = new WeakMap<FileSystem, Map<string, SnapshotWriter>>();

function writerFor(fs: FileSystem, dir: string): SnapshotWriter {
  let byDir = writers.get(fs);
  if (!byDir) writers.set(fs, (byDir = new Map()));
  const key = path.resolve(dir);
  let writer = byDir.get(key);
  if (!writer) byDir.set(key, (writer = new SnapshotWriter()));
  return writer;
}

async function writeCheckpointNow(fs: FileSystem, dir: string, lsn: number, from: CheckpointPosition, tables: TableSnapshot[], options: SnapshotOptions, tokens: CheckpointToken[]): Promise<void> {
  // A run number, not the lsn, names the files: two checkpoints of one lsn (nothing written
  // between them) must not overwrite the files the current manifest names.
  const run = nextRun(fs, dir);
  const entries: Manifest['tables'] = [];
  for (let i = 0; i < tables.length; i++) {
    const name = `checkpoint-${String(run).padStart(12, '0')}-${i}.tsnap`;
    const { retired, ...table } = tables[i];
    await writeTableSnapshot(fs, path.join(dir, name), { ...table, lsn }, options);
    entries.push(retired ? { file: name, items: table.keys.length, retired: true } : { file: name, items: table.keys.length });
  }
  const version = entries.some((e) => e.retired) ? MANIFEST_RETIRED_VERSION : SNAPSHOT_FORMAT_VERSION;
  const manifest: Manifest = { version, lsn, from, tables: entries };
  if (tokens.length > 0) manifest.tokens = { version: TOKENS_FORMAT_VERSION, records: tokens };
  writeManifest(fs, dir, manifest);
  // Only now is the old checkpoint no longer needed. A removal a crash undoes is redone next time.
  const keep = new Set(entries.map((e) => e.file));
  for (const name of fs.list(dir)) {
    if ((SNAPSHOT_FILE.test(name) && !keep.has(name)) || (name.startsWith('checkpoint-') && name.includes('.tsnap.tmp-')) || name.startsWith(`${MANIFEST_FILE}.tmp-`)) fs.remove(path.join(dir, name));
  }
}

/** One more than the highest run number of any snapshot file in the folder. */
function nextRun(fs: FileSystem, dir: string): number {
  let highest = 0;
  for (const name of fs.list(dir)) {
    const m = SNAPSHOT_FILE.exec(name);
    if (m) highest = Math.max(highest, Number(m[1]));
  }
  return highest + 1;
}

function writeManifest(fs: FileSystem, dir: string, manifest: Manifest): void {
  writeSealedJson(fs, path.join(dir, MANIFEST_FILE), MANIFEST_MAGIC, manifest);
}

function readManifest(fs: FileSystem, dir: string): Manifest | undefined {
  const file = path.join(dir, MANIFEST_FILE);
  if (!fs.exists(file)) return undefined;
  const manifest = readSealedJson(fs, file, MANIFEST_MAGIC, 'a checkpoint manifest') as Manifest;
  if (manifest.version !== SNAPSHOT_FORMAT_VERSION && manifest.version !== MANIFEST_RETIRED_VERSION) {
    throw new CorruptSnapshotError(file, 16, `format version ${manifest.version} is not one this build reads`);
  }
  return manifest;
}

/**
 * Replaces `file` with `value` as sealed JSON, atomically and durably (temp file, sync, rename,
 * folder sync): `magic` (8 bytes) | u32 crc32 of the JSON | u32 JSON length | the JSON (UTF-8).
 * Small files only (the checkpoint manifest, the backup catalog): written in one piece.
 */
export function writeSealedJson(fs: FileSystem, file: string, magic: Buffer, value: unknown): void {
  const json = Buffer.from(JSON.stringify(value), 'utf8');
  const header = Buffer.alloc(16);
  magic.copy(header, 0);
  header.writeUInt32LE(crc32(json), 8);
  header.writeUInt32LE(json.length, 12);
  const tmp = `${file}.tmp-${process.pid}-${++tempCounter}`;
  const handle = fs.open(tmp, { create: true, truncate: true });
  try {
    handle.write(Buffer.concat([header, json]), 0);
    handle.sync();
  } finally {
    handle.close();
  }
  fs.rename(tmp, file);
  fs.syncDir(path.dirname(file));
}

/** The value `writeSealedJson` wrote; `CorruptSnapshotError` if the file is not `what` (wrong magic) or fails its checks. */
export function readSealedJson(fs: FileSystem, file: string, magic: Buffer, what: string): unknown {
  const handle = fs.open(file, { readOnly: true });
  try {
    const size = handle.size();
    const header = Buffer.alloc(16);
    if (handle.read(header, 0, 16, 0) < 16 || !header.subarray(0, 8).equals(magic)) throw new CorruptSnapshotError(file, 0, `it is not ${what}`);
    const length = header.readUInt32LE(12);
    if (16 + length !== size) throw new CorruptSnapshotError(file, 12, `it says ${length} bytes of JSON, the file holds ${size - 16}`);
    const json = Buffer.alloc(length);
    if (handle.read(json, 0, length, 16) < length) throw new CorruptSnapshotError(file, 16, 'it is truncated');
    if (crc32(json) !== header.readUInt32LE(8)) throw new CorruptSnapshotError(file, 8, 'the checksum does not match');
    return JSON.parse(json.toString('utf8'));
  } finally {
    handle.close();
  }
}

declare global {
  interface Buffer {
    latin1Write(s: string, offset?: number, length?: number): number;
    ucs2Write(s: string, offset?: number, length?: number): number;
    ucs2Slice(start?: number, end?: number): string;
  }
}
