import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SortedIndex, positionsIn } from '../../../src/engine/storage/sorted-index';

const key = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 6 });

test('matches a sorted reference under random inserts, replaces and deletes', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.boolean(), key), { maxLength: 3000 }), (ops) => {
      const index = new SortedIndex<number>();
      const ref = new Map<string, number>();
      ops.forEach(([insert, k], i) => {
        if (insert) {
          assert.equal(index.set(k, i), ref.get(k));
          ref.set(k, i);
        } else {
          assert.equal(index.delete(k), ref.get(k));
          ref.delete(k);
        }
      });
      const sorted = [...ref.keys()].sort();
      assert.equal(index.size, ref.size);
      assert.deepEqual([...index.range()].map(([k]) => k), sorted);
      assert.deepEqual([...index.range(undefined, undefined, true)].map(([k]) => k), [...sorted].reverse());
      for (const k of sorted) assert.equal(index.get(k), ref.get(k));
    }),
    { numRuns: 60 },
  );
});

test('range bounds are lower-inclusive and upper-exclusive in both directions', () => {
  fc.assert(
    fc.property(fc.uniqueArray(key, { maxLength: 2000 }), key, key, (keys, a, b) => {
      const [lo, hi] = a < b ? [a, b] : [b, a];
      const index = new SortedIndex<string>();
      for (const k of keys) index.set(k, k);
      const expected = keys.filter((k) => k >= lo && k < hi).sort();
      assert.deepEqual([...index.range(lo, hi)].map(([k]) => k), expected);
      assert.deepEqual([...index.range(lo, hi, true)].map(([k]) => k), expected.reverse());
    }),
    { numRuns: 100 },
  );
});

test('iteration continues correctly when the index changes between steps', () => {
  const index = new SortedIndex<number>();
  for (let i = 0; i < 5000; i++) index.set(String(i).padStart(5, '0'), i);
  const seen: string[] = [];
  for (const [k] of index.range()) {
    seen.push(k);
    // delete the next key and insert one far ahead: both must be reflected
    const n = Number(k);
    index.delete(String(n + 1).padStart(5, '0'));
    if (n < 100) index.set(String(n + 10000).padStart(5, '0'), 0);
  }
  assert.ok(seen.every((k, i) => i === 0 || seen[i - 1] < k), 'strictly ascending');
  assert.ok(seen.includes('10000'));
  assert.equal(seen.filter((k) => Number(k) < 5000).length, 2500);
});

test('fromSorted builds the same index as inserts', () => {
  const keys = Array.from({ length: 3000 }, (_, i) => String(i).padStart(6, '0'));
  const index = SortedIndex.fromSorted(keys, keys.map((k) => Number(k)));
  assert.equal(index.size, 3000);
  assert.equal(index.get('001234'), 1234);
  index.set('0012345', 7);
  assert.deepEqual([...index.range('001234', '001235')].map(([k]) => k), ['001234', '0012345']);
});

test('a bound ending in a unit above 0xFF (AFTER_PREFIX) sorts after every key with that prefix', () => {
  fc.assert(
    fc.property(fc.uniqueArray(key, { maxLength: 1500 }), key, (keys, prefix) => {
      const index = new SortedIndex<string>();
      for (const k of [...keys, prefix + 'x', prefix + '\xff\xff']) index.set(k, k);
      const expected = [...index.range()].map(([k]) => k).filter((k) => k.startsWith(prefix));
      assert.deepEqual([...index.range(prefix, prefix + '\u0100')].map(([k]) => k), expected);
      assert.deepEqual([...index.range(prefix, prefix + '\u0100', true)].map(([k]) => k), [...expected].reverse());
    }),
    { numRuns: 100 },
  );
});

test('positionsIn finds every key of a snapshot at its position and no key that is not in it, heads tied or not', () => {
  // Few distinct first units, so many keys share a head and the search must read the keys; sizes
  // around multiples of the coarse step (256) cover its edges.
  const unit = fc.constantFrom('a', 'b', '\u00ff', '\u0100', '\ud800');
  const key = fc.array(unit, { minLength: 0, maxLength: 7 }).map((u) => u.join(''));
  fc.assert(
    fc.property(fc.uniqueArray(key, { minLength: 0, maxLength: 900 }), fc.array(key, { maxLength: 50 }), (keys, probes) => {
      const index = new SortedIndex<number>();
      for (const k of keys) index.set(k, 1);
      const snap = index.snapshotWithHeads();
      const positionOf = positionsIn(snap);
      snap.keys.forEach((k, i) => assert.equal(positionOf(k), i));
      for (const p of probes) assert.equal(positionOf(p), snap.keys.indexOf(p));
    }),
    { numRuns: 200, seed: 21 },
  );
});
