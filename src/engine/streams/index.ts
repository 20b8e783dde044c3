// DynamoDB Streams (the DynamoDBStreams_20120810 target): the log of each table with a stream,
// served as DynamoDB serves it. model.ts holds the shared shapes; the operations of the Streams
// target live in their own registry, apart from DynamoDB's (src/engine/operations).
// Control plane: specification.ts, catalog.ts, shards.ts (DescribeStream, ListStreams). Data
// plane: records.ts (a mutation → a stream record), reader.ts (where records are read from, pages
// of a shard, the log's retention for streams), iterators.ts (GetShardIterator, GetRecords), and
// subscription.ts (the engine's own consumer).
import type { Operation } from '../operations/operation';
import { describeStream } from './operations/describe-stream';
import { getRecords } from './operations/get-records';
import { getShardIterator } from './operations/get-shard-iterator';
import { listStreams } from './operations/list-streams';

const all: Operation[] = [listStreams, describeStream, getShardIterator, getRecords];

/** Every operation of the Streams target, by its API name. */
export const STREAMS_OPERATIONS: ReadonlyMap<string, Operation> = new Map(all.map((op) => [op.name, op]));
