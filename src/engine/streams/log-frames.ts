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

/** Thrown inside the decoder when the frame is for decodeRecord (caught there, never escapes). */
const FALL_BACK = Symbol('fall back to decodeRecord');

/** A frame decoder for the stream of the table `tableId`; see the file header. */
export function streamFrameDecoder(tableId: string): FrameDecoder<StreamFrame | LogRecord> {
  const wanted = Buffer.from(tableId, 'utf8');
  const wantedLength = wanted.length;
  let pos = 0;
  let limit = 0;
  let buf: Buffer;

  const varint = (): number => {
    let c = buf[pos++];
    if (c < 128) return c;
    let n = c & 127;
    let scale = 128;
    for (;;) {
      // A varint running off the payload: a frame only decodeRecord can judge.
      if (pos >= limit) throw FALL_BACK;
      c = buf[pos++];
      n += (c & 127) * scale;
      if (c < 128) return n;
      scale *= 128;
    }
  };
  /** Skips a text; its UTF-16 length when `units` (a key's). */
  const skipText = (units: boolean): number => {
    const v = varint();
    if (v % 2 === 1) {
      pos += v - 1;
      return (v - 1) / 2;
    }
    const end = pos + v / 2;
    let n = 0;
    if (units) {
      // Every UTF-8 sequence is one unit but a four-byte one (a surrogate pair), which is two.
      for (let p = pos; p < end; p++) {
        const b = buf[p];
        if ((b & 0xc0) !== 0x80) n += b >= 0xf0 ? 2 : 1;
      }
    }
    pos = end;
    return n;
  };
  /** Moves past a UTF-8 text and returns where it starts (it ends at `pos`). */
  const text = (): number => {
    const v = varint();
    // UTF-16 text (a lone surrogate) is rare enough to leave to decodeRecord.
    if (v % 2 === 1) throw FALL_BACK;
    const start = pos;
    pos += v / 2;
    return start;
  };
  /** Whether the table id at `pos` is the stream's table (and moves past it). */
  const isWanted = (): boolean => {
    const v = varint();
    if (v % 2 === 1) throw FALL_BACK;
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
      skipText(false);
    }
    for (let n = varint(); n > 0; n--) {
      varint();
      for (let k = varint(); k > 0; k--) varint();
    }
  };

  const decodeFrame = (frame: Buffer, start: number, end: number): StreamFrame => {
    buf = frame;
    pos = start;
    limit = end;
    const lsn = buf.readDoubleLE(pos);
    const time = buf.readDoubleLE(pos + 8);
    const flags = buf[pos + 16];
    pos += 17;
    const record: StreamFrame = { lsn, time, mutations: [] };
    const origin = ORIGINS[flags & 3];
    if (origin !== undefined) record.origin = origin;
    if (flags & HAS_TOKEN) skipText(false);
    const count = varint();
    const mutations = record.mutations;
    for (let i = 0; i < count; i++) {
      const kind = buf[pos++];
      if (kind === PUT) {
        if (!isWanted()) {
          skipText(false);
          skipText(false);
          if (buf[pos++] === 1) skipText(false);
          skipDictionary();
          mutations.push(undefined);
          continue;
        }
        const keyUnits = skipText(true);
        const itemAt = text();
        const itemEnd = pos;
        let oldAt = -1;
        let oldEnd = -1;
        if (buf[pos++] === 1) {
          oldAt = text();
          oldEnd = pos;
        }
        skipDictionary();
        mutations.push(new LoggedPut(tableId, keyUnits, buf, itemAt, itemEnd, oldAt, oldEnd));
      } else if (kind === DELETE) {
        if (!isWanted()) {
          skipText(false);
          skipText(false);
          mutations.push(undefined);
          continue;
        }
        const keyUnits = skipText(true);
        const oldAt = text();
        mutations.push(new LoggedDelete(tableId, keyUnits, buf, oldAt, pos));
      } else if (kind === CREATE_TABLE || kind === UPDATE_TABLE) {
        skipText(false);
        skipText(false);
        mutations.push(undefined);
      } else if (kind === DELETE_TABLE) {
        skipText(false);
        mutations.push(undefined);
      } else throw FALL_BACK;
    }
    if (pos !== end) throw FALL_BACK;
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

