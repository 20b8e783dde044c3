// GSIs with multi-attribute keys (DynamoDB, November 2025: up to four HASH and four RANGE elements
// in a GSI's KeySchema). Rules, messages and Query answers are replayed from DynamoDB Local
// 2026-01-16 (fixtures/ddb-local-multi-attribute-keys.json, recorded by
// fixtures/record-multi-attribute-keys.py); a property test checks that every valid key
// condition on random items returns exactly a Scan filtered by the same conditions, in the index's
// order (partition attributes by equality, then the sort attributes as a tuple).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Database } from '../../../src/engine/database';
import type { AttributeValue, Item } from '../../../src/engine/types/attribute-value';
import { AD, memoryDb, rejects } from './helpers';
import { withDataDir } from '../ttl/helpers';
import oracle from './fixtures/ddb-local-multi-attribute-keys.json';

type Outcome = { ok?: Record<string, any>; error?: { Code: string; Message: string } };
const recorded = oracle as Record<string, Outcome>;

const K = (...parts: Array<[string, 'HASH' | 'RANGE']>) => parts.map(([AttributeName, KeyType]) => ({ AttributeName, KeyType }));
const DEFS = AD(['pk', 'S'], ['a', 'S'], ['b', 'N'], ['c', 'S'], ['d', 'N'], ['e', 'S']);
const MAIN_KEY = K(['a', 'HASH'], ['b', 'HASH'], ['c', 'RANGE'], ['d', 'RANGE']);

function tableWith(TableName: string, KeySchema: unknown, extra: Record<string, unknown> = {}) {
  return {
    TableName,
    KeySchema: K(['pk', 'HASH']),
    AttributeDefinitions: DEFS,
    BillingMode: 'PAY_PER_REQUEST',
    GlobalSecondaryIndexes: [{ IndexName: 'gsi', KeySchema, Projection: { ProjectionType: 'ALL' } }],
    ...extra,
  };
}

/** The items the recorder wrote: b alternates 0/1, c cycles c0..c2, d counts down; the last lacks d. */
function recordedItems(): Item[] {
  return Array.from({ length: 12 }, (_, i) => {
    const item: Item = { pk: { S: `p${i}` }, a: { S: 'A' }, b: { N: String(i % 2) }, c: { S: `c${i % 3}` }, d: { N: String(10 - i) } };
    if (i === 11) delete item.d;
    return item;
  });
}

async function mainTable(db: Database): Promise<void> {
  await db.execute('CreateTable', tableWith('mat11', MAIN_KEY, { AttributeDefinitions: DEFS.slice(0, 5) }));
  for (const Item of recordedItems()) await db.execute('PutItem', { TableName: 'mat11', Item });
}

/** Attribute order inside an item is not part of DynamoDB's answer: compare items as sorted entries. */
const canonical = (items: Item[] | undefined) => items?.map((i) => Object.fromEntries(Object.entries(i).sort(([x], [y]) => (x < y ? -1 : 1))));

async function outcome(db: Database, op: string, input: unknown): Promise<Outcome> {
  try {
    return { ok: JSON.parse(JSON.stringify(await db.execute(op, input))) };
  } catch (e) {
    const err = e as { type: string; message: string };
    return { error: { Code: err.type, Message: err.message } };
  }
}

function sameAsRecorded(label: string, got: Outcome): void {
  const want = recorded[label]!;
  assert.ok(want, `no recording for ${label}`);
  if (want.error) {
    assert.deepEqual(got.error, want.error, label);
    return;
  }
  assert.equal(got.error, undefined, `${label}: ${got.error?.Message}`);
  assert.deepEqual(canonical(got.ok!.Items), canonical(want.ok!.Items), label);
  assert.equal(got.ok!.Count, want.ok!.Count, label);
  if (want.ok!.LastEvaluatedKey) assert.deepEqual(canonical([got.ok!.LastEvaluatedKey]), canonical([want.ok!.LastEvaluatedKey]), label);
}

