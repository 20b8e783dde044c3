// Fuzzed requests for every operation the engine serves (issue 12.2): values are drawn from each
// operation's own member spec, broken at every depth (nulls, wrong JSON types, empty containers,
// huge and fractional numbers, long strings), and sent both to db.execute and through the HTTP
// endpoint. The property: nothing is ever an internal error. db.execute either resolves or
// rejects with a DynamoDBError that is not InternalServerError; the endpoint never answers 5xx.
// Seeded, so a failure reproduces; the counterexample is printed by fast-check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Database } from '../../src/engine/database';
import { DynamoDBError } from '../../src/engine/errors';
import { OPERATIONS } from '../../src/engine/operations/index';
import type { Spec } from '../../src/engine/validation/shape';
import { startServer } from '../../src/server/index';
import { post } from './raw-http';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);

// Names the fixtures create, so that most requests get past "table not found" into the operation.
const TABLES = ['fz_hash', 'fz_comp', 'fz_prov'];
const ATTRIBUTE_NAMES = ['pk', 'sk', 'g', 'n', 'x', '#n', ':v', ''];

const HUGE_NUMBERS = [1e308, -1e308, 2 ** 63, 2 ** 53 + 1, -(2 ** 31), 1e12, 0, -1, 0.5, 40001, 1e-300];
const NUMBER_STRINGS = ['1', '-0', '1e999', '1e-999', '9'.repeat(39), 'abc', '', ' 1', '0x10', '1.5e125', 'NaN', 'Infinity'];

/** Expression strings: valid ones for the fixture tables and broken ones, so parsers see both. */
const EXPRESSIONS = [
  'pk = :v',
  'pk = :v AND sk > :w',
  'pk = :v AND begins_with(sk, :w)',
  'attribute_exists(#n)',
  'attribute_not_exists(pk) OR size(x) > :v',
  'SET #n = :v, x = if_not_exists(x, :w) + :v',
  'REMOVE x, #n[3]',
  'ADD n :v DELETE x :w',
  'pk, sk, #n.x[0]',
  'x IN (:v, :w)',
  'contains(x, :v)',
  '(((',
  'SET',
  '#n = :undefined',
  '',
  'a'.repeat(5000),
];

function wrong(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constant(null),
    fc.constant([]),
    fc.constant({}),
    fc.constant([null]),
    fc.constant({ k: null }),
    fc.constantFrom(...HUGE_NUMBERS),
    fc.boolean(),
    fc.string({ maxLength: 4 }),
    fc.constant('x'.repeat(70000)),
  );
}

/** An AttributeValue, mostly well formed, sometimes broken at any depth. */
const attributeValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ S: fc.oneof(fc.string({ maxLength: 6 }), fc.constant('')) }),
    fc.record({ N: fc.constantFrom(...NUMBER_STRINGS) }),
    fc.record({ B: fc.constantFrom('AQID', '', '***', 'QQ==') }),
    fc.record({ BOOL: fc.oneof(fc.boolean(), fc.constant(null)) }),
    fc.record({ NULL: fc.oneof(fc.constant(true), fc.constant(false)) }),
    fc.record({ SS: fc.array(fc.oneof(fc.string({ maxLength: 3 }), fc.constant(null)), { maxLength: 3 }) }),
    fc.record({ NS: fc.array(fc.constantFrom(...NUMBER_STRINGS), { maxLength: 3 }) }),
    fc.record({ BS: fc.array(fc.constantFrom('AQID', '', 'QQ=='), { maxLength: 2 }) }),
    fc.record({ L: fc.array(tie('value'), { maxLength: 3 }) }),
    fc.record({ M: fc.dictionary(fc.constantFrom(...ATTRIBUTE_NAMES), tie('value'), { maxKeys: 3 }) }),
    fc.record({ S: fc.string({ maxLength: 2 }), N: fc.constant('1') }),
    wrong(),
  ),
})).value;

