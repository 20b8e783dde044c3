// The request recorder (src/server/inspector) against the real endpoint: what the AWS SDK and raw
// HTTP clients send is recorded with the right status, capacity (per index, whether or not the
// client asked), counts, tables, client and bodies; refusals are recorded too; the ring keeps the
// last N in order; subscribers see each record; nothing is recorded while off; no credential of a
// signed request ever reaches a record.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  BatchWriteItemCommand, CreateTableCommand, DynamoDBClient, ExecuteStatementCommand, GetItemCommand, PutItemCommand, QueryCommand, ScanCommand,
  TransactWriteItemsCommand, UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { Database } from '../../src/engine/database';
import { RequestRecorder, startServer, type RunningServer } from '../../src/server/index';
import { sigV4Authorizer } from '../../src/server/auth/index';
import { parseUserAgent } from '../../src/server/inspector/client';
import { ByteArena } from '../../src/server/inspector/arena';
import { formatRequestLine } from '../../src/server/inspector/log-line';
import type { RequestRecord } from '../../src/protocol/request-record';
import { substitute, summarizeRequest } from '../../src/protocol/request-summary';
import { KEYED_TABLE, sdkClient, sdkError } from './harness';
import { rawRequest, SIGNED } from './raw-http';

const clock = { now: Date.UTC(2026, 2, 1, 10, 0, 0) };

interface Served {
  db: Database;
  server: RunningServer;
  client: DynamoDBClient;
  recorder: RequestRecorder;
  close(): Promise<void>;
}

async function serve(recorder: RequestRecorder, options: { fastLane?: boolean } = {}): Promise<Served> {
  const db = await Database.open('', { inMemory: true, now: () => clock.now });
  const server = await startServer({ db, port: 0, recorder, fastLane: options.fastLane });
  const client = sdkClient(server.url);
  return {
    db, server, client, recorder,
    async close() {
      client.destroy();
      await server.close();
      await db.close();
    },
  };
}

/** The newest record (the request just made). */
function last(recorder: RequestRecorder): RequestRecord {
  const [r] = recorder.recent(1);
  assert.ok(r, 'a request was recorded');
  return r;
}

