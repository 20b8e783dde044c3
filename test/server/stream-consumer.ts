// A DynamoDB Streams consumer written the way the Kinesis adapter and Lambda-style pollers are:
// it lists a stream's shards (DescribeStream, paginated), reads a child shard only once its parent
// is drained, and keeps a checkpoint (the last sequence number read) per shard, so a later poll,
// even through another client after the server and database were reopened, resumes where it
// stopped with AFTER_SEQUENCE_NUMBER instead of reading anything twice.
//
// Invariants: records are returned in shard order (parent before child) and in sequence-number
// order within a shard; a shard whose NextShardIterator came back null is finished and never
// read again.
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetRecordsCommandOutput,
  type Shard,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';

/** Every shard of a stream, following DescribeStream's LastEvaluatedShardId. */
export async function listShards(client: DynamoDBStreamsClient, streamArn: string, pageSize?: number): Promise<Shard[]> {
  const shards: Shard[] = [];
  let start: string | undefined;
  do {
    const out = await client.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start, Limit: pageSize }));
    shards.push(...(out.StreamDescription?.Shards ?? []));
    start = out.StreamDescription?.LastEvaluatedShardId;
  } while (start !== undefined);
  return shards;
}

/** Reads one shard from `iterator` until a call returns no record (open shard) or no next iterator (closed). */
export async function drainShard(
  client: DynamoDBStreamsClient,
  iterator: string,
  limit?: number,
): Promise<{ records: _Record[]; finished: boolean; calls: number }> {
  const records: _Record[] = [];
  let next: string | undefined = iterator;
  let calls = 0;
  while (next !== undefined) {
    const out: GetRecordsCommandOutput = await client.send(new GetRecordsCommand({ ShardIterator: next, Limit: limit }));
    calls++;
    const got = out.Records ?? [];
    records.push(...got);
    next = out.NextShardIterator ?? undefined;
    // An open shard always hands back an iterator; an empty page means we are at its tip.
    if (got.length === 0 && next !== undefined) break;
  }
  return { records, finished: next === undefined, calls };
}

export class StreamConsumer {
  /** Last sequence number read, by shard id. */
  private readonly checkpoints = new Map<string, string>();
  private readonly finished = new Set<string>();

  constructor(
    public client: DynamoDBStreamsClient,
    readonly streamArn: string,
  ) {}

  /** The shards this consumer has read to their end. */
  get finishedShards(): ReadonlySet<string> {
    return this.finished;
  }

  /** Reads everything new across all shards, parents before children. */
  async poll(): Promise<_Record[]> {
    const shards = await listShards(this.client, this.streamArn);
    const known = new Set(shards.map((s) => s.ShardId!));
    const out: _Record[] = [];
    // A child is read after its parent is finished (or when its parent has aged out of the list).
    let progressed = true;
    while (progressed) {
      progressed = false;
      for (const shard of shards) {
        const id = shard.ShardId!;
        if (this.finished.has(id)) continue;
        const parent = shard.ParentShardId;
        if (parent !== undefined && known.has(parent) && !this.finished.has(parent)) continue;
        const checkpoint = this.checkpoints.get(id);
        const it = await this.client.send(
          new GetShardIteratorCommand(
            checkpoint === undefined
              ? { StreamArn: this.streamArn, ShardId: id, ShardIteratorType: 'TRIM_HORIZON' }
              : { StreamArn: this.streamArn, ShardId: id, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: checkpoint },
          ),
        );
        const { records, finished } = await drainShard(this.client, it.ShardIterator!);
        out.push(...records);
        const last = records.at(-1)?.dynamodb?.SequenceNumber;
        if (last !== undefined) this.checkpoints.set(id, last);
        if (finished) {
          this.finished.add(id);
          progressed = true;
        }
      }
    }
    return out;
  }
}