/** A map member with no declared value shape: an item, a key, names or values of an expression. */
const looseMap: fc.Arbitrary<unknown> = fc.oneof(
  fc.dictionary(fc.constantFrom(...ATTRIBUTE_NAMES), attributeValue, { maxKeys: 4 }),
  fc.dictionary(fc.constantFrom(...ATTRIBUTE_NAMES), fc.oneof(fc.constantFrom(...ATTRIBUTE_NAMES), wrong()), { maxKeys: 3 }),
  fc.dictionary(fc.constantFrom(...ATTRIBUTE_NAMES), fc.constant(null), { minKeys: 1, maxKeys: 2 }),
  fc.dictionary(fc.constantFrom(...ATTRIBUTE_NAMES), fc.record({ ComparisonOperator: fc.constantFrom('EQ', 'BETWEEN', 'IN', 'NULL', 'XX'), AttributeValueList: fc.oneof(fc.array(attributeValue, { maxLength: 3 }), wrong()), Value: attributeValue, Exists: fc.oneof(fc.boolean(), wrong()), Action: fc.constantFrom('PUT', 'ADD', 'DELETE') }, { requiredKeys: [] }), { maxKeys: 2 }),
);

function stringFor(name: string, spec: Extract<Spec, { type: 'string' }>): fc.Arbitrary<unknown> {
  if (name === 'TableName') return fc.oneof(fc.constantFrom(...TABLES), fc.string({ maxLength: 5 }));
  if (name === 'IndexName') return fc.oneof(fc.constantFrom('byG', 'local', 'nope'), fc.string({ maxLength: 5 }));
  if (name.endsWith('Expression')) return fc.constantFrom(...EXPRESSIONS);
  if (name === 'AttributeName') return fc.constantFrom(...ATTRIBUTE_NAMES);
  if (spec.enum) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...spec.enum) }, { weight: 1, arbitrary: fc.string({ maxLength: 5 }) });
  return fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...TABLES, ...ATTRIBUTE_NAMES));
}

/** A value for `spec` (under member `name`): right-shaped `rightWeight` times in `rightWeight + 2`, else null or another broken value. */
function valueFor(name: string, spec: Spec, depth: number, rightWeight: number): fc.Arbitrary<unknown> {
  const right = ((): fc.Arbitrary<unknown> => {
    switch (spec.type) {
      case 'string':
        return stringFor(name, spec);
      case 'integer':
        return fc.oneof(fc.integer({ min: (spec.min ?? 0) - 1, max: Math.min(spec.max ?? 50, 50) + 1 }), fc.constantFrom(...HUGE_NUMBERS));
      case 'boolean':
        return fc.boolean();
      case 'list': {
        const member = spec.member !== undefined && depth < 6 ? valueFor(name, spec.member, depth + 1, rightWeight) : fc.oneof(fc.constantFrom(...ATTRIBUTE_NAMES), attributeValue);
        return fc.array(member, { maxLength: Math.min(4, (spec.max ?? 3) + 1) });
      }
      case 'map':
        if (spec.value === undefined) return looseMap;
        return fc.dictionary(fc.oneof(fc.constantFrom(...TABLES), fc.string({ maxLength: 4 })), depth < 6 ? valueFor(name, spec.value, depth + 1, rightWeight) : wrong(), { maxKeys: 2 });
      case 'structure':
        return depth < 6 ? structureFor(spec.members, depth + 1, rightWeight) : fc.constant({});
      case 'any':
        return fc.anything({ maxDepth: 2 });
    }
  })();
  return fc.oneof({ weight: rightWeight, arbitrary: right }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: wrong() });
}

