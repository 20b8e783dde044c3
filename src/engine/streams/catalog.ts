// The stream catalog: every stream the database can still serve, found by its ARN or listed, for
// live tables and for deleted ones (kept in the database's retired tables, storage/table-set.ts).
// The data plane (records, iterators, GetRecords) finds its stream and the table that decodes its
// log records here; ListStreams and DescribeStream read it too.
//
// Invariants:
// - A stream is readable while it is enabled and for STREAM_RETENTION_MS after it was disabled
//   (by UpdateTable or by the table's deletion). An unreadable stream is never found or listed,
//   though a live table keeps its latest one in its metadata for LatestStreamArn.
// - Stream ARNs are unique across live and retired tables: a table's ARN is its name's, so a
//   re-created table gets labels later than any of its name's earlier streams (specification.ts).
// - Listing order is stable (table name, then newest label first, as DynamoDB Local lists a
//   table's streams), so ExclusiveStartStreamArn resumes after a stream even once it is gone.
import type { Database } from '../database';
import type { Table, TableMeta } from '../table';
import type { Spec } from '../validation/shape';
import { STREAM_RETENTION_MS, type StreamState } from './model';

/** A stream and the table (live, or retired after its deletion) whose records it shows. */
export interface FoundStream {
  stream: StreamState;
  /** The live or retired table: its codec decodes the stream's log records, its meta has the key schema. */
  table: Table;
  tableName: string;
  /** The table was deleted (the stream is disabled and readable for 24 hours after that). */
  deleted: boolean;
}

export type StreamStatus = 'ENABLING' | 'ENABLED' | 'DISABLING' | 'DISABLED';

/**
 * DescribeStream's StreamStatus. DynamoDB passes through ENABLING and DISABLING for a moment while
 * it sets up or tears down a stream; here the change takes effect with the very log record that
 * enables or disables the stream (there is nothing to set up), so a stream is ENABLED from the
 * answer to the request that enabled it and DISABLED from the one that disabled it (or deleted
 * its table), as DynamoDB Local shows it. The status does not depend on the time.
 */
export function streamStatus(stream: StreamState): StreamStatus {
  return stream.disabledAt === undefined ? 'ENABLED' : 'DISABLED';
}

/** Whether the stream's records can still be read at `now`. */
export function streamReadable(stream: StreamState, now: number): boolean {
  return stream.disabledAt === undefined || now - stream.disabledAt < STREAM_RETENTION_MS;
}

/** The table's enabled stream, if any (only the latest can be). */
export function enabledStream(meta: TableMeta): StreamState | undefined {
  const latest = meta.streams?.[meta.streams.length - 1];
  return latest?.disabledAt === undefined ? latest : undefined;
}

/** Whether a table has a stream that can still be read at `now` (a deleted one is then retired, not forgotten). */
export function hasReadableStream(meta: TableMeta, now: number): boolean {
  return meta.streams?.some((s) => streamReadable(s, now)) ?? false;
}

/** The table name inside a stream ARN (`arn:...:table/<name>/stream/<label>`), or undefined if it is not shaped so. */
export function tableNameOfStreamArn(arn: string): string | undefined {
  const m = STREAM_ARN.exec(arn);
  return m === null ? undefined : m[1];
}

const STREAM_ARN = /^arn:[^:]+:dynamodb:[^:]*:[^:]*:table\/([^/]+)\/stream\/([^/]+)$/;

/** The readable stream with this ARN, on a live or a deleted table. */
export function findStream(db: Database, arn: string): FoundStream | undefined {
  const tableName = tableNameOfStreamArn(arn);
  if (tableName === undefined) return undefined;
  const now = db.now();
  const live = db.tables.get(tableName);
  const own = live?.meta.streams?.find((s) => s.arn === arn);
  if (live !== undefined && own !== undefined) return streamReadable(own, now) ? { stream: own, table: live, tableName, deleted: false } : undefined;
  for (const table of db.retiredTables.values()) {
    if (table.name !== tableName) continue;
    const stream = table.meta.streams?.find((s) => s.arn === arn);
    if (stream !== undefined) return streamReadable(stream, now) ? { stream, table, tableName, deleted: true } : undefined;
  }
  return undefined;
}

/** Every readable stream, of one table name (live and deleted tables of that name) or of all, in listing order. */
export function listStreams(db: Database, tableName?: string): FoundStream[] {
  const now = db.now();
  const out: FoundStream[] = [];
  const collect = (table: Table, deleted: boolean): void => {
    if (tableName !== undefined && table.name !== tableName) return;
    for (const stream of table.meta.streams ?? []) {
      if (streamReadable(stream, now)) out.push({ stream, table, tableName: table.name, deleted });
    }
  };
  if (tableName !== undefined) {
    const live = db.tables.get(tableName);
    if (live !== undefined) collect(live, false);
  } else {
    for (const table of db.tables.values()) collect(table, false);
  }
  for (const table of db.retiredTables.values()) collect(table, true);
  return out.sort(compareListed);
}

/** Listing order: table name, then newest label first. */
export function compareListed(a: { tableName: string; stream: { label: string } }, b: { tableName: string; stream: { label: string } }): number {
  if (a.tableName !== b.tableName) return a.tableName < b.tableName ? -1 : 1;
  if (a.stream.label === b.stream.label) return 0;
  return a.stream.label > b.stream.label ? -1 : 1;
}

// ---------------------------------------------------------------------------------------------
// Members the Streams operations share (DynamoDB Streams' documented constraints).

/** A stream ARN member (StreamArn, ExclusiveStartStreamArn): 37 to 1024 characters. */
export const STREAM_ARN_MEMBER: Spec = { type: 'string', min: 37, max: 1024 };
/** A shard id member (ShardId, ExclusiveStartShardId): 28 to 65 characters. */
export const SHARD_ID_MEMBER: Spec = { type: 'string', min: 28, max: 65 };
/** A page Limit: at least 1 by the shape; over 100 gets each operation's own message. */
export const STREAMS_PAGE_LIMIT: Spec = { type: 'integer', min: 1 };
/** The largest page ListStreams and DescribeStream return. */
export const STREAMS_PAGE_MAX = 100;