test('CreateTable checks a multi-attribute GSI key schema with DynamoDB Local\'s rules and messages', async () => {
  const db = await memoryDb();
  const cases: Array<[string, unknown]> = [
    ['create.5hash', tableWith('mat1', K(['a', 'HASH'], ['b', 'HASH'], ['c', 'HASH'], ['d', 'HASH'], ['e', 'HASH']))],
    ['create.5range', tableWith('mat2', K(['a', 'HASH'], ['b', 'RANGE'], ['c', 'RANGE'], ['d', 'RANGE'], ['e', 'RANGE'], ['pk', 'RANGE']))],
    ['create.interleaved', tableWith('mat3', K(['a', 'HASH'], ['c', 'RANGE'], ['b', 'HASH']))],
    ['create.dup_range_range', tableWith('mat5', K(['a', 'HASH'], ['c', 'RANGE'], ['c', 'RANGE']), { AttributeDefinitions: AD(['pk', 'S'], ['a', 'S'], ['c', 'S']) })],
    ['create.dup_hash_hash', tableWith('mat5', K(['a', 'HASH'], ['a', 'HASH']), { AttributeDefinitions: AD(['pk', 'S'], ['a', 'S']) })],
    ['create.9elements', tableWith('mat6', K(['a', 'HASH'], ['b', 'HASH'], ['c', 'HASH'], ['d', 'HASH'], ['e', 'RANGE'], ['pk', 'RANGE'], ['x', 'RANGE'], ['y', 'RANGE'], ['z', 'RANGE']))],
  ];
  for (const [label, input] of cases) sameAsRecorded(label, await outcome(db, 'CreateTable', input));
  // Four and four is the limit, and is accepted.
  const eight = tableWith('mat9', K(['a', 'HASH'], ['b', 'HASH'], ['c', 'HASH'], ['d', 'HASH'], ['e', 'RANGE'], ['pk', 'RANGE'], ['f', 'RANGE'], ['g', 'RANGE']), {
    AttributeDefinitions: [...DEFS, ...AD(['f', 'B'], ['g', 'S'])],
  });
  assert.equal(recorded['create.4hash4range']!.error, undefined);
  const created = (await db.execute('CreateTable', eight)) as any;
  assert.equal(created.TableDescription.GlobalSecondaryIndexes[0].KeySchema.length, 8);
  // Tables and LSIs keep one HASH and at most one RANGE element.
  await rejects(db, 'CreateTable', { TableName: 'mat8', KeySchema: K(['pk', 'HASH'], ['a', 'HASH']), AttributeDefinitions: AD(['pk', 'S'], ['a', 'S']), BillingMode: 'PAY_PER_REQUEST' },
    'ValidationException', /KeySchema/);
  await db.close();
});

test('every missing partition attribute and every gap before the last sort condition is named, in key-schema order', async () => {
  const db = await memoryDb();
  await db.execute('CreateTable', tableWith('mat9', K(['a', 'HASH'], ['b', 'HASH'], ['c', 'HASH'], ['d', 'HASH'], ['e', 'RANGE'], ['pk', 'RANGE'], ['f', 'RANGE'], ['g', 'RANGE']), {
    AttributeDefinitions: [...DEFS, ...AD(['f', 'B'], ['g', 'S'])],
  }));
  const q = (KeyConditionExpression: string, ExpressionAttributeValues: Record<string, AttributeValue>) =>
    outcome(db, 'Query', { TableName: 'mat9', IndexName: 'gsi', KeyConditionExpression, ExpressionAttributeValues });
  sameAsRecorded('q.two_missing', await q('a = :a', { ':a': { S: 'x' } }));
  sameAsRecorded('q.two_gaps', await q('a = :a AND b = :b AND c = :c AND d = :d AND g = :g', { ':a': { S: 'x' }, ':b': { N: '1' }, ':c': { S: 'x' }, ':d': { N: '1' }, ':g': { S: 'x' } }));
  await db.close();
});

