// copyTable between two real databases: an engine behind its HTTP endpoint, reached through
// RemoteConnection and the AWS SDK exactly as a remote connection is, and a second engine reached
// in-process as the workspace database is. Throttling comes from the engine's own provisioned
// capacity on its hand-driven clock; the copy waits on the same clock, so backoff and pacing run
// in virtual time and the tests stay fast and free of timing assumptions.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Database } from '../../../src/engine/database';
import { startServer } from '../../../src/server/index';
import type { Connection } from '../../../src/extension/connection';
import { RemoteConnection } from '../../../src/extension/remote';
import { copyTable, type CopyProgress } from '../../../src/extension/copy/copy-table';
import { CopyCancelled, WritePacer, backoffDelay, type Clock } from '../../../src/extension/copy/retry';
import { createTableInput, writeRate } from '../../../src/extension/copy/schema';
import type { TableDescription } from '../../../src/extension/tables';
import { itemSize } from '../../../src/protocol/capacity';
import type { AttributeValue, Item } from '../../../src/protocol/dynamo-json';

const str = (v: AttributeValue | undefined) => (v && 'S' in v ? v.S : undefined);

/** A clock that only moves when someone waits on it; the engines read it too. */
class VirtualClock implements Clock {
  constructor(public t = Date.parse('2026-03-01T10:00:00Z')) {}
  now = () => this.t;
  sleep = async (ms: number, signal?: AbortSignal) => {
    if (signal?.aborted) throw new CopyCancelled();
    const wake = this.t + ms;
    await new Promise((r) => setImmediate(r));
    this.t = Math.max(this.t, wake);
    if (signal?.aborted) throw new CopyCancelled();
  };
}

function engineConnection(db: Database, id: string): Connection {
  return {
    id,
    label: id,
    kind: 'workspace',
    endpoint: undefined,
    detail: '',
    send: async (op, input) => db.execute(op, structuredClone(input)),
    sendStreams: async (op, input) => db.streams!.execute(op, structuredClone(input)),
    dispose: async () => undefined,
  };
}

const clock = new VirtualClock();
let remoteDb: Database;
let localDb: Database;
let server: { url: string; close(): Promise<void> };
let remote: Connection;
let local: Connection;

before(async () => {
  remoteDb = await Database.open('', { inMemory: true, now: clock.now });
  localDb = await Database.open('', { inMemory: true, now: clock.now });
  server = await startServer({ db: remoteDb, port: 0 });
  remote = new RemoteConnection({ id: 'remote:test', label: 'remote test', endpoint: server.url });
  local = engineConnection(localDb, 'workspace:test');
});

after(async () => {
  await remote.dispose();
  await server.close();
  await remoteDb.close();
  await localDb.close();
});

async function scanAll(connection: Connection, tableName: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const out = await connection.send('Scan', { TableName: tableName, ...(start ? { ExclusiveStartKey: start } : {}) });
    items.push(...out.Items);
    start = out.LastEvaluatedKey;
  } while (start);
  return items.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

const orderItem = (i: number): Item => ({
  customer: { S: `c${i % 7}` },
  order: { N: String(1000 + i) },
  status: { S: i % 3 ? 'open' : 'shipped' },
  total: { N: (i * 1.25).toFixed(2) },
  lines: { L: [{ M: { sku: { S: `sku-${i}` }, qty: { N: String(i % 4 + 1) } } }] },
  blob: { B: Buffer.from(`bytes ${i}`).toString('base64') },
  tags: { SS: ['a', `t${i % 5}`] },
});

async function createOrders(connection: Connection, name: string): Promise<void> {
  await connection.send('CreateTable', {
    TableName: name,
    KeySchema: [{ AttributeName: 'customer', KeyType: 'HASH' }, { AttributeName: 'order', KeyType: 'RANGE' }],
    AttributeDefinitions: [
      { AttributeName: 'customer', AttributeType: 'S' },
      { AttributeName: 'order', AttributeType: 'N' },
      { AttributeName: 'status', AttributeType: 'S' },
      { AttributeName: 'total', AttributeType: 'N' },
    ],
    BillingMode: 'PROVISIONED',
    ProvisionedThroughput: { ReadCapacityUnits: 50, WriteCapacityUnits: 40 },
    LocalSecondaryIndexes: [{ IndexName: 'by-total', KeySchema: [{ AttributeName: 'customer', KeyType: 'HASH' }, { AttributeName: 'total', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'by-status',
        KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['total'] },
        ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 30 },
      },
    ],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  });
}

