// Property tests: whatever the input, compiling expressions either succeeds or throws DynamoDB's
// ValidationException (never another error, never a hang), and what compiles evaluates without
// throwing anything but a ValidationException.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileExpressions, type ExpressionInput } from '../../../src/engine/expressions/index.js';
import { tokenize } from '../../../src/engine/expressions/tokens.js';
import { DynamoDBError } from '../../../src/engine/errors.js';
import type { AttributeValue, Item } from '../../../src/engine/types/attribute-value.js';

const KINDS = ['ConditionExpression', 'FilterExpression', 'KeyConditionExpression', 'ProjectionExpression', 'UpdateExpression'] as const;

/** Tokens of the expression language (and near misses), so random strings are mostly "almost valid". */
const WORDS = [
  'a', 'b', 'c', 'x', 'status', 'size', '#a', '#b', '#u', ':v', ':n', ':l', ':s', ':u', '(', ')', '[', ']', '0', '1', '99999999999',
  ',', '.', '=', '<>', '<', '<=', '>', '>=', '+', '-', 'AND', 'OR', 'NOT', 'BETWEEN', 'IN', 'SET', 'REMOVE', 'ADD',
  'DELETE', 'and', 'attribute_exists', 'attribute_not_exists', 'attribute_type', 'begins_with', 'contains',
  'if_not_exists', 'list_append', 'foo', ' ', '  ', '$', '#', ':', '_', '😀', '\ud83d', '\n', '((', '))',
];

const expressionText = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.constantFrom(...WORDS), { maxLength: 25 }).map((ws) => ws.join(' ')),
  fc.array(fc.constantFrom(...WORDS), { maxLength: 25 }).map((ws) => ws.join('')),
);

const attributeValue: fc.Arbitrary<AttributeValue> = fc.letrec<{ v: AttributeValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 5 }).map((S) => ({ S })),
    fc.oneof(fc.integer().map(String), fc.constantFrom('1.5', '-0', '1E+2', 'abc', '', '1e999')).map((N) => ({ N })),
    fc.constantFrom('AQ==', 'AQID', '', '!!').map((B) => ({ B })),
    fc.boolean().map((BOOL) => ({ BOOL })),
    fc.constant({ NULL: true as const }),
    fc.array(tie('v'), { maxLength: 3 }).map((L) => ({ L })),
    fc.dictionary(fc.string({ maxLength: 3 }), tie('v'), { maxKeys: 3 }).map((M) => ({ M })),
    fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }).map((SS) => ({ SS })),
    fc.array(fc.integer().map(String), { maxLength: 3 }).map((NS) => ({ NS })),
    fc.constant({} as AttributeValue),
  ),
})).v;

/** Well-formed values, so that requests get past the ExpressionAttributeValues checks. */
const validValue: fc.Arbitrary<AttributeValue> = fc.oneof(
  fc.string({ maxLength: 5 }).map((S) => ({ S })),
  fc.integer({ min: -1000, max: 1000 }).map((n) => ({ N: String(n) })),
  fc.constantFrom<AttributeValue>(
    { B: 'AQID' }, { BOOL: true }, { NULL: true }, { L: [{ S: 'x' }, { N: '1' }] }, { M: { a: { N: '1' } } },
    { SS: ['x', 'y'] }, { NS: ['1', '2'] }, { BS: ['AQ=='] }, { S: 'N' }, { S: 'SS' }, { L: [] },
  ),
);

const placeholder = (prefix: string): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.constantFrom('a', 'b', 'u', 'v', 'n', 'l', 's').map((k) => prefix + k), weight: 12 },
    { arbitrary: fc.string({ maxLength: 6 }), weight: 1 },
  );

const input: fc.Arbitrary<ExpressionInput> = fc.record(
  {
    kind: fc.constantFrom(...KINDS),
    text: expressionText,
    names: fc.option(fc.dictionary(placeholder('#'), fc.oneof(fc.constantFrom('a', 'b', 'status', ''), fc.string({ maxLength: 4 })), { maxKeys: 4 }), { nil: undefined }),
    values: fc.option(fc.dictionary(placeholder(':'), fc.oneof({ arbitrary: validValue, weight: 8 }, { arbitrary: attributeValue, weight: 1 }), { maxKeys: 4 }), { nil: undefined }),
  },
  { requiredKeys: ['kind', 'text'] },
).map(({ kind, text, names, values }) => ({ [kind]: text, ExpressionAttributeNames: names, ExpressionAttributeValues: values }));

