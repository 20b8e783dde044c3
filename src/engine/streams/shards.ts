// A stream's shards over time: the first one when the stream is enabled, a child each time the
// open one rolls over (by age, and at every open of a data folder), the last one closed when the
// stream is disabled, and shards and streams forgotten once they are past retention. Every change
// to a live table's streams is an updateTable mutation, so it is logged and recovered.
//
// Where the lsn boundaries fall (R is the lsn of the record making the change, read from
// db.nextLsn synchronously right before that record's commit):
// - enabling at R: the stream's enabledLsn is R, its first shard starts at R + 1 (the enabling
//   record itself holds no item change);
// - a rollover at R: the open shard's lastLsn is R - 1, the child's firstLsn is R (the rollover
//   record holds only the table's metadata, so the child's first item record comes after it);
// - disabling at R (UpdateTable, or DeleteTable of a table with an enabled stream): disabledLsn
//   and the open shard's lastLsn are R - 1.
// So a stream's shards are consecutive (child.firstLsn = parent.lastLsn + 1). A shard closed
// before any record reached it has lastLsn = firstLsn - 1: it holds nothing.
//
// Invariants: shards are dropped only once closed more than STREAM_RETENTION_MS ago (their
// records are past retention); a disabled stream is dropped once past retention, except the
// table's latest, which DescribeTable still names (LatestStreamArn); a retired table is released
// once none of its streams is readable.
import type { Database } from '../database';
import type { TableMeta } from '../table';
import { hasReadableStream } from './catalog';
import { MUTATIONS_PER_RECORD, STREAM_RETENTION_MS, sequenceNumber, shardId, streamArn, streamLabel, type ShardState, type StreamState, type StreamViewType } from './model';

/** A new enabled stream of the table whose enabling record is at `lsn`, with its first shard open. */
export function newStream(tableArn: string, viewType: StreamViewType, enabledAt: number, lsn: number): StreamState {
  const label = streamLabel(enabledAt);
  const arn = streamArn(tableArn, label);
  return { label, arn, viewType, enabledAt, enabledLsn: lsn, shards: [{ id: shardId(arn, lsn + 1, enabledAt), firstLsn: lsn + 1, createdAt: enabledAt }] };
}

/**
 * DescribeStream's SequenceNumberRange: from the first sequence number the shard's first lsn can
 * hold; a closed shard ends at the last one its last lsn can hold (an upper bound: the last
 * record's own number may be lower), or at its start if it holds nothing.
 */
export function shardRange(shard: ShardState): { StartingSequenceNumber: string; EndingSequenceNumber?: string } {
  const StartingSequenceNumber = sequenceNumber(shard.firstLsn, 0);
  if (shard.lastLsn === undefined) return { StartingSequenceNumber };
  const EndingSequenceNumber = shard.lastLsn >= shard.firstLsn ? sequenceNumber(shard.lastLsn, MUTATIONS_PER_RECORD - 1) : StartingSequenceNumber;
  return { StartingSequenceNumber, EndingSequenceNumber };
}

/** The stream disabled by the record at `lsn`: its open shard closed at the record before. */
export function disableStream(stream: StreamState, at: number, lsn: number): StreamState {
  return { ...stream, disabledAt: at, disabledLsn: lsn - 1, shards: stream.shards.map((s) => (s.lastLsn === undefined ? { ...s, lastLsn: lsn - 1, closedAt: at } : s)) };
}

/** The stream with its open shard closed before the record at `lsn` and a child opened there. */
export function rollOver(stream: StreamState, at: number, lsn: number): StreamState {
  const open = stream.shards[stream.shards.length - 1];
  if (open === undefined || open.lastLsn !== undefined) return stream;
  const child: ShardState = { id: shardId(stream.arn, lsn, at), parent: open.id, firstLsn: lsn, createdAt: at };
  return { ...stream, shards: [...stream.shards.slice(0, -1), { ...open, lastLsn: lsn - 1, closedAt: at }, child] };
}

export interface MaintenanceOptions {
  /** Roll every open shard over whatever its age (the database was just opened). */
  reopened?: boolean;
  /** How old an open shard may get before it rolls over. */
  rolloverMs: number;
}

/** The table's streams after rollover and retention at `now`, or undefined if nothing changes. */
export function maintainedStreams(streams: StreamState[] | undefined, now: number, lsn: number, options: MaintenanceOptions): StreamState[] | undefined {
  if (streams === undefined || streams.length === 0) return undefined;
  let changed = false;
  const out: StreamState[] = [];
  for (let i = 0; i < streams.length; i++) {
    let stream = streams[i];
    const latest = i === streams.length - 1;
    if (stream.disabledAt !== undefined && now - stream.disabledAt >= STREAM_RETENTION_MS && !latest) {
      changed = true;
      continue;
    }
    const open = stream.shards[stream.shards.length - 1];
    // A shard that could hold no record yet (it starts at the very lsn the rollover would take) stays open.
    if (open !== undefined && open.lastLsn === undefined && open.firstLsn < lsn && (options.reopened || now - open.createdAt >= options.rolloverMs)) {
      stream = rollOver(stream, now, lsn);
      changed = true;
    }
    const kept = stream.shards.filter((s) => s.closedAt === undefined || now - s.closedAt < STREAM_RETENTION_MS);
    if (kept.length !== stream.shards.length) {
      stream = { ...stream, shards: kept };
      changed = true;
    }
    out.push(stream);
  }
  return changed ? out : undefined;
}

/**
 * Rolls shards over and applies retention on every live table (one updateTable record per table
 * that changes) and releases retired tables none of whose streams is readable any more.
 * Resolves when the changes are durable; a refused commit (the log failed) is left to the next run.
 */
export function maintainStreams(db: Database, options: MaintenanceOptions): Promise<void> {
  const now = db.now();
  const done: Promise<void>[] = [];
  for (const table of db.tables.values()) {
    const streams = maintainedStreams(table.meta.streams, now, db.nextLsn, options);
    if (streams === undefined) continue;
    const meta: TableMeta = { ...table.meta, streams };
    try {
      done.push(db.commit([{ kind: 'updateTable', tableId: meta.id, meta }]).catch(() => undefined));
    } catch {
      break;
    }
  }
  for (const [id, table] of db.retiredTables) {
    if (!hasReadableStream(table.meta, now)) db.releaseRetired(id);
  }
  return Promise.all(done).then(() => undefined);
}

/** How often the maintenance timer looks: a quarter of the rollover age, from 50 ms to a minute. */
export function maintenanceInterval(rolloverMs: number): number {
  return Math.min(60_000, Math.max(50, Math.floor(rolloverMs / 4)));
}