async function put(connection: Connection, name: string, items: Item[]): Promise<void> {
  for (const item of items) await connection.send('PutItem', { TableName: name, Item: item });
}

/** The parts of a description a copy must reproduce. */
function schemaOf(desc: any) {
  const ix = (list: any[] | undefined) =>
    (list ?? []).map((i) => ({ name: i.IndexName, keys: i.KeySchema, projection: i.Projection, throughput: i.ProvisionedThroughput && [i.ProvisionedThroughput.ReadCapacityUnits, i.ProvisionedThroughput.WriteCapacityUnits] }));
  return {
    keys: desc.KeySchema,
    attributes: [...desc.AttributeDefinitions].sort((a: any, b: any) => a.AttributeName.localeCompare(b.AttributeName)),
    billing: desc.BillingModeSummary?.BillingMode ?? 'PROVISIONED',
    throughput: [desc.ProvisionedThroughput?.ReadCapacityUnits, desc.ProvisionedThroughput?.WriteCapacityUnits],
    lsis: ix(desc.LocalSecondaryIndexes).map(({ throughput: _, ...rest }) => rest),
    gsis: ix(desc.GlobalSecondaryIndexes),
    stream: desc.StreamSpecification?.StreamViewType,
  };
}

describe('copyTable', () => {
  test('copies a remote table with its keys, indexes, throughput, stream and every item into the workspace database', async () => {
    const items = Array.from({ length: 130 }, (_, i) => orderItem(i));
    await createOrders(remote, 'Orders');
    await put(remote, 'Orders', items);
    const progress: CopyProgress[] = [];
    const result = await copyTable({ source: remote, sourceTable: 'Orders', target: local, targetTable: 'Orders', pageSize: 40, clock, onProgress: (p) => progress.push(p) });

    assert.equal(result.cancelled, false);
    assert.equal(result.created, true);
    assert.equal(result.items, 130);
    assert.equal(result.bytes, items.reduce((sum, item) => sum + itemSize(item), 0));
    const [from, to] = await Promise.all([remote.send('DescribeTable', { TableName: 'Orders' }), local.send('DescribeTable', { TableName: 'Orders' })]);
    assert.deepEqual(schemaOf(to.Table), schemaOf(from.Table));
    assert.deepEqual(await scanAll(local, 'Orders'), await scanAll(remote, 'Orders'));
    const byStatus = await local.send('Query', { TableName: 'Orders', IndexName: 'by-status', KeyConditionExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: 'shipped' } }, Select: 'COUNT' });
    assert.equal(byStatus.Count, items.filter((i) => str(i.status) === 'shipped').length, 'the copied GSI answers queries');
    // progress only grows, ends at the total, and names the pace the target's capacity sets (lowest of table 40 and GSI 30)
    const copying = progress.filter((p) => p.stage === 'copying');
    assert.ok(copying.length > 2);
    assert.ok(copying.every((p, i) => i === 0 || p.items >= copying[i - 1]!.items));
    assert.equal(copying.at(-1)!.items, 130);
    assert.equal(copying.at(-1)!.writeRate, 30);
    assert.deepEqual(progress.slice(0, 2).map((p) => p.stage), ['creating', 'waiting']);
  });

  test('copies an on-demand workspace table back to the remote under a new name, through parallel scan segments', async () => {
    await local.send('CreateTable', {
      TableName: 'Sessions',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    await local.send('UpdateTimeToLive', { TableName: 'Sessions', TimeToLiveSpecification: { Enabled: true, AttributeName: 'expires' } });
    const items = Array.from({ length: 260 }, (_, i) => ({ id: { S: `s-${i}` }, n: { N: String(i) }, expires: { N: '4102444800' } }));
    await put(local, 'Sessions', items);
    const result = await copyTable({ source: local, sourceTable: 'Sessions', target: remote, targetTable: 'Sessions-copy', segments: 4, pageSize: 30, clock });
    assert.equal(result.items, 260);
    assert.deepEqual(result.notes, []);
    const desc = (await remote.send('DescribeTable', { TableName: 'Sessions-copy' })).Table;
    assert.equal(desc.BillingModeSummary.BillingMode, 'PAY_PER_REQUEST');
    assert.deepEqual(await scanAll(remote, 'Sessions-copy'), await scanAll(local, 'Sessions'));
    const ttl = await remote.send('DescribeTimeToLive', { TableName: 'Sessions-copy' });
    assert.equal(ttl.TimeToLiveDescription.AttributeName, 'expires');
    assert.match(ttl.TimeToLiveDescription.TimeToLiveStatus, /^ENABL(ING|ED)$/);
  });

  test('refuses an existing target unless asked to copy into it, and then only when the keys match', async () => {
    await local.send('CreateTable', { TableName: 'Other', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }], BillingMode: 'PAY_PER_REQUEST' });
    await assert.rejects(copyTable({ source: local, sourceTable: 'Sessions', target: local, targetTable: 'Other', clock }), { name: 'ResourceInUseException', message: /already has a table named Other/ });
    await assert.rejects(copyTable({ source: local, sourceTable: 'Sessions', target: local, targetTable: 'Other', intoExisting: true, clock }), {
      name: 'ValidationException',
      message: 'Other is keyed on id (N) but Sessions on id (S): items cannot be copied between them',
    });
    await put(remote, 'Sessions-copy', [{ id: { S: 'only-in-target' } }]);
    const merged = await copyTable({ source: local, sourceTable: 'Sessions', target: remote, targetTable: 'Sessions-copy', intoExisting: true, clock });
    assert.equal(merged.created, false);
    assert.equal(merged.items, 260);
    assert.equal((await scanAll(remote, 'Sessions-copy')).length, 261);
    // and within one database, under another name
    const twin = await copyTable({ source: local, sourceTable: 'Sessions', target: local, targetTable: 'Sessions-twin', clock });
    assert.equal(twin.items, 260);
    assert.deepEqual(await scanAll(local, 'Sessions-twin'), await scanAll(local, 'Sessions'));
  });

  test('reads from a source whose read capacity is used up wait and retry until the scan goes through', async () => {
    await remote.send('CreateTable', {
      TableName: 'Thirsty',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 100 },
    });
    const items: Item[] = Array.from({ length: 40 }, (_, i) => ({ id: { S: `t${i}` }, pad: { S: 'z'.repeat(3000) } }));
    await put(remote, 'Thirsty', items);
    // another reader empties the 300 s read bucket: 40 items of 3 KB cost 15 units a scan
    let throttledReads = 0;
    for (let i = 0; i < 100 && !throttledReads; i++) {
      try {
        await remoteDb.execute('Scan', { TableName: 'Thirsty', ConsistentRead: true });
      } catch (e) {
        assert.equal((e as { type?: string }).type, 'ProvisionedThroughputExceededException');
        throttledReads++;
      }
    }
    assert.equal(throttledReads, 1, 'the read bucket ran dry');
    const result = await copyTable({ source: remote, sourceTable: 'Thirsty', target: local, targetTable: 'Thirsty', segments: 1, pageSize: 10, clock, maxAttempts: 40 });
    assert.equal(result.items, 40);
    // compared with what was put: reading the source again would only meet its empty bucket
    assert.deepEqual(await scanAll(local, 'Thirsty'), items.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))));
  });

  test('refuses bad names and copying a table onto itself with a ValidationException, before touching anything', async () => {
    await assert.rejects(copyTable({ source: remote, sourceTable: 'Orders', target: local, targetTable: 'no spaces!', clock }), { name: 'ValidationException', message: /"no spaces!": Table names use only letters, digits/ });
    await assert.rejects(copyTable({ source: local, sourceTable: 'Orders', target: local, targetTable: 'Orders', clock }), { name: 'ValidationException', message: /onto itself/ });
    await assert.rejects(copyTable({ source: local, sourceTable: 'Orders', target: local, targetTable: 'Orders-2', segments: 0, clock }), { name: 'ValidationException' });
    await assert.rejects(copyTable({ source: remote, sourceTable: 'Missing', target: local, targetTable: 'Missing', clock }), { name: 'ResourceNotFoundException' });
    await assert.rejects(local.send('DescribeTable', { TableName: 'Missing' }), { name: 'ResourceNotFoundException' });
  });

  test('into a 1-WCU table whose capacity another writer used up, backs off on throttles and unprocessed items until every item is in', async () => {
    await local.send('CreateTable', {
      TableName: 'Tiny',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
    });
    // another client drains the 300 s burst bucket: 1 KB writes until the table refuses one
    let drained = 0;
    for (;;) {
      try {
        await localDb.execute('PutItem', { TableName: 'Tiny', Item: { id: { S: `other-${drained}` }, pad: { S: 'x'.repeat(1000) } } });
        drained++;
      } catch (e) {
        assert.equal((e as { type?: string }).type, 'ProvisionedThroughputExceededException');
        break;
      }
    }
    assert.ok(drained >= 290, `the bucket held ${drained} writes`);
    await remote.send('CreateTable', { TableName: 'Seed', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' });
    const items = Array.from({ length: 60 }, (_, i) => ({ id: { S: `seed-${i}` }, pad: { S: 'y'.repeat(900) } }));
    await put(remote, 'Seed', items);
    const started = clock.now();
    const result = await copyTable({ source: remote, sourceTable: 'Seed', target: local, targetTable: 'Tiny', intoExisting: true, segments: 2, clock, maxAttempts: 40 });
    assert.equal(result.items, 60);
    assert.ok(result.throttled > 0, 'the target throttled the copy');
    assert.equal((await scanAll(local, 'Tiny')).filter((i) => str(i.id)?.startsWith('seed-')).length, 60);
    // 60 one-unit writes at 1 WCU cannot take less than about a minute of (virtual) time
    assert.ok(clock.now() - started >= 55_000, `took ${clock.now() - started} ms`);
  });

  test('an item the target refuses stops the copy with DynamoDB\'s error type and a count of what was copied, which the target holds', async () => {
    await local.send('CreateTable', { TableName: 'Mixed', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' });
    await put(local, 'Mixed', Array.from({ length: 120 }, (_, i) => ({ id: { S: `m${i}` }, g: { S: `g${i % 4}` } })));
    // the last item a Scan returns holds g as a Number, where the target's index keys on g as a String
    const order: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await local.send('Scan', { TableName: 'Mixed', ...(start ? { ExclusiveStartKey: start } : {}) });
      order.push(...page.Items);
      start = page.LastEvaluatedKey;
    } while (start);
    await local.send('PutItem', { TableName: 'Mixed', Item: { id: order.at(-1)!.id!, g: { N: '1' } } });
    await remote.send('CreateTable', {
      TableName: 'Strict',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }, { AttributeName: 'g', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [{ IndexName: 'by-g', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
    });
    const error = await copyTable({ source: local, sourceTable: 'Mixed', target: remote, targetTable: 'Strict', intoExisting: true, segments: 1, pageSize: 25, clock }).then(
      () => assert.fail('the copy went through'),
      (e: Error) => e,
    );
    assert.equal(error.name, 'ValidationException');
    // the batches before the last one went in, 25 at a time
    assert.match(error.message, /Type mismatch for Index Key g Expected: S Actual: N .* \(after copying 100 items into Strict\)$/);
    assert.equal((await scanAll(remote, 'Strict')).length, 100);
  });

  test('stops when cancelled mid-way and reports exactly the items that reached the target', async () => {
    await local.send('CreateTable', { TableName: 'Big', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }], BillingMode: 'PAY_PER_REQUEST' });
    await put(local, 'Big', Array.from({ length: 300 }, (_, i) => ({ id: { N: String(i) } })));
    const abort = new AbortController();
    const result = await copyTable({
      source: local,
      sourceTable: 'Big',
      target: remote,
      targetTable: 'Big',
      pageSize: 50,
      clock,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.items >= 75) abort.abort();
      },
    });
    assert.equal(result.cancelled, true);
    assert.equal(result.created, true);
    assert.ok(result.items >= 75 && result.items < 300, `copied ${result.items}`);
    assert.equal((await scanAll(remote, 'Big')).length, result.items);
  });

  test('a cancel while the new table is being created keeps the table and reports no items', async () => {
    const abort = new AbortController();
    const result = await copyTable({
      source: local,
      sourceTable: 'Big',
      target: remote,
      targetTable: 'Big-early',
      clock,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.stage === 'waiting') abort.abort();
      },
    });
    assert.deepEqual({ cancelled: result.cancelled, created: result.created, items: result.items }, { cancelled: true, created: true, items: 0 });
    assert.equal((await scanAll(remote, 'Big-early')).length, 0);
  });
});

