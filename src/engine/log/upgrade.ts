// Reading data folders of the format before the versioned log (format 0: headerless `wal-*.log`
// segments framed `u32 length | u32 crc32(payload)`, UTF-8 strings, no flags, and one
// `checkpoint.bin` with magic DWCKPT04), so that opening can upgrade them: the log store reads
// them here, writes their state as a new checkpoint and a fresh log, and removes these files only
// once the new ones are durable. Nothing here writes or deletes; a damaged old log is refused,
// not cut (repair it with the build that wrote it).
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import type { DictionaryAdditions } from '../codec/item-codec';
import { BinaryReader } from '../storage/binary';
import { readBytes, type FileSystem } from './file-system';
import { LEGACY_SEGMENT_FILE, LogCorruptionError, LogFormatError, numberedFiles } from './format';
import type { LogRecord, Mutation } from './records';
import type { TableSnapshot } from './snapshot';

export const LEGACY_CHECKPOINT = 'checkpoint.bin';
const LEGACY_MAGIC = 'DWCKPT04';

const legacySegments = (fs: FileSystem, dir: string): number[] => numberedFiles(fs, dir, LEGACY_SEGMENT_FILE);

const legacyName = (n: number): string => `wal-${String(n).padStart(12, '0')}.log`;

/** `repair` reads only the new format: a damaged old log is the old build's to deal with. */
const LEGACY_ADVICE = 'The folder was not upgraded: open it with the build that wrote it (fde3f25 or earlier) or restore a backup; `dynamo-workspace repair` does not read the old format.';

/** Files of the old format in the folder (an upgrade not yet done, or one whose clean-up a crash cut short). */
export function legacyFiles(fs: FileSystem, dir: string): string[] {
  return fs.list(dir).filter((f) => f === LEGACY_CHECKPOINT || LEGACY_SEGMENT_FILE.test(f) || /^wal-\d{12}\.log\.tmp$/.test(f) || f === `${LEGACY_CHECKPOINT}.tmp`);
}

