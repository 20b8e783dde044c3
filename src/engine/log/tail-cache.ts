// The newest records of the log, kept in memory so that readers of recent history (a Streams
// consumer polling the tail, a restore to a few seconds ago) are served without reading segment
// files back. Invariants:
// - only acknowledged records are in it: a record enters when the log acknowledges it, and the
//   records still waiting are dropped when the log fails, so no reader ever sees a write that a
//   failure undid;
// - it holds a contiguous run of lsns ending at the last acknowledged one, bounded by `maxBytes`
//   (the oldest go first); its records share their strings with the tables, so what it costs is
//   mostly the record objects, counted here by the bytes of their text;
// - `droppedThrough` is the lsn of the newest record it let go (0: none): everything after it that
//   was kept is still there (the in-memory database keeps Streams' history in one of these);
// - it answers a range only when it holds every record of it, otherwise the caller reads files;
// - it fills only while some consumer keeps history (Streams, PITR): kept records outlive the
//   young generation of the heap, so with nobody to read them the log keeps none (measured: a
//   16 MiB tail filled on every PutItem cost about 8% of its CPU).
import type { LogRange } from './reader';
import type { LogRecord, Mutation } from './records';

export const DEFAULT_TAIL_CACHE_BYTES = 16 * 1024 * 1024;

/** Bytes of text a record holds (UTF-16 code units × 2), a proxy for its memory. */
function recordBytes(r: LogRecord): number {
  let n = 64;
  for (const m of r.mutations) n += mutationBytes(m);
  return n;
}

function mutationBytes(m: Mutation): number {
  switch (m.kind) {
    case 'put':
      return 32 + 2 * (m.key.length + m.item.length + (m.old?.length ?? 0));
    case 'delete':
      return 32 + 2 * (m.key.length + m.old.length);
    default:
      return 256;
  }
}

export class TailCache {
  /** Appended, not yet acknowledged, oldest first. */
  private waiting: LogRecord[] = [];
  private waitingHead = 0;
  /** Acknowledged, oldest first, from `head` on. */
  private records: LogRecord[] = [];
  private sizes: number[] = [];
  private head = 0;
  private bytes = 0;
  /** The lsn of the newest record let go (by size or age), 0 if none. */
  droppedThrough = 0;

  private active = false;

  constructor(private readonly maxBytes = DEFAULT_TAIL_CACHE_BYTES) {}

  /** Fill (a consumer keeps history) or not; turning it off lets every record go. */
  set enabled(on: boolean) {
    this.active = on && this.maxBytes > 0;
    if (this.active) return;
    this.waiting = [];
    this.waitingHead = 0;
    this.records = [];
    this.sizes = [];
    this.head = 0;
    this.bytes = 0;
  }

  appended(record: LogRecord): void {
    if (this.active) this.waiting.push(record);
  }

  /** Every record up to `lsn` is acknowledged: they become readable. */
  acknowledged(lsn: number): void {
    const w = this.waiting;
    let i = this.waitingHead;
    for (; i < w.length && w[i].lsn <= lsn; i++) this.keep(w[i]);
    if (i === w.length) {
      w.length = 0;
      this.waitingHead = 0;
    } else this.waitingHead = i;
  }

  /** The log failed: what waited is never acknowledged. */
  failed(): void {
    this.waiting = [];
    this.waitingHead = 0;
  }

  private keep(record: LogRecord): void {
    const size = recordBytes(record);
    this.records.push(record);
    this.sizes.push(size);
    this.bytes += size;
    while (this.bytes > this.maxBytes && this.head < this.records.length) this.drop();
    this.compact();
  }

  private drop(): void {
    this.droppedThrough = this.records[this.head].lsn;
    this.bytes -= this.sizes[this.head++];
  }

  /** Lets go of the records older than `time`. */
  dropOlderThan(time: number): void {
    while (this.head < this.records.length && this.records[this.head].time < time) this.drop();
    this.compact();
  }

  private compact(): void {
    // Compact now and then, so dropped records are let go.
    if (this.head > 4096 && this.head * 2 > this.records.length) {
      this.records = this.records.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.head = 0;
    }
  }

  /** The lsn of the oldest record held, if any. */
  get oldestLsn(): number | undefined {
    return this.records[this.head]?.lsn;
  }

  get size(): { records: number; bytes: number } {
    return { records: this.records.length - this.head, bytes: this.bytes };
  }

  /**
   * The records of `range` if the cache holds all of them, else undefined. A range from a time is
   * held when the cache reaches back past it: times never go backwards, so nothing before the
   * cache's first record can be at or after a time later than that record's.
   */
  serve(range: LogRange): LogRecord[] | undefined {
    const held = this.iterate(range);
    return held && [...held];
  }

  /** As serve, but read lazily as iterated (a reader that needs only the first few records copies no more). */
  iterate(range: LogRange): Iterable<LogRecord> | undefined {
    const list = this.records;
    const first = list[this.head];
    if (first === undefined) return undefined;
    const fromLsn = range.fromLsn ?? -Infinity;
    const fromTime = range.fromTime ?? -Infinity;
    const coveredByLsn = range.fromLsn !== undefined && fromLsn >= first.lsn;
    const coveredByTime = range.fromTime !== undefined && fromTime > first.time;
    if (!coveredByLsn && !coveredByTime) return undefined;
    const toLsn = range.toLsn ?? Infinity;
    // Binary search for the first record at or after fromLsn (lsns are contiguous and rising).
    let lo = this.head;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid].lsn < fromLsn) lo = mid + 1;
      else hi = mid;
    }
    return from(list, lo, toLsn, fromTime);
  }
}

function* from(list: readonly LogRecord[], start: number, toLsn: number, fromTime: number): Generator<LogRecord> {
  for (let i = start; i < list.length && list[i].lsn <= toLsn; i++) if (list[i].time >= fromTime) yield list[i];
}