const item: fc.Arbitrary<Item> = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'x', 'status', 'n'), attributeValue, { maxKeys: 4 });

function onlyDynamoDBErrors(f: () => void): DynamoDBError | undefined {
  try {
    f();
  } catch (e) {
    if (!(e instanceof DynamoDBError)) throw e;
    // A malformed binary value is a SerializationException, as on DynamoDB; everything else is validation.
    if (e.type !== 'ValidationException' && e.type !== 'SerializationException') throw e;
    return e;
  }
  return undefined;
}

test('tokenize never throws and always ends with EOF', () => {
  fc.assert(
    fc.property(expressionText, (text) => {
      const tokens = tokenize(text);
      assert.equal(tokens[tokens.length - 1]!.type, 'EOF');
      for (const t of tokens.slice(0, -1)) assert.equal(text.slice(t.start, t.end), t.text);
    }),
    { numRuns: 2000 },
  );
});

test('compileExpressions only ever throws a ValidationException, and evaluators too', () => {
  let pastMaps = 0;
  fc.assert(
    fc.property(input, item, (request, it) => {
      const error = onlyDynamoDBErrors(() => {
        const c = compileExpressions(request, { keySchema: { partition: { name: 'a', type: 'S' }, sort: { name: 'b' } } });
        c.condition?.evaluate(it);
        c.condition?.evaluate(undefined);
        c.filter?.evaluate(it);
        c.projection?.project(it);
        const before = JSON.stringify(it);
        onlyDynamoDBErrors(() => c.update?.apply(it));
        assert.equal(JSON.stringify(it), before, 'apply must not mutate its input');
      });
      if (!error?.message.startsWith('ExpressionAttribute')) pastMaps++;
    }),
    { numRuns: 5000 },
  );
  // Most inputs must get past the names/values checks to exercise the expression stages.
  assert.ok(pastMaps > 1500, `only ${pastMaps} inputs got past ExpressionAttributeNames/Values`);
});

/** Expressions built from the grammar, so that most of them compile and get evaluated. */
const operandText = fc.oneof(
  fc.constantFrom('a', 'b', 'c', 'x.y', 'c[0]', 'c[1].d', '#a', ':v', ':n', ':l', ':s'),
  fc.constantFrom('size(a)', 'size(c)', 'size(:s)'),
);
const conditionText: fc.Arbitrary<string> = fc.letrec<{ c: string }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small' },
    fc.tuple(operandText, fc.constantFrom('=', '<>', '<', '<=', '>', '>='), operandText).map(([l, o, r]) => `${l} ${o} ${r}`),
    fc.tuple(operandText, operandText, operandText).map(([a, b, c]) => `${a} BETWEEN ${b} AND ${c}`),
    fc.tuple(operandText, fc.array(operandText, { minLength: 1, maxLength: 3 })).map(([a, l]) => `${a} IN (${l.join(', ')})`),
    fc.tuple(fc.constantFrom('attribute_exists', 'attribute_not_exists'), fc.constantFrom('a', 'c[0]', 'x.y')).map(([f, p]) => `${f}(${p})`),
    fc.tuple(fc.constantFrom('begins_with', 'contains'), operandText, operandText).map(([f, a, b]) => `${f}(${a}, ${b})`),
    fc.constantFrom('attribute_type(a, :t)', 'attribute_type(c, :t)'),
    fc.tuple(tie('c'), fc.constantFrom('AND', 'OR'), tie('c')).map(([l, o, r]) => `${l} ${o} ${r}`),
    tie('c').map((c) => `NOT ${c}`),
    tie('c').map((c) => `(${c})`),
  ),
})).c;
const updateText = fc
  .array(
    fc.oneof(
      fc.tuple(fc.constantFrom('a', 'b', 'c[0]', 'c[5]', 'x.y', 'x.z'), operandText.filter((o) => !o.startsWith('size'))).map(([p, v]) => `SET ${p} = ${v}`),
      fc.tuple(fc.constantFrom('n', 'c[1]'), fc.constantFrom(':n', 'a', 'c[0]')).map(([p, v]) => `SET ${p} = ${v} + :n`),
      fc.constantFrom('SET l = list_append(c, :l)', 'SET q = if_not_exists(a, :v)'),
      fc.constantFrom('REMOVE a', 'REMOVE c[0]', 'REMOVE x.y', 'ADD n :n', 'ADD s :ss', 'DELETE s :ss', 'ADD c[2] :n'),
    ),
    { minLength: 1, maxLength: 1 },
  )
  .map((a) => a[0]!);
