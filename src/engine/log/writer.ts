// Appends framed records to the log's segments (layout in format.ts and FORMAT.md), with group
// commit: every record appended during one turn of the event loop leaves in one write, framed in
// place in one buffer (no per-record allocation besides the record itself). Each batch's running
// CRCs are computed as it is written, so they chain across batches and follow it into whichever
// segment it lands in.
//
// What an acknowledged record survives depends on the durability setting:
// - 'process' (the default): acknowledged once write(2) has returned. The bytes are in the page
//   cache, which the kernel writes out whatever becomes of the process; a background fdatasync
//   every syncIntervalMs bounds what a power loss or an OS crash can take.
// - 'disk': segments are opened with O_DSYNC and a record is acknowledged once its write reached
//   the disk.
// In 'disk' mode segments are filled with zeros ahead of the records (a small first allocation,
// doubled as it fills, up to segmentBytes), so an O_DSYNC write does not change the file's size
// and needs no metadata sync in the common case. In 'process' mode a segment grows with its
// records (the background flush carries the size with the data). Either way an empty database
// does not start with a large file.
//
// What is durable (survives a power loss as well as the process's end) is tracked apart from
// what is acknowledged: `durableLsn`, told to `listener.durable`. In 'disk' mode it is the
// acknowledged lsn; in 'process' mode it moves only when an fdatasync covering the record has
// returned (a background flush, a rollover, sync(), close). Streams shows only durable records.
//
// Invariants: acknowledgements go out in log order; the durable lsn never passes the acknowledged
// one and never moves after a failure; after the first failure (a failed write or
// sync) nothing more is acknowledged, `listener.failed` is told at once (before any waiting
// writer hears of it), and every later append is refused.
import { BinaryWriter } from '../storage/binary';
import type { FileHandle, FileSystem } from './file-system';
import { FRAME_HEADER, HEADER_BYTES, encodeHeader, frameCrc, segmentName, type LogPosition } from './format';
import { encodeRecordInto, type LogRecord } from './records';
import { EndMarkWriter } from './end-mark';
import * as path from 'node:path';

export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
/** The first allocation of a segment; it doubles as records fill it. */
export const FIRST_ALLOCATION = 256 * 1024;
export const DEFAULT_SYNC_INTERVAL_MS = 200;
const MAX_IN_FLIGHT = 2;
/** One remembered record position per this many lsns (see LogWriter.positions). */
export const POSITION_EVERY = 1024;

/** What an acknowledged record survives (see the top of this file). */
export type Durability = 'process' | 'disk';

export interface WriterOptions {
  segmentBytes?: number;
  durability?: Durability;
  syncIntervalMs?: number;
}

/** First and last record of a segment, for the time index. */
export interface SegmentSpan {
  segment: number;
  firstLsn: number;
  firstTime: number;
  lastLsn: number;
  lastTime: number;
  /** Bytes of the segment up to the end of its last record. */
  end: number;
}

export interface WriterListener {
  /** Every record up to `lsn` is acknowledged. */
  acknowledged(lsn: number): void;
  /**
   * The log failed and takes nothing more; called once, before any append hears of it. What it
   * returns is what appends are rejected with (the failure itself if nothing).
   */
  failed(error: Error): Error | void;
  /** A segment was completed and the writer moved on to the next. */
  sealed(span: SegmentSpan): void;
  /** Every record up to `lsn` is on disk (see durableLsn). */
  durable?(lsn: number): void;
}

