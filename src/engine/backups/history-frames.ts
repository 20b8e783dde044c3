// Reading the log's history for a point-in-time restore: a frame decoder that records, straight
// from the frame's bytes, what a restore needs of each change of one table, and builds no record
// object. The value of a key at T is the old image of its first change after T, so of a put or
// delete of the table it makes the key's string and, only for a key not seen yet, the old image;
// later changes of a key and every change of other tables are skipped as bytes (table ids are
// compared as bytes). decodeRecord, for comparison, made a record, the table id, key and old image
// of every mutation; that was most of a restore's time.
//
// Invariants:
// - `changed` ends as changeSteps (pitr.ts) would make it from decodeRecord's records: per key, the
//   old image of its first put or delete after `time` (undefined: it did not exist then).
// - A frame it does not consume (a table-level change of this table: createTable, updateTable,
//   deleteTable, loadTable; a kind it does not know; bytes left over) comes back as decodeRecord's
//   LogRecord, with nothing of it put in `changed`, for the caller to read as before; a frame at or
//   before `time` and a frame consumed whole come back as undefined. The log's format is not
//   changed (see log/records.ts and FORMAT.md for the layout read here).
import type { FrameDecoder, LogRecord } from '../log';
import { decodeRecord } from '../log/records';

// The payload's layout (log/records.ts): f64 lsn | f64 time | u8 flags | [token] | varint count |
// (u8 kind, text tableId, ...)*.
const PUT = 4;
const DELETE = 5;
const HAS_TOKEN = 4;

/** Thrown inside the decoder when the frame is for decodeRecord (caught there, never escapes). */
const FALL_BACK = Symbol('fall back to decodeRecord');

/** A frame decoder that fills `changed` with the changes of table `tableId` after `time`; see the file header. */
export function historyFrameDecoder(tableId: string, time: number, changed: Map<string, string | undefined>): FrameDecoder<LogRecord | undefined> {
  const wanted = Buffer.from(tableId, 'utf8');
  const wantedLength = wanted.length;
  let pos = 0;
  let limit = 0;
  let buf: Buffer;
  /** Keys this frame added to `changed`: taken back out if the frame goes to decodeRecord. */
  const added: string[] = [];

  const varint = (): number => {
    let c = buf[pos++];
    if (c < 128) return c;
    let n = c & 127;
    let scale = 128;
    for (;;) {
      if (pos >= limit) throw FALL_BACK;
      c = buf[pos++];
      n += (c & 127) * scale;
      if (c < 128) return n;
      scale *= 128;
    }
  };
  const skipText = (): void => {
    const v = varint();
    pos += v % 2 === 1 ? v - 1 : v / 2;
  };
  /** A text as readText makes it: UTF-8, or UTF-16 code units for text that is not well-formed. */
  const text = (): string => {
    const v = varint();
    const start = pos;
    if (v % 2 === 1) {
      pos += v - 1;
      if (pos > limit) throw FALL_BACK;
      return buf.toString('utf16le', start, pos);
    }
    pos += v / 2;
    if (pos > limit) throw FALL_BACK;
    return buf.utf8Slice(start, pos);
  };
  /** Whether the table id at `pos` is the wanted table's (and moves past it). */
  const isWanted = (): boolean => {
    const v = varint();
    if (v % 2 === 1) {
      pos += v - 1;
      // An id written as UTF-16 is never a table's (ids are ASCII); decodeRecord judges such a frame.
      throw FALL_BACK;
    }
    const length = v / 2;
    const start = pos;
    pos += length;
    if (length !== wantedLength) return false;
    for (let i = 0; i < length; i++) if (buf[start + i] !== wanted[i]) return false;
    return true;
  };
  const skipDictionary = (): void => {
    if (buf[pos] === 0 && buf[pos + 1] === 0) {
      pos += 2;
      return;
    }
    for (let n = varint(); n > 0; n--) {
      varint();
      skipText();
    }
    for (let n = varint(); n > 0; n--) {
      varint();
      for (let k = varint(); k > 0; k--) varint();
    }
  };
  /** Records the change of `key` unless an earlier change after `time` already did: then its old image is skipped, not made. */
  const change = (key: string, hasOld: boolean): void => {
    if (changed.has(key)) {
      if (hasOld) skipText();
      return;
    }
    changed.set(key, hasOld ? text() : undefined);
    added.push(key);
  };

  const consume = (frame: Buffer, start: number, end: number): undefined => {
    buf = frame;
    pos = start + 17;
    limit = end;
    if (buf[start + 16] & HAS_TOKEN) skipText();
    const count = varint();
    for (let i = 0; i < count; i++) {
      const kind = buf[pos++];
      if (kind === PUT) {
        if (!isWanted()) {
          skipText();
          skipText();
          if (buf[pos++] === 1) skipText();
        } else {
          const key = text();
          skipText();
          change(key, buf[pos++] === 1);
        }
        skipDictionary();
      } else if (kind === DELETE) {
        if (!isWanted()) {
          skipText();
          skipText();
        } else change(text(), true);
      } else throw FALL_BACK;
    }
    if (pos !== end) throw FALL_BACK;
    added.length = 0;
    return undefined;
  };

  return (frame, start, end) => {
    if (frame.readDoubleLE(start + 8) <= time) return undefined;
    try {
      return consume(frame, start, end);
    } catch (e) {
      if (e !== FALL_BACK) throw e;
      for (const key of added) changed.delete(key);
      added.length = 0;
      return decodeRecord(frame, start, end, false);
    }
  };
}
