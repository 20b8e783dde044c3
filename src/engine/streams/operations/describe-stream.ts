// DescribeStream: one readable stream (streams/catalog.ts) with its status and a page of its
// shards, oldest first, each with its parent and its sequence-number range (shards.ts).
// ShardFilter {Type: CHILD_SHARDS, ShardId} keeps only that shard's children, as a consumer asks
// once it has drained a closed shard.
import type { Operation } from '../../operations/operation';
import { invalidParameter, resourceNotFound, validation } from '../../errors';
import { required } from '../../validation/members';
import { SHARD_ID_MEMBER, STREAMS_PAGE_LIMIT, STREAMS_PAGE_MAX, STREAM_ARN_MEMBER, findStream, streamStatus } from '../catalog';
import { shardRange } from '../shards';

interface DescribeStreamInput {
  StreamArn: string;
  Limit?: number;
  ExclusiveStartShardId?: string;
  ShardFilter?: { Type?: string; ShardId?: string };
}

export const describeStream: Operation<DescribeStreamInput> = {
  name: 'DescribeStream',
  members: {
    StreamArn: required(STREAM_ARN_MEMBER),
    Limit: STREAMS_PAGE_LIMIT,
    ExclusiveStartShardId: SHARD_ID_MEMBER,
    ShardFilter: { type: 'structure', members: { Type: { type: 'string' }, ShardId: SHARD_ID_MEMBER } },
  },
  run(db, input) {
    if (input.Limit !== undefined && input.Limit > STREAMS_PAGE_MAX) throw invalidParameter(`Limit cannot be greater than the maximum: ${STREAMS_PAGE_MAX}`);
    const filter = input.ShardFilter;
    // DynamoDB Local's words, 'null' included, whatever Type was given.
    if (filter !== undefined && filter.Type !== 'CHILD_SHARDS') throw validation("1 validation error detected: Value 'null' at 'shardFilter.type' failed to satisfy constraint: Member must be CHILD_SHARDS");
    const found = findStream(db, input.StreamArn);
    if (found === undefined) throw resourceNotFound(`Requested resource not found: Stream: ${input.StreamArn} not found`);
    const { stream, table, tableName } = found;
    let shards = filter === undefined ? stream.shards : stream.shards.filter((s) => s.parent !== undefined && s.parent === filter.ShardId);
    const start = input.ExclusiveStartShardId;
    if (start !== undefined) {
      const at = shards.findIndex((s) => s.id === start);
      // A shard no longer kept (past retention) still marks a place: ids grow with their creation time.
      shards = at >= 0 ? shards.slice(at + 1) : shards.filter((s) => s.id > start);
    }
    const limit = input.Limit ?? STREAMS_PAGE_MAX;
    const page = shards.slice(0, limit);
    const description: Record<string, unknown> = {
      StreamArn: stream.arn,
      StreamLabel: stream.label,
      StreamStatus: streamStatus(stream),
      StreamViewType: stream.viewType,
      CreationRequestDateTime: stream.enabledAt / 1000,
      TableName: tableName,
      KeySchema: table.meta.keySchema,
      Shards: page.map((s) => ({ ShardId: s.id, ...(s.parent !== undefined ? { ParentShardId: s.parent } : {}), SequenceNumberRange: shardRange(s) })),
    };
    if (shards.length > limit) description.LastEvaluatedShardId = page[page.length - 1].id;
    return { StreamDescription: description };
  },
};