interface Pending {
  w: BinaryWriter;
  /** End offset in `w` of each frame. */
  ends: number[];
  acknowledged: Deferred | undefined;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (e: Error) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function emptyPending(capacity = 64 * 1024): Pending {
  return { w: new BinaryWriter(capacity), ends: [], acknowledged: undefined };
}

/** Where a new segment starts: what its header records about the log before it. */
export interface SegmentStart {
  segment: number;
  epoch: number;
  firstLsn: number;
  firstTime: number;
  /** The end of the previous segment (its last lsn, end offset and running CRC). */
  previous: LogPosition;
}

/**
 * Creates a segment file with its header and `bytes` of zeros, durably: written under a temporary
 * name (or taken from a prepared spare of zeros), synced, then renamed into place.
 */
export function createSegment(fs: FileSystem, dir: string, start: SegmentStart, bytes: number, spare?: string): number {
  const file = path.join(dir, segmentName(start.segment));
  const tmp = spare ?? file + '.tmp';
  const { bytes: header, crc } = encodeHeader({
    epoch: start.epoch,
    segment: start.segment,
    firstLsn: start.firstLsn,
    firstTime: start.firstTime,
    prevLastLsn: start.previous.lsn,
    prevEnd: start.previous.offset,
    prevCrc: start.previous.crc,
  });
  const h = fs.open(tmp, { create: true, truncate: spare === undefined });
  try {
    h.write(header, 0);
    if (spare === undefined && bytes > HEADER_BYTES) writeZeros(h, HEADER_BYTES, bytes);
    h.sync();
  } finally {
    h.close();
  }
  fs.rename(tmp, file);
  fs.syncDir(dir);
  return crc;
}

const ZEROS = Buffer.alloc(1 << 20);

function writeZeros(h: FileHandle, from: number, to: number): void {
  for (let at = from; at < to; at += ZEROS.length) h.write(ZEROS.subarray(0, Math.min(ZEROS.length, to - at)), at);
}

async function writeZerosAsync(h: FileHandle, from: number, to: number): Promise<void> {
  for (let at = from; at < to; at += ZEROS.length) await h.writeAsync(ZEROS.subarray(0, Math.min(ZEROS.length, to - at)), at);
}

export class LogWriter {
  private handle!: FileHandle;
  private segment: number;
  private offset = HEADER_BYTES;
  /**
   * How far records may go in the current segment. 'disk' mode: the bytes known to be zeros on
   * disk (an O_DSYNC write inside them need not update the file's size). 'process' mode: the
   * segment's size limit; the file grows with its records, whose size the background flushes
   * carry, so no zeros are written at all.
   */
  private allocated = 0;
  /** Running CRC after the last frame handed to a write. */
  private chain: number;
  private epoch: number;
  private span: SegmentSpan;
  private readonly segmentBytes: number;
  private readonly durability: Durability;
  private readonly syncIntervalMs: number;
  private pending: Pending = emptyPending();
  private scheduled = false;
  private inFlight = 0;
  /** Settles once every batch started so far has been acknowledged or rejected. */
  private acknowledged: Promise<void> = Promise.resolve();
  /** A rollover or a growth of the current segment; batches wait for it. */
  private rolling: Promise<void> | undefined;
  private failure: Error | undefined;
  /** What appends are rejected with after the failure (the listener's choice, else the failure). */
  private refusal: Error | undefined;
  /** The next segment's zeros, prepared in the background. */
  private spare: Promise<string> | undefined;
  /** The current segment's next allocation, written in the background. */
  private growth: Promise<number> | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;
  private synced = 0;
  /** The last lsn known to be on disk: what no crash, of the process or the machine, takes back. */
  private durable: number;
  /** How far the current segment's records are acknowledged (what readers may read). */
  private ackedOffset = HEADER_BYTES;
  private syncing: Promise<void> | undefined;
  private syncTimer: NodeJS.Timeout | undefined;
  private lastSyncAt = 0;
  /** log.mark: how far the current segment is on disk, and where the log ends once it failed. */
  private mark!: EndMarkWriter;
  private markTimer: NodeJS.Timeout | undefined;
  /** Frame bytes appended since the writer started. */
  appendedBytes = 0;
  /**
   * Where every POSITION_EVERY-th record starts (the position just before it), oldest first: a
   * reader looking for an lsn of this run starts at the nearest one rather than at its segment's
   * start. The owner drops the entries of removed segments.
   */
  readonly positions: LogPosition[] = [];
  /** The position just after the current segment's header: where replay of it starts. */
  segmentStart!: LogPosition;