const VALUES: Record<string, AttributeValue> = {
  ':v': { S: 'ab' }, ':n': { N: '5' }, ':l': { L: [{ N: '1' }] }, ':s': { S: 'a' }, ':t': { S: 'N' }, ':ss': { SS: ['x'] },
};
const docItem: fc.Arbitrary<Item> = fc.record(
  {
    a: fc.constantFrom<AttributeValue>({ S: 'abc' }, { N: '5' }, { B: 'AQID' }),
    b: validValue,
    c: fc.constantFrom<AttributeValue>({ L: [{ N: '1' }, { M: { d: { S: 'ab' } } }] }, { SS: ['x'] }, { L: [] }),
    x: fc.constantFrom<AttributeValue>({ M: { y: { N: '5' } } }, { L: [] }),
    n: fc.constantFrom<AttributeValue>({ N: '1' }, { S: '1' }),
    s: fc.constantFrom<AttributeValue>({ SS: ['x', 'y'] }, { NS: ['1'] }),
  },
  { requiredKeys: [] },
);

test('grammar-built expressions: evaluation is total and updates never mutate their input', () => {
  fc.assert(
    fc.property(conditionText, updateText, docItem, (cond, update, it) => {
      const used = (text: string): Record<string, AttributeValue> | undefined => {
        const entries = Object.entries(VALUES).filter(([k]) => new RegExp(`${k}(?![A-Za-z0-9_])`).test(text));
        return entries.length ? Object.fromEntries(entries) : undefined;
      };
      const names = (text: string): Record<string, string> | undefined => (text.includes('#a') ? { '#a': 'a' } : undefined);
      onlyDynamoDBErrors(() => {
        const c = compileExpressions({ ConditionExpression: cond, ExpressionAttributeValues: used(cond), ExpressionAttributeNames: names(cond) });
        assert.equal(typeof c.condition!.evaluate(it), 'boolean');
        assert.equal(c.condition!.evaluate(it), c.condition!.evaluate(JSON.parse(JSON.stringify(it))));
      });
      onlyDynamoDBErrors(() => {
        const u = compileExpressions({ UpdateExpression: update, ExpressionAttributeValues: used(update) });
        const before = JSON.stringify(it);
        onlyDynamoDBErrors(() => u.update!.apply(it));
        assert.equal(JSON.stringify(it), before);
      });
    }),
    { numRuns: 3000 },
  );
});

test('pathological inputs finish quickly', () => {
  const cases = [
    '('.repeat(4096),
    ')'.repeat(4096),
    `${'('.repeat(2000)}a = b${')'.repeat(2000)}`,
    `${'NOT '.repeat(1000)}a = b`,
    `${'size('.repeat(800)}a${')'.repeat(800)} = b`,
    `a${'[0]'.repeat(1000)} = b`,
    `a${'.b'.repeat(2000)} = b`,
    Array.from({ length: 600 }, (_, i) => `a${i}=b`).join(' OR ').slice(0, 4096),
    `${'(a = b AND '.repeat(370)}a = b${')'.repeat(370)}`,
    `SET ${Array.from({ length: 500 }, (_, i) => `a${i}=b`).join(',')}`.slice(0, 4096),
  ];
  for (const text of cases) {
    for (const kind of KINDS) {
      const start = process.hrtime.bigint();
      onlyDynamoDBErrors(() => compileExpressions({ [kind]: text }));
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      assert.ok(ms < 1000, `${kind} took ${ms} ms on ${text.slice(0, 40)}...`);
    }
  }
});