describe('the CreateTable request of a copy', () => {
  const base: TableDescription = {
    TableName: 'Src',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'g', AttributeType: 'N' }, { AttributeName: 'unused', AttributeType: 'S' }],
  };

  test('an on-demand table described with zero throughput gets none, and only the attribute definitions its keys use', () => {
    const { input, notes } = createTableInput(
      {
        ...base,
        BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
        ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
        GlobalSecondaryIndexes: [{ IndexName: 'by-g', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['a'] }, ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0 } }],
      },
      'Dst',
    );
    assert.deepEqual(input, {
      TableName: 'Dst',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'g', AttributeType: 'N' }],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [{ IndexName: 'by-g', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['a'] } }],
    });
    assert.deepEqual(notes, []);
  });

  test('names what the copy leaves out: deletion protection and a table class other than Standard', () => {
    const { input, notes } = createTableInput({ ...base, ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 4 }, DeletionProtectionEnabled: true, TableClassSummary: { TableClass: 'STANDARD_INFREQUENT_ACCESS' } }, 'Dst');
    assert.deepEqual(input.ProvisionedThroughput, { ReadCapacityUnits: 3, WriteCapacityUnits: 4 });
    assert.equal(input.BillingMode, 'PROVISIONED');
    assert.deepEqual(notes, ['deletion protection is not turned on in the copy', 'the copy uses the STANDARD table class, not STANDARD_INFREQUENT_ACCESS']);
  });

  test('the write pace is the lowest provisioned write capacity of the table and its GSIs', () => {
    const gsi = (wcu: number) => ({ IndexName: `i${wcu}`, KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' as const }], ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: wcu } });
    assert.equal(writeRate({ ...base, ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 50 }, GlobalSecondaryIndexes: [gsi(20), gsi(70)] }), 20);
    assert.equal(writeRate({ ...base, BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' } }), Infinity);
  });
});

describe('backoff and pacing', () => {
  test('each backoff delay is a whole number of milliseconds below the doubled, capped ceiling', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.double({ min: 0, max: 0.9999999, noNaN: true }), (attempt, r) => {
        const delay = backoffDelay(attempt, { baseMs: 50, capMs: 20_000, random: () => r });
        return Number.isInteger(delay) && delay >= 0 && delay < Math.min(20_000, 50 * 2 ** attempt);
      }),
    );
  });

  test('the pacer lets the first write through at once and spaces the rest at the rate', async () => {
    const c = new VirtualClock(0);
    const pacer = new WritePacer(5, c);
    const starts: number[] = [];
    for (const units of [25, 25, 10, 1]) {
      await pacer.take(units);
      starts.push(c.now());
    }
    assert.deepEqual(starts, [0, 5000, 10_000, 12_000]);
    const open = new WritePacer(Infinity, c);
    await open.take(1_000_000);
    assert.equal(c.now(), 12_000);
  });

  test('a cancelled wait in the pacer rejects with CopyCancelled', async () => {
    const c = new VirtualClock(0);
    const pacer = new WritePacer(1, c);
    await pacer.take(100);
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(pacer.take(1, abort.signal), CopyCancelled);
  });
});