test('UpdateTable applies the same key schema rules to a GSI it creates', async () => {
  const db = await memoryDb();
  await db.execute('CreateTable', { TableName: 'mat12', KeySchema: K(['pk', 'HASH']), AttributeDefinitions: DEFS.slice(0, 1), BillingMode: 'PAY_PER_REQUEST' });
  const create = (KeySchema: unknown, AttributeDefinitions: unknown) => ({
    TableName: 'mat12', AttributeDefinitions, GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'gsi3', KeySchema, Projection: { ProjectionType: 'KEYS_ONLY' } } }],
  });
  sameAsRecorded('update.5hash', await outcome(db, 'UpdateTable', create(K(['a', 'HASH'], ['b', 'HASH'], ['c', 'HASH'], ['d', 'HASH'], ['e', 'HASH']), DEFS)));
  sameAsRecorded('update.order', await outcome(db, 'UpdateTable', create(K(['a', 'HASH'], ['c', 'RANGE'], ['b', 'HASH']), DEFS.slice(0, 4))));
  await db.close();
});

test('DescribeTable reports the multi-attribute key schema as given, and the index holds only items with every key attribute', async () => {
  const db = await memoryDb();
  await mainTable(db);
  const table = ((await db.execute('DescribeTable', { TableName: 'mat11' })) as any).Table;
  assert.deepEqual(table.GlobalSecondaryIndexes[0].KeySchema, recorded['describe.main']!.ok!.Table.GlobalSecondaryIndexes[0].KeySchema);
  // Item p11 lacks d: 11 of 12 items are in the index, as DynamoDB Local counts them.
  assert.equal(table.GlobalSecondaryIndexes[0].ItemCount, 11);
  const scanned = (await db.execute('Scan', { TableName: 'mat11', IndexName: 'gsi' })) as any;
  assert.equal(scanned.Count, 11);
  assert.ok(!scanned.Items.some((i: Item) => (i.pk as { S: string }).S === 'p11'));
  await db.close();
});

test('writes refuse a wrong type or an empty value for any of the key attributes, with DynamoDB Local\'s messages', async () => {
  const db = await memoryDb();
  await mainTable(db);
  await rejects(db, 'PutItem', { TableName: 'mat11', Item: { pk: { S: 'x' }, a: { S: 'A' }, b: { S: 'notnum' } } }, 'ValidationException',
    /^One or more parameter values were invalid: Type mismatch for Index Key/);
  sameAsRecorded('put.emptystr', await outcome(db, 'PutItem', { TableName: 'mat11', Item: { pk: { S: 'x2' }, a: { S: '' }, b: { N: '1' } } }));
  await db.close();
});

