// Reading log records for one stream: a frame decoder that makes only what a stream of one table
// shows. decodeRecord makes a string of every text in a record (the table id, key, new and old
// images of every mutation, and the JSON of table changes, parsed); reading a stream back, that
// was about a tenth of GetRecords' time. This decoder compares table ids as bytes, skips the
// mutations of other tables and of table changes, and of a put or delete of the table keeps only
// where its images lie in the frame (their strings are made if asked for; its key is counted, not
// decoded: records.ts takes Keys from the images).
//
// Invariants:
// - For the mutations it keeps, it yields what decodeRecord would (same kind, images and index in
//   the record); the others are `undefined` at their index, so sequence numbers do not move.
// - It never decides a record is bad: a kind it does not know (a newer log's), a text written as
//   UTF-16 (ill-formed), or bytes left over, and the frame goes to decodeRecord, which decodes it
//   or throws as it always has. The log's format is not changed; see log/records.ts and FORMAT.md
//   for the layout read here.
import type { FrameDecoder, LogRecord, Origin } from '../log';
import { FALL_BACK, FrameBytes } from '../log/frame-bytes';
import { decodeRecord } from '../log/records';

/**
 * A put of the stream's table, as read for Streams: its images, and its key's UTF-16 length.
 * The images stay as UTF-8 bytes in the frame (`bytes`, from `itemAt` to `itemEnd`, and `oldAt`
 * to `oldEnd`, -1 for none) until a string is asked for: the endpoint writes their JSON from the
 * bytes (records.ts recordBytes), and decoding them was a fifth of a drain's time.
 */
export class LoggedPut {
  readonly kind = 'put' as const;
  private itemText: string | undefined;
  private oldText: string | undefined;

  constructor(
    readonly tableId: string,
    readonly keyUnits: number,
    readonly bytes: Buffer,
    readonly itemAt: number,
    readonly itemEnd: number,
    readonly oldAt: number,
    readonly oldEnd: number,
  ) {}

  get item(): string {
    return (this.itemText ??= this.bytes.utf8Slice(this.itemAt, this.itemEnd));
  }

  get old(): string | undefined {
    return this.oldAt < 0 ? undefined : (this.oldText ??= this.bytes.utf8Slice(this.oldAt, this.oldEnd));
  }
}

/** A delete of the stream's table, as LoggedPut keeps it: the old image's bytes. */
export class LoggedDelete {
  readonly kind = 'delete' as const;
  private oldText: string | undefined;

  constructor(
    readonly tableId: string,
    readonly keyUnits: number,
    readonly bytes: Buffer,
    readonly oldAt: number,
    readonly oldEnd: number,
  ) {}

  get old(): string {
    return (this.oldText ??= this.bytes.utf8Slice(this.oldAt, this.oldEnd));
  }
}

export type LoggedChange = LoggedPut | LoggedDelete;

/** A log record as a stream reads it: mutations of other tables, and table changes, left out (undefined). */
export interface StreamFrame {
  lsn: number;
  time: number;
  origin?: Origin;
  mutations: Array<LoggedChange | undefined>;
}

// The payload's layout (log/records.ts): f64 lsn | f64 time | u8 flags | [token] | varint count |
// (u8 kind, text tableId, ...)*. The kinds this decoder reads; any other goes to decodeRecord.
const CREATE_TABLE = 1;
const UPDATE_TABLE = 2;
const DELETE_TABLE = 3;
const PUT = 4;
const DELETE = 5;
const HAS_TOKEN = 4;
const ORIGINS: Array<Origin | undefined> = [undefined, 'ttl', 'restore', undefined];

/** A frame decoder for the stream of the table `tableId`; see the file header. */
export function streamFrameDecoder(tableId: string): FrameDecoder<StreamFrame | LogRecord> {
  const wanted = Buffer.from(tableId, 'utf8');
  const r = new FrameBytes();
  /** Moves past a UTF-8 text and returns where it starts (it ends at `r.pos`). */
  const text = (): number => {
    const v = r.varint();
    // UTF-16 text (a lone surrogate) is rare enough to leave to decodeRecord.
    if (v % 2 === 1) throw FALL_BACK;
    const start = r.pos;
    r.pos += v / 2;
    return start;
  };

  const decodeFrame = (frame: Buffer, start: number, end: number): StreamFrame => {
    r.at(frame, start, end);
    const lsn = frame.readDoubleLE(start);
    const time = frame.readDoubleLE(start + 8);
    const flags = frame[start + 16];
    r.pos += 17;
    const record: StreamFrame = { lsn, time, mutations: [] };
    const origin = ORIGINS[flags & 3];
    if (origin !== undefined) record.origin = origin;
    if (flags & HAS_TOKEN) r.skipText();
    const count = r.varint();
    const mutations = record.mutations;
    for (let i = 0; i < count; i++) {
      const kind = frame[r.pos++];
      if (kind === PUT) {
        if (!r.isTable(wanted)) {
          r.skipPut();
          mutations.push(undefined);
          continue;
        }
        const keyUnits = r.skipText(true);
        const itemAt = text();
        const itemEnd = r.pos;
        let oldAt = -1;
        let oldEnd = -1;
        if (frame[r.pos++] === 1) {
          oldAt = text();
          oldEnd = r.pos;
        }
        r.skipDictionary();
        mutations.push(new LoggedPut(tableId, keyUnits, frame, itemAt, itemEnd, oldAt, oldEnd));
      } else if (kind === DELETE) {
        if (!r.isTable(wanted)) {
          r.skipDelete();
          mutations.push(undefined);
          continue;
        }
        const keyUnits = r.skipText(true);
        const oldAt = text();
        mutations.push(new LoggedDelete(tableId, keyUnits, frame, oldAt, r.pos));
      } else if (kind === CREATE_TABLE || kind === UPDATE_TABLE) {
        r.skipText();
        r.skipText();
        mutations.push(undefined);
      } else if (kind === DELETE_TABLE) {
        r.skipText();
        mutations.push(undefined);
      } else throw FALL_BACK;
    }
    if (r.pos !== end) throw FALL_BACK;
    return record;
  };

  return (frame, start, end) => {
    try {
      return decodeFrame(frame, start, end);
    } catch (e) {
      if (e !== FALL_BACK) throw e;
      return decodeRecord(frame, start, end);
    }
  };
}

