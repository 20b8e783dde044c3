import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OPERATIONS } from '../../../src/engine/operations/index.js';
import { acceptorOf, interpret, validateShape, type Spec } from '../../../src/engine/validation/shape.js';

// Values near a spec: mostly valid, often broken in one of the ways the interpreter checks
// (wrong JSON type, null, lengths and bounds just outside, pattern and enum misses).
function near(spec: Spec, depth = 0): fc.Arbitrary<unknown> {
  const wrong = fc.oneof(fc.constant(null), fc.constant(undefined), fc.string({ maxLength: 3 }), fc.integer(), fc.double(), fc.boolean(), fc.constant([]), fc.constant({}));
  const right = ((): fc.Arbitrary<unknown> => {
    switch (spec.type) {
      case 'string': {
        const lengths = [spec.min ?? 0, (spec.min ?? 1) - 1, spec.max ?? 4, (spec.max ?? 3) + 1].filter((n) => n >= 0);
        const sized = fc.constantFrom(...lengths).chain((n) => fc.string({ minLength: n, maxLength: n, unit: fc.constantFrom('a', 'Z', '9', '_', '-', '.', ' ', '#') }));
        return spec.enum ? fc.oneof(fc.constantFrom(...spec.enum), sized) : sized;
      }
      case 'integer':
        return fc.oneof(fc.integer({ min: (spec.min ?? -5) - 1, max: (spec.max ?? 5) + 1 }), fc.double({ min: -10, max: 10 }));
      case 'boolean':
        return fc.boolean();
      case 'list': {
        const member = spec.member && depth < 3 ? near(spec.member, depth + 1) : fc.anything({ maxDepth: 1 });
        return fc.array(member, { minLength: Math.max(0, (spec.min ?? 0) - 1), maxLength: Math.min(6, (spec.max ?? 3) + 1) });
      }
      case 'map': {
        const value = spec.value && depth < 3 ? near(spec.value, depth + 1) : fc.anything({ maxDepth: 1 });
        return fc.dictionary(fc.string({ maxLength: 4 }), value, { maxKeys: 4 });
      }
      case 'structure':
        return depth < 3 ? structure(spec.members, depth + 1) : fc.constant({});
      case 'any':
        return fc.anything({ maxDepth: 1 });
    }
  })();
  return fc.oneof({ weight: 6, arbitrary: right }, { weight: 1, arbitrary: wrong });
}

function structure(members: Record<string, Spec>, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, spec] of Object.entries(members)) fields[name] = near(spec, depth);
  return fc.record(fields, { requiredKeys: Object.keys(members).filter((n) => members[n].required) });
}

function interpreterAccepts(input: unknown, members: Record<string, Spec>): boolean {
  try {
    interpret(input as Record<string, unknown>, members);
    return true;
  } catch {
    return false;
  }
}

for (const op of OPERATIONS.values()) {
  test(`${op.name}: the compiled check accepts only requests the full validator accepts`, () => {
    const accept = acceptorOf(op.members);
    fc.assert(
      fc.property(structure(op.members), (input) => {
        if (accept(input)) assert.ok(interpreterAccepts(input, op.members), `accepted but invalid: ${JSON.stringify(input)}`);
      }),
      { numRuns: 400 },
    );
  });
}

// The fast answer has to engage on ordinary requests, or it is only overhead.
test('ordinary requests are accepted without the interpreter', () => {
  const ordinary: Record<string, unknown> = {
    PutItem: { TableName: 't_1', Item: { pk: { S: 'a' }, n: { N: '1' } }, ConditionExpression: 'attribute_not_exists(pk)', ReturnValues: 'ALL_OLD' },
    Query: { TableName: 't_1', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'a' } }, Limit: 10, ScanIndexForward: false },
    Scan: { TableName: 't_1', Segment: 0, TotalSegments: 2 },
    CreateTable: {
      TableName: 't_1',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    },
    BatchWriteItem: { RequestItems: { t_1: [{ PutRequest: { Item: { pk: { S: 'a' } } } }] } },
  };
  for (const [name, input] of Object.entries(ordinary)) assert.equal(acceptorOf(OPERATIONS.get(name)!.members)(input), true, name);
});

test('an ordinary GetItem is accepted without the interpreter, a bad one is not', () => {
  const members = OPERATIONS.get('GetItem')!.members;
  const accept = acceptorOf(members);
  assert.equal(accept({ TableName: 'bench', Key: { pk: { S: 'a' } }, ReturnConsumedCapacity: 'TOTAL' }), true);
  assert.equal(accept({ TableName: 'be', Key: { pk: { S: 'a' } } }), false);
  assert.equal(accept({ TableName: 'bench' }), false);
  assert.equal(accept({ TableName: 'bench', Key: { pk: { S: 'a' } }, ReturnConsumedCapacity: 'ALL' }), false);
  assert.throws(() => validateShape({ TableName: 'bench', Key: [] }, members), /START_ARRAY cannot be converted to Map/);
});

/** Paths of nulls an operation could meet: declared structure members, and elements of specced lists and maps. */
function nullsIn(value: unknown, spec: Spec, at: string, out: string[]): void {
  if (value === null) {
    out.push(at);
    return;
  }
  if (value === undefined || typeof value !== 'object') return;
  if (spec.type === 'structure') for (const [n, s] of Object.entries(spec.members)) nullsIn((value as Record<string, unknown>)[n], s, `${at}.${n}`, out);
  else if (spec.type === 'list' && spec.member && Array.isArray(value)) value.forEach((v, i) => nullsIn(v, spec.member!, `${at}[${i}]`, out));
  else if (spec.type === 'map' && spec.value) for (const [k, v] of Object.entries(value)) nullsIn(v, spec.value, `${at}.${k}`, out);
}

for (const op of OPERATIONS.values()) {
  test(`${op.name}: a request that passes validation holds no null an operation would read`, () => {
    fc.assert(
      fc.property(structure(op.members), (input) => {
        try {
          validateShape(input, op.members);
        } catch {
          return;
        }
        const found: string[] = [];
        nullsIn(input, { type: 'structure', members: op.members }, op.name, found);
        assert.deepEqual(found, [], JSON.stringify(input));
      }),
      { numRuns: 400, seed: 12 },
    );
  });
}