test('Query answers and refusals on a multi-attribute GSI match DynamoDB Local, in both directions and across pages', async () => {
  const db = await memoryDb();
  await mainTable(db);
  const A = { ':a': { S: 'A' } };
  const B0 = { ':b': { N: '0' } };
  const q = (KeyConditionExpression: string, values: Record<string, AttributeValue>, extra: Record<string, unknown> = {}) =>
    outcome(db, 'Query', { TableName: 'mat11', IndexName: 'gsi', KeyConditionExpression, ExpressionAttributeValues: values, ...extra });
  sameAsRecorded('q.all_partition', await q('a = :a AND b = :b', { ...A, ...B0 }));
  sameAsRecorded('q.missing_b', await q('a = :a', A));
  sameAsRecorded('q.b_lt', await q('a = :a AND b < :b', { ...A, ...B0 }));
  sameAsRecorded('q.c_eq', await q('a = :a AND b = :b AND c = :c', { ...A, ...B0, ':c': { S: 'c1' } }));
  sameAsRecorded('q.c_eq_d_gt', await q('a = :a AND b = :b AND c = :c AND d > :d', { ...A, ...B0, ':c': { S: 'c0' }, ':d': { N: '3' } }));
  sameAsRecorded('q.c_eq_d_between', await q('a = :a AND b = :b AND c = :c AND d BETWEEN :d1 AND :d2', { ...A, ...B0, ':c': { S: 'c0' }, ':d1': { N: '3' }, ':d2': { N: '9' } }));
  sameAsRecorded('q.skip_c', await q('a = :a AND b = :b AND d > :d', { ...A, ...B0, ':d': { N: '3' } }));
  sameAsRecorded('q.c_gt_d_eq', await q('a = :a AND b = :b AND c > :c AND d = :d', { ...A, ...B0, ':c': { S: 'c0' }, ':d': { N: '4' } }));
  sameAsRecorded('q.d_only', await q('a = :a AND b = :b AND d = :d', { ...A, ...B0, ':d': { N: '4' } }));
  sameAsRecorded('q.c_begins', await q('a = :a AND b = :b AND begins_with(c, :c)', { ...A, ...B0, ':c': { S: 'c' } }));
  sameAsRecorded('q.c_gt', await q('a = :a AND b = :b AND c > :c', { ...A, ...B0, ':c': { S: 'c0' } }));
  sameAsRecorded('q.desc', await q('a = :a AND b = :b', { ...A, ...B0 }, { ScanIndexForward: false }));
  sameAsRecorded('q.filter_key', await q('a = :a AND b = :b', { ...A, ...B0, ':c': { S: 'c0' } }, { FilterExpression: 'c = :c' }));
  sameAsRecorded('q.filter_d', await q('a = :a AND b = :b', { ...A, ...B0, ':d': { N: '3' } }, { FilterExpression: 'd > :d' }));
  sameAsRecorded('q.type_mismatch', await q('a = :a AND b = :b', { ...A, ':b': { S: '0' } }));
  sameAsRecorded('q.extra_attr', await q('a = :a AND b = :b AND pk = :p', { ...A, ...B0, ':p': { S: 'p0' } }));
  const first = await q('a = :a AND b = :b', { ...A, ...B0 }, { Limit: 2 });
  sameAsRecorded('q.limit', first);
  sameAsRecorded('q.page2', await q('a = :a AND b = :b', { ...A, ...B0 }, { Limit: 2, ExclusiveStartKey: first.ok!.LastEvaluatedKey }));
  const legacy = (KeyConditions: Record<string, unknown>) => outcome(db, 'Query', { TableName: 'mat11', IndexName: 'gsi', KeyConditions });
  const eq = (v: AttributeValue) => ({ AttributeValueList: [v], ComparisonOperator: 'EQ' });
  sameAsRecorded('q.legacy', await legacy({ a: eq({ S: 'A' }), b: eq({ N: '0' }) }));
  sameAsRecorded('q.legacy_c', await legacy({ a: eq({ S: 'A' }), b: eq({ N: '0' }), c: { AttributeValueList: [{ S: 'c0' }], ComparisonOperator: 'GT' } }));
  sameAsRecorded('q.legacy_missing_b', await legacy({ a: eq({ S: 'A' }) }));
  sameAsRecorded('q.legacy_gap', await legacy({ a: eq({ S: 'A' }), b: eq({ N: '0' }), d: { AttributeValueList: [{ N: '1' }], ComparisonOperator: 'GT' } }));
  sameAsRecorded('q.scan_esk', await outcome(db, 'Scan', { TableName: 'mat11', IndexName: 'gsi', Limit: 3 }));
  // The same expression with other values reuses the validated form of the first request.
  const again = (await q('a = :a AND b = :b AND c = :c', { ...A, ':b': { N: '1' }, ':c': { S: 'c2' } })).ok!;
  assert.deepEqual(again.Items.map((i: Item) => (i.pk as { S: string }).S), ['p5']);
  await db.close();
});

