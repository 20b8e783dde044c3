// GetRecords: the next page of a shard from an iterator: up to Limit records (1 to 1,000,
// default 1,000) and at most about 1 MB of them, in order, with NextShardIterator to go on, which
// is absent once a closed shard is drained (an open shard always has one, even after an empty
// page). The records are written as JSON straight from their log records for the endpoint.
import { invalidParameter } from '../../errors';
import type { Operation } from '../../operations/operation';
import { Rendered } from '../../results';
import { checkNotExpired, decodeIterator, encodeIterator } from '../iterators';
import { MAX_PAGE_BYTES, readPage, recordContext, shardOf } from '../reader';
import { ByteOut } from '../../codec/json-bytes';
import { approximateBytes, recordBytes, recordJson, recordObject, type RecordContext, type StreamEntry } from '../records';

interface GetRecordsInput {
  ShardIterator: string;
  Limit?: number;
}

export const MAX_RECORDS_PER_CALL = 1000;

/** A page of records, rendered as JSON text or as objects only when the caller asks. */
class RecordsPage extends Rendered {
  constructor(
    private readonly ctx: RecordContext,
    private readonly entries: StreamEntry[],
  ) {
    super();
  }

  json(): string {
    let out = '[';
    for (let i = 0; i < this.entries.length; i++) out += (i === 0 ? '' : ',') + recordJson(this.ctx, this.entries[i]);
    return out + ']';
  }

  /** The page's JSON as UTF-8 bytes, each record written from its log bytes where it can be (recordBytes), else from its text. */
  override pieces(): Buffer[] {
    let estimate = 2;
    for (let i = 0; i < this.entries.length; i++) estimate += approximateBytes(this.entries[i]);
    const out = new ByteOut(estimate);
    out.text('[');
    for (let i = 0; i < this.entries.length; i++) {
      if (i > 0) out.text(',');
      if (!recordBytes(this.ctx, this.entries[i], out)) out.text(recordJson(this.ctx, this.entries[i]));
    }
    out.text(']');
    return [out.result()];
  }

  decode(): unknown {
    return this.entries.map((e) => recordObject(this.ctx, e));
  }
}

export const getRecords: Operation<GetRecordsInput> = {
  name: 'GetRecords',
  members: {
    ShardIterator: { type: 'string', required: true, min: 1, max: 2048 },
    Limit: { type: 'integer', min: 1 },
  },
  run(db, input) {
    const it = decodeIterator(input.ShardIterator);
    if (input.Limit !== undefined && input.Limit > MAX_RECORDS_PER_CALL) throw invalidParameter(`Limit should be less than or equal to ${MAX_RECORDS_PER_CALL}`);
    const now = db.now();
    checkNotExpired(it, now);
    const range = shardOf(db, it.streamArn, it.shardId);
    const page = readPage(db.history, range, it.position, input.Limit ?? MAX_RECORDS_PER_CALL, MAX_PAGE_BYTES, it.hint);
    const result: Record<string, unknown> = { Records: new RecordsPage(recordContext(db, range.table, range.stream), page.entries) };
    if (!page.drained) result.NextShardIterator = encodeIterator({ streamArn: it.streamArn, shardId: it.shardId, position: page.next, issuedAt: now, hint: page.hint });
    return result;
  },
};
