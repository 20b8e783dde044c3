// Opening the log: replays the records after the checkpoint and finds where the next run starts.
//
// Invariants (each one a past way of losing or resurrecting data):
// - A bad frame is accepted only as the torn tail of the LAST segment, after the point log.mark
//   says was on disk. Anywhere else (a bad header, the last segment's too; a bad frame before
//   where the next segment says this one ends or before the marked synced point; a missing
//   segment; a log that ends before the checkpoint's lsn; no checkpoint and a log that does not
//   start at its beginning) the open fails with LogCorruptionError naming the file and the byte
//   offset, and nothing is deleted or changed.
// - A run that failed marked where its acknowledged records end: nothing after that is read.
// - A segment is read only up to where the next segment's header says it ends, so whatever an
//   unacknowledged batch left behind the end of a run is never read, whatever it looks like.
// - Replay after a checkpoint starts at the position it recorded and checks the first record
//   there against it (the running CRC and the lsn), so a log that is not the one the checkpoint
//   was taken with is refused.
// - The next run's lsns start past any lsn the old run may have written but not acknowledged.
import * as path from 'node:path';
import type { FileHandle, FileSystem } from './file-system';
import { FRAME_HEADER, HEADER_BYTES, LogCorruptionError, listSegments, segmentName, type LogPosition, type SegmentHeader } from './format';
import { readHeader, scanSegment, type SegmentScan } from './reader';
import { decodeRecord, type LogRecord } from './records';
import { MARK_FILE, readEndMark } from './end-mark';
import type { SegmentSpan, SegmentStart } from './writer';

/** Where a checkpoint's replay starts: a log position, the time of its last record and the run's epoch. */
export type CheckpointFrom = LogPosition & {
  time: number;
  epoch: number;
  /** The CRC of the header of the segment `segment`: which incarnation of that segment this is. */
  headerCrc: number;
};

export interface Recovered {
  /** What the new run's first segment records about the log before it. */
  start: SegmentStart;
  /** Every kept segment's span (the time index), oldest first. */
  spans: SegmentSpan[];
  /** Bytes of records replayed (they count toward the next checkpoint). */
  replayedBytes: number;
  /** The last segment ended in a torn frame (accepted: a crash during a write). */
  torn?: { segment: number; offset: number; reason: string };
}

/** The smallest frame: header, lsn, time, flags and a mutation count. */
const MIN_FRAME = FRAME_HEADER + 8 + 8 + 1 + 1;

