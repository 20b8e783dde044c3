// Reads one DynamoDB stream the way a consumer of the real service does, through nothing but the
// Streams API (DescribeStream, GetShardIterator, GetRecords) of a Connection: the workspace
// engine and a remote DynamoDB are read alike. No vscode import, so it runs in plain Node tests.
//
// Invariants:
// - A shard is read only once its parent is drained (or its parent is unknown: trimmed, or
//   older than where reading started), so records of one key arrive in write order.
// - At most one GetRecords per shard per round, and rounds at least MIN_POLL_MS apart: DynamoDB
//   allows 5 calls a second per shard. Rounds that find nothing back off, doubling up to
//   MAX_POLL_MS; a round with records goes back to MIN_POLL_MS.
// - Each shard's last sequence number is kept: an expired iterator (15 minutes, e.g. while the
//   panel was hidden) or a window reload resumes AFTER_SEQUENCE_NUMBER, losing nothing.
// - LATEST reads new records of the shards open at the start; shards that appear later (children
//   after a rollover) are read from TRIM_HORIZON, since every record in them is new.
import { describeError, errorInfo, type Connection } from '../connection';
import { recordFromWire, type ReadingStatus, type StreamRecordView, type StreamStart } from '../../protocol/stream-view';

export const MIN_POLL_MS = 250;
export const MAX_POLL_MS = 2000;
/** how often the shard list is read again when no shard closed (new shards appear on rollover) */
export const DESCRIBE_EVERY_MS = 10_000;

interface ShardPosition {
  id: string;
  parent?: string;
  iterator?: string;
  /** the last sequence number read from this shard */
  lastSeq?: string;
  /** closed and read to its end */
  drained: boolean;
  /** how to get the first iterator when there is no lastSeq */
  startType: StreamStart;
}

export interface TailerOptions {
  arn: string;
  start: StreamStart;
  /** shard id -> last sequence number read (a window reload hands these back) */
  resume?: Record<string, string>;
  /** arrival number of the first record this tailer delivers */
  firstN?: number;
  onRecords(records: StreamRecordView[]): void;
  onStatus?(status: ReadingStatus): void;
  now?: () => number;
}

type StreamsClient = Pick<Connection, 'sendStreams'>;

export class StreamTailer {
  private readonly shards = new Map<string, ShardPosition>();
  private described = false;
  private lastDescribe = -Infinity;
  private needDescribe = true;
  private running = false;
  /** a loop is alive (possibly in a round after stop()) */
  private looping = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private wake: (() => void) | undefined;
  private nextN: number;
  /** delay before the next round */
  pollMs = MIN_POLL_MS;
  /** the stream's status as the last DescribeStream gave it */
  streamStatus: string | undefined;
  /** calls made, by operation (for tests and the status line) */
  readonly calls: Record<'DescribeStream' | 'GetShardIterator' | 'GetRecords', number> = { DescribeStream: 0, GetShardIterator: 0, GetRecords: 0 };

  constructor(
    private readonly client: StreamsClient,
    private readonly options: TailerOptions,
  ) {
    this.nextN = options.firstN ?? 0;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** shard id -> last sequence number read */
  positions(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const s of this.shards.values()) if (s.lastSeq) out[s.id] = s.lastSeq;
    return out;
  }

  /** Polls until stop(): rounds back off while nothing arrives. */
  start(): void {
    this.running = true;
    // a loop still finishing its round (stopped and started again meanwhile) just carries on:
    // two loops would read the same iterators twice
    if (!this.looping) void this.loop();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.wake?.();
    this.options.onStatus?.({ reading: 'stopped', shards: this.shards.size });
  }

