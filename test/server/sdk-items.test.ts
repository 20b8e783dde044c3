// Item operations through the real AWS SDK v3 client, over HTTP, against a real Database.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { createKeyedTable, sdkError, startHarness, type Harness } from './harness';

type Item = Record<string, AttributeValue>;

let h: Harness;
let table: string;
before(async () => {
  h = await startHarness();
  table = h.name('items');
  await createKeyedTable(h.client, table);
});
after(async () => {
  await h.close();
});

let keyCounter = 0;
const newKey = (): Item => ({ pk: { S: `k${++keyCounter}` }, sk: { N: String(keyCounter) } });

/** Sets come back in no particular order: compare them sorted. */
function normalize(v: any): any {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === 'object') {
    const out: any = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) continue;
      if (k === 'SS' || k === 'NS' || k === 'BS') out[k] = (normalize(x) as string[]).sort();
      else out[k] = normalize(x);
    }
    return out;
  }
  return v;
}

async function get(Key: Item): Promise<Item | undefined> {
  return (await h.client.send(new GetItemCommand({ TableName: table, Key, ConsistentRead: true }))).Item;
}

describe('data types', () => {
  test('every attribute type round-trips through PutItem and GetItem', async () => {
    const key = newKey();
    const bytes = new Uint8Array([0, 1, 2, 127, 128, 254, 255]);
    const item: Item = {
      ...key,
      s: { S: 'héllo wörld ✓ 𝄞 "quoted" \\ back\nslash' },
      emptyS: { S: '' },
      n: { N: '42' },
      negative: { N: '-3.25' },
      big: { N: '12345678901234567890123456789012345678' },
      tiny: { N: '0.000000000000000000000000000000000000012345' },
      b: { B: bytes },
      emptyB: { B: new Uint8Array(0) },
      t: { BOOL: true },
      f: { BOOL: false },
      nul: { NULL: true },
      ss: { SS: ['b', 'a', 'ü'] },
      ns: { NS: ['1', '-2.5', '1000000'] },
      bs: { BS: [new Uint8Array([1]), new Uint8Array([2, 3]), new Uint8Array([255])] },
      l: { L: [{ S: 'x' }, { N: '1' }, { NULL: true }, { L: [] }, { M: {} }, { BOOL: false }] },
      emptyL: { L: [] },
      emptyM: { M: {} },
      m: {
        M: {
          nested: { M: { deeper: { L: [{ M: { leaf: { S: 'bottom' }, bin: { B: new Uint8Array([9, 8]) } } }] } } },
          set: { SS: ['only'] },
          'name with spaces.and.dots': { N: '7' },
        },
      },
    };
    await h.client.send(new PutItemCommand({ TableName: table, Item: item }));
    const got = await get(key);
    assert.ok(got);
    assert.deepEqual(normalize(got), normalize(item));
    assert.ok(got.b?.B instanceof Uint8Array);
    assert.deepEqual(Buffer.from(got.b.B), Buffer.from(bytes));
  });

  test('numbers come back in canonical form', async () => {
    const key = newKey();
    await h.client.send(
      new PutItemCommand({ TableName: table, Item: { ...key, a: { N: '1.50' }, b: { N: '1E+2' }, c: { N: '-0' }, d: { N: '007' }, e: { N: '0.10e1' } } }),
    );
    const got = (await get(key))!;
    assert.deepEqual(
      ['a', 'b', 'c', 'd', 'e'].map((k) => got[k]?.N),
      ['1.5', '100', '0', '7', '1'],
    );
  });

  test('nesting: 32 levels are accepted', async () => {
    const key = newKey();
    let v: AttributeValue = { S: 'leaf' };
    for (let i = 0; i < 30; i++) v = { M: { a: v } };
    await h.client.send(new PutItemCommand({ TableName: table, Item: { ...key, deep: v } }));
    assert.deepEqual((await get(key))!.deep, v);
  });

  test('a missing item is an empty answer', async () => {
    const res = await h.client.send(new GetItemCommand({ TableName: table, Key: newKey() }));
    assert.equal(res.Item, undefined);
    assert.equal(res.$metadata.httpStatusCode, 200);
  });

  test('ProjectionExpression selects attributes, nested paths included', async () => {
    const key = newKey();
    await h.client.send(
      new PutItemCommand({ TableName: table, Item: { ...key, a: { S: 'A' }, b: { S: 'B' }, m: { M: { x: { N: '1' }, y: { N: '2' } } }, l: { L: [{ S: 'l0' }, { S: 'l1' }] } } }),
    );
    const res = await h.client.send(
      new GetItemCommand({ TableName: table, Key: key, ProjectionExpression: 'a, #m.y, l[1]', ExpressionAttributeNames: { '#m': 'm' } }),
    );
    assert.deepEqual(res.Item, { a: { S: 'A' }, m: { M: { y: { N: '2' } } }, l: { L: [{ S: 'l1' }] } });
  });
});