function structureFor(members: Record<string, Spec>, depth: number, rightWeight: number): fc.Arbitrary<Record<string, unknown>> {
  // Required members are there five times in six, so that requests reach the operation's own
  // checks; optional ones one time in three, so that few requests stop at a conflict between
  // members (expression and legacy forms together) before the operation reads the rest.
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, spec] of Object.entries(members)) {
    const absent = spec.required ? 1 : 10;
    fields[name] = fc.oneof({ weight: absent, arbitrary: fc.constant(undefined) }, { weight: 5, arbitrary: valueFor(name, spec, depth, rightWeight) });
  }
  return fc.record(fields).map((r) => {
    for (const name of Object.keys(r)) if (r[name] === undefined) delete r[name];
    return r;
  });
}

function requestsOf(rightWeight: number): fc.Arbitrary<{ op: string; input: unknown }> {
  return fc.constantFrom(...OPERATIONS.keys()).chain((op) => structureFor(OPERATIONS.get(op)!.members, 0, rightWeight).map((input) => ({ op, input: input as unknown })));
}

const request = fc.oneof(
  // Half the requests are broken in few places, so that many get deep into the operations.
  { weight: 15, arbitrary: requestsOf(6) },
  { weight: 15, arbitrary: requestsOf(40) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom(...OPERATIONS.keys()), input: wrong() }) },
);

async function fixtures(db: Database): Promise<void> {
  await db.execute('CreateTable', {
    TableName: 'fz_hash',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  await db.execute('CreateTable', {
    TableName: 'fz_comp',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }, { AttributeName: 'g', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
    GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
    LocalSecondaryIndexes: [{ IndexName: 'local', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'g', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
  });
  await db.execute('CreateTable', {
    TableName: 'fz_prov',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
  });
  for (let i = 0; i < 5; i++) {
    await db.execute('PutItem', { TableName: 'fz_comp', Item: { pk: { S: `p${i}` }, sk: { N: String(i) }, g: { S: 'g' }, x: { L: [{ N: '1' }] } } });
    await db.execute('PutItem', { TableName: 'fz_hash', Item: { pk: { S: `p${i}` }, x: { SS: ['a', 'b'] }, n: { N: '3' } } });
  }
}

test(`${RUNS} fuzzed requests over every operation's shape never get an internal error, from db.execute or the endpoint`, async () => {
  const db = await Database.open('', { inMemory: true });
  const internal: string[] = [];
  const server = await startServer({ db, port: 0, onInternalError: (err, op) => internal.push(`${op}: ${(err as Error)?.stack ?? String(err)}`) });
  try {
    await fixtures(db);
    const statuses = new Map<number, number>();
    let slowest = 0;
    await fc.assert(
      fc.asyncProperty(request, async ({ op, input }) => {
        // The endpoint first: db.execute removes null members from the object it validates.
        const body = JSON.stringify(input) ?? 'null';
        const started = performance.now();
        const res = await post(server.url, `DynamoDB_20120810.${op}`, body);
        slowest = Math.max(slowest, performance.now() - started);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        assert.ok(res.status < 500, `${op} ${body.slice(0, 300)} → ${res.status} ${res.text.slice(0, 300)} ${internal.at(-1) ?? ''}`);
        try {
          await db.execute(op, input);
        } catch (e) {
          assert.ok(e instanceof DynamoDBError, `${op} ${body.slice(0, 300)} threw ${(e as Error)?.stack ?? String(e)}`);
          assert.notEqual(e.type, 'InternalServerError', `${op} ${body.slice(0, 300)}: ${e.message}`);
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    assert.deepEqual(internal, []);
    if (process.env.FUZZ_REPORT) console.log(`statuses: ${JSON.stringify([...statuses].sort())}, slowest response ${slowest.toFixed(1)} ms`);
    // A fuzzer that only ever reaches the validators proves little: some requests must succeed
    // and some must be refused by the operations themselves.
    assert.ok((statuses.get(200) ?? 0) > RUNS / 20, `too few successes: ${JSON.stringify([...statuses])}`);
    assert.ok((statuses.get(400) ?? 0) > RUNS / 20, `too few refusals: ${JSON.stringify([...statuses])}`);
  } finally {
    await server.close();
    await db.close();
  }
});