export function recover(
  fs: FileSystem,
  dir: string,
  checkpoint: { lsn: number; from: CheckpointFrom } | undefined,
  now: number,
  apply: (record: LogRecord, spansBefore: () => SegmentSpan[]) => void,
): Recovered {
  const segments = listSegments(fs, dir);
  const fileOf = (n: number): string => path.join(dir, segmentName(n));
  const corrupt = (n: number, offset: number, reason: string): LogCorruptionError => new LogCorruptionError(fileOf(n), n, offset, reason);
  const ckptLsn = checkpoint?.lsn ?? 0;
  const from = checkpoint?.from;
  let first = segments.findIndex((n) => n === (from?.segment ?? segments[0]));
  if (from && first < 0) {
    if (from.segment === 0 && segments.length === 0) first = 0;
    else throw corrupt(from.segment, 0, `the checkpoint starts replay in this segment (lsn ${ckptLsn}), but the file is missing`);
  }
  for (let i = Math.max(first, 0) + 1; i < segments.length; i++) {
    if (segments[i] !== segments[i - 1] + 1) throw corrupt(segments[i - 1] + 1, 0, `segment ${segments[i - 1] + 1} is missing between ${segments[i - 1]} and ${segments[i]}`);
  }

  const mark = readEndMark(fs, dir);
  const spans: SegmentSpan[] = [];
  // Segments the checkpoint covers: only their headers, for the time index (history, not recovery).
  const headers = new Map<number, SegmentHeader | undefined>();
  const headerOf = (n: number): SegmentHeader | undefined => {
    if (!headers.has(n)) headers.set(n, readHeader(fs, dir, n));
    return headers.get(n);
  };
  for (let i = 0; i < first; i++) {
    const h = headerOf(segments[i]);
    const next = headerOf(segments[i + 1]);
    if (h && next && segments[i + 1] === segments[i] + 1) {
      spans.push({ segment: h.segment, firstLsn: h.firstLsn, firstTime: h.firstTime, lastLsn: next.prevLastLsn, lastTime: next.firstTime, end: next.prevEnd });
    }
  }

  let replayedBytes = 0;
  let previous: SegmentScan | undefined;
  let epoch = from?.epoch ?? 0;
  let lastLsn = from ? from.lsn : 0;
  let lastTime = from?.time ?? 0;
  let end: LogPosition = from ? { segment: from.segment, offset: from.offset, crc: from.crc, lsn: from.lsn } : { segment: 0, offset: 0, crc: 0, lsn: 0 };
  let nextSegment = from ? from.segment + 1 : (segments[0] ?? 1);
  let remaining = 0;
  // A segment's first lsn may be past its predecessor's last (a gap left after a torn tail).
  let floor = lastLsn + 1;
  let torn: Recovered['torn'];
  for (let i = Math.max(first, 0); i < segments.length; i++) {
    const n = segments[i];
    const header = headerOf(n);
    const isLast = i === segments.length - 1;
    const nextHeader = isLast ? undefined : headerOf(segments[i + 1]);
    // A crash cannot leave a bad header under a segment's final name (createSegment syncs the
    // header before the rename), so a bad one is damage, the last segment's as much as any other:
    // taking it for a creation cut short would drop its records and then overwrite them.
    if (header === undefined) throw corrupt(n, 0, 'the segment header is damaged or missing');
    if (nextHeader === undefined && !isLast) throw corrupt(segments[i + 1], 0, 'the segment header is damaged or missing');
    if (header.segment !== n) throw corrupt(n, 16, `the header says it is segment ${header.segment}`);
    // Without a checkpoint the log must be whole from its very start: a first segment that
    // follows an earlier one means the checkpoint holding everything before it is gone.
    if (from === undefined && previous === undefined && (header.prevLastLsn !== 0 || header.prevEnd !== 0)) {
      throw corrupt(n, 40, `there is no checkpoint (checkpoint.manifest is missing), but the log starts after lsn ${header.prevLastLsn}: the records before it are not in the log`);
    }
    epoch = Math.max(epoch, header.epoch);
    floor = Math.max(floor, header.firstLsn);
    if (previous !== undefined && (header.prevEnd !== previous.end || header.prevLastLsn !== previous.lastLsn || header.prevCrc !== previous.crc)) {
      throw corrupt(n, 40, `it does not follow segment ${n - 1} (which ends at byte ${previous.end}, lsn ${previous.lastLsn})`);
    }
    const endsHere = isLast;
    // log.mark speaks only of the segment (and incarnation) its run was writing, the last one.
    const marked = isLast && mark !== undefined && mark.segment === n && mark.headerCrc === header.crc ? mark : undefined;
    const limit = endsHere ? (marked && marked.end > 0 ? marked.end : undefined) : nextHeader?.prevEnd;
    let start: { offset: number; crc: number; lsn: number } | undefined;
    const atCheckpoint = previous === undefined && from !== undefined && from.segment === n;
    if (atCheckpoint) {
      if (from.headerCrc !== header.crc) throw corrupt(n, 60, 'this is not the segment the checkpoint was taken with (its header differs)');
      if (from.offset !== HEADER_BYTES) start = { offset: from.offset, crc: from.crc, lsn: from.lsn };
    }
    const scan = scanSegment(
      fs,
      dir,
      header,
      (buf, s, e, lsn, offset) => {
        if (lsn <= ckptLsn) return;
        let record: LogRecord;
        try {
          record = decodeRecord(buf, s, e);
        } catch (err) {
          throw corrupt(n, offset, `record ${lsn} cannot be decoded (${(err as Error).message})`);
        }
        // The segments before this record, this one's up to it included: what a record that
        // refers to the history before it (a point-in-time restore) reads.
        const spansBefore = (): SegmentSpan[] => [...spans, { segment: n, firstLsn: header.firstLsn, firstTime: header.firstTime, lastLsn: lsn - 1, lastTime: record.time, end: offset }];
        apply(record, spansBefore);
        replayedBytes += e - s + FRAME_HEADER;
      },
      start,
      limit,
    );
    // A checkpoint taken at a clean close is the exact end of its segment: the next run wrote
    // into a segment of its own, so anything there is not this log's.
    if (atCheckpoint && start !== undefined && (scan.bad || scan.end !== start.offset)) {
      throw corrupt(n, start.offset, `the checkpoint (lsn ${ckptLsn}) says the log ends here, but there is more`);
    }
    // A crash tears only what was not on disk yet: the records end before where the mark says
    // the segment was synced only if something on disk was damaged.
    if (marked && scan.end < marked.synced) {
      throw corrupt(n, scan.bad?.offset ?? scan.end, `${scan.bad?.reason ?? 'the records end'} before byte ${marked.synced}, which ${MARK_FILE} says was on disk`);
    }
    if (scan.bad) {
      if (!endsHere) throw corrupt(n, scan.bad.offset, scan.bad.reason);
      torn = { segment: n, ...scan.bad };
    } else if (limit !== undefined && scan.end !== limit) {
      throw corrupt(n, scan.end, `its records end at byte ${scan.end}, but segment ${n + 1} says they end at ${limit}`);
    }
    // Read from a clean close's checkpoint, the segment's records before it are not scanned: the checkpoint knows their last time.
    const lastSpanTime = Math.max(scan.lastTime, header.firstTime, start !== undefined && from ? from.time : 0);
    spans.push({ segment: n, firstLsn: header.firstLsn, firstTime: header.firstTime, lastLsn: scan.lastLsn, lastTime: lastSpanTime, end: scan.end });
    lastLsn = scan.lastLsn;
    lastTime = Math.max(lastTime, scan.lastTime);
    end = { segment: n, offset: scan.end, crc: scan.crc, lsn: scan.lastLsn };
    nextSegment = n + 1;
    remaining = scan.size - scan.end;
    previous = scan;
  }
  // The checkpoint's lsn is in the log, or is the lsn just before a segment's first (a run that
  // wrote nothing); the log ending below it means this is not the log the checkpoint was taken with.
  if (checkpoint && Math.max(lastLsn, floor - 1) < ckptLsn) {
    throw corrupt(end.segment, end.offset, `the log ends at lsn ${lastLsn}, before the checkpoint's lsn ${ckptLsn}`);
  }
  // Past the end of the last run there may be frames it wrote but never acknowledged: their
  // lsns are not given again (however many could fit in what is left of the file).
  const skipped = Math.ceil(remaining / MIN_FRAME);
  return {
    start: {
      segment: nextSegment,
      epoch: epoch + 1,
      firstLsn: Math.max(floor, lastLsn + 1) + skipped,
      firstTime: Math.max(now, lastTime),
      previous: end,
    },
    spans,
    replayedBytes,
    torn,
  };
}