test('a multi-attribute GSI added by UpdateTable is backfilled from the existing items and then queried', async () => {
  const db = await memoryDb({ indexTimings: { allocationMs: 1, backfillSliceItems: 3 } });
  await mainTable(db);
  for (let i = 0; i < 12; i++) await db.execute('UpdateItem', { TableName: 'mat11', Key: { pk: { S: `p${i}` } }, UpdateExpression: 'SET e = :e', ExpressionAttributeValues: { ':e': { S: `e${i % 2}` } } });
  await db.execute('UpdateTable', {
    TableName: 'mat11',
    AttributeDefinitions: DEFS,
    GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'gsi2', KeySchema: K(['c', 'HASH'], ['e', 'HASH'], ['b', 'RANGE']), Projection: { ProjectionType: 'KEYS_ONLY' } } }],
  });
  let index: any;
  for (let i = 0; i < 5000; i++) {
    index = ((await db.execute('DescribeTable', { TableName: 'mat11' })) as any).Table.GlobalSecondaryIndexes.find((g: any) => g.IndexName === 'gsi2');
    if (index.IndexStatus === 'ACTIVE') break;
    await new Promise((r) => setTimeout(r, 2));
  }
  assert.equal(index.IndexStatus, 'ACTIVE');
  assert.deepEqual(index.KeySchema, recorded['describe.after']!.ok!.Table.GlobalSecondaryIndexes.find((g: any) => g.IndexName === 'gsi2').KeySchema);
  assert.equal(index.ItemCount, 12);
  const out = (await db.execute('Query', {
    TableName: 'mat11', IndexName: 'gsi2', KeyConditionExpression: 'c = :c AND e = :e', ExpressionAttributeValues: { ':c': { S: 'c0' }, ':e': { S: 'e0' } },
  })) as any;
  // c0 and e0: i ≡ 0 (mod 3) and i even, i.e. p0 and p6 (both b = 0, so their order is the table key's);
  // KEYS_ONLY projects the keys alone.
  const byPk = (items: Item[]) => canonical([...items].sort((x, y) => ((x.pk as { S: string }).S < (y.pk as { S: string }).S ? -1 : 1)));
  assert.deepEqual(byPk(out.Items), byPk([{ pk: { S: 'p0' }, c: { S: 'c0' }, e: { S: 'e0' }, b: { N: '0' } }, { pk: { S: 'p6' }, c: { S: 'c0' }, e: { S: 'e0' }, b: { N: '0' } }]));
  await db.close();
});

test('Query and ConsumedCapacity on a multi-attribute GSI charge the index as a single-attribute one', async () => {
  const db = await memoryDb();
  await mainTable(db);
  const out = (await db.execute('Query', {
    TableName: 'mat11', IndexName: 'gsi', KeyConditionExpression: 'a = :a AND b = :b', ExpressionAttributeValues: { ':a': { S: 'A' }, ':b': { N: '0' } },
    Select: 'COUNT', ReturnConsumedCapacity: 'INDEXES',
  })) as any;
  const want = recorded['q.count']!.ok!;
  assert.equal(out.Count, want.Count);
  assert.deepEqual(out.ConsumedCapacity.GlobalSecondaryIndexes, want.ConsumedCapacity.GlobalSecondaryIndexes);
  await db.close();
});

test('the index survives a reopen: rebuilt from the table with the same entries and order', async () => {
  await withDataDir(async (dir) => {
    let db = await Database.open(dir, {});
    await mainTable(db);
    const query = { TableName: 'mat11', IndexName: 'gsi', KeyConditionExpression: 'a = :a AND b = :b', ExpressionAttributeValues: { ':a': { S: 'A' }, ':b': { N: '1' } } };
    const before = ((await db.execute('Query', query)) as any).Items;
    await db.close();
    db = await Database.open(dir, {});
    assert.deepEqual(((await db.execute('Query', query)) as any).Items, before);
    assert.equal(before.length, 5);
    await db.close();
  });
});

test('a table restored from a backup has the multi-attribute GSI, rebuilt with the same answers', async () => {
  await withDataDir(async (dir) => {
    const db = await Database.open(dir, {});
    await mainTable(db);
    const { BackupArn } = ((await db.execute('CreateBackup', { TableName: 'mat11', BackupName: 'multi' })) as { BackupDetails: { BackupArn: string } }).BackupDetails;
    for (let i = 0; i < 2000; i++) {
      try {
        await db.execute('RestoreTableFromBackup', { TargetTableName: 'restored', BackupArn });
        break;
      } catch (e) {
        if ((e as { type: string }).type !== 'BackupInUseException') throw e;
        await new Promise((r) => setTimeout(r, 2));
      }
    }
    let table: any;
    for (let i = 0; i < 5000; i++) {
      table = ((await db.execute('DescribeTable', { TableName: 'restored' })) as any).Table;
      if (table.TableStatus === 'ACTIVE') break;
      await new Promise((r) => setTimeout(r, 2));
    }
    assert.deepEqual(table.GlobalSecondaryIndexes[0].KeySchema, MAIN_KEY);
    const query = (TableName: string) => db.execute('Query', {
      TableName, IndexName: 'gsi', KeyConditionExpression: 'a = :a AND b = :b AND c = :c', ExpressionAttributeValues: { ':a': { S: 'A' }, ':b': { N: '0' }, ':c': { S: 'c2' } },
    }) as Promise<{ Items: Item[] }>;
    // b = 0 and c = c2: p2 and p8.
    const original = (await query('mat11')).Items;
    assert.equal(original.length, 2);
    assert.deepEqual((await query('restored')).Items, original);
    await db.close();
  });
});