const json = (target: string, body: unknown, extra: Record<string, string> = {}) => ({
  headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': target, ...SIGNED, ...extra },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('the recorder on the endpoint, through the AWS SDK', () => {
  let s: Served;
  before(async () => {
    s = await serve(new RequestRecorder());
    await s.client.send(new CreateTableCommand({ TableName: 'items', ...KEYED_TABLE }));
    await s.client.send(
      new CreateTableCommand({
        TableName: 'indexed',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'g', AttributeType: 'S' },
          { AttributeName: 'l', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
        LocalSecondaryIndexes: [
          { IndexName: 'byL', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'l', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await s.client.send(
      new CreateTableCommand({ TableName: 'slow', ...KEYED_TABLE, BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }),
    );
  });
  after(() => s.close());

  test('a successful PutItem is recorded as ok with its table, key summary, write unit, sizes and the SDK that sent it', async () => {
    await s.client.send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'a' }, sk: { N: '1' }, v: { S: 'hello' } } }));
    const r = last(s.recorder);
    assert.equal(r.operation, 'PutItem');
    assert.equal(r.target, 'DynamoDB_20120810');
    assert.equal(r.status, 'ok');
    assert.equal(r.httpStatus, 200);
    assert.equal(r.table, 'items');
    assert.match(r.summary, /pk = "a", sk = 1/);
    assert.deepEqual(r.capacity, { read: 0, write: 1 });
    assert.ok(r.costUsd! > 0);
    assert.equal(r.client.sdk, 'aws-sdk-js');
    assert.match(r.client.sdkVersion!, /^3\./);
    assert.equal(r.client.explorer, false);
    assert.ok(r.requestBytes > 50 && r.responseBytes === 2, `${r.requestBytes} / ${r.responseBytes}`);
    assert.deepEqual(r.request, { TableName: 'items', Item: { pk: { S: 'a' }, sk: { N: '1' }, v: { S: 'hello' } } });
    assert.deepEqual(r.response, {});
    assert.ok(r.durationMs >= 0);
  });

  test('a failed condition is recorded as conditional-check-failed, with the unit DynamoDB still charges', async () => {
    await sdkError(() =>
      s.client.send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'a' }, sk: { N: '1' } }, ConditionExpression: 'attribute_not_exists(pk)' })),
    );
    const r = last(s.recorder);
    assert.equal(r.status, 'conditional-check-failed');
    assert.equal(r.httpStatus, 400);
    assert.equal(r.errorType, 'ConditionalCheckFailedException');
    assert.equal(r.errorMessage, 'The conditional request failed');
    assert.equal(r.capacity?.write, 1);
    assert.match(r.summary, /if attribute_not_exists\(pk\)/);
  });

  test('a cancelled transaction is recorded as transaction-canceled with every table it names', async () => {
    await sdkError(() =>
      s.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: 'items', Item: { pk: { S: 't' }, sk: { N: '1' } } } },
            { ConditionCheck: { TableName: 'indexed', Key: { pk: { S: 'none' }, sk: { S: 'x' } }, ConditionExpression: 'attribute_exists(pk)' } },
          ],
        }),
      ),
    );
    const r = last(s.recorder);
    assert.equal(r.status, 'transaction-canceled');
    assert.equal(r.table, 'items');
    assert.deepEqual(r.tables, ['items', 'indexed']);
    assert.match(r.summary, /Put items, ConditionCheck indexed/);
  });

  test('a transaction that commits is recorded with the doubled units DynamoDB charges transactional writes', async () => {
    await s.client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: 'items', Item: { pk: { S: 'tx' }, sk: { N: '1' } } } },
          { Put: { TableName: 'indexed', Item: { pk: { S: 'tx' }, sk: { S: '1' } } } },
        ],
      }),
    );
    const r = last(s.recorder);
    assert.equal(r.status, 'ok');
    assert.equal(r.capacity!.write, 4);
  });

  test('a throttled write on a provisioned table is recorded as throttled, and charges nothing', async () => {
    // 1 WCU keeps 300 units of burst: a 350 KB item takes them all (and more), the next write is refused.
    await s.client.send(new PutItemCommand({ TableName: 'slow', Item: { pk: { S: 'big' }, sk: { N: '1' }, x: { S: 'y'.repeat(350 * 1024) } } }));
    assert.ok(last(s.recorder).capacity!.write >= 350);
    await sdkError(() => s.client.send(new PutItemCommand({ TableName: 'slow', Item: { pk: { S: 'b' }, sk: { N: '2' } } })));
    const r = last(s.recorder);
    assert.equal(r.status, 'throttled');
    assert.equal(r.errorType, 'ProvisionedThroughputExceededException');
    assert.equal(r.capacity, undefined);
  });

  test('a request the engine refuses is recorded as validation, a missing table as not-found, an existing one as in-use', async () => {
    await sdkError(() => s.client.send(new GetItemCommand({ TableName: 'items', Key: { pk: { S: 'a' } } })));
    assert.equal(last(s.recorder).status, 'validation');
    assert.equal(last(s.recorder).errorType, 'ValidationException');
    await sdkError(() => s.client.send(new GetItemCommand({ TableName: 'nowhere', Key: { pk: { S: 'a' } } })));
    assert.equal(last(s.recorder).status, 'not-found');
    await sdkError(() => s.client.send(new CreateTableCommand({ TableName: 'items', ...KEYED_TABLE })));
    assert.equal(last(s.recorder).status, 'in-use');
  });

  test('capacity is recorded per index whether or not the client asked, and the answer is the same as without recording', async () => {
    const quiet = await s.client.send(new PutItemCommand({ TableName: 'indexed', Item: { pk: { S: 'p' }, sk: { S: 's' }, g: { S: 'G' }, l: { S: 'L' } } }));
    assert.equal(quiet.ConsumedCapacity, undefined, 'the client did not ask and gets none');
    const unasked = last(s.recorder);
    assert.deepEqual(unasked.capacity, { read: 0, write: 3, indexes: { byG: { read: 0, write: 1 }, byL: { read: 0, write: 1 } } });
    // Moving both index keys: a delete and a put on each index, as the answer reports when asked.
    const asked = await s.client.send(
      new PutItemCommand({ TableName: 'indexed', Item: { pk: { S: 'p' }, sk: { S: 's' }, g: { S: 'G2' }, l: { S: 'L2' } }, ReturnConsumedCapacity: 'INDEXES' }),
    );
    const told = last(s.recorder);
    assert.equal(told.capacity!.write, asked.ConsumedCapacity!.CapacityUnits);
    assert.equal(told.capacity!.indexes!.byG!.write, asked.ConsumedCapacity!.GlobalSecondaryIndexes!.byG!.CapacityUnits);
    assert.equal(told.capacity!.indexes!.byL!.write, asked.ConsumedCapacity!.LocalSecondaryIndexes!.byL!.CapacityUnits);
    assert.equal(told.capacity!.indexes!.byG!.write, 2);

    await s.client.send(new QueryCommand({ TableName: 'indexed', IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'G2' } } }));
    const q = last(s.recorder);
    assert.equal(q.index, 'byG');
    assert.deepEqual(q.capacity, { read: 0.5, write: 0, indexes: { byG: { read: 0.5, write: 0 } } });
  });

  test('Query and Scan record Count and ScannedCount, and the key condition and filter with names and values in place', async () => {
    await s.client.send(new CreateTableCommand({ TableName: 'counted', ...KEYED_TABLE }));
    for (let i = 0; i < 5; i++) await s.client.send(new PutItemCommand({ TableName: 'counted', Item: { pk: { S: 'q' }, sk: { N: String(i) }, odd: { BOOL: i % 2 === 1 } } }));
    await s.client.send(
      new QueryCommand({
        TableName: 'counted',
        KeyConditionExpression: '#p = :p AND sk >= :from',
        FilterExpression: 'odd = :t',
        ExpressionAttributeNames: { '#p': 'pk' },
        ExpressionAttributeValues: { ':p': { S: 'q' }, ':from': { N: '1' }, ':t': { BOOL: true } },
      }),
    );
    const q = last(s.recorder);
    assert.equal(q.count, 2);
    assert.equal(q.scannedCount, 4);
    assert.equal(q.summary, 'pk = "q" AND sk >= 1 · filter odd = true');
    await s.client.send(new ScanCommand({ TableName: 'counted', FilterExpression: 'odd = :f', ExpressionAttributeValues: { ':f': { BOOL: false } } }));
    const sc = last(s.recorder);
    assert.equal(sc.operation, 'Scan');
    assert.equal(sc.scannedCount, 5);
    assert.equal(sc.count, 3);
    assert.ok(sc.capacity!.read > 0);
  });

  test('a batch write across tables names both tables and counts its puts and deletes', async () => {
    await s.client.send(
      new BatchWriteItemCommand({
        RequestItems: {
          items: [{ PutRequest: { Item: { pk: { S: 'b1' }, sk: { N: '1' } } } }, { DeleteRequest: { Key: { pk: { S: 'b2' }, sk: { N: '1' } } } }],
          indexed: [{ PutRequest: { Item: { pk: { S: 'b3' }, sk: { S: '1' } } } }],
        },
      }),
    );
    const r = last(s.recorder);
    assert.deepEqual(r.tables, ['items', 'indexed']);
    assert.equal(r.summary, 'items: 1 put, 1 delete, indexed: 1 put');
    assert.equal(r.capacity!.write, 3);
  });

  test('a PartiQL statement is recorded with the table it names, its parameters and the units it read', async () => {
    await s.client.send(new ExecuteStatementCommand({ Statement: 'SELECT * FROM "items" WHERE pk = ?', Parameters: [{ S: 'a' }] }));
    const r = last(s.recorder);
    assert.equal(r.operation, 'ExecuteStatement');
    assert.equal(r.table, 'items');
    assert.equal(r.summary, 'SELECT * FROM "items" WHERE pk = ? ["a"]');
    assert.ok(r.capacity!.read > 0);
  });

  test('an UpdateItem summary shows its key and the update with values substituted', async () => {
    await s.client.send(
      new UpdateItemCommand({
        TableName: 'items',
        Key: { pk: { S: 'a' }, sk: { N: '1' } },
        UpdateExpression: 'SET #v = :v',
        ExpressionAttributeNames: { '#v': 'v' },
        ExpressionAttributeValues: { ':v': { N: '42' } },
      }),
    );
    assert.equal(last(s.recorder).summary, 'pk = "a", sk = 1 · SET v = 42');
  });
});

