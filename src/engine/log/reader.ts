// Reading the log: one segment's frames (checked against the header and the running CRC), and a
// reader that returns the records of a range of lsns or times one by one across segments.
// Invariant: reading never changes or deletes anything; what to do about a bad frame is the
// caller's decision (recovery accepts one only as the last segment's torn tail).
import * as path from 'node:path';
import { readBytes, type FileSystem } from './file-system';
import { FRAME_HEADER, HEADER_BYTES, LogCorruptionError, decodeHeader, frameCrc, segmentName, type LogPosition, type SegmentHeader } from './format';
import { decodeRecord, type LogRecord } from './records';
import type { TimeIndex } from './time-index';

// Module-level copies of imported bindings used once per frame: run from source (tsx's CommonJS
// output, as the tests and the bench run) every read of an imported binding calls a getter, which
// took about a tenth of the time to read a stream's records back.
const FRAME = FRAME_HEADER;
const chainCrc = frameCrc;
const decode = decodeRecord;

/**
 * buf.readUInt32LE(pos) for a position known to be inside buf: read twice per frame, and Buffer's
 * own (with its bounds check) was a tenth of the time to scan a segment.
 */
function u32(buf: Buffer, pos: number): number {
  return (buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16)) + buf[pos + 3] * 0x1000000;
}

/** What scanning a segment found. */
export interface SegmentScan {
  header: SegmentHeader;
  /** Offset after the last good frame, the running CRC there, and that frame's lsn and time. */
  end: number;
  crc: number;
  lastLsn: number;
  lastTime: number;
  /** The first frame that is not good, if the scan did not end at a zero length or at `limit`. */
  bad?: { offset: number; reason: string };
  /** The file's size. */
  size: number;
}

/** The segment's header, or undefined when it is not wholly there (its creation was cut short). */
export function readHeader(fs: FileSystem, dir: string, segment: number): SegmentHeader | undefined {
  const file = path.join(dir, segmentName(segment));
  return decodeHeader(readBytes(fs, file, 0, HEADER_BYTES), file);
}

/**
 * Memory a reader reuses for segment after segment (see readWritten): what a frame callback was
 * given is overwritten by the next scan with the same scratch, so a reader passes one only when
 * it is done with a segment's bytes before it scans the next.
 */
export interface Scratch {
  buf?: Buffer;
}

/** The first read of a segment's frames; each further read of the same segment doubles. */
const FIRST_READ_BYTES = 1 << 20;

/**
 * The written part of a segment from `start`: read in growing chunks until a zero frame length
 * (or `limit`), so opening does not read the unused zeros at the end of a segment. With
 * `maxBytes`, it stops after the first whole frames that reach that many bytes (a reader that
 * goes on later from where they end). The buffer is allocated once at the most that can be read
 * (unzeroed: pages never read into cost nothing), so a large segment is not copied as it grows;
 * it grows only for a frame longer than `maxBytes`.
 */
function readWritten(fs: FileSystem, file: string, start: number, limit: number | undefined, maxBytes = Infinity, scratch?: Scratch): { buf: Buffer; size: number } {
  const h = fs.open(file, { readOnly: true });
  try {
    const size = h.size();
    const available = Math.max(0, (limit ?? size) - start);
    const want = Math.min(available, maxBytes + FRAME);
    // A reader going through many segments reads each into the same memory: a fresh 64 MiB per
    // segment counted against the heap's external memory and set off full garbage collections.
    let buf = scratch === undefined ? Buffer.allocUnsafe(want) : scratch.buf !== undefined && scratch.buf.length >= want ? scratch.buf.subarray(0, want) : (scratch.buf = Buffer.allocUnsafe(want));
    let filled = 0;
    let pos = 0;
    let chunk = FIRST_READ_BYTES;
    for (;;) {
      if (filled === buf.length) {
        // Enough whole frames: the rest is for a later read (the caller goes on from `pos`).
        if (pos > 0 && filled >= maxBytes) return { buf: buf.subarray(0, pos), size };
        if (filled >= available) break;
        const next = Buffer.allocUnsafe(Math.min(available, buf.length * 2));
        buf.copy(next, 0, 0, filled);
        buf = next;
      }
      const n = h.read(buf, filled, Math.min(buf.length - filled, chunk), start + filled);
      if (n === 0) break;
      filled += n;
      chunk *= 2;
      while (pos + FRAME <= filled) {
        const len = u32(buf, pos);
        if (len === 0) return { buf: buf.subarray(0, filled), size };
        if (pos + FRAME + len > filled) break;
        pos += FRAME + len;
        if (pos >= maxBytes) return { buf: buf.subarray(0, pos), size };
      }
    }
    return { buf: buf.subarray(0, filled), size };
  } finally {
    h.close();
  }
}

