// Provisioned-throughput admission: token buckets per table and per GSI at the provisioned rate,
// holding up to 300 s of unused capacity as burst, and per-partition buckets at DynamoDB's
// partition limits (3,000 RCU / 1,000 WCU per second, no burst). A request is admitted while the
// buckets it touches are above zero; it then takes its actual units, which may leave a bucket in
// debt (a 400 KB write on a 1 WCU table is admitted and repaid over the following seconds), so
// admission never needs to know an item's size in advance.

export const BURST_SECONDS = 300;
export const PARTITION_READ_UNITS = 3000;
export const PARTITION_WRITE_UNITS = 1000;
export const PARTITION_BYTES = 10 * 1024 ** 3;
const HASH_SPACE = 2 ** 32;
/**
 * The most partitions a table or GSI is simulated with. Per-partition counters are allocated for
 * every partition a Scan page spans, so the count must not follow a number a client sends: the
 * default quotas (capacity/quotas.ts) give at most 54, and raised quotas or a restored table
 * provisioned before quotas existed stop here (10 TB of data, far beyond a workspace).
 */
export const MAX_PARTITIONS = 1000;

export class TokenBucket {
  private level: number;
  private last: number;

  /** A bucket refilling at `rate` units per second, holding `burstSeconds` of it; starts full. */
  constructor(
    private rate: number,
    private burstSeconds: number,
    now: number,
  ) {
    this.level = rate * burstSeconds;
    this.last = now;
  }

  get capacity(): number {
    return this.rate * this.burstSeconds;
  }

  /** Units available at `now` (negative while in debt). */
  available(now: number): number {
    if (now > this.last) {
      this.level = Math.min(this.capacity, this.level + (this.rate * (now - this.last)) / 1000);
      this.last = now;
    }
    return this.level;
  }

  admits(now: number): boolean {
    return this.available(now) > 0;
  }

  take(units: number): void {
    this.level -= units;
  }

  /** A new rate (UpdateTable): what accrued so far is kept, up to the new capacity. */
  setRate(rate: number, now: number): void {
    if (rate === this.rate) return;
    this.available(now);
    this.rate = rate;
    this.level = Math.min(this.level, this.capacity);
  }
}

/**
 * DynamoDB's documented sizing: enough partitions for the highest throughput ever provisioned
 * (3,000 RCU and 1,000 WCU each) and for the data (10 GB each), at most MAX_PARTITIONS.
 * Partitions split, never merge.
 */
export function partitionsFor(read: number, write: number, sizeBytes: number): number {
  const wanted = Math.max(1, Math.ceil(read / PARTITION_READ_UNITS + write / PARTITION_WRITE_UNITS), Math.ceil(sizeBytes / PARTITION_BYTES));
  return Math.min(MAX_PARTITIONS, wanted);
}

/** The partition of a 32-bit key hash: partitions own equal, contiguous hash ranges. */
export function partitionOf(hash: number, partitions: number): number {
  return Math.min(partitions - 1, Math.floor((hash * partitions) / HASH_SPACE));
}

/** The hash range [low, high) owned by partition `p` of `partitions`. */
export function partitionRange(p: number, partitions: number): [number, number] {
  return [Math.floor((p * HASH_SPACE) / partitions), Math.floor(((p + 1) * HASH_SPACE) / partitions)];
}

interface PartitionBuckets {
  read: TokenBucket;
  write: TokenBucket;
}

/** The throughput state of one table or one GSI. */
export class Throughput {
  /** Highest provisioned (or on-demand warm) throughput seen: partitions follow it. */
  peakRead = 0;
  peakWrite = 0;
  partitions = 1;
  private tableRead: TokenBucket | undefined;
  private tableWrite: TokenBucket | undefined;
  private readonly parts = new Map<number, PartitionBuckets>();
  private provisioned = false;
  /** The read and write last synced: with the same mode, equal rates leave every bucket as it is. */
  private syncedRead = NaN;
  private syncedWrite = NaN;

  /** Brings the state up to the resource's current mode, throughput and size. */
  sync(provisioned: boolean, read: number, write: number, sizeBytes: number, now: number): void {
    // Called on every request: unchanged inputs change nothing while the data still fits the
    // partitions there are (the size is the only input that moves between UpdateTables).
    if (provisioned === this.provisioned && read === this.syncedRead && write === this.syncedWrite && sizeBytes <= this.partitions * PARTITION_BYTES) return;
    this.syncedRead = read;
    this.syncedWrite = write;
    // On-demand tables start with the throughput of 12,000 reads / 4,000 writes per second.
    const r = provisioned ? read : Math.max(read, 12000);
    const w = provisioned ? write : Math.max(write, 4000);
    if (r > this.peakRead) this.peakRead = r;
    if (w > this.peakWrite) this.peakWrite = w;
    const parts = partitionsFor(this.peakRead, this.peakWrite, sizeBytes);
    if (parts > this.partitions) {
      this.partitions = parts;
      this.parts.clear();
    }
    if (!provisioned) {
      this.provisioned = false;
      this.tableRead = this.tableWrite = undefined;
      return;
    }
    if (!this.provisioned || this.tableRead === undefined || this.tableWrite === undefined) {
      this.tableRead = new TokenBucket(read, BURST_SECONDS, now);
      this.tableWrite = new TokenBucket(write, BURST_SECONDS, now);
      this.provisioned = true;
    } else {
      this.tableRead.setRate(read, now);
      this.tableWrite.setRate(write, now);
    }
  }

  bucket(kind: 'read' | 'write'): TokenBucket | undefined {
    return kind === 'read' ? this.tableRead : this.tableWrite;
  }

  partitionBucket(p: number, kind: 'read' | 'write', now: number): TokenBucket {
    let b = this.parts.get(p);
    if (b === undefined) {
      b = { read: new TokenBucket(PARTITION_READ_UNITS, 1, now), write: new TokenBucket(PARTITION_WRITE_UNITS, 1, now) };
      this.parts.set(p, b);
    }
    return kind === 'read' ? b.read : b.write;
  }

  partitionOfHash(hash: number): number {
    return partitionOf(hash, this.partitions);
  }
}