describe('the recorder on refusals, through raw HTTP', () => {
  let s: Served;
  before(async () => {
    s = await serve(new RequestRecorder());
  });
  after(() => s.close());

  test('an unknown operation, a body that is not JSON and a bad Host are each recorded as validation with what was sent', async () => {
    await rawRequest(s.server.url, json('DynamoDB_20120810.Teleport', {}));
    let r = last(s.recorder);
    assert.equal(r.operation, 'Teleport');
    assert.equal(r.status, 'validation');
    assert.equal(r.errorType, 'UnknownOperationException');

    await rawRequest(s.server.url, json('DynamoDB_20120810.GetItem', '{"TableName": '));
    r = last(s.recorder);
    assert.equal(r.errorType, 'SerializationException');
    assert.equal(r.request, '{"TableName": ');

    await rawRequest(s.server.url, json('DynamoDB_20120810.ListTables', {}, { Host: 'evil.example' }));
    r = last(s.recorder);
    assert.equal(r.httpStatus, 403);
    assert.equal(r.errorType, 'AccessDeniedException');
    assert.equal(r.status, 'validation');
  });

  test('a request on the node:http path (chunked) is recorded like one on the fast lane, and Streams requests too', async () => {
    await rawRequest(s.server.url, { ...json('DynamoDB_20120810.ListTables', {}), chunked: true });
    const r = last(s.recorder);
    assert.equal(r.operation, 'ListTables');
    assert.equal(r.status, 'ok');
    assert.deepEqual(r.response, { TableNames: [] });
    await rawRequest(s.server.url, json('DynamoDBStreams_20120810.ListStreams', {}));
    const st = last(s.recorder);
    assert.equal(st.target, 'DynamoDBStreams_20120810');
    assert.equal(st.operation, 'ListStreams');
    assert.equal(st.status, 'ok');
  });

  test('boto3, the AWS CLI and other SDKs are named from their User-Agent', async () => {
    await rawRequest(s.server.url, json('DynamoDB_20120810.ListTables', {}, { 'User-Agent': 'Boto3/1.35.0 md/Botocore#1.35.0 ua/2.0 os/linux#6 lang/python#3.11 Botocore/1.35.0' }));
    assert.deepEqual([last(s.recorder).client.sdk, last(s.recorder).client.sdkVersion], ['Boto3', '1.35.0']);
    assert.deepEqual(parseUserAgent('aws-cli/1.45.11 md/Botocore#1.37.11 ua/2.0 os/linux botocore/1.37.11'), { sdk: 'aws-cli', sdkVersion: '1.45.11' });
    assert.deepEqual(parseUserAgent('aws-sdk-java/2.25.0 Linux/6.1 OpenJDK_64-Bit_Server_VM/21'), { sdk: 'aws-sdk-java', sdkVersion: '2.25.0' });
    assert.deepEqual(parseUserAgent('aws-sdk-go-v2/1.24.0 os/linux lang/go#1.21 api/dynamodb#1.26.0'), { sdk: 'aws-sdk-go-v2', sdkVersion: '1.24.0' });
    assert.deepEqual(parseUserAgent('curl/8.5.0'), { sdk: 'curl', sdkVersion: '8.5.0' });
    assert.deepEqual(parseUserAgent(undefined), {});
    await rawRequest(s.server.url, json('DynamoDB_20120810.ListTables', {}, { 'User-Agent': 'aws-sdk-js/3.700.0 dynamo-workspace-explorer' }));
    assert.equal(last(s.recorder).client.explorer, true);
  });
});