  private constructor(
    private readonly fs: FileSystem,
    private readonly dir: string,
    start: SegmentStart,
    options: WriterOptions,
    private readonly listener: WriterListener,
  ) {
    this.segment = start.segment;
    this.epoch = start.epoch;
    // The log store syncs what recovery read before a writer starts.
    this.durable = start.previous.lsn;
    this.chain = 0;
    this.span = { segment: start.segment, firstLsn: start.firstLsn, firstTime: start.firstTime, lastLsn: start.previous.lsn, lastTime: start.firstTime, end: HEADER_BYTES };
    this.segmentBytes = Math.max(options.segmentBytes ?? DEFAULT_SEGMENT_BYTES, HEADER_BYTES + 512);
    this.durability = options.durability ?? 'process';
    this.syncIntervalMs = options.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS;
  }

  /** Starts a new segment (every open does: a segment never holds records of two runs). */
  static start(fs: FileSystem, dir: string, start: SegmentStart, options: WriterOptions, listener: WriterListener): LogWriter {
    const w = new LogWriter(fs, dir, start, options, listener);
    w.allocated = w.zeroFilled ? Math.min(w.segmentBytes, FIRST_ALLOCATION) : w.segmentBytes;
    w.chain = createSegment(fs, dir, start, w.zeroFilled ? w.allocated : HEADER_BYTES);
    w.segmentStart = { segment: start.segment, offset: HEADER_BYTES, crc: w.chain, lsn: start.previous.lsn };
    w.handle = fs.open(path.join(dir, segmentName(start.segment)), { dsync: w.durability === 'disk' });
    w.synced = HEADER_BYTES;
    w.lastSyncAt = performance.now();
    w.mark = new EndMarkWriter(fs, dir);
    return w;
  }

  /** Queues a record; resolves once it is durable as the durability setting defines. */
  append(record: LogRecord): Promise<void> {
    if (this.refusal) return Promise.reject(this.refusal);
    const p = this.pending;
    const w = p.w;
    const start = w.pos;
    w.skip(FRAME_HEADER);
    encodeRecordInto(w, record);
    w.buf.writeUInt32LE(w.pos - start - FRAME_HEADER, start);
    this.appendedBytes += w.pos - start;
    p.ends.push(w.pos);
    const batch = (p.acknowledged ??= deferred());
    this.schedule();
    return batch.promise;
  }

  /** Nothing appended is waiting to be written or acknowledged. */
  get idle(): boolean {
    return this.pending.ends.length === 0 && this.inFlight === 0;
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  /** The last lsn on disk (see the top of this file). */
  get durableLsn(): number {
    return this.durable;
  }

  private madeDurable(lsn: number): void {
    if (lsn <= this.durable || this.failure) return;
    this.durable = lsn;
    this.listener.durable?.(lsn);
  }

  /** Segments are filled with zeros ahead of the records ('disk' mode only). */
  private get zeroFilled(): boolean {
    return this.durability === 'disk';
  }

  /** Where the next record goes, with the running CRC there (meaningful once idle). */
  get position(): LogPosition {
    return { segment: this.segment, offset: this.offset, crc: this.chain, lsn: this.span.lastLsn };
  }

  /** The segment being written, as far as it is written. */
  get currentSpan(): SegmentSpan {
    return { ...this.span, end: this.ackedOffset };
  }

  get epochOfRun(): number {
    return this.epoch;
  }

  get currentSegment(): number {
    return this.segment;
  }

  /** Bytes acknowledged but not yet known to be on disk: what a power loss could take. */
  get unsyncedBytes(): number {
    return this.durability === 'disk' ? 0 : this.offset - this.synced;
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    // Before anyone hears of the failure: the log ends at the last acknowledged record, so a
    // refused batch that landed (and that clearing it below may fail to hide) is never read back.
    clearTimeout(this.markTimer);
    this.mark.ended(this.segment, this.segmentStart.crc, this.synced, this.ackedOffset);
    this.refusal = this.listener.failed(e) ?? e;
  }

  /** Marks, at most once per syncIntervalMs and in the background, how far the segment is on disk. */
  private scheduleMark(): void {
    if (this.markTimer || this.failure || this.closed) return;
    this.markTimer = setTimeout(() => {
      this.markTimer = undefined;
      if (!this.failure) void this.mark.synced(this.segment, this.segmentStart.crc, this.synced);
    }, this.syncIntervalMs);
    this.markTimer.unref();
  }

  private schedule(): void {
    if (this.scheduled || this.rolling || this.inFlight >= MAX_IN_FLIGHT || this.pending.ends.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.startBatch();
    });
  }