describe('ReturnValues', () => {
  test('PutItem NONE and ALL_OLD', async () => {
    const key = newKey();
    const first = await h.client.send(new PutItemCommand({ TableName: table, Item: { ...key, v: { N: '1' } }, ReturnValues: 'ALL_OLD' }));
    assert.equal(first.Attributes, undefined);
    const second = await h.client.send(new PutItemCommand({ TableName: table, Item: { ...key, v: { N: '2' } }, ReturnValues: 'ALL_OLD' }));
    assert.deepEqual(second.Attributes, { ...key, v: { N: '1' } });
    const third = await h.client.send(new PutItemCommand({ TableName: table, Item: { ...key, v: { N: '3' } }, ReturnValues: 'NONE' }));
    assert.equal(third.Attributes, undefined);
    const fourth = await h.client.send(new PutItemCommand({ TableName: table, Item: { ...key, v: { N: '4' } } }));
    assert.equal(fourth.Attributes, undefined);
    assert.deepEqual(await get(key), { ...key, v: { N: '4' } });
  });

  test('PutItem rejects ReturnValues other than NONE and ALL_OLD', async () => {
    const err = await sdkError(() => h.client.send(new PutItemCommand({ TableName: table, Item: newKey(), ReturnValues: 'ALL_NEW' })));
    assert.equal(err.name, 'ValidationException');
    assert.equal(err.message, 'ReturnValues can only be ALL_OLD or NONE');
    assert.equal(err.$metadata.httpStatusCode, 400);
  });

  test('UpdateItem NONE, ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATED_NEW', async () => {
    const key = newKey();
    await h.client.send(new PutItemCommand({ TableName: table, Item: { ...key, a: { N: '1' }, b: { S: 'keep' }, c: { S: 'gone' } } }));
    const update = (ReturnValues: any, n: string) =>
      h.client.send(
        new UpdateItemCommand({
          TableName: table,
          Key: key,
          UpdateExpression: 'SET a = :n, d = :d REMOVE c',
          ExpressionAttributeValues: { ':n': { N: n }, ':d': { S: `d${n}` } },
          ReturnValues,
        }),
      );
    assert.equal((await update('NONE', '2')).Attributes, undefined);
    assert.deepEqual((await update('ALL_OLD', '3')).Attributes, { ...key, a: { N: '2' }, b: { S: 'keep' }, d: { S: 'd2' } });
    assert.deepEqual((await update('UPDATED_OLD', '4')).Attributes, { a: { N: '3' }, d: { S: 'd3' } });
    assert.deepEqual((await update('ALL_NEW', '5')).Attributes, { ...key, a: { N: '5' }, b: { S: 'keep' }, d: { S: 'd5' } });
    assert.deepEqual((await update('UPDATED_NEW', '6')).Attributes, { a: { N: '6' }, d: { S: 'd6' } });
  });

  test('UpdateItem creates a missing item; ADD and list_append work through the wire', async () => {
    const key = newKey();
    const res = await h.client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: key,
        UpdateExpression: 'ADD #c :one, tags :t SET #l = list_append(if_not_exists(#l, :empty), :more)',
        ExpressionAttributeNames: { '#l': 'list', '#c': 'counter' },
        ExpressionAttributeValues: { ':one': { N: '1' }, ':t': { SS: ['x'] }, ':empty': { L: [] }, ':more': { L: [{ S: 'm' }] } },
        ReturnValues: 'ALL_NEW',
      }),
    );
    assert.deepEqual(normalize(res.Attributes), normalize({ ...key, counter: { N: '1' }, tags: { SS: ['x'] }, list: { L: [{ S: 'm' }] } }));
  });

  test('DeleteItem NONE and ALL_OLD', async () => {
    const key = newKey();
    await h.client.send(new PutItemCommand({ TableName: table, Item: { ...key, v: { S: 'old' } } }));
    const none = await h.client.send(new DeleteItemCommand({ TableName: table, Key: { ...key }, ReturnValues: 'NONE' }));
    assert.equal(none.Attributes, undefined);
    assert.equal(await get(key), undefined);
    await h.client.send(new PutItemCommand({ TableName: table, Item: { ...key, v: { S: 'old2' } } }));
    const old = await h.client.send(new DeleteItemCommand({ TableName: table, Key: key, ReturnValues: 'ALL_OLD' }));
    assert.deepEqual(old.Attributes, { ...key, v: { S: 'old2' } });
    const again = await h.client.send(new DeleteItemCommand({ TableName: table, Key: key, ReturnValues: 'ALL_OLD' }));
    assert.equal(again.Attributes, undefined);
  });
});

