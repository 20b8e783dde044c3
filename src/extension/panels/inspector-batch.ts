// Gathers records as the recorder announces them and hands them on in batches, at most one batch
// per interval, so a busy application (thousands of requests a second) costs the webview ten
// messages a second rather than one per request. No VS Code here: it runs in plain Node tests.
//
// Invariants: every record given to `add` is delivered exactly once (newest first within a
// batch) unless `drop` discards the pending ones; at most `max` records are kept pending (the
// view keeps no more anyway), the oldest going first.
import type { RequestRecord } from '../../protocol/request-record';

export class RecordBatcher {
  private pending: RequestRecord[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastFlush = 0;

  constructor(
    private readonly deliver: (newestFirst: RequestRecord[]) => void,
    private readonly intervalMs: number,
    private readonly max: number,
  ) {}

  add(record: RequestRecord): void {
    this.pending.push(record);
    if (this.pending.length > this.max) this.pending.splice(0, this.pending.length - this.max);
    if (this.timer) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Delivers what is pending now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.length) return;
    const batch = this.pending.reverse();
    this.pending = [];
    this.lastFlush = Date.now();
    this.deliver(batch);
  }

  drop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }
}