describe('what the recorder keeps', () => {
  test("each record's time is the wall clock when its request arrived, and its latency lies within the round trip", async () => {
    const s = await serve(new RequestRecorder());
    try {
      for (let i = 0; i < 3; i++) {
        const before = Date.now();
        const t0 = performance.now();
        await s.client.send(new CreateTableCommand({ TableName: `clock${i}`, ...KEYED_TABLE }));
        const roundTrip = performance.now() - t0;
        const after = Date.now();
        const r = last(s.recorder);
        // The wall clock is read once a second and the monotonic clock carries it: allow a millisecond of rounding.
        assert.ok(r.time >= before - 1 && r.time <= after + 1, `time ${r.time} is not within [${before}, ${after}]`);
        assert.ok(r.durationMs >= 0 && r.durationMs <= roundTrip, `latency ${r.durationMs} ms is not within the round trip of ${roundTrip} ms`);
        await new Promise((resolve) => setTimeout(resolve, 600));
      }
    } finally {
      await s.close();
    }
  });

  test('bodies over the cap are cut and flagged, and the summary still comes from the whole request', async () => {
    const s = await serve(new RequestRecorder({ bodyBytes: 300 }));
    try {
      await s.client.send(new CreateTableCommand({ TableName: 'cut', ...KEYED_TABLE }));
      await s.client.send(new PutItemCommand({ TableName: 'cut', Item: { pk: { S: 'k' }, sk: { N: '7' }, big: { S: 'z'.repeat(2000) } } }));
      const put = last(s.recorder);
      assert.equal(put.requestTruncated, true);
      assert.equal(typeof put.request, 'string');
      assert.equal((put.request as string).length, 300);
      assert.ok(put.requestBytes > 2000);
      assert.match(put.summary, /pk = "k", sk = 7/);
      assert.equal(put.responseTruncated, undefined);
      await s.client.send(new ScanCommand({ TableName: 'cut' }));
      const scan = last(s.recorder);
      assert.equal(scan.responseTruncated, true);
      assert.equal((scan.response as string).length, 300);
      assert.equal(scan.count, 1, 'counts are read from the whole answer');
      assert.ok(scan.responseBytes > 2000);
    } finally {
      await s.close();
    }
  });

  test('with bodies off no request or answer JSON is kept, and the rest of the record is', async () => {
    const s = await serve(new RequestRecorder({ bodies: false }));
    try {
      await sdkError(() => s.client.send(new GetItemCommand({ TableName: 'none', Key: { pk: { S: 'x' } } })));
      const r = last(s.recorder);
      assert.equal(r.request, undefined);
      assert.equal(r.response, undefined);
      assert.equal(r.status, 'not-found');
      assert.equal(r.errorType, 'ResourceNotFoundException');
      assert.equal(r.summary, 'pk = "x"');
    } finally {
      await s.close();
    }
  });

  test('off means nothing is recorded and no subscriber is called; on again records from then', async () => {
    const recorder = new RequestRecorder({ enabled: false });
    const s = await serve(recorder);
    const seen: RequestRecord[] = [];
    const stop = recorder.subscribe((r) => seen.push(r));
    try {
      await s.client.send(new CreateTableCommand({ TableName: 'off', ...KEYED_TABLE }));
      await sdkError(() => s.client.send(new GetItemCommand({ TableName: 'none', Key: { pk: { S: 'x' } } })));
      await rawRequest(s.server.url, json('DynamoDB_20120810.Teleport', {}));
      assert.equal(recorder.size, 0);
      assert.deepEqual(recorder.recent(), []);
      assert.equal(seen.length, 0);
      recorder.enabled = true;
      await s.client.send(new GetItemCommand({ TableName: 'off', Key: { pk: { S: 'x' }, sk: { N: '1' } } }));
      assert.equal(seen.length, 1);
      assert.equal(seen[0]!.operation, 'GetItem');
      assert.equal(seen[0]!.id, 1);
    } finally {
      stop();
      await s.close();
    }
  });

  test('the ring keeps the newest N, drops the oldest first, clears, and subscribers stop when they unsubscribe', async () => {
    const recorder = new RequestRecorder({ capacity: 3 });
    const s = await serve(recorder);
    const seen: number[] = [];
    const stop = recorder.subscribe((r) => seen.push(r.id));
    try {
      await s.client.send(new CreateTableCommand({ TableName: 'ring', ...KEYED_TABLE }));
      for (let i = 0; i < 4; i++) await s.client.send(new PutItemCommand({ TableName: 'ring', Item: { pk: { S: `k${i}` }, sk: { N: '1' } } }));
      assert.deepEqual(seen, [1, 2, 3, 4, 5]);
      assert.deepEqual(recorder.recent().map((r) => r.id), [5, 4, 3]);
      assert.deepEqual(recorder.recent().map((r) => r.summary), ['pk = "k3", sk = 1', 'pk = "k2", sk = 1', 'pk = "k1", sk = 1']);
      assert.deepEqual(recorder.recent(2).map((r) => r.id), [5, 4]);
      stop();
      recorder.clear();
      assert.deepEqual(recorder.recent(), []);
      await s.client.send(new GetItemCommand({ TableName: 'ring', Key: { pk: { S: 'k0' }, sk: { N: '1' } } }));
      assert.deepEqual(recorder.recent().map((r) => r.id), [6]);
      assert.deepEqual(seen, [1, 2, 3, 4, 5], 'an unsubscribed listener hears nothing more');
      recorder.capacity = 1;
      assert.equal(recorder.size, 1);
    } finally {
      await s.close();
    }
  });

  test('requests made in process (the explorer) are marked as the explorer\'s and carry the capacity the engine charged', async () => {
    const db = await Database.open('', { inMemory: true });
    const recorder = new RequestRecorder();
    try {
      await db.execute('CreateTable', { TableName: 'inproc', ...KEYED_TABLE });
      const result = await recorder.track('DynamoDB_20120810', 'PutItem', { TableName: 'inproc', Item: { pk: { S: 'a' }, sk: { N: '1' } } }, () =>
        db.execute('PutItem', { TableName: 'inproc', Item: { pk: { S: 'a' }, sk: { N: '1' } } }), db.capacity);
      assert.deepEqual(result, {}, 'the caller gets the engine\'s answer');
      const r = last(recorder);
      assert.equal(r.client.explorer, true);
      assert.equal(r.status, 'ok');
      assert.deepEqual(r.capacity, { read: 0, write: 1 });
      await assert.rejects(recorder.track('DynamoDB_20120810', 'GetItem', { TableName: 'nope', Key: {} }, () => db.execute('GetItem', { TableName: 'nope', Key: {} }), db.capacity), {
        name: 'ResourceNotFoundException',
      });
      assert.equal(last(recorder).status, 'not-found');
      assert.equal(db.capacity.sink, undefined, 'the engine stops reporting to the recorder after the call');
    } finally {
      await db.close();
    }
  });
});

