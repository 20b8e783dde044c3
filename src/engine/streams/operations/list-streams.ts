// ListStreams: the readable streams (streams/catalog.ts), of one table name or of all, a page at a
// time. ExclusiveStartStreamArn resumes after that stream in the catalog's listing order, found
// by its table name and label, so a page boundary holds even if that stream has since expired.
import type { Operation } from '../../operations/operation';
import { invalidParameter } from '../../errors';
import { OPTIONAL_TABLE_NAME } from '../../validation/members';
import { STREAMS_PAGE_LIMIT, STREAMS_PAGE_MAX, STREAM_ARN_MEMBER, compareListed, listStreams as listReadable, tableNameOfStreamArn } from '../catalog';

interface ListStreamsInput {
  TableName?: string;
  Limit?: number;
  ExclusiveStartStreamArn?: string;
}

export const listStreams: Operation<ListStreamsInput> = {
  name: 'ListStreams',
  members: {
    TableName: OPTIONAL_TABLE_NAME,
    Limit: STREAMS_PAGE_LIMIT,
    ExclusiveStartStreamArn: STREAM_ARN_MEMBER,
  },
  run(db, input) {
    if (input.Limit !== undefined && input.Limit > STREAMS_PAGE_MAX) throw invalidParameter(`Limit cannot be greater than the maximum allowed size: ${STREAMS_PAGE_MAX}`);
    const limit = input.Limit ?? STREAMS_PAGE_MAX;
    let found = listReadable(db, input.TableName);
    const start = input.ExclusiveStartStreamArn;
    if (start !== undefined) {
      const tableName = tableNameOfStreamArn(start);
      // An ARN not shaped like a stream's names no position: nothing follows it.
      if (tableName === undefined) return { Streams: [] };
      const after = { tableName, stream: { label: start.slice(start.lastIndexOf('/') + 1) } };
      found = found.filter((f) => compareListed(f, after) > 0);
    }
    const page = found.slice(0, limit);
    const out: Record<string, unknown> = { Streams: page.map((f) => ({ StreamArn: f.stream.arn, TableName: f.tableName, StreamLabel: f.stream.label })) };
    if (found.length > limit) out.LastEvaluatedStreamArn = page[page.length - 1].stream.arn;
    return out;
  },
};