/**
 * Scans a segment's frames from `from` (default: just after the header), calling `onFrame` with
 * each good one, and stops at a zero length, at `limit` (where the next segment says this one
 * ends), or at the first frame whose length, CRC, lsn or payload is wrong.
 */
export function scanSegment(
  fs: FileSystem,
  dir: string,
  header: SegmentHeader,
  onFrame: (buf: Buffer, start: number, end: number, lsn: number, offset: number) => void,
  from?: { offset: number; crc: number; lsn: number },
  limit?: number,
  maxBytes?: number,
  scratch?: Scratch,
): SegmentScan {
  const file = path.join(dir, segmentName(header.segment));
  const start = from?.offset ?? HEADER_BYTES;
  const { buf, size } = readWritten(fs, file, start, limit, maxBytes, scratch);
  let crc = from?.crc ?? header.crc;
  let expected = from ? from.lsn + 1 : header.firstLsn;
  let lastLsn = from ? from.lsn : header.prevLastLsn;
  let lastTime = header.firstTime;
  let pos = 0;
  let bad: SegmentScan['bad'];
  const end = limit === undefined ? buf.length : Math.min(buf.length, limit - start);
  while (pos < end) {
    if (pos + FRAME > buf.length) {
      bad = { offset: start + pos, reason: 'a frame header is cut short' };
      break;
    }
    const len = u32(buf, pos);
    if (len === 0) break;
    const payload = pos + FRAME;
    if (payload + len > buf.length || len < 17) {
      bad = { offset: start + pos, reason: `a frame of ${len} bytes does not fit` };
      break;
    }
    const next = chainCrc(buf.subarray(payload, payload + len), crc);
    if (next !== u32(buf, pos + 4)) {
      bad = { offset: start + pos, reason: 'a frame fails its running CRC' };
      break;
    }
    const lsn = buf.readDoubleLE(payload);
    if (lsn !== expected) {
      bad = { offset: start + pos, reason: `lsn ${lsn} where ${expected} was expected` };
      break;
    }
    onFrame(buf, payload, payload + len, lsn, start + pos);
    crc = next;
    lastLsn = lsn;
    lastTime = buf.readDoubleLE(payload + 8);
    expected = lsn + 1;
    pos = payload + len;
  }
  return { header, end: start + pos, crc, lastLsn, lastTime, bad, size };
}

/** A range of the log: from an lsn or a time (inclusive), up to an lsn (inclusive). */
export interface LogRange {
  fromLsn?: number;
  fromTime?: number;
  toLsn?: number;
  /** False: puts' new images are not decoded (their `item` is ''); see decodeRecord. Default true. */
  newImages?: boolean;
}

/**
 * The records of `range`, in lsn order, read segment by segment as they are iterated. A segment
 * that retention removes while a reader is on it is already in memory; a reader that should keep
 * history from going registers with `LogStore.retain` first. `decodeFrame` makes each record
 * (default: decodeRecord, with the range's `newImages`; a restore decodes only what it needs).
 */
export function* readRange<T = LogRecord>(fs: FileSystem, dir: string, index: TimeIndex, range: LogRange, decodeFrame?: FrameDecoder<T>): Generator<T> {
  const fromLsn = range.fromLsn ?? -Infinity;
  const fromTime = range.fromTime ?? -Infinity;
  const toLsn = range.toLsn ?? Infinity;
  // Every frame of a segment is decoded (into strings that copy what they need) before the next is read.
  const scratch: Scratch = {};
  for (const span of index.spansFrom(fromLsn, fromTime)) {
    if (span.firstLsn > toLsn) return;
    const header = readHeader(fs, dir, span.segment);
    // A reader that stopped here would hand a consumer (Streams, a restore) a history with a hole.
    if (header === undefined) throw new LogCorruptionError(path.join(dir, segmentName(span.segment)), span.segment, 0, 'the segment header is damaged or missing');
    // Where the wanted frames are (their time is read without decoding them); the records are
    // decoded one by one as they are taken, so a reader holds one segment's bytes, not its records.
    const frames: number[] = [];
    let segmentBuf: Buffer | undefined;
    const scan = scanSegment(
      fs,
      dir,
      header,
      (buf, start, end, lsn) => {
        if (lsn < fromLsn || lsn > toLsn || buf.readDoubleLE(start + 8) < fromTime) return;
        segmentBuf = buf;
        frames.push(start, end);
      },
      undefined,
      span.end,
      undefined,
      scratch,
    );
    if (scan.bad && scan.end < span.end) {
      throw new LogCorruptionError(path.join(dir, segmentName(span.segment)), span.segment, scan.bad.offset, scan.bad.reason);
    }
    const newImages = range.newImages ?? true;
    const make = decodeFrame ?? ((buf: Buffer, start: number, end: number) => decode(buf, start, end, newImages) as T);
    for (let i = 0; i < frames.length; i += 2) yield make(segmentBuf!, frames[i], frames[i + 1]);
  }
}

