// What the Streams data-plane tests share: a database (in memory or on a folder) with a clock the
// test moves, a table with a stream, and short ways to get an iterator and drain a shard.
import type { Database } from '../../../src/engine/database';
import type { StreamRecord } from '../../../src/engine/streams/records';
import type { StreamViewType } from '../../../src/engine/streams/model';

export interface Clock {
  now: () => number;
  advance(ms: number): void;
}

/** A clock starting at a fixed time, moved only by the test. */
export function testClock(start = Date.UTC(2026, 0, 1)): Clock {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

export { memoryDb as openMemory, rejects } from '../helpers';

/** A table keyed by `pk` (S) and `sk` (N), with a stream of `viewType`. */
export async function createStreamTable(db: Database, viewType: StreamViewType = 'NEW_AND_OLD_IMAGES', name = 'Events'): Promise<void> {
  await db.execute('CreateTable', {
    TableName: name,
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'N' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: viewType },
  });
}

export async function streamArnOf(db: Database, table = 'Events'): Promise<string> {
  const d = (await db.execute('DescribeTable', { TableName: table })) as { Table: { LatestStreamArn: string } };
  return d.Table.LatestStreamArn;
}

export async function shardsOf(db: Database, arn: string): Promise<{ ShardId: string; ParentShardId?: string; SequenceNumberRange: { StartingSequenceNumber: string; EndingSequenceNumber?: string } }[]> {
  const d = (await db.streams.execute('DescribeStream', { StreamArn: arn })) as { StreamDescription: { Shards: [] } };
  return d.StreamDescription.Shards;
}

export async function iterator(db: Database, arn: string, shardId: string, type: string, sequenceNumber?: string): Promise<string> {
  const input: Record<string, unknown> = { StreamArn: arn, ShardId: shardId, ShardIteratorType: type };
  if (sequenceNumber !== undefined) input.SequenceNumber = sequenceNumber;
  const out = (await db.streams.execute('GetShardIterator', input)) as { ShardIterator: string };
  return out.ShardIterator;
}

export interface RecordsPage {
  Records: StreamRecord[];
  NextShardIterator?: string;
}

export async function getRecords(db: Database, shardIterator: string, limit?: number): Promise<RecordsPage> {
  const input: Record<string, unknown> = { ShardIterator: shardIterator };
  if (limit !== undefined) input.Limit = limit;
  return (await db.streams.execute('GetRecords', input)) as RecordsPage;
}

/** Every record from `it` until a page comes back empty (an open shard) or the shard is drained. */
export async function drain(db: Database, it: string | undefined, limit?: number): Promise<{ records: StreamRecord[]; next: string | undefined }> {
  const records: StreamRecord[] = [];
  while (it !== undefined) {
    const page = await getRecords(db, it, limit);
    records.push(...page.Records);
    it = page.NextShardIterator;
    if (page.Records.length === 0) break;
  }
  return { records, next: it };
}

/** The records of the table's stream from its first shard on, following children, as far as they go now. */
export async function drainStream(db: Database, arn: string): Promise<StreamRecord[]> {
  const out: StreamRecord[] = [];
  for (const shard of await shardsOf(db, arn)) {
    out.push(...(await drain(db, await iterator(db, arn, shard.ShardId, 'TRIM_HORIZON'))).records);
  }
  return out;
}

export function put(db: Database, item: Record<string, unknown>, table = 'Events'): Promise<unknown> {
  return db.execute('PutItem', { TableName: table, Item: item });
}

export function key(pk: string, sk: number): Record<string, unknown> {
  return { pk: { S: pk }, sk: { N: String(sk) } };
}
