// The log's on-disk layout, in code: segment names, the segment header, frame framing and the
// running CRC that chains every frame to the one before it. FORMAT.md beside this file describes
// the same layout in prose; the two change together, and FORMAT_VERSION changes with them.
//
// Invariants:
// - A segment starts with a HEADER_BYTES header whose own CRC covers it; nothing in a segment is
//   trusted before its header is.
// - Frame i's CRC is crc32(payload_i) seeded with frame i-1's CRC (the header's CRC for the first
//   frame), so a frame left over from an earlier write at the same place cannot continue the log:
//   its seed was a different history.
// - A segment never holds records of two opens: each open starts a new segment, whose header
//   records where the previous segment's records end (offset, last lsn, running CRC). Only the
//   last segment may end in a torn frame.
import { crc32 } from 'node:zlib';
import type { FileSystem } from './file-system';

export const FORMAT_VERSION = 3;
export const SEGMENT_MAGIC = 'DWLOGSEG';
export const HEADER_BYTES = 64;
/** u32 payload length, u32 running CRC. */
export const FRAME_HEADER = 8;

/** Where the log is: the segment, the byte offset of the next frame, the running CRC there, and the last lsn before it. */
export type LogPosition = {
  segment: number;
  offset: number;
  crc: number;
  lsn: number;
};

export interface SegmentHeader {
  version: number;
  /** One more than the previous segment's when the segment was started by an open. */
  epoch: number;
  segment: number;
  /** The lsn of the segment's first record; larger than prevLastLsn + 1 after a torn tail (lsns are never reused). */
  firstLsn: number;
  /** When the segment was started (the open, for a run's first segment; else its first record's time): never after its first record. */
  firstTime: number;
  /** The previous segment's end: its last lsn, the offset after its last frame, and its running CRC there. */
  prevLastLsn: number;
  prevEnd: number;
  prevCrc: number;
  /** CRC of the header's first 60 bytes; seeds the first frame's CRC. */
  crc: number;
}

export function encodeHeader(h: Omit<SegmentHeader, 'crc' | 'version'>): { bytes: Buffer; crc: number } {
  const b = Buffer.alloc(HEADER_BYTES);
  b.write(SEGMENT_MAGIC, 0, 'latin1');
  b.writeUInt16LE(FORMAT_VERSION, 8);
  b.writeUInt16LE(HEADER_BYTES, 10);
  b.writeUInt32LE(h.epoch, 12);
  b.writeUInt32LE(h.segment, 16);
  b.writeUInt32LE(h.prevCrc, 20);
  b.writeDoubleLE(h.firstLsn, 24);
  b.writeDoubleLE(h.firstTime, 32);
  b.writeDoubleLE(h.prevLastLsn, 40);
  b.writeDoubleLE(h.prevEnd, 48);
  // 56..59 reserved (zero)
  const crc = crc32(b.subarray(0, 60));
  b.writeUInt32LE(crc, 60);
  return { bytes: b, crc };
}

/**
 * The header of a segment file, or undefined when the header is not (wholly) there: a segment
 * whose creation a crash cut short. A header from a newer build is refused, never guessed at.
 */
export function decodeHeader(b: Buffer, file: string): SegmentHeader | undefined {
  if (b.length < HEADER_BYTES || b.toString('latin1', 0, 8) !== SEGMENT_MAGIC) return undefined;
  if (crc32(b.subarray(0, 60)) !== b.readUInt32LE(60)) return undefined;
  const version = b.readUInt16LE(8);
  if (version > FORMAT_VERSION) throw newerFormat(file, version);
  return {
    version,
    epoch: b.readUInt32LE(12),
    segment: b.readUInt32LE(16),
    prevCrc: b.readUInt32LE(20),
    firstLsn: b.readDoubleLE(24),
    firstTime: b.readDoubleLE(32),
    prevLastLsn: b.readDoubleLE(40),
    prevEnd: b.readDoubleLE(48),
    crc: b.readUInt32LE(60),
  };
}

export function newerFormat(file: string, version: number): Error {
  return new LogFormatError(
    `${file} was written in log format version ${version}, but this build reads only up to version ${FORMAT_VERSION}. ` +
      'Open the folder with the newer Dynamo Workspace that wrote it (or update this one); nothing was changed.',
  );
}

/** The running CRC of a frame whose predecessor's CRC was `seed`. */
export function frameCrc(payload: Buffer, seed: number): number {
  return crc32(payload, seed);
}

export function segmentName(n: number): string {
  return `log-${String(n).padStart(12, '0')}.seg`;
}

const SEGMENT_FILE = /^log-(\d{12})\.seg$/;
/** Segments of the format before this one (headerless, unchained); opening upgrades them. */
export const LEGACY_SEGMENT_FILE = /^wal-(\d{12})\.log$/;

export function listSegments(fs: FileSystem, dir: string): number[] {
  return numberedFiles(fs, dir, SEGMENT_FILE);
}

/** The numbers of the files in `dir` whose names `pattern` matches (its first group), in order. */
export function numberedFiles(fs: FileSystem, dir: string, pattern: RegExp): number[] {
  return fs
    .list(dir)
    .map((f) => pattern.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/** A data folder the log cannot read as it is: a format from a newer build. */
export class LogFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogFormatError';
  }
}

/**
 * A damaged log anywhere but the torn tail of its last segment. Opening refuses the folder and
 * deletes nothing; `dynamo-workspace repair` truncates at this point on purpose.
 */
export class LogCorruptionError extends Error {
  constructor(
    readonly file: string,
    readonly segment: number,
    readonly offset: number,
    readonly reason: string,
    /** What the user can do (default: the repair command, which knows only this format's log). */
    advice = '`dynamo-workspace repair --dir <folder>` shows what would be lost by cutting the log there, and `--yes` does it.',
  ) {
    super(`The log is damaged in ${file} at byte ${offset}: ${reason}. Nothing was changed. ${advice}`);
    this.name = 'LogCorruptionError';
  }
}