describe('conditions', () => {
  test('a failed condition is ConditionalCheckFailedException, with the item when asked', async () => {
    const key = newKey();
    await h.client.send(new PutItemCommand({ TableName: table, Item: { ...key, v: { N: '1' } } }));
    const err = await sdkError(() =>
      h.client.send(new PutItemCommand({ TableName: table, Item: { ...key, v: { N: '2' } }, ConditionExpression: 'attribute_not_exists(pk)' })),
    );
    assert.equal(err.name, 'ConditionalCheckFailedException');
    assert.equal(err.message, 'The conditional request failed');
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.$fault, 'client');
    assert.equal(err.Item, undefined);

    const withItem = await sdkError(() =>
      h.client.send(
        new UpdateItemCommand({
          TableName: table,
          Key: key,
          UpdateExpression: 'SET v = :v',
          ConditionExpression: 'v = :expected',
          ExpressionAttributeValues: { ':v': { N: '3' }, ':expected': { N: '99' } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    assert.equal(withItem.name, 'ConditionalCheckFailedException');
    assert.deepEqual(withItem.Item, { ...key, v: { N: '1' } });
    assert.deepEqual(await get(key), { ...key, v: { N: '1' } });
  });

  test('a passing condition writes', async () => {
    const key = newKey();
    await h.client.send(new PutItemCommand({ TableName: table, Item: { ...key, v: { N: '1' } }, ConditionExpression: 'attribute_not_exists(pk)' }));
    await h.client.send(
      new DeleteItemCommand({ TableName: table, Key: key, ConditionExpression: 'v = :one', ExpressionAttributeValues: { ':one': { N: '1' } } }),
    );
    assert.equal(await get(key), undefined);
  });
});

describe('consumed capacity', () => {
  test('ReturnConsumedCapacity TOTAL reports units for a small item', async () => {
    const key = newKey();
    const put = await h.client.send(new PutItemCommand({ TableName: table, Item: { ...key, v: { S: 'x'.repeat(100) } }, ReturnConsumedCapacity: 'TOTAL' }));
    assert.deepEqual(put.ConsumedCapacity, { TableName: table, CapacityUnits: 1 });
    const strong = await h.client.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }));
    assert.deepEqual(strong.ConsumedCapacity, { TableName: table, CapacityUnits: 1 });
    const eventual = await h.client.send(new GetItemCommand({ TableName: table, Key: key, ReturnConsumedCapacity: 'TOTAL' }));
    assert.deepEqual(eventual.ConsumedCapacity, { TableName: table, CapacityUnits: 0.5 });
  });
});

describe('Query', () => {
  test('reads a partition in sort-key order, pages with Limit and LastEvaluatedKey, and backwards', async () => {
    const pk = { S: `q${++keyCounter}` };
    for (let i = 10; i >= 1; i--) {
      await h.client.send(new PutItemCommand({ TableName: table, Item: { pk, sk: { N: String(i) }, v: { S: 'x'.repeat(i) } } }));
    }
    const all = await h.client.send(
      new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': pk } }),
    );
    assert.equal(all.Count, 10);
    assert.equal(all.ScannedCount, 10);
    assert.deepEqual(
      all.Items!.map((it) => it.sk!.N),
      ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'],
    );
    assert.equal(all.LastEvaluatedKey, undefined);

    const seen: string[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await h.client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :p AND sk > :min',
          ExpressionAttributeValues: { ':p': pk, ':min': { N: '2' } },
          Limit: 3,
          ScanIndexForward: false,
          ExclusiveStartKey: start,
        }),
      );
      seen.push(...page.Items!.map((it) => it.sk!.N!));
      start = page.LastEvaluatedKey;
    } while (start);
    assert.deepEqual(seen, ['10', '9', '8', '7', '6', '5', '4', '3']);
  });
});
