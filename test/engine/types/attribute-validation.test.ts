import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ATTRIBUTE_MESSAGES,
  attributeValueSize,
  base64DecodedLength,
  itemSize,
  normalizeAttributeValue,
  normalizeItem,
  utf8Length,
  validateBase64,
} from '../../../src/engine/types/attribute-validation.js';
import type { AttributeValue, Item } from '../../../src/engine/types/attribute-value.js';
import { throws } from '../helpers';

const PREFIX = 'One or more parameter values were invalid: ';

const expectValidation = (value: unknown, message: string) => throws(() => normalizeAttributeValue(value), 'ValidationException', message);
const expectSerialization = (value: unknown, message: string) => throws(() => normalizeAttributeValue(value), 'SerializationException', message);

function nest(levels: number, inner: AttributeValue, kind: 'L' | 'M'): AttributeValue {
  let v = inner;
  for (let i = 0; i < levels; i++) v = kind === 'L' ? { L: [v] } : { M: { k: v } };
  return v;
}

test('valid values of every type pass through as the same objects', () => {
  const values: AttributeValue[] = [
    { S: 'hello' },
    { S: '' },
    { N: '-12.5' },
    { B: 'AAEC' },
    { B: '' },
    { BOOL: false },
    { NULL: true },
    { L: [] },
    { M: {} },
    { L: [{ S: 'a' }, { N: '1' }, { M: { x: { BOOL: true } } }] },
    { M: { a: { L: [{ NULL: true }] }, b: { SS: ['x', 'y'] } } },
    { SS: ['a', 'b', ''] },
    { NS: ['1', '-2', '0.5'] },
    { BS: ['AQ==', 'Ag==', ''] },
  ];
  for (const v of values) assert.equal(normalizeAttributeValue(v), v, JSON.stringify(v));
  const item = { pk: { S: 'x' }, n: { N: '5' }, doc: { M: { list: { L: [{ N: '1' }] } } } };
  assert.equal(normalizeItem(item), item);
});

test('numbers are normalised everywhere, copying only what changed and never mutating input', () => {
  const input = {
    pk: { S: 'x' },
    n: { N: '1.0' },
    ns: { NS: ['1', '2.50', '1e1'] },
    doc: { M: { same: { S: 's' }, deep: { L: [{ S: 'a' }, { N: '-0' }] } } },
  };
  const snapshot = JSON.stringify(input);
  const out = normalizeItem(input);
  assert.equal(JSON.stringify(input), snapshot);
  assert.deepEqual(out, {
    pk: { S: 'x' },
    n: { N: '1' },
    ns: { NS: ['1', '2.5', '10'] },
    doc: { M: { same: { S: 's' }, deep: { L: [{ S: 'a' }, { N: '0' }] } } },
  });
  assert.notEqual(out, input);
  assert.equal(out.pk, input.pk); // unchanged values are shared
  assert.equal((out.doc as { M: Record<string, AttributeValue> }).M.same, input.doc.M.same);
});

test('unknown members and JSON nulls are ignored; extra members are dropped from the result', () => {
  assert.deepEqual(normalizeAttributeValue({ S: 'a', X: 1 }), { S: 'a' });
  assert.deepEqual(normalizeAttributeValue({ S: null, N: '1.0' }), { N: '1' });
  expectValidation({ X: 'a' }, ATTRIBUTE_MESSAGES.empty);
});

test('empty and ambiguous attribute values', () => {
  const empty = 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes';
  const more = 'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes';
  expectValidation({}, empty);
  expectValidation({ S: null }, empty);
  expectValidation({ L: null }, empty);
  expectValidation({ L: [{}] }, empty);
  expectValidation({ M: { k: {} } }, empty);
  expectValidation({ S: 'a', N: '1' }, more);
  expectValidation({ BOOL: true, NULL: true }, more);
  // An invalid member is reported before the ambiguity.
  expectValidation({ S: 'a', N: 'x' }, 'The parameter cannot be converted to a numeric value: x');
});

test('NULL must be true', () => {
  expectValidation({ NULL: false }, PREFIX + 'Null attribute value types must have the value of true');
});

