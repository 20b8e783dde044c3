// Append-only write-ahead log in preallocated segment files, framed as
//   u32 payload length | u32 crc32(payload) | payload
// A zero length marks the end of the written part of a segment. Writes are group-committed:
// every record appended during one turn of the event loop goes out together in one write.
// Segments are preallocated with zeros, so no file-size metadata has to reach the disk with a
// write, and a data sync of a segment is a sync of its data alone.
//
// What an acknowledged record survives depends on the durability setting:
// - 'process' (the default): a record is acknowledged once write(2) has returned. The bytes are
//   then in the kernel's page cache, which the kernel writes out whatever becomes of this process,
//   so the record survives the process being killed (kill -9, a crash, VS Code going away). A
//   background fdatasync every syncIntervalMs bounds what a power loss or an OS crash can take to
//   roughly the last interval of acknowledged writes. Acknowledging does not wait for the disk,
//   so throughput is bounded by CPU rather than by the disk's latency per write.
// - 'disk': segments are opened with O_DSYNC and a record is acknowledged only once its write has
//   reached the disk, so it also survives a power loss or an OS crash, at the cost of one disk
//   round trip per group commit.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { BinaryWriter } from './binary';
import { decodeRecord, encodeRecordInto, type LogRecord } from './records';

export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
const HEADER = 8;
const MAX_IN_FLIGHT = 2;
export const DEFAULT_SYNC_INTERVAL_MS = 200;

/** What an acknowledged record survives (see the top of this file). */
export type Durability = 'process' | 'disk';

export interface WalOptions {
  segmentBytes?: number;
  /** Default 'process'. */
  durability?: Durability;
  /** 'process' mode: the longest wait before acknowledged records are flushed to disk (default 200 ms). */
  syncIntervalMs?: number;
}

/**
 * Records waiting for the next write, framed in place in one buffer: appending a record encodes
 * it straight into the batch, and the batch leaves in one write without being concatenated.
 */
