// A hash map from encoded keys to encoded items, for point reads and writes.
//
// V8's Map is slow for this workload: a lookup with a freshly built key string in a map of a
// hundred thousand entries costs about 1.2 µs here, several times what the rest of a GetItem
// costs. This open-addressing table keeps the 32-bit hash of every key in one Int32Array (one
// cache line usually answers a probe), and the key and value side by side in one array, so a
// lookup touches the hash slot, then the stored key, then the value it returns.
//
// Linear probing with backward-shift deletion: no tombstones, so a table that sees many
// deletes never slows down or needs rebuilding.

import { fnv1a } from '../codec/key-codec';

const EMPTY = 0;
const MIN_CAPACITY = 16;

/** FNV-1a over UTF-16 code units, mixed, never 0 (0 marks an empty slot). */
export function hashKey(key: string): number {
  let h = fnv1a(key);
  // A final mix spreads the low bits, which pick the slot.
  h ^= h >>> 16;
  h = Math.imul(h, 0x45d9f3b);
  h ^= h >>> 16;
  return h === EMPTY ? 1 : h;
}

export class KeyMap<V> {
  private hashes: Int32Array;
  /** Key of slot i at 2i, its value at 2i + 1. */
  private entries: Array<string | V | undefined>;
  private mask: number;
  private count = 0;

  constructor(expected = 0) {
    let capacity = MIN_CAPACITY;
    while (capacity * 0.6 < expected) capacity *= 2;
    this.hashes = new Int32Array(capacity);
    this.entries = new Array(capacity * 2).fill(undefined);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  get(key: string): V | undefined {
    const h = hashKey(key);
    const hashes = this.hashes;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const s = hashes[i];
      if (s === EMPTY) return undefined;
      if (s === h && this.entries[2 * i] === key) return this.entries[2 * i + 1] as V;
    }
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Sets `key` and returns the value it replaced. */
  set(key: string, value: V): V | undefined {
    const h = hashKey(key);
    const mask = this.mask;
    let i = h & mask;
    for (;;) {
      const s = this.hashes[i];
      if (s === EMPTY) break;
      if (s === h && this.entries[2 * i] === key) {
        const old = this.entries[2 * i + 1] as V;
        this.entries[2 * i + 1] = value;
        return old;
      }
      i = (i + 1) & mask;
    }
    this.hashes[i] = h;
    this.entries[2 * i] = key;
    this.entries[2 * i + 1] = value;
    if (++this.count > this.hashes.length * 0.6) this.grow();
    return undefined;
  }

  /** Removes `key` and returns its value. */
  delete(key: string): V | undefined {
    const h = hashKey(key);
    const mask = this.mask;
    let i = h & mask;
    for (;;) {
      const s = this.hashes[i];
      if (s === EMPTY) return undefined;
      if (s === h && this.entries[2 * i] === key) break;
      i = (i + 1) & mask;
    }
    const old = this.entries[2 * i + 1] as V;
    // Shift later members of the probe run back into the hole, so lookups never need tombstones.
    let hole = i;
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const s = this.hashes[j];
      if (s === EMPTY) break;
      const home = s & mask;
      // Entry j may move to the hole only if its home slot is not between the hole and j (cyclically).
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        this.hashes[hole] = s;
        this.entries[2 * hole] = this.entries[2 * j];
        this.entries[2 * hole + 1] = this.entries[2 * j + 1];
        hole = j;
      }
    }
    this.hashes[hole] = EMPTY;
    this.entries[2 * hole] = undefined;
    this.entries[2 * hole + 1] = undefined;
    this.count--;
    return old;
  }

  private grow(): void {
    const oldHashes = this.hashes;
    const oldEntries = this.entries;
    const capacity = oldHashes.length * 2;
    this.hashes = new Int32Array(capacity);
    this.entries = new Array(capacity * 2).fill(undefined);
    this.mask = capacity - 1;
    for (let j = 0; j < oldHashes.length; j++) {
      const h = oldHashes[j];
      if (h === EMPTY) continue;
      let i = h & this.mask;
      while (this.hashes[i] !== EMPTY) i = (i + 1) & this.mask;
      this.hashes[i] = h;
      this.entries[2 * i] = oldEntries[2 * j];
      this.entries[2 * i + 1] = oldEntries[2 * j + 1];
    }
  }
}
