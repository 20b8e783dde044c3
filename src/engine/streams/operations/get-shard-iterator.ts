// GetShardIterator: an iterator (iterators.ts) at a place in one shard of a readable stream:
// TRIM_HORIZON (the oldest record still held), LATEST (just after the newest readable record),
// AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER (a sequence number inside the shard). Messages are
// DynamoDB Local's where DynamoDB documents none.
import { invalidParameter, validation } from '../../errors';
import type { Operation } from '../../operations/operation';
import { required } from '../../validation/members';
import { SHARD_ID_MEMBER, STREAM_ARN_MEMBER } from '../catalog';
import { encodeIterator } from '../iterators';
import { parseSequenceNumber } from '../model';
import { latestPosition, oldestPosition, shardOf, trimmed, type StreamPosition } from '../reader';

type IteratorType = 'TRIM_HORIZON' | 'LATEST' | 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER';

interface GetShardIteratorInput {
  StreamArn: string;
  ShardId: string;
  ShardIteratorType: IteratorType;
  SequenceNumber?: string;
}

export const getShardIterator: Operation<GetShardIteratorInput> = {
  name: 'GetShardIterator',
  members: {
    StreamArn: required(STREAM_ARN_MEMBER),
    ShardId: required(SHARD_ID_MEMBER),
    ShardIteratorType: { type: 'string', required: true, enum: ['TRIM_HORIZON', 'LATEST', 'AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER'] },
    SequenceNumber: { type: 'string', min: 21, max: 40 },
  },
  run(db, input) {
    const type = input.ShardIteratorType;
    const bySequence = type === 'AT_SEQUENCE_NUMBER' || type === 'AFTER_SEQUENCE_NUMBER';
    if (!bySequence && input.SequenceNumber !== undefined) throw invalidParameter('SequenceNumber should not be passed for this iterator type');
    if (bySequence && input.SequenceNumber === undefined) throw invalidParameter('Invalid SequenceNumber');
    const range = shardOf(db, input.StreamArn, input.ShardId);
    const history = db.history;
    let position: StreamPosition;
    if (type === 'TRIM_HORIZON') position = oldestPosition(history, range);
    else if (type === 'LATEST') position = latestPosition(history, range);
    else {
      const at = parseSequenceNumber(input.SequenceNumber!);
      if (at === undefined || at.lsn < range.firstLsn || (range.lastLsn !== undefined && at.lsn > range.lastLsn)) {
        throw validation('Invalid SequenceNumber for the shard');
      }
      position = type === 'AT_SEQUENCE_NUMBER' ? at : { lsn: at.lsn, index: at.index + 1 };
      if (position.lsn < history.earliestLsn) throw trimmed();
    }
    return { ShardIterator: encodeIterator({ streamArn: range.stream.arn, shardId: input.ShardId, position, issuedAt: db.now() }) };
  },
};