/** What `dynamo-workspace repair` would cut, and what would be lost with it. */
export interface RepairPlan {
  /** Why the log does not open. */
  error: LogCorruptionError;
  /** The log is cut here: the frame at this offset and everything after it go. */
  segment: number;
  offset: number;
  /** The last record kept. */
  lastLsnKept: number;
  /** Bytes of records after the cut in the damaged segment, and the later segments that go (with the records in them that still read). */
  bytesLostInSegment: number;
  laterSegments: { segment: number; firstLsn: number | undefined; readableRecords: number }[];
  /** The checkpoint holds records past the cut: cutting cannot make the folder open (restore a backup instead). */
  checkpointAhead: boolean;
}

/**
 * Where the log of `dir` is damaged and what cutting it there would lose; undefined when it opens
 * as it is. Reads only.
 */
export function planRepair(fs: FileSystem, dir: string, checkpoint: { lsn: number; from: CheckpointFrom } | undefined): RepairPlan | undefined {
  let error: LogCorruptionError;
  try {
    recover(fs, dir, checkpoint, 0, () => undefined);
    return undefined;
  } catch (e) {
    if (!(e instanceof LogCorruptionError)) throw e;
    error = e;
  }
  const segments = listSegments(fs, dir);
  // A missing segment: the cut is at the end of the one before it.
  const exists = segments.includes(error.segment);
  const cutSegment = exists ? error.segment : error.segment - 1;
  let offset = exists ? error.offset : Number.POSITIVE_INFINITY;
  let lastLsnKept = checkpoint?.lsn ?? 0;
  let bytesLostInSegment = 0;
  const header = exists || segments.includes(cutSegment) ? readHeader(fs, dir, cutSegment) : undefined;
  if (header && !exists) {
    // The segment before the missing one is kept whole: its records up to its first zero length
    // or bad frame (nothing says where it ended), and the cut clears the frame after them.
    const scan = scanSegment(fs, dir, header, () => undefined);
    lastLsnKept = Math.max(lastLsnKept, scan.lastLsn);
    offset = scan.end;
  } else if (header && offset >= HEADER_BYTES) {
    const scan = scanSegment(fs, dir, header, () => undefined, undefined, offset);
    lastLsnKept = Math.max(lastLsnKept, scan.lastLsn);
    const h = fs.open(fileOf(dir, cutSegment), { readOnly: true });
    try {
      bytesLostInSegment = Math.max(0, writtenEnd(h, offset) - offset);
    } finally {
      h.close();
    }
  } else if (exists) {
    offset = 0; // the header itself is bad: the whole segment goes
  }
  const laterSegments = segments
    .filter((n) => n > cutSegment || (n === cutSegment && offset === 0))
    .map((n) => {
      const h = readHeader(fs, dir, n);
      let readableRecords = 0;
      if (h) scanSegment(fs, dir, h, () => void readableRecords++);
      return { segment: n, firstLsn: h?.firstLsn, readableRecords };
    });
  return {
    error,
    segment: cutSegment,
    offset: Number.isFinite(offset) ? offset : 0,
    lastLsnKept,
    bytesLostInSegment,
    laterSegments,
    checkpointAhead:
      checkpoint !== undefined &&
      (checkpoint.lsn > lastLsnKept || cutSegment < checkpoint.from.segment || (cutSegment === checkpoint.from.segment && offset < checkpoint.from.offset)),
  };
}