  /** Runs `work` once every batch started so far is settled; batches wait for it. */
  private pause(work: () => Promise<void>): void {
    this.rolling = (async () => {
      await this.acknowledged;
      try {
        if (!this.failure) await work();
      } catch (e) {
        this.fail(e as Error);
      }
      this.rolling = undefined;
      this.schedule();
    })();
  }

  private startBatch(): void {
    if (this.rolling || this.inFlight >= MAX_IN_FLIGHT || this.pending.ends.length === 0) return;
    const queued = this.pending;
    if (this.failure) {
      this.pending = emptyPending();
      queued.acknowledged?.reject(this.refusal!);
      return;
    }
    // A batch is written whole, into one segment: its records share one acknowledgement, so a
    // batch cut in two could have its first part in the log and be refused all the same. A zero
    // length (FRAME_HEADER bytes) always fits after the last frame to mark the end.
    const ends = queued.ends;
    const bytes = ends[ends.length - 1];
    const need = this.offset + bytes + FRAME_HEADER;
    if (need > this.allocated) {
      if (this.offset === HEADER_BYTES || need <= this.segmentBytes) {
        // Grow this segment (a batch larger than a whole segment gets a segment of its size).
        this.pause(async () => this.grow(need));
      } else {
        const buf = queued.w.buf;
        const next = { lsn: buf.readDoubleLE(FRAME_HEADER), time: buf.readDoubleLE(FRAME_HEADER + 8), bytes: bytes + FRAME_HEADER };
        this.pause(async () => this.rollOver(next));
      }
      return;
    }
    const buf = queued.w.buf;
    // The running CRC: each frame's seeded with the one before it, in the order they are written.
    let crc = this.chain;
    let frame = 0;
    for (let i = 0; i < ends.length; i++) {
      const lsn = buf.readDoubleLE(frame + FRAME_HEADER);
      if (lsn % POSITION_EVERY === 0) this.positions.push({ segment: this.segment, offset: this.offset + frame, crc, lsn: lsn - 1 });
      crc = frameCrc(buf.subarray(frame + FRAME_HEADER, ends[i]), crc);
      buf.writeUInt32LE(crc, frame + 4);
      if (i === ends.length - 1) {
        this.span.lastLsn = buf.readDoubleLE(frame + FRAME_HEADER);
        this.span.lastTime = buf.readDoubleLE(frame + FRAME_HEADER + 8);
      }
      frame = ends[i];
    }
    this.chain = crc;
    const lastLsn = this.span.lastLsn;
    const acknowledged = queued.acknowledged;
    const chunk = buf.subarray(0, bytes);
    if (this.durability === 'process' && buf.length <= 1024 * 1024) {
      // The write below is synchronous: once it returns, the same buffer takes the next batch.
      queued.w.pos = 0;
      this.pending = { w: queued.w, ends: [], acknowledged: undefined };
    } else {
      this.pending = emptyPending();
    }
    if (this.durability === 'process') {
      try {
        this.handle.write(chunk, this.offset);
      } catch (e) {
        // Nothing of this batch is acknowledged, and the log accepts no more records.
        this.fail(e as Error);
        this.unwrite(this.offset);
        acknowledged?.reject(this.refusal!);
        this.schedule();
        return;
      }
      this.offset += bytes;
      this.ackedOffset = this.offset;
      this.listener.acknowledged(lastLsn);
      acknowledged?.resolve();
      this.scheduleSync();
    } else {
      const write = this.handle.writeAsync(chunk, this.offset);
      this.offset += bytes;
      const written = this.offset;
      this.inFlight++;
      const previous = this.acknowledged;
      this.acknowledged = (async () => {
        let error: Error | undefined;
        try {
          await write;
        } catch (e) {
          error = e as Error;
        }
        await previous;
        this.inFlight--;
        if (error) {
          this.fail(error);
          this.unwrite(written - bytes);
        }
        if (this.failure) acknowledged?.reject(this.refusal!);
        else {
          this.synced = written;
          this.ackedOffset = written;
          this.listener.acknowledged(lastLsn);
          this.madeDurable(lastLsn);
          acknowledged?.resolve();
          this.scheduleMark();
        }
        this.schedule();
      })();
    }
    this.prepareAhead();
    this.schedule();
  }