interface Pending {
  w: BinaryWriter;
  /** End offset in `w` of each frame. */
  ends: number[];
  /** One promise for every record of the batch: a batch is acknowledged (or fails) as a whole. */
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

export function segmentName(n: number): string {
  return `wal-${String(n).padStart(12, '0')}.log`;
}

export function listSegments(dir: string): number[] {
  return fs
    .readdirSync(dir)
    .map((f) => /^wal-(\d{12})\.log$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/**
 * Reads every intact record in order and returns where appending resumes. It stops at the first
 * torn or corrupt frame, and at a record whose sequence number does not follow the previous one
 * (leftovers of an unacknowledged batch behind a rewritten tail).
 */
export function readLog(
  dir: string,
  onRecord: (r: LogRecord) => void,
  from: { segment: number; offset: number; lsn: number } = { segment: 0, offset: 0, lsn: 0 },
): { segment: number; offset: number; lsn: number } {
  // Segments before `from.segment` are wholly covered by the checkpoint and are not read.
  const segments = listSegments(dir).filter((n) => n >= from.segment);
  let end = { segment: segments.length ? segments[0] : Math.max(1, from.segment), offset: 0, lsn: 0 };
  let lastLsn = -1;
  for (let s = 0; s < segments.length; s++) {
    // After a clean close the checkpoint knows exactly where the log ended: start there.
    const start = segments[s] === from.segment ? from.offset : 0;
    const buf = readWritten(path.join(dir, segmentName(segments[s])), start);
    let pos = 0;
    let torn = false;
    while (pos + HEADER <= buf.length) {
      const len = buf.readUInt32LE(pos);
      if (len === 0) break;
      const crc = buf.readUInt32LE(pos + 4);
      if (pos + HEADER + len > buf.length || crc32(buf.subarray(pos + HEADER, pos + HEADER + len)) !== crc) {
        torn = true;
        break;
      }
      // The sequence number leads the payload: records the checkpoint holds are not decoded.
      const lsn = buf.readDoubleLE(pos + HEADER);
      if (lastLsn >= 0 && lsn !== lastLsn + 1) {
        torn = true;
        break;
      }
      lastLsn = lsn;
      if (lsn > from.lsn) onRecord(decodeRecord(buf, pos + HEADER, pos + HEADER + len));
      pos += HEADER + len;
    }
    end = { segment: segments[s], offset: start + pos, lsn: lastLsn };
    if (torn) {
      for (const later of segments.slice(s + 1)) fs.rmSync(path.join(dir, segmentName(later)), { force: true });
      break;
    }
  }
  return end;
}

/**
 * The written part of a preallocated segment: read in growing chunks until a zero frame length,
 * so opening does not read the unused zeros of a 64 MB segment.
 */
function readWritten(file: string, start: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const size = Math.max(0, fs.fstatSync(fd).size - start);
    let buf = Buffer.allocUnsafe(Math.min(size, 1 << 20));
    let filled = 0;
    let pos = 0; // start of the first frame not yet known to be complete
    for (;;) {
      if (filled === buf.length) {
        if (filled >= size) break;
        const next = Buffer.allocUnsafe(Math.min(size, buf.length * 2));
        buf.copy(next, 0, 0, filled);
        buf = next;
      }
      const n = fs.readSync(fd, buf, filled, buf.length - filled, start + filled);
      if (n === 0) break;
      filled += n;
      while (pos + HEADER <= filled) {
        const len = buf.readUInt32LE(pos);
        if (len === 0) return buf.subarray(0, filled);
        if (pos + HEADER + len > filled) break;
        pos += HEADER + len;
      }
      if (pos + HEADER <= filled && buf.readUInt32LE(pos) === 0) return buf.subarray(0, filled);
    }
    return buf.subarray(0, filled);
  } finally {
    fs.closeSync(fd);
  }
}

export class WriteAheadLog {
  private fd = -1;
  private segment: number;
  private offset: number;
  private readonly segmentBytes: number;
  private readonly durability: Durability;
  private readonly syncIntervalMs: number;
  private pending: Pending = emptyPending();
  private scheduled = false;
  private inFlight = 0;
  /** Settles once every batch started so far has been acknowledged or rejected. */
  private acknowledged: Promise<void> = Promise.resolve();
  private rolling: Promise<void> | undefined;
  private failure: Error | undefined;
  private spare: Promise<void> | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;
  /** How far the current segment is known to be on disk. */
  private synced = 0;
  /** 'process' mode: the fdatasync in flight; there is never more than one. */
  private syncing: Promise<void> | undefined;
  private syncTimer: NodeJS.Timeout | undefined;
  private lastSyncAt = 0;

  private constructor(private readonly dir: string, end: { segment: number; offset: number }, options: WalOptions) {
    this.segment = end.segment;
    this.offset = end.offset;
    this.segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.durability = options.durability ?? 'process';
    this.syncIntervalMs = options.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS;
  }

  /** Opens the log for appending at `end` (where readLog stopped). */
  static async open(dir: string, end: { segment: number; offset: number }, options: WalOptions = {}): Promise<WriteAheadLog> {
    const wal = new WriteAheadLog(dir, end, options);
    const file = path.join(dir, segmentName(wal.segment));
    if (!fs.existsSync(file)) await preallocate(file, wal.segmentBytes);
    wal.fd = fs.openSync(file, wal.openFlags());
    try {
      // Clear whatever a torn write left behind the end, so the next reader stops in the right place.
      const zeros = Buffer.alloc(Math.min(64 * 1024, Math.max(0, fs.fstatSync(wal.fd).size - wal.offset)));
      if (zeros.length) fs.writeSync(wal.fd, zeros, 0, zeros.length, wal.offset);
      // The clearing must reach the disk before new records do: were it lost and they too, the
      // leftovers of an unacknowledged batch could read as the continuation of the log. This also
      // makes durable the tail that recovery read after a kill in 'process' mode (it may still be
      // only in the page cache), which 'disk' mode's own writes would not flush.
      fs.fdatasyncSync(wal.fd);
      wal.synced = wal.offset;
      wal.lastSyncAt = performance.now();
    } catch (e) {
      fs.closeSync(wal.fd);
      throw e;
    }
    return wal;
  }

  private openFlags(): number {
    return fs.constants.O_RDWR | (this.durability === 'disk' ? fs.constants.O_DSYNC : 0);
  }

  /** Queues a record; resolves once it is durable as the durability setting defines. */
  append(record: LogRecord): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const p = this.pending;
    const w = p.w;
    const start = w.pos;
    w.skip(HEADER);
    encodeRecordInto(w, record);
    const buf = w.buf;
    buf.writeUInt32LE(w.pos - start - HEADER, start);
    buf.writeUInt32LE(crc32(buf.subarray(start + HEADER, w.pos)), start + 4);
    p.ends.push(w.pos);
    const batch = (p.acknowledged ??= deferred());
    this.schedule();
    return batch.promise;
  }

  /** Nothing appended is waiting to be written or acknowledged. */
  get idle(): boolean {
    return this.pending.ends.length === 0 && this.inFlight === 0;
  }

  /**
   * 'disk' mode: up to MAX_IN_FLIGHT batches are written at once, at consecutive positions, so
   * preparing the next batch overlaps the disk's work on the previous one. Acknowledgements still
   * go out in log order: a batch is acknowledged only after every batch before it.
   * 'process' mode: a batch is written synchronously, so at most one is ever in progress.
   */
  private schedule(): void {
    if (this.scheduled || this.rolling || this.inFlight >= MAX_IN_FLIGHT || this.pending.ends.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.startBatch();
    });
  }

