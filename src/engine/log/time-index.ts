// Which segment holds which lsns and times: the first and last record of every segment kept,
// so a reader finds where an lsn or a time starts without reading the log, and retention knows
// what removing a segment gives up. Built at open (headers, plus what recovery read) and kept
// up to date as the writer completes segments.
// Invariant: spans are in segment order, and lsns and times never decrease from one to the next.
import type { SegmentSpan } from './writer';

export class TimeIndex {
  private readonly list: SegmentSpan[] = [];
  private current: (() => SegmentSpan) | undefined;

  /** A completed segment (or one recovery read); replaces an entry for the same segment. */
  add(span: SegmentSpan): void {
    const last = this.list[this.list.length - 1];
    if (last && last.segment === span.segment) this.list[this.list.length - 1] = span;
    else this.list.push(span);
  }

  /** The segment being written, read live from the writer. */
  follow(current: () => SegmentSpan): void {
    this.current = current;
  }

  remove(segment: number): void {
    const i = this.list.findIndex((s) => s.segment === segment);
    if (i >= 0) this.list.splice(i, 1);
  }

  /** Completed segments, then the one being written. */
  spans(): SegmentSpan[] {
    const out = this.list.slice();
    if (this.current) {
      const c = this.current();
      if (out.length === 0 || out[out.length - 1].segment < c.segment) out.push(c);
    }
    return out;
  }

  /** Completed segments only (the ones retention may remove). */
  sealed(): readonly SegmentSpan[] {
    return this.list;
  }

  /** The spans from the first one with records at or after `fromLsn` and `fromTime` on. */
  spansFrom(fromLsn: number, fromTime: number): SegmentSpan[] {
    const all = this.spans();
    const first = all.findIndex((s) => s.lastLsn >= fromLsn && s.lastTime >= fromTime);
    return first < 0 ? [] : all.slice(first);
  }

  /** The time of the oldest record kept. */
  get earliestTime(): number | undefined {
    return this.spans()[0]?.firstTime;
  }
}