/** Where a reader of the log is: the position after the last frame it read, for the next call to go on from. */
export interface ReadCursor {
  /** Where a previous read ended (from `next`): a reader starting just after it reads on from there. */
  hint?: LogPosition;
  /** Set as records are iterated: the position just after the last one handed out. */
  next?: LogPosition;
}

/** Turns a frame's payload (buf[start, end)) into what a reader hands out: decodeRecord unless a reader needs less. */
export type FrameDecoder<T> = (buf: Buffer, start: number, end: number) => T;

/** Bytes of frames readFrom reads first; each further read of the same call doubles, up to the last. */
const FIRST_CHUNK_BYTES = 16 * 1024;
const LAST_CHUNK_BYTES = 1024 * 1024;

/**
 * The records with lsns from `fromLsn` to `toLsn`, oldest first, read a chunk at a time as they
 * are iterated, and `cursor.next` kept at the position after the last one handed out. A reader
 * that goes on where an earlier one stopped passes that position as `cursor.hint`: it starts
 * there instead of at the segment's start (a long stream read a page at a time then reads each
 * byte once). A hint that does not hold up (its frame fails the running CRC: it is stale or
 * forged) is ignored and the segment is read from its start. `decodeFrame` makes each record
 * (default: decodeRecord; Streams decode only what a stream shows).
 */
export function* readFrom<T = LogRecord>(
  fs: FileSystem,
  dir: string,
  index: TimeIndex,
  fromLsn: number,
  toLsn: number,
  cursor: ReadCursor,
  decodeFrame: FrameDecoder<T> = decode as unknown as FrameDecoder<T>,
): Generator<T> {
  let hint = cursor.hint;
  // A caller that takes a few records reads little more than those; one that takes many reads in large chunks.
  let chunk = FIRST_CHUNK_BYTES;
  for (const span of index.spansFrom(fromLsn, -Infinity)) {
    if (span.firstLsn > toLsn) return;
    const file = path.join(dir, segmentName(span.segment));
    const header = readHeader(fs, dir, span.segment);
    if (header === undefined) throw new LogCorruptionError(file, span.segment, 0, 'the segment header is damaged or missing');
    let from: { offset: number; crc: number; lsn: number } | undefined = hint && hint.segment === span.segment && hint.lsn < fromLsn && hint.offset >= HEADER_BYTES && hint.offset <= span.end ? { ...hint } : undefined;
    const hinted = from !== undefined;
    while (!from || from.offset < span.end) {
      const found: { record: T; after: LogPosition }[] = [];
      let last = from?.lsn ?? header.prevLastLsn;
      const scan = scanSegment(
        fs,
        dir,
        header,
        (buf, start, end, lsn, offset) => {
          last = lsn;
          if (lsn < fromLsn || lsn > toLsn) return;
          // The frame header holds the running CRC after the frame: where a reader goes on from.
          const after = { segment: span.segment, offset: offset + FRAME + (end - start), crc: buf.readUInt32LE(start - FRAME + 4), lsn };
          found.push({ record: decodeFrame(buf, start, end), after });
        },
        from,
        span.end,
        chunk,
      );
      chunk = Math.min(LAST_CHUNK_BYTES, chunk * 2);
      if (scan.bad && scan.end < span.end) {
        if (hinted && from !== undefined && found.length === 0 && scan.end === from.offset) {
          // The hint led nowhere good: read this segment from its start instead.
          hint = undefined;
          from = undefined;
          continue;
        }
        throw new LogCorruptionError(file, span.segment, scan.bad.offset, scan.bad.reason);
      }
      for (const f of found) {
        cursor.next = f.after;
        yield f.record;
      }
      if (last >= toLsn) return;
      // Nothing more before the span's end (a zero length): the next segment goes on.
      if (scan.end === (from?.offset ?? HEADER_BYTES)) break;
      from = { offset: scan.end, crc: scan.crc, lsn: scan.lastLsn };
    }
    hint = undefined;
  }
}