  private startBatch(): void {
    if (this.rolling || this.inFlight >= MAX_IN_FLIGHT || this.pending.ends.length === 0) return;
    const queued = this.pending;
    if (this.failure) {
      this.pending = emptyPending();
      queued.acknowledged?.reject(this.failure);
      return;
    }
    // Take what fits in the current segment; a frame never straddles two segments.
    // (HEADER spare bytes: the zero length that marks the end always fits.)
    const ends = queued.ends;
    let n = 0;
    while (n < ends.length && this.offset + ends[n] + HEADER <= this.segmentBytes) n++;
    if (n === 0 && this.offset === 0) {
      // A record larger than a whole segment gets a segment of its own size.
      n = 1;
    }
    if (n === 0) {
      const nextFrame = ends[0];
      this.rolling = (async () => {
        await this.acknowledged;
        try {
          await this.rollOver(nextFrame);
        } catch (e) {
          this.failure ??= e as Error;
        }
        this.rolling = undefined;
        this.schedule();
      })();
      return;
    }
    const bytes = ends[n - 1];
    // A batch cut at a segment's end is acknowledged when its last part is written.
    const acknowledged = n === ends.length ? queued.acknowledged : undefined;
    const chunk = queued.w.buf.subarray(0, bytes);
    if (n < ends.length) {
      // The rest waits for the next segment, in a buffer of its own.
      const rest = emptyPending(Math.max(64 * 1024, queued.w.pos - bytes));
      rest.w.buf.set(queued.w.buf.subarray(bytes, queued.w.pos));
      rest.w.pos = queued.w.pos - bytes;
      rest.ends = ends.slice(n).map((e) => e - bytes);
      rest.acknowledged = queued.acknowledged;
      this.pending = rest;
    } else if (this.durability === 'process' && queued.w.buf.length <= 1024 * 1024) {
      // The write below is synchronous: once it returns, the same buffer can take the next batch
      // (unless a large batch grew it: that memory is let go).
      queued.w.pos = 0;
      this.pending = { w: queued.w, ends: [], acknowledged: undefined };
    } else {
      // An asynchronous write still reads this buffer: the next batch gets another.
      this.pending = emptyPending();
    }
    if (this.durability === 'process') {
      try {
        writeFullySync(this.fd, chunk, this.offset);
      } catch (e) {
        // Nothing of this batch is acknowledged (some of it may have reached the file, as with any
        // write cut short), and the log accepts no more records.
        this.failure ??= e as Error;
        acknowledged?.reject(this.failure);
        this.schedule();
        return;
      }
      this.offset += bytes;
      acknowledged?.resolve();
      this.scheduleSync();
    } else {
      const write = writeAt(this.fd, chunk, this.offset);
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
        if (error) this.failure ??= error;
        if (this.failure) acknowledged?.reject(this.failure);
        else {
          this.synced = written;
          acknowledged?.resolve();
        }
        this.schedule();
      })();
    }
    if (!this.spare && this.offset > this.segmentBytes / 2) {
      this.spare = preallocate(path.join(this.dir, segmentName(this.segment + 1)), this.segmentBytes);
      this.spare.catch(() => undefined);
    }
    this.schedule();
  }

  /**
   * 'process' mode: starts a background fdatasync when there are unsynced bytes, at most once
   * per syncIntervalMs (measured from the start of the previous one), so the disk is not asked
   * for more flushes than the loss window needs while writes keep coming.
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
    this.lastSyncAt = performance.now();
    this.syncing = new Promise<void>((resolve, reject) => {
      fs.fdatasync(this.fd, (err) => {
        this.syncing = undefined;
        if (err) {
          // The kernel reports a failed write-back once: a later sync could succeed without the
          // lost pages ever reaching the disk, so the log stops accepting records.
          this.failure ??= err;
          reject(err);
          return;
        }
        if (this.segment === segment && target > this.synced) this.synced = target;
        resolve();
        this.scheduleSync();
      });
    });
    return this.syncing;
  }

  /**
   * Makes every record acknowledged so far durable on disk ('disk' mode: they already are).
   * A checkpoint calls this before it is written, so it never claims records that a power loss
   * could still take from the log: the records after them would no longer follow on.
   */
  async sync(): Promise<void> {
    if (this.durability === 'disk') return;
    // Records written after this call need not be waited for: under load they never stop coming.
    const segment = this.segment;
    const target = this.offset;
    // A rollover syncs the whole segment before it moves on.
    while (this.segment === segment && this.synced < target) {
      if (this.closing) return this.closing;
      if (this.failure) throw this.failure;
      await this.startSync();
    }
  }

  private async rollOver(nextFrame: number): Promise<void> {
    const next = path.join(this.dir, segmentName(this.segment + 1));
    if (this.spare) await this.spare;
    else await preallocate(next, this.segmentBytes);
    this.spare = undefined;
    if (nextFrame + HEADER > this.segmentBytes) {
      fs.truncateSync(next, nextFrame + HEADER);
    }
    if (this.durability === 'process') {
      // The old segment must be wholly on disk before records land in the next one, or a power
      // loss could keep those and lose records before them.
      while (this.syncing) await this.syncing;
      clearTimeout(this.syncTimer);
      this.syncTimer = undefined;
      fs.fdatasyncSync(this.fd);
      this.lastSyncAt = performance.now();
    }
    fs.closeSync(this.fd);
    this.segment++;
    this.offset = 0;
    this.synced = 0;
    this.fd = fs.openSync(next, this.openFlags());
  }

  /** Where the next record goes (meaningful once nothing is in flight, e.g. after close). */
  get end(): { segment: number; offset: number } {
    return { segment: this.segment, offset: this.offset };
  }

  /** The segment being written: older ones are complete and may be pruned once checkpointed. */
  get currentSegment(): number {
    return this.segment;
  }

  /** How far the current segment is known to be on disk. */
  get syncedOffset(): number {
    return this.synced;
  }

  /** Bytes acknowledged but not yet known to be on disk: what a power loss could take. */
  get unsyncedBytes(): number {
    // 'disk' mode acknowledges nothing before it is on disk; bytes in flight are not acknowledged.
    return this.durability === 'disk' ? 0 : this.offset - this.synced;
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
    if (this.spare) await this.spare.catch(() => undefined);
    clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    while (this.syncing) await this.syncing.catch(() => undefined);
    try {
      if (this.durability === 'process' && this.offset > this.synced) {
        try {
          fs.fdatasyncSync(this.fd);
          this.synced = this.offset;
        } catch (e) {
          // A log that already failed reported its error to the writers; this one adds nothing.
          if (!this.failure) throw e;
        }
      }
    } finally {
      fs.closeSync(this.fd);
    }
  }
}

/** Writes all of `buf` at `position`, however many calls the kernel takes for it. */
function writeFullySync(fd: number, buf: Buffer, position: number): void {
  let done = 0;
  while (done < buf.length) done += fs.writeSync(fd, buf, done, buf.length - done, position + done);
}

function writeAt(fd: number, buf: Buffer, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.write(fd, buf, 0, buf.length, position, (err, written) => {
      if (err) reject(err);
      else if (written !== buf.length) writeAt(fd, buf.subarray(written), position + written).then(resolve, reject);
      else resolve();
    });
  });
}

async function preallocate(file: string, bytes: number): Promise<void> {
  const tmp = file + '.tmp';
  const handle = await fs.promises.open(tmp, 'w');
  try {
    const chunk = Buffer.alloc(Math.min(bytes, 4 * 1024 * 1024));
    for (let off = 0; off < bytes; off += chunk.length) await handle.write(chunk, 0, Math.min(chunk.length, bytes - off), off);
    await handle.sync();
  } finally {
    await handle.close();
  }
  fs.renameSync(tmp, file);
  syncDir(path.dirname(file));
}

export function syncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
