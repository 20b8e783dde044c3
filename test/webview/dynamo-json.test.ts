import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  LosslessNumber, displayValue, fromPlain, itemFromPlain, itemToPlain, parseLossless, stringifyLossless, validateItem,
} from '../../src/protocol/dynamo-json';

describe('lossless JSON', () => {
  it('keeps every digit of numbers that a double cannot hold', () => {
    const v = parseLossless('{"n": 12345678901234567890.123456789, "e": -1.5e-130, "s": "x"}') as Record<string, unknown>;
    assert.ok(v.n instanceof LosslessNumber);
    assert.equal((v.n as LosslessNumber).text, '12345678901234567890.123456789');
    assert.equal(stringifyLossless(v as never, 0), '{"n":12345678901234567890.123456789,"e":-1.5e-130,"s":"x"}');
  });

  it('reports syntax errors with line and column', () => {
    assert.throws(() => parseLossless('{\n  "a": 1,\n  "b": }'), /line 3, column 8/);
    assert.throws(() => parseLossless('{"a": 1} x'), /after the value/);
    assert.throws(() => parseLossless('{"a": 1, "a": 2}'), /Duplicate property "a"/);
  });

  it('parses escapes as JSON.parse does', () => {
    const text = '"a\\u00e9\\n\\t\\"\\\\/"';
    assert.equal(parseLossless(text), JSON.parse(text));
  });
});

describe('plain JSON <-> DynamoDB JSON', () => {
  it('maps every JSON type', () => {
    const item = itemFromPlain(parseLossless('{"s":"x","n":1.50,"b":true,"z":null,"l":[1,"a"],"m":{"k":[]}}'));
    assert.deepEqual(item, {
      s: { S: 'x' }, n: { N: '1.50' }, b: { BOOL: true }, z: { NULL: true },
      l: { L: [{ N: '1' }, { S: 'a' }] }, m: { M: { k: { L: [] } } },
    });
  });

  it('round-trips through plain JSON, keeping sets and binaries when the original had them', () => {
    const original = { id: { S: 'a' }, tags: { SS: ['x', 'y'] }, nums: { NS: ['1', '2.5'] }, raw: { B: 'aGk=' }, nested: { M: { bs: { BS: ['AQ=='] } } } };
    const text = stringifyLossless(itemToPlain(original as never));
    const back = itemFromPlain(parseLossless(text), original as never);
    assert.deepEqual(back, original);
  });

  it('turns an emptied set into a list (a set cannot be empty)', () => {
    assert.deepEqual(fromPlain([], { SS: ['a'] }), { L: [] });
  });

  it('validates DynamoDB JSON with paths', () => {
    const { problems } = validateItem({ a: { N: 'abc' }, b: { S: 1 }, c: { SS: ['x', 'x'] }, d: { M: { e: { X: 1 } } }, f: {} });
    assert.deepEqual(problems, [
      'a.N: must be a number written as a string, e.g. {"N": "42"}',
      'b.S: must be a string',
      'c.SS: sets cannot contain duplicates',
      'd.M.e: unknown type "X"',
      'f: an attribute value has exactly one type key (S, N, B, BOOL, NULL, L, M, SS, NS, BS), found none',
    ]);
    assert.deepEqual(validateItem({ ok: { L: [{ NULL: true }, { BOOL: false }] } }).problems, []);
  });

  it('shows cells compactly', () => {
    assert.equal(displayValue({ S: 'x' }), 'x');
    assert.equal(displayValue({ N: '10.0' }), '10.0');
    assert.equal(displayValue({ M: { a: { N: '1' } } }), '{"a":1}');
    assert.equal(displayValue({ B: 'aGVsbG8=' }), '<binary 5 B>');
    assert.equal(displayValue(undefined), '');
  });
});
