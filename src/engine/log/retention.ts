// Which completed segments the log keeps. Consumers register what they need (`retain(name,
// { lsn } | { time })`: Streams' 24 hours, point-in-time recovery's 1 to 35 days, a backup in
// progress) and release it; recovery always needs the segments from the checkpoint's on. A segment
// nobody needs is removed, whatever its age on disk (file times play no part). A size cap bounds
// the history: past it the oldest segments go even if a consumer wanted them, and the earliest
// retained time moves forward, which the log reports (so the user is told, never surprised).
// Invariants: the segment being written and every segment from the checkpoint's on are never
// removed; segments go oldest first, so the kept ones stay consecutive.
import type { SegmentSpan } from './writer';

export type RetainFrom = { lsn: number } | { time: number };

export class Retention {
  private readonly consumers = new Map<string, RetainFrom>();

  retain(name: string, from: RetainFrom): void {
    this.consumers.set(name, from);
  }

  release(name: string): void {
    this.consumers.delete(name);
  }

  get names(): string[] {
    return [...this.consumers.keys()];
  }

  /**
   * The completed segments to remove, oldest first: `sealed` are the completed segments kept now,
   * `recoveryFrom` the checkpoint's segment, `capBytes` the most history to keep (segment bytes).
   */
  removable(sealed: readonly SegmentSpan[], recoveryFrom: number, capBytes: number): number[] {
    const out: number[] = [];
    let kept = sealed.reduce((n, s) => n + s.end, 0);
    for (const span of sealed) {
      if (span.segment >= recoveryFrom) break;
      const wanted = [...this.consumers.values()].some((c) => ('lsn' in c ? span.lastLsn >= c.lsn : span.lastTime >= c.time));
      if (wanted && kept <= capBytes) break;
      out.push(span.segment);
      kept -= span.end;
    }
    return out;
  }
}