  /**
   * A write that failed may have landed in part (a short write): its first frame's length is
   * cleared, if the disk still lets us, so that no refused record is read back at the next open.
   */
  private unwrite(at: number): void {
    try {
      this.handle.write(Buffer.alloc(FRAME_HEADER), at);
      this.handle.datasync();
    } catch {
      // The disk refuses this too: whole frames of the batch that landed may be read back at the next open.
    }
  }

  /** Past half of what is allocated, the next allocation (or the next segment's zeros) is written in the background. */
  private prepareAhead(): void {
    if (!this.zeroFilled || this.offset <= this.allocated / 2) return;
    if (this.allocated < this.segmentBytes) {
      if (this.growth) return;
      const from = this.allocated;
      const to = Math.min(this.segmentBytes, from * 2);
      const handle = this.handle;
      this.growth = (async () => {
        await writeZerosAsync(handle, from, to);
        // 'disk' mode: the zeros and the length are on disk before records go there, so a
        // write does not have to carry the file's size with it. 'process' mode's own flushes do.
        if (this.durability === 'disk') await handle.datasyncAsync();
        // Records may go up to `to` only now that its zeros are there.
        if (handle === this.handle) this.allocated = Math.max(this.allocated, to);
        this.growth = undefined;
        return to;
      })();
      this.growth.catch(() => undefined);
    } else if (!this.spare) {
      const tmp = path.join(this.dir, segmentName(this.segment + 1) + '.tmp');
      const bytes = this.segmentBytes;
      this.spare = (async () => {
        const h = this.fs.open(tmp, { create: true, truncate: true });
        try {
          await writeZerosAsync(h, 0, bytes);
          await h.datasyncAsync();
        } finally {
          h.close();
        }
        return tmp;
      })();
      this.spare.catch(() => undefined);
    }
  }

  /** Extends the current segment's zeros to hold at least `need` bytes. */
  private async grow(need: number): Promise<void> {
    if (this.growth) await this.growth;
    if (this.allocated >= need) return;
    let to = Math.min(this.segmentBytes, this.allocated * 2);
    if (to < need) to = need;
    if (!this.zeroFilled) {
      this.allocated = to;
      return;
    }
    await writeZerosAsync(this.handle, this.allocated, to);
    if (this.durability === 'disk') await this.handle.datasyncAsync();
    this.allocated = to;
  }

  private async rollOver(next: { lsn: number; time: number; bytes: number }): Promise<void> {
    if (this.durability === 'process') {
      // The old segment must be wholly on disk before records land in the next one, or a power
      // loss could keep those and lose records before them.
      while (this.syncing) await this.syncing;
      clearTimeout(this.syncTimer);
      this.syncTimer = undefined;
      this.handle.datasync();
      this.lastSyncAt = performance.now();
      this.madeDurable(this.span.lastLsn);
    }
    let spare: string | undefined;
    if (this.spare) {
      spare = await this.spare.catch(() => undefined);
      this.spare = undefined;
    }
    if (this.growth) await this.growth.catch(() => undefined);
    this.growth = undefined;
    const sealed: SegmentSpan = { ...this.span, end: this.offset };
    const start: SegmentStart = {
      segment: this.segment + 1,
      epoch: this.epoch,
      firstLsn: next.lsn,
      firstTime: next.time,
      previous: this.position,
    };
    const room = HEADER_BYTES + next.bytes;
    const allocated = !this.zeroFilled ? Math.max(this.segmentBytes, room) : spare ? this.segmentBytes : Math.max(Math.min(this.segmentBytes, FIRST_ALLOCATION), room);
    const crc = createSegment(this.fs, this.dir, start, this.zeroFilled ? allocated : HEADER_BYTES, spare);
    this.handle.close();
    this.segment++;
    this.offset = HEADER_BYTES;
    this.synced = HEADER_BYTES;
    this.ackedOffset = HEADER_BYTES;
    this.allocated = allocated;
    this.chain = crc;
    this.segmentStart = { segment: this.segment, offset: HEADER_BYTES, crc, lsn: start.previous.lsn };
    this.span = { segment: this.segment, firstLsn: next.lsn, firstTime: next.time, lastLsn: sealed.lastLsn, lastTime: next.time, end: HEADER_BYTES };
    this.handle = this.fs.open(path.join(this.dir, segmentName(this.segment)), { dsync: this.durability === 'disk' });
    this.listener.sealed(sealed);
  }

