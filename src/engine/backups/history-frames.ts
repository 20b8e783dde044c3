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
import { FALL_BACK, FrameBytes } from '../log/frame-bytes';
import { decodeRecord } from '../log/records';

// The payload's layout (log/records.ts): f64 lsn | f64 time | u8 flags | [token] | varint count |
// (u8 kind, text tableId, ...)*.
const PUT = 4;
const DELETE = 5;
const HAS_TOKEN = 4;

/**
 * Where a history reader puts each key's value then: a Map, or anything that answers as one (a
 * restore's `PositionedChanges`, pitr.ts, which writes straight into the table's arrays).
 */
export interface ChangeSink {
  has(key: string): boolean;
  set(key: string, then: string | undefined): unknown;
  delete(key: string): unknown;
}

/** A frame decoder that fills `changed` with the changes of table `tableId` after `time`; see the file header. */
export function historyFrameDecoder(tableId: string, time: number, changed: ChangeSink): FrameDecoder<LogRecord | undefined> {
  const wanted = Buffer.from(tableId, 'utf8');
  const r = new FrameBytes();
  /** Keys this frame added to `changed`: taken back out if the frame goes to decodeRecord. */
  const added: string[] = [];

  /** A text as readText makes it: UTF-8, or UTF-16 code units for text that is not well-formed. */
  const text = (): string => {
    const v = r.varint();
    const start = r.pos;
    const utf16 = v % 2 === 1;
    const end = (r.pos += utf16 ? v - 1 : v / 2);
    if (end > r.limit) throw FALL_BACK;
    return utf16 ? r.buf.toString('utf16le', start, end) : r.buf.utf8Slice(start, end);
  };
  /** Records the change of `key` unless an earlier change after `time` already did: then its old image is skipped, not made. */
  const change = (key: string, hasOld: boolean): void => {
    if (changed.has(key)) {
      if (hasOld) r.skipText();
      return;
    }
    changed.set(key, hasOld ? text() : undefined);
    added.push(key);
  };

  const consume = (frame: Buffer, start: number, end: number): undefined => {
    r.at(frame, start + 17, end);
    if (frame[start + 16] & HAS_TOKEN) r.skipText();
    const count = r.varint();
    for (let i = 0; i < count; i++) {
      const kind = frame[r.pos++];
      if (kind === PUT) {
        if (!r.isTable(wanted)) r.skipPut();
        else {
          const key = text();
          r.skipText();
          change(key, frame[r.pos++] === 1);
          r.skipDictionary();
        }
      } else if (kind === DELETE) {
        if (!r.isTable(wanted)) r.skipDelete();
        else change(text(), true);
      } else throw FALL_BACK;
    }
    if (r.pos !== end) throw FALL_BACK;
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