describe('secrets', () => {
  const KEY_ID = 'AKIDINSPECTOR1';
  const SECRET = 'inspector/secret+KEY/abcdefghij0123456789';
  const TOKEN = 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN+/=0123456789abcdef';

  test('a request signed with SigV4 by the SDK leaves no secret, signature, access key or session token in any record', async () => {
    const recorder = new RequestRecorder();
    const db = await Database.open('', { inMemory: true });
    const server = await startServer({ db, port: 0, recorder, authorize: sigV4Authorizer({ keys: new Map([[KEY_ID, SECRET]]) }) });
    const signatures: string[] = [];
    const client = new DynamoDBClient({
      endpoint: server.url, region: 'us-east-1', maxAttempts: 1,
      credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET, sessionToken: TOKEN },
    });
    // The signature the SDK sent, read after signing, to look for it in the records.
    client.middlewareStack.add(
      (next) => async (args) => {
        const auth = (args.request as { headers: Record<string, string> }).headers.authorization ?? '';
        const m = /Signature=([0-9a-f]+)/.exec(auth);
        if (m) signatures.push(m[1]!);
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low' },
    );
    const wrong = new DynamoDBClient({ endpoint: server.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: KEY_ID, secretAccessKey: 'not-the-secret', sessionToken: TOKEN } });
    try {
      await client.send(new CreateTableCommand({ TableName: 'signed', ...KEYED_TABLE }));
      await client.send(new PutItemCommand({ TableName: 'signed', Item: { pk: { S: 'a' }, sk: { N: '1' } } }));
      await client.send(new GetItemCommand({ TableName: 'signed', Key: { pk: { S: 'a' }, sk: { N: '1' } } }));
      const refused = await sdkError(() => wrong.send(new GetItemCommand({ TableName: 'signed', Key: { pk: { S: 'a' }, sk: { N: '1' } } })));
      assert.equal(refused.name, 'InvalidSignatureException');
      const records = recorder.recent();
      assert.equal(records.length, 4);
      assert.equal(records[0]!.status, 'validation');
      assert.ok(signatures.length >= 3);
      const text = JSON.stringify(records) + records.map(formatRequestLine).join('\n');
      for (const secret of [SECRET, TOKEN, KEY_ID, ...signatures]) assert.ok(!text.includes(secret), `a record holds ${secret}`);
      assert.ok(!/authorization|x-amz-security-token|credential=/i.test(text));
    } finally {
      client.destroy();
      wrong.destroy();
      await server.close();
      await db.close();
    }
  });
});