  /**
   * 'process' mode: starts a background fdatasync when there are unsynced bytes, at most once
   * per syncIntervalMs, so the disk is not asked for more flushes than the loss window needs.
   */
  private scheduleSync(): void {
    if (this.syncTimer || this.syncing || this.failure || this.closed || this.offset <= this.synced) return;
    const wait = Math.max(0, this.lastSyncAt + this.syncIntervalMs - performance.now());
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      this.startSync().catch(() => undefined);
    }, wait);
    // The data is already safe from the process's end; a pending flush need not keep it alive.
    this.syncTimer.unref();
  }

  private startSync(): Promise<void> {
    if (this.syncing) return this.syncing;
    const segment = this.segment;
    const target = this.offset;
    // In 'process' mode a batch's write is synchronous: the records up to here are those written.
    const targetLsn = this.span.lastLsn;
    this.lastSyncAt = performance.now();
    this.syncing = this.handle.datasyncAsync().then(
      () => {
        this.syncing = undefined;
        if (this.segment === segment && target > this.synced) {
          this.synced = target;
          this.scheduleMark();
        }
        this.madeDurable(targetLsn);
        this.scheduleSync();
      },
      (err: Error) => {
        this.syncing = undefined;
        // The kernel reports a failed write-back once: a later sync could succeed without the
        // lost pages ever reaching the disk, so the log stops accepting records.
        this.fail(err);
        throw err;
      },
    );
    return this.syncing;
  }

  /** The folder is no longer this writer's (see LogStore.abandon): log.mark is left alone from now on. */
  stopMarking(): void {
    clearTimeout(this.markTimer);
    this.mark.stop();
  }

  /** Makes every record acknowledged so far durable on disk ('disk' mode: they already are). */
  async sync(): Promise<void> {
    if (this.failure) throw this.failure;
    const segment = this.segment;
    const target = this.offset;
    // A rollover syncs the whole segment before it moves on.
    while (this.durability === 'process' && this.segment === segment && this.synced < target) {
      if (this.closing) return this.closing;
      if (this.failure) throw this.failure;
      await this.startSync();
    }
    // From here on recovery refuses damage before this point rather than taking it for a torn write.
    if (this.segment === segment && !this.failure && !this.closed) await this.mark.synced(segment, this.segmentStart.crc, this.synced);
  }

  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    this.closed = true;
    while (this.pending.ends.length > 0 || this.inFlight > 0 || this.rolling || this.scheduled) {
      await this.rolling;
      await this.acknowledged;
      await new Promise((r) => setImmediate(r));
    }
    await this.spare?.catch(() => undefined);
    await this.growth?.catch(() => undefined);
    clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    clearTimeout(this.markTimer);
    this.markTimer = undefined;
    while (this.syncing) await this.syncing.catch(() => undefined);
    try {
      // Also after a failed write: what was acknowledged before it should reach the disk.
      if (this.durability === 'process' && this.offset > this.synced) {
        try {
          this.handle.datasync();
          if (!this.failure) {
            this.synced = this.offset;
            this.madeDurable(this.span.lastLsn);
          }
        } catch (e) {
          // A log that already failed reported its error to the writers; this one adds nothing.
          if (!this.failure) throw e;
        }
      }
    } finally {
      this.handle.close();
      await this.mark.close();
    }
  }
}