  private async loop(): Promise<void> {
    this.looping = true;
    try {
      while (this.running) {
        try {
          const n = await this.round();
          this.pollMs = n > 0 ? MIN_POLL_MS : Math.min(MAX_POLL_MS, this.pollMs * 2);
          if (this.running) this.options.onStatus?.({ reading: 'polling', pollMs: this.pollMs, shards: this.shards.size, streamStatus: this.streamStatus });
        } catch (e) {
          // a failed round (network, a deleted stream) is shown and retried at the slowest pace
          this.pollMs = MAX_POLL_MS;
          if (this.running) this.options.onStatus?.({ reading: 'failed', error: describeError(e), pollMs: this.pollMs, shards: this.shards.size });
        }
        if (!this.running) break;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.timer = setTimeout(resolve, this.pollMs);
        });
      }
    } finally {
      // in the same turn as the last check of `running`: a start() after it starts a new loop
      this.looping = false;
    }
  }

  /** One round: the shard list when due, then one GetRecords per readable shard. Returns the records delivered. */
  async round(): Promise<number> {
    const now = this.options.now?.() ?? Date.now();
    if (this.needDescribe || now - this.lastDescribe >= DESCRIBE_EVERY_MS) await this.describe(now);
    let delivered = 0;
    for (const shard of this.readable()) delivered += await this.read(shard);
    return delivered;
  }

  private async describe(now: number): Promise<void> {
    const found: { ShardId: string; ParentShardId?: string; SequenceNumberRange?: { EndingSequenceNumber?: string } }[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      this.calls.DescribeStream++;
      const out = await this.client.sendStreams('DescribeStream', { StreamArn: this.options.arn, ...(exclusiveStartShardId ? { ExclusiveStartShardId: exclusiveStartShardId } : {}) });
      const d = out?.StreamDescription ?? {};
      this.streamStatus = d.StreamStatus ?? this.streamStatus;
      found.push(...(d.Shards ?? []));
      exclusiveStartShardId = d.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    const resume = this.options.resume ?? {};
    for (const s of found) {
      if (this.shards.has(s.ShardId)) continue;
      const closed = !!s.SequenceNumberRange?.EndingSequenceNumber;
      const parentKnown = !!s.ParentShardId && (this.shards.has(s.ParentShardId) || !!resume[s.ParentShardId]);
      let startType: StreamStart = 'TRIM_HORIZON';
      let drained = false;
      if (!this.described && this.options.start === 'LATEST' && !resume[s.ShardId] && !parentKnown) {
        // at the start, LATEST: closed shards hold only the past, open ones are read from now
        if (closed) drained = true;
        else startType = 'LATEST';
      }
      this.shards.set(s.ShardId, { id: s.ShardId, parent: s.ParentShardId, lastSeq: resume[s.ShardId], drained, startType });
    }
    this.described = true;
    this.lastDescribe = now;
    this.needDescribe = false;
  }

  /** Shards not drained whose parent is drained or not one of ours, oldest first. */
  private readable(): ShardPosition[] {
    return [...this.shards.values()].filter((s) => {
      if (s.drained) return false;
      const parent = s.parent ? this.shards.get(s.parent) : undefined;
      return !parent || parent.drained;
    });
  }

  private async iterator(shard: ShardPosition): Promise<string | undefined> {
    if (shard.iterator) return shard.iterator;
    const input: Record<string, string> = { StreamArn: this.options.arn, ShardId: shard.id };
    if (shard.lastSeq) Object.assign(input, { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: shard.lastSeq });
    else input.ShardIteratorType = shard.startType;
    this.calls.GetShardIterator++;
    try {
      shard.iterator = (await this.client.sendStreams('GetShardIterator', input))?.ShardIterator;
    } catch (e) {
      // the shard (or the position in it) aged out of the stream's 24 hours: read what is left
      if (errorInfo(e).type !== 'TrimmedDataAccessException' && errorInfo(e).type !== 'ResourceNotFoundException') throw e;
      shard.lastSeq = undefined;
      shard.startType = 'TRIM_HORIZON';
      if (errorInfo(e).type === 'ResourceNotFoundException') shard.drained = true;
      return undefined;
    }
    if (!shard.iterator) shard.drained = true;
    return shard.iterator;
  }

  private async read(shard: ShardPosition): Promise<number> {
    const iterator = await this.iterator(shard);
    if (!iterator) return 0;
    let out: { Records?: unknown[]; NextShardIterator?: string | null };
    this.calls.GetRecords++;
    try {
      out = await this.client.sendStreams('GetRecords', { ShardIterator: iterator, Limit: 1000 });
    } catch (e) {
      const type = errorInfo(e).type;
      if (type === 'ExpiredIteratorException' || type === 'TrimmedDataAccessException') {
        // next round asks for a fresh iterator after the last record read
        shard.iterator = undefined;
        if (type === 'TrimmedDataAccessException') shard.lastSeq = undefined;
        return 0;
      }
      throw e;
    }
    const records: StreamRecordView[] = [];
    for (const wire of out.Records ?? []) {
      const r = recordFromWire(wire, shard.id, this.nextN);
      if (!r) continue;
      this.nextN++;
      records.push(r);
      shard.lastSeq = r.seq;
    }
    shard.iterator = out.NextShardIterator ?? undefined;
    if (!shard.iterator) {
      // a closed shard read to its end: its children become readable, once the list shows them
      shard.drained = true;
      this.needDescribe = true;
    }
    if (records.length) this.options.onRecords(records);
    return records.length;
  }
}