describe('the ring, on random sequences', () => {
  test('after any sequence of requests, clears and resizes, recent() is the last N recorded, newest first', () => {
    const step = fc.oneof(
      { weight: 8, arbitrary: fc.constant<{ kind: 'request' }>({ kind: 'request' }) },
      { weight: 1, arbitrary: fc.constant<{ kind: 'clear' }>({ kind: 'clear' }) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 12 }).map((n) => ({ kind: 'resize' as const, n })) },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(step, { maxLength: 80 }), (capacity, steps) => {
        const recorder = new RequestRecorder({ capacity });
        let model: number[] = [];
        let max = capacity;
        let id = 0;
        for (const s of steps) {
          if (s.kind === 'request') {
            const p = recorder.begin('DynamoDB_20120810.GetItem', undefined, 2)!;
            p.parsed({ TableName: `t${++id}` }, undefined);
            p.finish(200, '{}');
            model.push(id);
            if (model.length > max) model = model.slice(-max);
          } else if (s.kind === 'clear') {
            recorder.clear();
            model = [];
          } else {
            recorder.capacity = s.n;
            max = s.n;
            model = model.slice(-max);
          }
          const got = recorder.recent();
          assert.deepEqual(got.map((r) => r.id), [...model].reverse());
          assert.deepEqual(got.map((r) => r.table), [...model].reverse().map((n) => `t${n}`));
        }
      }),
    );
  });
});

