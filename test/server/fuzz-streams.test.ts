// Fuzzed requests for the Streams target (DynamoDBStreams_20120810): every operation with members
// drawn from what a confused or hostile client could send: real and near-miss stream ARNs, shard
// ids and sequence numbers (a digit off, out of range, past the shard's end), real iterators
// garbled at one character, cut short or from a deleted table, wrong JSON types, edge Limits. They
// go through the HTTP endpoint and db.streams.execute on a database whose streams hold records,
// are disabled, and belong to a deleted table. The property: nothing is ever an internal error; the
// endpoint answers 200 or a 4xx with DynamoDB's error body, never 5xx. Seeded, so a failure
// reproduces; fast-check prints the counterexample.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Database } from '../../src/engine/database';
import { DynamoDBError } from '../../src/engine/errors';
import { STREAMS_OPERATIONS } from '../../src/engine/streams/index';
import { startServer } from '../../src/server/index';
import { post } from './raw-http';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);

interface Known {
  arns: string[];
  shards: string[];
  sequences: string[];
  iterators: string[];
  tables: string[];
}

/** Tables with streams in every state: records, a disabled stream, a deleted table's stream. */
async function fixtures(db: Database): Promise<Known> {
  const known: Known = { arns: [], shards: [], sequences: [], iterators: [], tables: ['fz_live', 'fz_off', 'fz_gone', 'fz_none'] };
  for (const [name, viewType] of [
    ['fz_live', 'NEW_AND_OLD_IMAGES'],
    ['fz_off', 'KEYS_ONLY'],
    ['fz_gone', 'NEW_IMAGE'],
  ] as const) {
    const out = (await db.execute('CreateTable', {
      TableName: name,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: viewType },
    })) as { TableDescription: { LatestStreamArn: string } };
    known.arns.push(out.TableDescription.LatestStreamArn);
    for (let i = 0; i < 6; i++) await db.execute('PutItem', { TableName: name, Item: { pk: { S: `p${i % 2}` }, sk: { N: String(i) }, v: { L: [{ S: 'x' }, { NULL: true }] } } });
    await db.execute('DeleteItem', { TableName: name, Key: { pk: { S: 'p0' }, sk: { N: '0' } } });
  }
  await db.execute('CreateTable', { TableName: 'fz_none', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' });
  for (const arn of known.arns) {
    const d = (await db.streams.execute('DescribeStream', { StreamArn: arn })) as { StreamDescription: { Shards: { ShardId: string }[] } };
    for (const { ShardId } of d.StreamDescription.Shards) {
      known.shards.push(ShardId);
      const it = ((await db.streams.execute('GetShardIterator', { StreamArn: arn, ShardId, ShardIteratorType: 'TRIM_HORIZON' })) as { ShardIterator: string }).ShardIterator;
      known.iterators.push(it);
      const page = (await db.streams.execute('GetRecords', { ShardIterator: it })) as { Records: { dynamodb: { SequenceNumber: string } }[]; NextShardIterator?: string };
      for (const r of page.Records) known.sequences.push(r.dynamodb.SequenceNumber);
      if (page.NextShardIterator) known.iterators.push(page.NextShardIterator);
    }
  }
  await db.execute('UpdateTable', { TableName: 'fz_off', StreamSpecification: { StreamEnabled: false } });
  await db.execute('DeleteTable', { TableName: 'fz_gone' });
  return known;
}

/** Changes one character of `s` (or cuts it), so near misses reach the deepest checks. */
function nearMiss(s: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.nat({ max: Math.max(0, s.length - 1) }).chain((i) => fc.constantFrom('0', '9', 'A', '|', '=', '-', '/').map((c) => s.slice(0, i) + c + s.slice(i + 1))),
    fc.nat({ max: s.length }).map((n) => s.slice(0, n)),
    fc.constant(s + s),
  );
}

function wrong(): fc.Arbitrary<unknown> {
  return fc.oneof(fc.constant(null), fc.constant([]), fc.constant({}), fc.boolean(), fc.constantFrom(0, -1, 1.5, 1e308, 2 ** 53 + 1), fc.string({ maxLength: 4 }), fc.constant('x'.repeat(5000)));
}

