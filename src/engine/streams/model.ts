// The shapes Streams is built from, shared by its control plane (specification, catalog, shards)
// and its data plane (records, iterators, GetRecords, subscriptions).
//
// A stream is a range of the log: the records of one table after the record that enabled it, up
// to the record that disabled it (or the table's deletion). Its shards cut that range into
// consecutive lsn ranges, each shard the child of the one before (one open shard at a time);
// a shard rolls over every few hours and at each reopen. Stream state lives in the table's
// metadata (TableMeta.streams), so it is logged, checkpointed and recovered with the table.
//
// Invariants:
// - A stream's shards are consecutive: shard k+1 starts at shard k's lastLsn + 1, and only the
//   last shard of an enabled stream is open (no lastLsn).
// - The sequence number of mutation i of the record at lsn L is L * 1000 + i, written as a
//   21-digit decimal string: it grows with the log, and a record never holds 1,000 mutations.
// - A stream record is shown only once its log record is durable (the log's readable lsn).
import { createHash } from 'node:crypto';

export type StreamViewType = 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';
export const STREAM_VIEW_TYPES: readonly StreamViewType[] = ['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES'];

/** One shard: a range of the log's lsns, persisted inside its stream. */
export interface ShardState {
  /** `shardId-<20 digits>-<8 hex>`, as DynamoDB names shards. */
  id: string;
  parent?: string;
  /** The first lsn the shard holds. */
  firstLsn: number;
  /** The last lsn it holds (inclusive), once closed; absent while it is the open shard. */
  lastLsn?: number;
  /** Milliseconds since the epoch. */
  createdAt: number;
  closedAt?: number;
}

/** One stream of a table, persisted in TableMeta.streams (oldest first; the latest is last). */
export interface StreamState {
  /** The label: the enabling time as DynamoDB writes it, e.g. 2026-12-06T02:29:39.123. */
  label: string;
  arn: string;
  viewType: StreamViewType;
  /** Milliseconds since the epoch. */
  enabledAt: number;
  /** The lsn of the record that enabled it: the stream holds the records after it. */
  enabledLsn: number;
  disabledAt?: number;
  /** The last lsn the stream holds (inclusive): the record before the one that disabled it. */
  disabledLsn?: number;
  shards: ShardState[];
}

/** How long records, disabled streams and deleted tables' streams stay readable. */
export const STREAM_RETENTION_MS = 24 * 60 * 60 * 1000;
/** How long a shard stays open before a child shard takes over (DynamoDB: every few hours). */
export const DEFAULT_SHARD_ROLLOVER_MS = 4 * 60 * 60 * 1000;
/** How long a shard iterator stays valid. */
export const ITERATOR_LIFETIME_MS = 15 * 60 * 1000;

/** Mutations per log record stay below this, so sequence numbers never collide. */
export const MUTATIONS_PER_RECORD = 1000;

export function sequenceNumber(lsn: number, mutationIndex: number): string {
  // The same digits as String(lsn * 1000 + mutationIndex), built from two small integers: turning
  // one large double into text took a sixth of GetRecords' time to write a record.
  const low = mutationIndex < 10 ? '00' + mutationIndex : mutationIndex < 100 ? '0' + mutationIndex : String(mutationIndex);
  return (lsn === 0 ? String(mutationIndex) : lsn + low).padStart(21, '0');
}

/** The lsn and mutation index of a sequence number, or undefined when it is not one of ours. */
export function parseSequenceNumber(text: string): { lsn: number; index: number } | undefined {
  if (!/^\d{1,40}$/.test(text)) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n)) return undefined;
  return { lsn: Math.floor(n / MUTATIONS_PER_RECORD), index: n % MUTATIONS_PER_RECORD };
}

export function streamLabel(enabledAt: number): string {
  return new Date(enabledAt).toISOString().replace(/Z$/, '');
}

export function streamArn(tableArn: string, label: string): string {
  return `${tableArn}/stream/${label}`;
}

/** A shard id that is unique per stream and start lsn, shaped like DynamoDB's. */
export function shardId(streamArnText: string, firstLsn: number, createdAt: number): string {
  const hash = createHash('sha1').update(`${streamArnText}#${firstLsn}`).digest('hex').slice(0, 8);
  return `shardId-${String(createdAt).padStart(20, '0')}-${hash}`;
}