function readDictionary(r: BinaryReader): DictionaryAdditions {
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

function readStrings(r: BinaryReader, count: number): string[] {
  const wide = r.u8() === 1;
  const lengths = new Array<number>(count);
  for (let i = 0; i < count; i++) lengths[i] = r.varint();
  const total = r.varint();
  const out = new Array<string>(count);
  let at = r.pos;
  for (let i = 0; i < count; i++) {
    const bytes = wide ? lengths[i] * 2 : lengths[i];
    out[i] = r.buf.toString(wide ? 'utf16le' : 'latin1', at, at + bytes);
    at += bytes;
  }
  r.pos += wide ? total * 2 : total;
  return out;
}

export interface LegacyCheckpoint {
  lsn: number;
  from: { segment: number; offset: number };
  tables: TableSnapshot[];
}

/** The old checkpoint, if any. A checkpoint of another old or newer version is refused by name. */
export function readLegacyCheckpoint(fs: FileSystem, dir: string): LegacyCheckpoint | undefined {
  const file = path.join(dir, LEGACY_CHECKPOINT);
  if (!fs.exists(file)) return undefined;
  const buf = readBytes(fs, file);
  const magic = buf.toString('latin1', 0, 8);
  if (magic !== LEGACY_MAGIC) {
    throw new LogFormatError(
      /^DWCKPT\d\d$/.test(magic)
        ? `${file} is a checkpoint of format ${magic.slice(6)}, which this build cannot read (it reads format 04 to upgrade it). Open the folder with the Dynamo Workspace that wrote it.`
        : `${file} is not a Dynamo Workspace checkpoint`,
    );
  }
  const body = buf.subarray(16);
  if (buf.length < 16 || crc32(body) !== buf.readUInt32LE(8)) throw new LogCorruptionError(file, 0, 0, 'the old checkpoint fails its checksum');
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

function decodeLegacyRecord(buf: Buffer, start: number, end: number): LogRecord {
  const r = new BinaryReader(buf, start, end);
  const lsn = r.f64();
  const time = r.f64();
  const mutations: Mutation[] = [];
  for (let count = r.varint(); count > 0; count--) {
    const kind = r.u8();
    const tableId = r.string();
    switch (kind) {
      case 1:
        mutations.push({ kind: 'createTable', tableId, meta: r.json() });
        break;
      case 2:
        mutations.push({ kind: 'updateTable', tableId, meta: r.json() });
        break;
      case 3:
        mutations.push({ kind: 'deleteTable', tableId });
        break;
      case 4: {
        const key = r.string();
        const item = r.string();
        const old = r.u8() === 1 ? r.string() : undefined;
        const added = readDictionary(r);
        mutations.push({ kind: 'put', tableId, key, item, old, added: added.names.length || added.shapes.length ? added : undefined });
        break;
      }
      case 5:
        mutations.push({ kind: 'delete', tableId, key: r.string(), old: r.string() });
        break;
      default:
        throw new Error(`unknown mutation kind ${kind}`);
    }
  }
  return { lsn, time, mutations };
}

/**
 * Replays the old log's records after `from`. The old reader stopped at the first torn frame or
 * break in the lsn sequence, which in that format is how a crash's tail looks; that is accepted
 * only where nothing the log still holds is lost by it: at the end of the last segment holding
 * records, or where the next segment goes on with the very next lsn. Otherwise (a later segment
 * goes on with any other lsn) the stop was damage, and the upgrade is refused with
 * LogCorruptionError, nothing changed, rather than dropping those records and then deleting the
 * old files. Returns the last lsn and time read.
 */
export function readLegacyLog(
  fs: FileSystem,
  dir: string,
  from: { segment: number; offset: number; lsn: number },
  onRecord: (r: LogRecord) => void,
): { lsn: number; time: number } {
  let lastLsn = -1;
  let last = { lsn: from.lsn, time: 0 };
  let stopped: { segment: number; offset: number; reason: string } | undefined;
  for (const n of legacySegments(fs, dir).filter((s) => s >= from.segment)) {
    const start = n === from.segment ? from.offset : 0;
    const buf = readBytes(fs, path.join(dir, legacyName(n)));
    let pos = start;
    while (pos + 8 <= buf.length) {
      const len = buf.readUInt32LE(pos);
      if (len === 0) break;
      if (pos + 8 + len > buf.length || crc32(buf.subarray(pos + 8, pos + 8 + len)) !== buf.readUInt32LE(pos + 4)) {
        stopped ??= { segment: n, offset: pos, reason: 'a frame fails its CRC' };
        break;
      }
      const lsn = buf.readDoubleLE(pos + 8);
      // A stop followed by the very next lsn at the start of a later segment dropped nothing (leftovers
      // of a crashed batch past the point where the old writer moved on); any other good record
      // after a stop means it was damage in the middle of the old log, not its tail.
      if (stopped !== undefined && pos === start && lsn === lastLsn + 1) stopped = undefined;
      if (stopped !== undefined) {
        throw new LogCorruptionError(path.join(dir, legacyName(stopped.segment)), stopped.segment, stopped.offset, `${stopped.reason}, but segment ${n} goes on with lsn ${lsn} (the upgrade would drop what lies between)`, LEGACY_ADVICE);
      }
      if (lastLsn >= 0 && lsn !== lastLsn + 1) {
        // A segment that does not continue the one before: the records in between are missing.
        if (pos === start) throw new LogCorruptionError(path.join(dir, legacyName(n)), n, pos, `the old log jumps from lsn ${lastLsn} to ${lsn}`, LEGACY_ADVICE);
        stopped = { segment: n, offset: pos, reason: `lsn ${lsn} where ${lastLsn + 1} was expected` };
        break;
      }
      lastLsn = lsn;
      if (lsn > from.lsn) {
        const record = decodeLegacyRecord(buf, pos + 8, pos + 8 + len);
        onRecord(record);
        last = { lsn, time: record.time };
      }
      pos += 8 + len;
    }
  }
  return last;
}

export function removeLegacyFiles(fs: FileSystem, dir: string): void {
  for (const f of legacyFiles(fs, dir)) fs.remove(path.join(dir, f));
  fs.syncDir(dir);
}