test('sets: empty, duplicates, null members and invalid members', () => {
  expectValidation({ SS: [] }, PREFIX + 'An string set  may not be empty');
  expectValidation({ NS: [] }, PREFIX + 'An number set  may not be empty');
  expectValidation({ BS: [] }, PREFIX + 'Binary sets should not be empty');
  expectValidation({ SS: ['a', 'a'] }, PREFIX + 'Input collection [a, a] contains duplicates.');
  expectValidation({ SS: ['b', 'a', 'b'] }, PREFIX + 'Input collection [b, a, b] contains duplicates.');
  const many = Array.from({ length: 20 }, (_, i) => `s${i}`);
  expectValidation({ SS: [...many, 's3'] }, PREFIX + `Input collection [${[...many, 's3'].join(', ')}] contains duplicates.`);
  expectValidation({ NS: ['1', '1'] }, 'Input collection contains duplicates');
  expectValidation({ NS: ['1', '1.0'] }, 'Input collection contains duplicates');
  expectValidation({ NS: ['10', '9', '1e1'] }, 'Input collection contains duplicates');
  expectValidation({ NS: ['-0', '0'] }, 'Input collection contains duplicates');
  expectValidation({ BS: ['Yg==', 'Yg=='] }, PREFIX + 'Input collection [Yg==, Yg==]of type BS contains duplicates.');
  expectValidation({ NS: ['1', 'b'] }, 'The parameter cannot be converted to a numeric value: b');
  expectValidation({ NS: ['1', ''] }, 'The parameter cannot be converted to a numeric value');
  expectValidation({ NS: ['1e200'] }, 'Number overflow. Attempting to store a number with magnitude larger than supported range');
  expectValidation({ NS: [null] }, 'The parameter cannot be converted to a numeric value');
  expectValidation({ SS: ['a', null] }, PREFIX + 'An string set may not have a null string as a member');
  expectValidation({ BS: [null] }, PREFIX + 'Binary sets may not contain null or empty values');
  expectValidation({ M: { k: { SS: [] } } }, PREFIX + 'An string set  may not be empty');
  expectValidation({ L: [{ NS: ['1', '1.0'] }] }, 'Input collection contains duplicates');
  // Sets keep their order; number members are normalised.
  assert.deepEqual(normalizeAttributeValue({ NS: ['3', '1.50', '2'] }), { NS: ['3', '1.5', '2'] });
});

test('numbers inside values use the number messages', () => {
  expectValidation({ N: '' }, 'The parameter cannot be converted to a numeric value');
  expectValidation({ N: ' 1' }, 'The parameter cannot be converted to a numeric value:  1');
  expectValidation({ N: '123456789012345678901234567890123456789' }, 'Attempting to store more than 38 significant digits in a Number');
  expectValidation({ N: '1e-131' }, 'Number underflow. Attempting to store a number with magnitude smaller than supported range');
});

test('nesting: lists and maps may nest 31 levels, not 32', () => {
  const nesting =
    'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit';
  for (const kind of ['L', 'M'] as const) {
    for (const inner of [{ S: 'x' }, { NULL: true }, { SS: ['a'] }] as AttributeValue[]) {
      assert.ok(normalizeAttributeValue(nest(31, inner, kind)));
      expectValidation(nest(32, inner, kind), nesting);
    }
    // An empty list or map counts as a level itself.
    assert.ok(normalizeAttributeValue(nest(30, { L: [] }, kind)));
    expectValidation(nest(31, { L: [] }, kind), nesting);
    expectValidation(nest(31, { M: {} }, kind), nesting);
    assert.ok(normalizeItem({ a: nest(31, { N: '1' }, kind) }));
    throws(() => normalizeItem({ a: nest(32, { N: '1' }, kind) }), 'ValidationException', nesting);
  }
  // The depth argument places the value inside a document.
  assert.ok(normalizeAttributeValue({ L: [] }, 31));
  throws(() => normalizeAttributeValue({ M: {} }, 32), 'ValidationException', nesting);
});

test('null values and empty attribute names', () => {
  throws(() => normalizeItem({ pk: { S: 'x' }, a: null }), 'ValidationException', 'The supplied Item contains a null AttributeValue: a is null');
  expectValidation({ M: { a: { S: 'x' }, b: null } }, 'The supplied Item contains a null AttributeValue: b is null');
  expectValidation({ L: [{ S: 'a' }, null] }, 'The supplied Item contains a null AttributeValue');
  throws(() => normalizeItem({ '': { S: 'a' } }), 'ValidationException', 'Empty attribute name');
  expectValidation({ M: { '': { S: 'a' } } }, 'Empty attribute name');
});

test('binary values must be canonical base64', () => {
  expectSerialization({ B: 'AAA' }, 'Base64 encoded length is expected a multiple of 4 bytes but found: 3');
  expectSerialization({ B: 'A' }, 'Base64 encoded length is expected a multiple of 4 bytes but found: 1');
  expectSerialization({ B: '!!!!' }, "Invalid Base64 character: '!'");
  expectSerialization({ B: 'AA-_' }, "Invalid Base64 character: '-'");
  expectSerialization({ B: 'AA==AAAA' }, "Invalid Base64 character: '='");
  expectSerialization({ B: 'AB==' }, 'Invalid last non-pad Base64 character dectected');
  expectSerialization({ B: 'AAB=' }, 'Invalid last non-pad Base64 character dectected');
  expectSerialization({ BS: ['AQ==', 'AQ'] }, 'Base64 encoded length is expected a multiple of 4 bytes but found: 2');
  for (const ok of ['', 'AA==', 'AAA=', 'AAAA', 'AQID', '+/+/', 'SGVsbG8=']) validateBase64(ok);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
      const text = Buffer.from(bytes).toString('base64');
      validateBase64(text);
      assert.equal(base64DecodedLength(text), bytes.length);
    }),
  );
});

