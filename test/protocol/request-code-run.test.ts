// The generated code, run as it is written: SDK v3 modules through `node --input-type=module`
// (from the project folder, so @aws-sdk resolves), boto3 scripts through `python3 -c`, CLI
// commands through `bash -c` with the real `aws` (v1) on PATH. Each runs against the real
// endpoint (test/server/harness.ts) for every operation kind the inspector shows; writes are
// checked by reading the table back, reads by comparing the printed answer with a direct call's;
// and every run is checked at the endpoint: its request recorder (src/server/inspector) got the
// same operation with the same input, from the client the code was for.
// Credentials reach the children only through their environment, never through the code.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { inspect } from 'node:util';
import * as dynamodb from '@aws-sdk/client-dynamodb';
import * as streams from '@aws-sdk/client-dynamodb-streams';
import fc from 'fast-check';
import { awsCliCommand, boto3Code, sdkV3Code, type CodeTarget } from '../../src/protocol/request-code';
import type { RequestRecord } from '../../src/protocol/request-record';
import { Database } from '../../src/engine/database';
import { RequestRecorder, startServer } from '../../src/server/index';
import { KEYED_TABLE, sdkClient } from '../server/harness';
import { post } from '../server/raw-http';

const ROOT = new URL('../../', import.meta.url).pathname;
const ENV = { ...process.env, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', AWS_DEFAULT_REGION: 'us-east-1' };
const DYNAMODB = 'DynamoDB_20120810';
const STREAMS = 'DynamoDBStreams_20120810';

/** Runs a program; resolves with its stdout, rejects with its stderr (a child must never hang the test). */
function run(command: string, args: string[], input = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: ENV, timeout: 60_000 });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited with ${code}: ${err}`))));
    child.stdin.end(input);
  });
}

/** A record as the recorder writes it: the wire JSON of a request that was sent. */
function record(operation: string, request: Record<string, unknown>, target = DYNAMODB): RequestRecord {
  return { id: 1, time: Date.now(), durationMs: 1, target, operation, summary: '', status: 'ok', httpStatus: 200, requestBytes: JSON.stringify(request).length, responseBytes: 0, client: { explorer: false }, request };
}

/** `sdk`: the client the recorder reads off the User-Agent of the generated code's request. */
type Generator = { name: string; sdk: string; code(r: RequestRecord, t: CodeTarget): Promise<string>; jsonOutput: boolean; run(r: RequestRecord, t: CodeTarget): Promise<string> };
const generator = (g: Omit<Generator, 'run'>): Generator => ({
  ...g,
  /** Runs the code, then checks what the endpoint recorded: this request, as recorded, from this client. */
  async run(r, t) {
    const before = recorder.recent(1)[0]?.id ?? 0;
    const printed = await g.code(r, t);
    const [got] = recorder.recent(1);
    assert.ok(got && got.id > before, 'the request reached the endpoint');
    assert.equal(got.operation, r.operation);
    // SDKs add an idempotency token to a TransactWriteItems that has none; the rest is the input as written
    const sent = { ...(got.request as Record<string, unknown>) };
    if (r.operation === 'TransactWriteItems' && !('ClientRequestToken' in (r.request as object))) {
      assert.match(String(sent.ClientRequestToken), /^[0-9a-f-]{36}$/);
      delete sent.ClientRequestToken;
    }
    assert.deepEqual(sent, JSON.parse(JSON.stringify(r.request)));
    assert.equal(got.client.sdk, g.sdk);
    return printed;
  },
});
const GENERATORS: Generator[] = [
  generator({ name: 'SDK v3', sdk: 'aws-sdk-js', code: (r, t) => run('node', ['--input-type=module'], sdkV3Code(r, t)), jsonOutput: false }),
  generator({ name: 'boto3', sdk: 'Boto3', code: (r, t) => run('python3', ['-c', boto3Code(r, t)]), jsonOutput: true }),
  generator({ name: 'AWS CLI', sdk: 'aws-cli', code: (r, t) => run('bash', ['-c', awsCliCommand(r, t)]), jsonOutput: true }),
];

/** The real endpoint, recording every request with its body (bodies this test sends are kept whole). */
let recorder: RequestRecorder;
let h: { url: string; client: dynamodb.DynamoDBClient; name(prefix: string): string; close(): Promise<void> };
let target: CodeTarget;
let streamsClient: streams.DynamoDBStreamsClient;

/** A direct call on the wire: the answer's JSON (binaries as base64), as the recorder would keep it. */
async function wire(operation: string, body: unknown, t = DYNAMODB): Promise<any> {
  const res = await post(h.url, `${t}.${operation}`, JSON.stringify(body));
  assert.equal(res.status, 200, res.text);
  return res.json();
}

/** The same request through the SDK: its output as `console.dir` prints it (the generated module prints that). */
async function sdkPrinted(r: RequestRecord): Promise<string> {
  const pkg = (r.target === STREAMS ? streams : dynamodb) as unknown as Record<string, new (input: unknown) => any>;
  const client = r.target === STREAMS ? streamsClient : h.client;
  const { $metadata, ...output } = await (client as dynamodb.DynamoDBClient).send(new pkg[`${r.operation}Command`]!(structuredClone(r.request)));
  void $metadata;
  return inspect(output, { depth: null });
}

function withoutNulls(output: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(output).filter(([, v]) => v !== null));
}

async function item(table: string, key: Record<string, unknown>): Promise<any> {
  return (await wire('GetItem', { TableName: table, Key: key, ConsistentRead: true })).Item;
}

before(async () => {
  recorder = new RequestRecorder({ bodyBytes: 1 << 20 });
  const db = await Database.open('', { inMemory: true });
  const server = await startServer({ db, port: 0, recorder });
  const client = sdkClient(server.url);
  let counter = 0;
  h = {
    url: server.url,
    client,
    name: (prefix) => `${prefix}-${++counter}`,
    async close() {
      client.destroy();
      await server.close();
      await db.close();
    },
  };
  target = { endpoint: h.url, region: 'us-east-1' };
  streamsClient = new streams.DynamoDBStreamsClient({ endpoint: h.url, region: 'us-east-1', credentials: { accessKeyId: ENV.AWS_ACCESS_KEY_ID, secretAccessKey: ENV.AWS_SECRET_ACCESS_KEY }, maxAttempts: 1 });
});
after(async () => {
  streamsClient.destroy();
  await h.close();
});

async function createTable(name: string, stream = false): Promise<void> {
  await wire('CreateTable', {
    TableName: name,
    ...KEYED_TABLE,
    ...(stream && { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }),
  });
}

/** An item with every attribute type, odd strings and numbers past a double's precision. */
const EVERY_TYPE = {
  pk: { S: "a 'quoted' \"key\"" },
  sk: { N: '1' },
  s: { S: 'unicode ✓ 𝄞 \\ $HOME `x` \n tab\t' },
  n: { N: '123456789012345678901234567890.12345678' },
  small: { N: '-0.000000000000000000000000000001' },
  b: { B: Buffer.from("bytes ✓ ' \\n \0").toString('base64') },
  bool: { BOOL: false },
  nul: { NULL: true },
  ss: { SS: ['x', "y'", 'z"'] },
  ns: { NS: ['1', '99999999999999999999999999999999999999', '-3.5'] },
  bs: { BS: [Buffer.from('one').toString('base64'), Buffer.from('two').toString('base64')] },
  m: { M: { 'odd name #:': { L: [{ S: '' }, { N: '0' }, { M: { deep: { BOOL: true } } }] } } },
  count: { N: '10' },
};

for (const gen of GENERATORS) {
  describe(`${gen.name} code, run as written`, () => {
    let table: string;
    const key = { pk: EVERY_TYPE.pk, sk: EVERY_TYPE.sk };
    const sameAsDirect = async (r: RequestRecord) => {
      const printed = await gen.run(r, target);
      // the CLI v1 prints `"ConsumedCapacity": null` for paginated reads where none was asked for
      if (gen.jsonOutput) assert.deepEqual(withoutNulls(JSON.parse(printed)), await wire(r.operation, r.request, r.target));
      else assert.equal(printed.trim(), await sdkPrinted(r));
    };

    before(async () => {
      table = h.name('code');
      await createTable(table, true);
    });

    test('PutItem writes the item with every attribute exactly as recorded', async () => {
      await gen.run(record('PutItem', { TableName: table, Item: EVERY_TYPE }), target);
      assert.deepEqual(await item(table, key), EVERY_TYPE);
    });

    test('GetItem prints what a direct call answers', async () => {
      await sameAsDirect(record('GetItem', { TableName: table, Key: key, ProjectionExpression: '#s, n, b, ns', ExpressionAttributeNames: { '#s': 's' } }));
    });

    test('UpdateItem applies its expression with names and values', async () => {
      await gen.run(
        record('UpdateItem', {
          TableName: table,
          Key: key,
          UpdateExpression: 'SET #c = #c + :one, extra = :bin ADD ss :more',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#c': 'count' },
          ExpressionAttributeValues: { ':one': { N: '1' }, ':bin': { B: Buffer.from([0xe2, 0x9c, 0x93]).toString('base64') }, ':more': { SS: ['w'] } },
          ReturnValues: 'ALL_NEW',
        }),
        target,
      );
      const after = await item(table, key);
      assert.deepEqual(after.count, { N: '11' });
      assert.deepEqual(after.extra, { B: Buffer.from('✓').toString('base64') });
      assert.deepEqual([...after.ss.SS].sort(), ['w', 'x', "y'", 'z"']);
    });

    test('BatchWriteItem puts and deletes in one call', async () => {
      await wire('PutItem', { TableName: table, Item: { pk: { S: 'gone' }, sk: { N: '1' } } });
      await gen.run(
        record('BatchWriteItem', {
          RequestItems: {
            [table]: [
              { PutRequest: { Item: { pk: { S: 'b' }, sk: { N: '2' }, v: { S: 'two' } } } },
              { PutRequest: { Item: { pk: { S: 'b' }, sk: { N: '3' }, v: { S: 'three' } } } },
              { DeleteRequest: { Key: { pk: { S: 'gone' }, sk: { N: '1' } } } },
            ],
          },
        }),
        target,
      );
      assert.deepEqual(await item(table, { pk: { S: 'b' }, sk: { N: '3' } }), { pk: { S: 'b' }, sk: { N: '3' }, v: { S: 'three' } });
      assert.equal(await item(table, { pk: { S: 'gone' }, sk: { N: '1' } }), undefined);
    });

    test('Query prints what a direct call answers', async () => {
      await sameAsDirect(
        record('Query', {
          TableName: table,
          KeyConditionExpression: 'pk = :p AND sk BETWEEN :lo AND :hi',
          FilterExpression: 'v <> :not',
          ExpressionAttributeValues: { ':p': { S: 'b' }, ':lo': { N: '1' }, ':hi': { N: '9' }, ':not': { S: 'nothing' } },
          ScanIndexForward: false,
        }),
      );
    });

    test('Scan prints what a direct call answers', async () => {
      await sameAsDirect(record('Scan', { TableName: table, FilterExpression: 'attribute_exists(v)', Limit: 10 }));
    });

    test('BatchGetItem prints what a direct call answers', async () => {
      await sameAsDirect(record('BatchGetItem', { RequestItems: { [table]: { Keys: [key, { pk: { S: 'b' }, sk: { N: '2' } }], ConsistentRead: true } } }));
    });

    test('TransactWriteItems applies every action', async () => {
      await gen.run(
        record('TransactWriteItems', {
          TransactItems: [
            { Put: { TableName: table, Item: { pk: { S: 'c' }, sk: { N: '1' } }, ConditionExpression: 'attribute_not_exists(pk)' } },
            { Update: { TableName: table, Key: { pk: { S: 'b' }, sk: { N: '2' } }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { S: 'changed' } } } },
            { ConditionCheck: { TableName: table, Key: key, ConditionExpression: 'bool = :f', ExpressionAttributeValues: { ':f': { BOOL: false } } } },
          ],
        }),
        target,
      );
      assert.deepEqual(await item(table, { pk: { S: 'c' }, sk: { N: '1' } }), { pk: { S: 'c' }, sk: { N: '1' } });
      assert.deepEqual((await item(table, { pk: { S: 'b' }, sk: { N: '2' } })).v, { S: 'changed' });
    });

    test('TransactGetItems prints what a direct call answers', async () => {
      await sameAsDirect(record('TransactGetItems', { TransactItems: [{ Get: { TableName: table, Key: key } }, { Get: { TableName: table, Key: { pk: { S: 'c' }, sk: { N: '1' } } } }] }));
    });

    test('ExecuteStatement prints what a direct call answers, parameters included', async () => {
      await sameAsDirect(record('ExecuteStatement', { Statement: `SELECT * FROM "${table}" WHERE pk = ? AND sk >= ?`, Parameters: [{ S: 'b' }, { N: '2' }] }));
    });

    test('DeleteItem removes the item', async () => {
      await gen.run(record('DeleteItem', { TableName: table, Key: { pk: { S: 'b' }, sk: { N: '3' } }, ReturnValues: 'ALL_OLD' }), target);
      assert.equal(await item(table, { pk: { S: 'b' }, sk: { N: '3' } }), undefined);
    });

    test('GetRecords (DynamoDB Streams) reads the same records as a direct call', async () => {
      const arn = (await wire('DescribeTable', { TableName: table })).Table.LatestStreamArn;
      const shard = (await wire('DescribeStream', { StreamArn: arn }, STREAMS)).StreamDescription.Shards[0].ShardId;
      const iterator = (await wire('GetShardIterator', { StreamArn: arn, ShardId: shard, ShardIteratorType: 'TRIM_HORIZON' }, STREAMS)).ShardIterator;
      const r = record('GetRecords', { ShardIterator: iterator, Limit: 100 }, STREAMS);
      const printed = await gen.run(r, target);
      // the next iterator carries the time it was made, so it differs between any two calls
      if (!gen.jsonOutput) return assert.equal(printed.trim().replace(/NextShardIterator: '[^']*'/, ''), (await sdkPrinted(r)).replace(/NextShardIterator: '[^']*'/, ''));
      // boto3 prints the record times as dates, the CLI as epoch seconds: compare everything else
      const strip = (out: any) => out.Records.map((rec: any) => ({ ...rec, dynamodb: { ...rec.dynamodb, ApproximateCreationDateTime: undefined } }));
      const direct = await wire('GetRecords', r.request, STREAMS);
      assert.ok(direct.Records.length >= 5);
      assert.deepEqual(strip(JSON.parse(printed)), strip(direct));
    });
  });
}

// Attribute values as fast-check makes them: every type, any code point, numbers at DynamoDB's limits.
const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[1-9][0-9]{${min},${max}}$`));
const number = fc.oneof(
  digits(0, 37),
  fc.tuple(fc.constantFrom('', '-'), digits(0, 18), digits(0, 18)).map(([s, a, b]) => `${s}${a}.${b}`),
  fc.tuple(digits(0, 5), fc.integer({ min: -120, max: 120 })).map(([d, e]) => `${d}E${e}`),
  fc.constant('0'),
);
/** CLI v1 sends a blob's JSON text as UTF-8, so its binaries are UTF-8 text; the others get any bytes. */
const binary = (anyBytes: boolean) => (anyBytes ? fc.uint8Array({ maxLength: 24 }) : fc.string({ unit: 'binary', maxLength: 12 }).map((s) => new TextEncoder().encode(s))).map((b) => Buffer.from(b).toString('base64'));
const text = fc.string({ unit: 'binary', maxLength: 16 });
/** DynamoDB refuses an empty attribute name, at the top level and inside maps alike. */
const attributeName = text.filter((n) => n.length > 0);
const attributeValue = (anyBytes: boolean) =>
  fc.letrec<{ av: unknown }>((tie) => ({
    av: fc.oneof(
      { maxDepth: 3 },
      text.map((S) => ({ S })),
      number.map((N) => ({ N })),
      binary(anyBytes).map((B) => ({ B })),
      fc.boolean().map((BOOL) => ({ BOOL })),
      fc.constant({ NULL: true }),
      fc.uniqueArray(text.filter((s) => s.length > 0), { minLength: 1, maxLength: 4 }).map((SS) => ({ SS })),
      fc.uniqueArray(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 4 }).map((ns) => ({ NS: ns.map(String) })),
      fc.uniqueArray(binary(anyBytes).filter((b) => b.length > 0), { minLength: 1, maxLength: 3 }).map((BS) => ({ BS })),
      fc.array(tie('av'), { maxLength: 3 }).map((L) => ({ L })),
      fc.dictionary(attributeName, tie('av'), { maxKeys: 3 }).map((M) => ({ M })),
    ),
  })).av;
const attributes = (anyBytes: boolean) => fc.dictionary(attributeName.filter((n) => n !== 'pk' && n !== 'sk'), attributeValue(anyBytes), { minKeys: 1, maxKeys: 8 });

describe('random attribute values round-trip through each generator', () => {
  for (const gen of GENERATORS) {
    test(`${gen.name}: an item put by the generated code reads back as the same item put directly`, async () => {
      const table = h.name('prop');
      await createTable(table);
      let n = 0;
      await fc.assert(
        fc.asyncProperty(attributes(gen.name !== 'AWS CLI'), async (attrs) => {
          const sk = { N: String(++n) };
          await wire('PutItem', { TableName: table, Item: { pk: { S: 'direct' }, sk, ...attrs } });
          await gen.run(record('PutItem', { TableName: table, Item: { pk: { S: 'generated' }, sk, ...attrs } }), target);
          const direct = await item(table, { pk: { S: 'direct' }, sk });
          const generated = await item(table, { pk: { S: 'generated' }, sk });
          assert.deepEqual({ ...generated, pk: undefined }, { ...direct, pk: undefined });
        }),
        { numRuns: 8 },
      );
    });
  }
});