function member(right: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 8, arbitrary: right }, { weight: 1, arbitrary: wrong() });
}

function requests(k: Known): fc.Arbitrary<{ op: string; input: unknown }> {
  const oneOf = (xs: string[]) => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...xs) }, { weight: 2, arbitrary: fc.constantFrom(...xs).chain(nearMiss) });
  const arn = oneOf(k.arns);
  const shard = oneOf(k.shards);
  const sequence = fc.oneof(oneOf(k.sequences), fc.constantFrom('0'.repeat(21), '9'.repeat(21), '9'.repeat(40), '1'.repeat(41), '00000000000000000000x'));
  const limit = fc.oneof(fc.integer({ min: -1, max: 1002 }), fc.constantFrom(0, 1, 100, 101, 1000, 1001));
  const fields: Record<string, Record<string, fc.Arbitrary<unknown>>> = {
    ListStreams: { TableName: oneOf(k.tables), Limit: limit, ExclusiveStartStreamArn: arn },
    DescribeStream: {
      StreamArn: arn,
      Limit: limit,
      ExclusiveStartShardId: shard,
      ShardFilter: fc.record({ Type: fc.constantFrom('CHILD_SHARDS', 'PARENT', ''), ShardId: shard }, { requiredKeys: [] }),
    },
    GetShardIterator: {
      StreamArn: arn,
      ShardId: shard,
      ShardIteratorType: fc.constantFrom('TRIM_HORIZON', 'LATEST', 'AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER', 'trim_horizon'),
      SequenceNumber: sequence,
    },
    GetRecords: { ShardIterator: oneOf(k.iterators), Limit: limit },
  };
  return fc.constantFrom(...STREAMS_OPERATIONS.keys()).chain((op) => {
    const members = fields[op];
    assert.ok(members, `the fuzzer knows the members of ${op}`);
    const record: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [name, right] of Object.entries(members)) record[name] = member(right);
    return fc.oneof(
      { weight: 12, arbitrary: fc.record(record).map((r) => ({ op, input: Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as unknown })) },
      { weight: 1, arbitrary: wrong().map((input) => ({ op, input })) },
    );
  });
}

test(`${RUNS} fuzzed Streams requests never get an internal error, from db.streams or the endpoint`, async () => {
  const db = await Database.open('', { inMemory: true });
  const internal: string[] = [];
  const server = await startServer({ db, port: 0, onInternalError: (err, op) => internal.push(`${op}: ${(err as Error)?.stack ?? String(err)}`) });
  try {
    const known = await fixtures(db);
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requests(known), async ({ op, input }) => {
        const body = JSON.stringify(input) ?? 'null';
        const res = await post(server.url, `DynamoDBStreams_20120810.${op}`, body);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        assert.ok(res.status < 500, `${op} ${body.slice(0, 300)} → ${res.status} ${res.text.slice(0, 300)} ${internal.at(-1) ?? ''}`);
        if (res.status !== 200) {
          const error = res.json() as { __type?: string; message?: string; Message?: string };
          assert.match(error.__type ?? '', /^com\.amazon(aws\.dynamodb\.v20120810|\.coral\.validate|\.coral\.service)#[A-Za-z]+$/, res.text);
        }
        try {
          await db.streams.execute(op, input);
        } catch (e) {
          assert.ok(e instanceof DynamoDBError, `${op} ${body.slice(0, 300)} threw ${(e as Error)?.stack ?? String(e)}`);
          assert.notEqual(e.type, 'InternalServerError', `${op} ${body.slice(0, 300)}: ${e.message}`);
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    assert.deepEqual(internal, []);
    // The requests must reach the operations, not stop at validation: some succeed.
    assert.ok((statuses.get(200) ?? 0) > RUNS / 20, `answers by status: ${JSON.stringify([...statuses])}`);
  } finally {
    await server.close();
    await db.close();
  }
});