test('wrong JSON types are SerializationExceptions', () => {
  expectSerialization({ S: 1 }, 'NUMBER_VALUE cannot be converted to String');
  expectSerialization({ N: 33 }, 'NUMBER_VALUE cannot be converted to String');
  expectSerialization({ S: true }, 'BOOLEAN_VALUE cannot be converted to String');
  expectSerialization({ S: { S: 'asdf' } }, 'Start of structure or map found where not expected');
  expectSerialization({ S: ['a'] }, 'Start of list found where not expected');
  expectSerialization({ BOOL: 'true' }, 'STRING_VALUE cannot be converted to Boolean');
  expectSerialization({ NULL: 1 }, 'NUMBER_VALUE cannot be converted to Boolean');
  expectSerialization({ L: {} }, 'Start of structure or map found where not expected');
  expectSerialization({ L: 'x' }, 'Expected list or null');
  expectSerialization({ SS: 'a' }, 'Expected list or null');
  expectSerialization({ SS: [1] }, 'NUMBER_VALUE cannot be converted to String');
  expectSerialization({ M: [] }, 'Start of list found where not expected');
  expectSerialization({ M: 'x' }, 'Expected map or null');
  expectSerialization('x', 'Expected null');
  expectSerialization([], 'Start of list found where not expected');
  throws(() => normalizeItem([]), 'SerializationException', 'Start of list found where not expected');
  throws(() => normalizeItem('x'), 'SerializationException', 'Expected map or null');
  throws(() => normalizeItem({ a: 'x' }), 'SerializationException', 'Expected null');
});

test('an attribute named __proto__ is kept as an own property when copying', () => {
  const item = JSON.parse('{"__proto__":{"N":"1.0"},"b":{"N":"2.0"}}');
  const out = normalizeItem(item);
  assert.deepEqual(Object.keys(out), ['__proto__', 'b']);
  assert.deepEqual(Object.getOwnPropertyDescriptor(out, '__proto__')?.value, { N: '1' });
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
});

// ---------------------------------------------------------------------------------------------
// Sizes

test('attribute sizes follow DynamoDB (measured at the 400 KB limit with DynamoDB Local)', () => {
  const cases: [AttributeValue, number][] = [
    [{ S: 'abc' }, 3],
    [{ S: '' }, 0],
    [{ S: 'é€😀' }, 9],
    [{ B: '' }, 0],
    [{ B: 'AAAA' }, 3],
    [{ BOOL: false }, 1],
    [{ NULL: true }, 1],
    [{ N: '0' }, 1],
    [{ N: '123.45' }, 4],
    [{ L: [] }, 3],
    [{ M: {} }, 3],
    [{ L: [{ S: 'a' }] }, 5],
    [{ L: [{ S: 'a' }, { N: '1' }] }, 8],
    [{ L: [{ L: [] }] }, 7],
    [{ M: { k: { S: 'a' } } }, 6],
    [{ M: { kk: { S: 'a' }, é: { NULL: true } } }, 11],
    [{ M: { a: { M: { b: { L: [{ NULL: true }] } } } } }, 15],
    [{ SS: ['a', 'bc'] }, 3],
    [{ NS: ['1', '12345'] }, 6],
    [{ BS: ['AAAA', 'AA=='] }, 4],
    [
      {
        M: {
          ключ: { S: 'значение' },
          b: { L: [{ N: '-1.5' }, { BOOL: true }, { NULL: true }, { B: 'AAEC' }] },
          c: { SS: ['x', 'yy', '😀'] },
        },
      },
      55,
    ],
    [{ L: [{ NS: ['1', '120', '-0.012'] }, { BS: ['AA==', 'AAA=', 'AAAA'] }, { M: {} }, { L: [] }] }, 28],
  ];
  for (const [value, size] of cases) assert.equal(attributeValueSize(value), size, JSON.stringify(value));
});

test('itemSize counts attribute names and values', () => {
  const item: Item = { pk: { S: 'x' }, a: { N: '1' }, 'naïve': { BOOL: true } };
  assert.equal(itemSize(item), 2 + 1 + 1 + 2 + 6 + 1);
  assert.equal(itemSize({}), 0);
});

test('utf8Length agrees with Buffer.byteLength (property)', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme', maxLength: 100 }), fc.string({ unit: 'binary', minLength: 60, maxLength: 200 })), (s) => {
      assert.equal(utf8Length(s), Buffer.byteLength(s, 'utf8'));
    }),
  );
  assert.equal(utf8Length('\ud800'), 3); // lone surrogate
  assert.equal(utf8Length('a\udc00b'), 5);
});