// ---------------------------------------------------------------------------------------------
// Property: Query = filtered Scan, in index order.

const SORT_OPS = ['=', '<', '<=', '>', '>=', 'BETWEEN', 'BEGINS_WITH'] as const;

function compareValues(x: AttributeValue, y: AttributeValue): number {
  const a = x as { S?: string; N?: string };
  const b = y as { S?: string; N?: string };
  if (a.N !== undefined) return Number(a.N) - Number(b.N);
  const bx = Buffer.from(a.S!, 'utf8');
  const by = Buffer.from(b.S!, 'utf8');
  return Buffer.compare(bx, by);
}

function matches(v: AttributeValue | undefined, op: (typeof SORT_OPS)[number], args: AttributeValue[]): boolean {
  if (v === undefined) return false;
  const c = compareValues(v, args[0]!);
  switch (op) {
    case '=': return c === 0;
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    case '>=': return c >= 0;
    case 'BETWEEN': return c >= 0 && compareValues(v, args[1]!) <= 0;
    default: return (v as { S: string }).S.startsWith((args[0] as { S: string }).S);
  }
}

test('property: every valid key condition returns exactly the Scan filtered by it, sorted by the sort attributes as a tuple', async () => {
  // p1 (S), p2 (N) partition; s1 (S), s2 (N), s3 (S) sort. Small domains so that partitions and ties repeat.
  const str = fc.constantFrom('a', 'ab', 'b', 'ba', 'z', '\u00e9', 'a\u0000b');
  const num = fc.constantFrom('-1', '0', '0.5', '2', '10', '1e3');
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 6 });
  const itemArb = fc.record({ p1: maybe(fc.constantFrom('x', 'y')), p2: maybe(fc.constantFrom('1', '2')), s1: maybe(str), s2: maybe(num), s3: maybe(str) });
  const queryArb = fc.record({
    p1: fc.constantFrom('x', 'y'), p2: fc.constantFrom('1', '2'),
    depth: fc.integer({ min: 0, max: 3 }), op: fc.constantFrom(...SORT_OPS),
    eq1: str, eq2: num, lo: fc.oneof(str, num), hi: fc.oneof(str, num), forward: fc.boolean(), limit: fc.option(fc.integer({ min: 1, max: 7 }), { nil: undefined }),
  });
  await fc.assert(
    fc.asyncProperty(fc.array(itemArb, { maxLength: 40 }), fc.array(queryArb, { minLength: 1, maxLength: 6 }), async (rows, queries) => {
      const db = await memoryDb();
      await db.execute('CreateTable', {
        TableName: 'prop', KeySchema: K(['id', 'HASH']), BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: AD(['id', 'N'], ['p1', 'S'], ['p2', 'N'], ['s1', 'S'], ['s2', 'N'], ['s3', 'S']),
        GlobalSecondaryIndexes: [{ IndexName: 'multi', KeySchema: K(['p1', 'HASH'], ['p2', 'HASH'], ['s1', 'RANGE'], ['s2', 'RANGE'], ['s3', 'RANGE']), Projection: { ProjectionType: 'ALL' } }],
      });
      const types: Record<string, 'S' | 'N'> = { p1: 'S', p2: 'N', s1: 'S', s2: 'N', s3: 'S' };
      for (let i = 0; i < rows.length; i++) {
        const item: Item = { id: { N: String(i) } };
        for (const [k, v] of Object.entries(rows[i]!)) if (v !== undefined) item[k] = types[k] === 'S' ? { S: v } : { N: v };
        await db.execute('PutItem', { TableName: 'prop', Item: item });
      }
      const all = ((await db.execute('Scan', { TableName: 'prop' })) as { Items: Item[] }).Items;
      const sortNames = ['s1', 's2', 's3'] as const;
      for (const q of queries) {
        // depth: how many sort attributes are constrained (equalities before the last, `op` on the last).
        const last = sortNames[q.depth - 1];
        const op = last !== undefined && types[last] === 'N' && q.op === 'BEGINS_WITH' ? '>=' : q.op;
        const typed = (name: string, raw: string): AttributeValue => (types[name] === 'S' ? { S: /^[-0-9.e]+$/.test(raw) ? `s${raw}` : raw } : { N: /^[-0-9.e]+$/.test(raw) ? raw : '3' });
        const values: Record<string, AttributeValue> = { ':p1': { S: q.p1 }, ':p2': { N: q.p2 } };
        const terms = ['p1 = :p1', 'p2 = :p2'];
        const conds: Array<[string, (typeof SORT_OPS)[number], AttributeValue[]]> = [];
        for (let i = 0; i < q.depth; i++) {
          const name = sortNames[i]!;
          if (i < q.depth - 1) {
            values[`:e${i}`] = name === 's2' ? { N: q.eq2 } : { S: q.eq1 };
            terms.push(`${name} = :e${i}`);
            conds.push([name, '=', [values[`:e${i}`]!]]);
            continue;
          }
          let lo = typed(name, q.lo);
          let hi = typed(name, q.hi);
          if (op === 'BETWEEN' && compareValues(lo, hi) > 0) [lo, hi] = [hi, lo];
          values[':lo'] = lo;
          if (op === 'BETWEEN') values[':hi'] = hi;
          terms.push(op === 'BETWEEN' ? `${name} BETWEEN :lo AND :hi` : op === 'BEGINS_WITH' ? `begins_with(${name}, :lo)` : `${name} ${op} :lo`);
          conds.push([name, op, op === 'BETWEEN' ? [lo, hi] : [lo]]);
        }
        const expected = all
          .filter((it) => ['p1', 'p2', 's1', 's2', 's3'].every((k) => it[k] !== undefined))
          .filter((it) => (it.p1 as { S: string }).S === q.p1 && Number((it.p2 as { N: string }).N) === Number(q.p2))
          .filter((it) => conds.every(([name, o, args]) => matches(it[name], o, args)))
          .sort((x, y) => {
            for (const n of sortNames) {
              const c = compareValues(x[n]!, y[n]!);
              if (c !== 0) return c;
            }
            return 0;
          });
        const got: Item[] = [];
        let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
        do {
          const page = (await db.execute('Query', {
            TableName: 'prop', IndexName: 'multi', KeyConditionExpression: terms.join(' AND '), ExpressionAttributeValues: values,
            ScanIndexForward: q.forward, Limit: q.limit, ExclusiveStartKey,
          })) as { Items: Item[]; LastEvaluatedKey?: Record<string, AttributeValue> };
          got.push(...page.Items);
          ExclusiveStartKey = page.LastEvaluatedKey;
        } while (ExclusiveStartKey !== undefined);
        const keyOf = (it: Item) => sortNames.map((n) => JSON.stringify(it[n])).join('|');
        // Items with equal sort tuples may come in any order (DynamoDB orders them by table key, unspecified here): compare tuples in order and ids as sets.
        const want = q.forward ? expected : [...expected].reverse();
        assert.deepEqual(got.map(keyOf), want.map(keyOf), terms.join(' AND '));
        assert.deepEqual(got.map((i) => (i.id as { N: string }).N).sort(), expected.map((i) => (i.id as { N: string }).N).sort());
      }
      await db.close();
    }),
    { numRuns: 60 },
  );
});