describe('records kept across a window reload (saved, then restored into a new recorder)', () => {
  test('what the endpoint recorded comes back whole, older than what the new recorder records, ids growing', async () => {
    const first = new RequestRecorder();
    const a = await serve(first);
    let before: RequestRecord[];
    let text: string;
    try {
      await a.client.send(new CreateTableCommand({ TableName: 'kept', ...KEYED_TABLE }));
      await a.client.send(new PutItemCommand({ TableName: 'kept', Item: { pk: { S: 'a' }, sk: { N: '1' } } }));
      await assert.rejects(a.client.send(new PutItemCommand({ TableName: 'kept', Item: { pk: { S: 'a' }, sk: { N: '1' } }, ConditionExpression: 'attribute_not_exists(pk)' })));
      await a.client.send(new QueryCommand({ TableName: 'kept', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'a' } } }));
      before = first.recent();
      text = first.saved();
    } finally {
      await a.close();
    }
    const second = new RequestRecorder();
    const b = await serve(second);
    try {
      assert.equal(second.restore(text, 60_000), before.length);
      assert.deepEqual(second.recent(), before, 'every record as it was: status, capacity, counts, bodies, client');
      await b.client.send(new CreateTableCommand({ TableName: 'kept', ...KEYED_TABLE }));
      const now = second.recent();
      assert.equal(now.length, before.length + 1);
      assert.equal(now[0]!.operation, 'CreateTable');
      assert.ok(now[0]!.id > before[0]!.id, `the new record's id ${now[0]!.id} follows the restored ${before[0]!.id}`);
      assert.equal(now[1]!.status, 'ok');
      assert.equal(now[1]!.count, 1);
      assert.equal(now[2]!.status, 'conditional-check-failed');
    } finally {
      await b.close();
    }
  });

  test('a file too old, not JSON, or of another shape restores nothing; bad records are skipped; the byte budget keeps the newest', () => {
    const r = new RequestRecorder({ capacity: 5 });
    for (let i = 0; i < 8; i++) {
      const p = r.begin('DynamoDB_20120810.GetItem', undefined, 2)!;
      p.parsed({ TableName: `t${i}` }, undefined);
      p.finish(200, '{}');
    }
    const text = r.saved();
    const fresh = () => new RequestRecorder({ capacity: 5 });
    assert.equal(fresh().restore('not json'), 0);
    assert.equal(fresh().restore('{"version":2,"savedAt":0,"records":[]}'), 0);
    const old = JSON.parse(text);
    old.savedAt = Date.now() - 11 * 60_000;
    assert.equal(fresh().restore(JSON.stringify(old), 10 * 60_000), 0);
    const mixed = JSON.parse(text);
    mixed.records.splice(1, 0, { id: 'x' }, null, 7);
    const m = fresh();
    assert.equal(m.restore(JSON.stringify(mixed)), 5);
    assert.deepEqual(m.recent().map((x) => x.table), ['t7', 't6', 't5', 't4', 't3']);
    const oneRecord = JSON.stringify(r.recent(1)[0]).length;
    const small = fresh();
    small.restore(r.saved(oneRecord * 2 + 2));
    assert.deepEqual(small.recent().map((x) => x.table), ['t7', 't6']);
  });
});