/** Cuts the log as `plan` says: clears the frame at the cut and removes every later segment, durably. */
export function applyRepair(fs: FileSystem, dir: string, plan: RepairPlan): void {
  if (plan.checkpointAhead) throw new Error('the checkpoint holds records past the damage: cutting the log there cannot make the folder open');
  if (plan.offset >= HEADER_BYTES) {
    const h = fs.open(fileOf(dir, plan.segment));
    try {
      h.write(Buffer.alloc(FRAME_HEADER), plan.offset);
      h.datasync();
    } finally {
      h.close();
    }
  }
  for (const later of plan.laterSegments.map((s) => s.segment).sort((a, b) => b - a)) fs.remove(fileOf(dir, later));
  // The mark may say the log was on disk past the cut: it would refuse the repaired log.
  if (fs.exists(path.join(dir, MARK_FILE))) fs.remove(path.join(dir, MARK_FILE));
  fs.syncDir(dir);
}

function fileOf(dir: string, n: number): string {
  return path.join(dir, segmentName(n));
}

/** The offset of the last non-zero byte + 1 at or after `from` (roughly where written data ends). */
function writtenEnd(h: FileHandle, from: number): number {
  const size = h.size();
  const chunk = Buffer.alloc(64 * 1024);
  let end = from;
  for (let at = from; at < size; at += chunk.length) {
    const n = h.read(chunk, 0, Math.min(chunk.length, size - at), at);
    for (let i = n - 1; i >= 0; i--) {
      if (chunk[i] !== 0) {
        end = at + i + 1;
        break;
      }
    }
  }
  return end;
}
