import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ItemCodec, encodedItemSize, settleDictionaries } from '../../../src/engine/codec/item-codec';
import type { AttributeValue, Item } from '../../../src/engine/types/attribute-value';

// fast-check builds null-prototype dictionaries; compare as plain JSON data.
const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x));
const text = fc.string({ maxLength: 20 });
const value: fc.Arbitrary<AttributeValue> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text.map((S) => ({ S })),
    fc.integer().map((n) => ({ N: String(n) })),
    fc.base64String({ maxLength: 12 }).map((B) => ({ B })),
    fc.boolean().map((BOOL) => ({ BOOL })),
    fc.constant({ NULL: true as const }),
    fc.uniqueArray(text, { minLength: 1, maxLength: 4 }).map((SS) => ({ SS })),
    fc.array(tie('value'), { maxLength: 3 }).map((L) => ({ L: L as AttributeValue[] })),
    fc.dictionary(text, tie('value'), { maxKeys: 3 }).map((M) => ({ M: M as Record<string, AttributeValue> })),
  ),
})).value;
const item = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), value, { maxKeys: 8 });

test('decode(encode(item)) returns the item, for arbitrary items and names', () => {
  const codec = new ItemCodec();
  fc.assert(
    fc.property(item, fc.nat(500_000), (it, size) => {
      const added = { names: [], shapes: [] };
      const s = codec.encode(it as Item, size, added);
      assert.deepEqual(codec.decode(s), plain(it));
      assert.equal(encodedItemSize(s), size);
      for (const name of Object.keys(it)) assert.deepEqual(codec.attribute(s, name), plain(it[name]));
    }),
    { numRuns: 300 },
  );
});

test('a codec restored from the dictionary additions decodes the same strings', () => {
  const a = new ItemCodec();
  const log: Array<{ names: string[]; shapes: number[][] }> = [];
  const encoded: Array<[string, Item]> = [];
  fc.assert(
    fc.property(item, (it) => {
      const added = { names: [] as string[], shapes: [] as number[][] };
      encoded.push([a.encode(it as Item, 1, added), it as Item]);
      // Committed, as the database does: only then are the additions part of the dictionary.
      a.publish(added);
      settleDictionaries();
      log.push(added);
    }),
    { numRuns: 200 },
  );
  const b = new ItemCodec();
  for (const added of log) b.restore(added);
  for (const [s, it] of encoded) assert.deepEqual(b.decode(s), plain(it));
  const c = new ItemCodec();
  c.restore(a.dictionary());
  for (const [s, it] of encoded) assert.deepEqual(c.decode(s), plain(it));
});

test('an attribute named __proto__ stays an own attribute', () => {
  const codec = new ItemCodec();
  const it = JSON.parse('{"__proto__":{"S":"x"},"a":{"M":{"__proto__":{"N":"1"}}}}') as Item;
  const decoded = codec.decode(codec.encode(it, 10, { names: [], shapes: [] }));
  assert.deepEqual(Object.keys(decoded).sort(), ['__proto__', 'a']);
  assert.deepEqual(JSON.parse(JSON.stringify(decoded)), JSON.parse(JSON.stringify(it)));
  assert.equal(Object.getPrototypeOf(decoded), Object.prototype);
});

test('toJson writes exactly what JSON.stringify writes for the decoded item', () => {
  const codec = new ItemCodec();
  const tricky = fc.string({ unit: fc.oneof(fc.constantFrom('"', '\\', '\n', '\u0000', '\u2028', '\ud800', '\udc00', 'é', '😀'), fc.string({ minLength: 1, maxLength: 1 })), maxLength: 12 });
  const values = fc.oneof(value, tricky.map((S) => ({ S })), fc.uniqueArray(tricky, { minLength: 1, maxLength: 3 }).map((SS) => ({ SS })));
  fc.assert(
    fc.property(fc.dictionary(fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), tricky.filter((s) => s.length > 0)), values, { maxKeys: 6 }), (it) => {
      const s = codec.encode(it as Item, 1, { names: [], shapes: [] });
      assert.equal(codec.toJson(s), JSON.stringify(codec.decode(s)));
    }),
    { numRuns: 400 },
  );
});


test('items written before J tags (every string S) read and write JSON as before', () => {
  const codec = new ItemCodec();
  const it: Item = { a: { S: 'plain' }, b: { N: '1' }, c: { S: 'quote " here' }, d: { L: [{ S: 'x' }] } };
  const current = codec.encode(it, 10, { names: [], shapes: [] });
  // The encoding's J tags are the only ones there (no other char is 'J' in this item).
  const legacy = current.replaceAll('J', 'S');
  assert.notEqual(legacy, current);
  assert.deepEqual(codec.decode(legacy), it);
  assert.equal(codec.toJson(legacy), JSON.stringify(it));
  assert.equal(codec.toJson(current), JSON.stringify(it));
  assert.deepEqual(codec.attribute(legacy, 'd'), it.d);
});