describe('the byte rings bodies are kept in', () => {
  test('an entry reads back intact until later writes reach it, and never after', () => {
    fc.assert(
      fc.property(fc.integer({ min: 16, max: 256 }), fc.array(fc.uint8Array({ minLength: 0, maxLength: 64 }), { maxLength: 60 }), (size, writes) => {
        const arena = new ByteArena(size);
        const kept: Array<{ at: number; bytes: Buffer; end: number }> = [];
        let pos = 0;
        for (const w of writes) {
          const bytes = Buffer.from(w);
          const at = arena.put(bytes);
          if (bytes.length > size) {
            assert.equal(at, -1);
            continue;
          }
          assert.ok(at >= pos, 'positions only grow');
          pos = at + bytes.length;
          kept.push({ at, bytes, end: pos });
          for (const k of kept) {
            const got = arena.get(k.at, k.bytes.length);
            // Intact exactly while nothing written since has come round to it.
            if (pos - size <= k.at) assert.deepEqual(got, k.bytes);
            else assert.equal(got, undefined);
          }
        }
      }),
    );
  });

  test('when the rings fill, the oldest records lose their bodies but keep the rest, in order', async () => {
    const recorder = new RequestRecorder({ requestArenaBytes: 600, responseArenaBytes: 600 });
    const s = await serve(recorder);
    try {
      await s.client.send(new CreateTableCommand({ TableName: 'lap', ...KEYED_TABLE }));
      for (let i = 0; i < 12; i++) await s.client.send(new PutItemCommand({ TableName: 'lap', Item: { pk: { S: `k${i}` }, sk: { N: '1' }, pad: { S: 'p'.repeat(40) } } }));
      const records = recorder.recent();
      assert.equal(records.length, 13);
      assert.deepEqual(records[0]!.request, { TableName: 'lap', Item: { pk: { S: 'k11' }, sk: { N: '1' }, pad: { S: 'p'.repeat(40) } } });
      assert.equal(records[0]!.summary, 'pk = "k11", sk = 1, … 3 attributes');
      const oldest = records.at(-2)!;
      assert.equal(oldest.request, undefined);
      assert.equal(oldest.operation, 'PutItem');
      assert.equal(oldest.status, 'ok');
      assert.deepEqual(oldest.capacity, { read: 0, write: 1 });
    } finally {
      await s.close();
    }
  });
});

describe('summaries', () => {
  test('substitute puts names and values in place and leaves unknown placeholders alone', () => {
    assert.equal(substitute('#a = :x AND #b.c > :n OR :missing', { '#a': 'pk', '#b': 'map' }, { ':x': { S: 'it\'s' }, ':n': { N: '3' } }), 'pk = "it\'s" AND map.c > 3 OR :missing');
    assert.equal(substitute('size(#x) > :l', undefined, { ':l': { L: [{ S: 'a' }] } }), 'size(#x) > ["a"]');
  });

  test('summaries never throw on malformed input', () => {
    fc.assert(
      fc.property(fc.constantFrom('GetItem', 'PutItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem', 'TransactWriteItems', 'ExecuteStatement', 'BatchExecuteStatement', 'GetShardIterator', 'Other'), fc.jsonValue(), (op, input) => {
        const s = summarizeRequest(op, input);
        assert.equal(typeof s.summary, 'string');
      }),
    );
  });

  test('items returned and read come from the engine, whatever the items hold (an attribute named Count) and however the read is asked for', async () => {
    const recorder = new RequestRecorder();
    const s = await serve(recorder);
    try {
      await s.client.send(new CreateTableCommand({ TableName: 'counted', ...KEYED_TABLE }));
      for (let i = 0; i < 5; i++) {
        await s.client.send(new PutItemCommand({ TableName: 'counted', Item: { pk: { S: 'p' }, sk: { N: String(i) }, n: { N: String(i) }, Count: { N: '99' }, ScannedCount: { S: '"Count":7' } } }));
      }
      await s.client.send(new QueryCommand({ TableName: 'counted', KeyConditionExpression: 'pk = :p', FilterExpression: 'n >= :two', ExpressionAttributeValues: { ':p': { S: 'p' }, ':two': { N: '2' } } }));
      assert.deepEqual([last(recorder).count, last(recorder).scannedCount], [3, 5]);
      await s.client.send(new ScanCommand({ TableName: 'counted', Select: 'COUNT', Limit: 4 }));
      assert.deepEqual([last(recorder).count, last(recorder).scannedCount], [4, 4]);
      await s.client.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "counted" WHERE pk = 'p' AND sk < 2` }));
      assert.deepEqual([last(recorder).operation, last(recorder).count, last(recorder).scannedCount], ['ExecuteStatement', 2, 2]);
      await s.client.send(new GetItemCommand({ TableName: 'counted', Key: { pk: { S: 'p' }, sk: { N: '1' } } }));
      assert.deepEqual([last(recorder).count, last(recorder).scannedCount], [undefined, undefined]);
    } finally {
      await s.close();
    }
  });
});
