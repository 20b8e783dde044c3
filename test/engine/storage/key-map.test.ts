// The point-lookup hash map against a Map model: random sets, overwrites and deletes (which
// shift probe runs back), across growth, with keys built to collide in their low hash bits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyMap, hashKey } from '../../../src/engine/storage/key-map';

function rng(seed: number): () => number {
  return () => ((seed = Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
}

test('KeyMap agrees with a Map through random sets, overwrites and deletes', () => {
  const random = rng(7);
  const model = new Map<string, number>();
  const map = new KeyMap<number>();
  for (let step = 0; step < 200_000; step++) {
    const key = `k${Math.floor(random() * 5000)}\u0000${step % 3}`;
    const r = random();
    if (r < 0.55) assert.equal(map.set(key, step), model.get(key)), model.set(key, step);
    else if (r < 0.85) assert.equal(map.delete(key), model.get(key)), model.delete(key);
    else assert.equal(map.get(key), model.get(key));
    assert.equal(map.size, model.size);
  }
  for (const [k, v] of model) assert.equal(map.get(k), v);
  assert.equal(map.get('absent'), undefined);
});

test('KeyMap deletes inside long probe runs without losing the entries behind them', () => {
  // Keys whose hashes share their low 4 bits all start probing at the same slot of a small table.
  const keys: string[] = [];
  for (let i = 0; keys.length < 9; i++) if ((hashKey(`c${i}`) & 15) === 3) keys.push(`c${i}`);
  const map = new KeyMap<string>();
  for (const k of keys) map.set(k, k.toUpperCase());
  for (const victim of [keys[0], keys[4], keys[8]]) {
    assert.equal(map.delete(victim), victim.toUpperCase());
    assert.equal(map.get(victim), undefined);
  }
  for (const k of keys.filter((_, i) => i % 4 !== 0)) assert.equal(map.get(k), k.toUpperCase());
  assert.equal(map.size, 6);
});

test('hashKey is never 0 and differs for keys that differ only past a NUL', () => {
  assert.notEqual(hashKey(''), 0);
  assert.notEqual(hashKey('a\u0000b'), hashKey('a\u0000c'));
});
