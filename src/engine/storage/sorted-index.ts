// An ordered map from binary-string keys to values, kept as a list of sorted blocks.
// Two levels are enough for tens of millions of entries: a binary search over block boundaries,
// then one inside a block, and inserts move at most one block's worth of slots.

const MAX_BLOCK = 512;

interface Block<V> {
  keys: string[];
  values: V[];
}

export class SortedIndex<V> {
  private blocks: Block<V>[] = [{ keys: [], values: [] }];
  private count = 0;
  /** Bumped by every structural change, so iterators know when to re-seek. */
  private version = 0;

  get size(): number {
    return this.count;
  }

  /** Builds an index from entries already in ascending key order (checkpoint loading). */
  static fromSorted<V>(keys: string[], values: V[]): SortedIndex<V> {
    const index = new SortedIndex<V>();
    if (keys.length === 0) return index;
    index.blocks = [];
    const half = MAX_BLOCK >> 1;
    for (let i = 0; i < keys.length; i += half) {
      index.blocks.push({ keys: keys.slice(i, i + half), values: values.slice(i, i + half) });
    }
    index.count = keys.length;
    return index;
  }

  /** Index of the block that holds `key` or would hold it. */
  private blockFor(key: string): number {
    const blocks = this.blocks;
    let lo = 0;
    let hi = blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (blocks[mid].keys[0] <= key) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  get(key: string): V | undefined {
    const block = this.blocks[this.blockFor(key)];
    const i = lowerBound(block.keys, key);
    return i < block.keys.length && block.keys[i] === key ? block.values[i] : undefined;
  }

  /** Inserts or replaces; returns the previous value. */
  set(key: string, value: V): V | undefined {
    const b = this.blockFor(key);
    const block = this.blocks[b];
    const i = lowerBound(block.keys, key);
    if (i < block.keys.length && block.keys[i] === key) {
      const old = block.values[i];
      block.values[i] = value;
      return old;
    }
    this.version++;
    block.keys.splice(i, 0, key);
    block.values.splice(i, 0, value);
    this.count++;
    if (block.keys.length > MAX_BLOCK) {
      const half = block.keys.length >> 1;
      const right: Block<V> = { keys: block.keys.splice(half), values: block.values.splice(half) };
      this.blocks.splice(b + 1, 0, right);
    }
    return undefined;
  }

  delete(key: string): V | undefined {
    const b = this.blockFor(key);
    const block = this.blocks[b];
    const i = lowerBound(block.keys, key);
    if (i >= block.keys.length || block.keys[i] !== key) return undefined;
    const old = block.values[i];
    this.version++;
    block.keys.splice(i, 1);
    block.values.splice(i, 1);
    this.count--;
    if (block.keys.length === 0 && this.blocks.length > 1) this.blocks.splice(b, 1);
    return old;
  }

  /** Every key and value in order, as fresh arrays (a consistent snapshot taken at once). */
  snapshot(): { keys: string[]; values: V[] } {
    const keys: string[] = [];
    const values: V[] = [];
    for (const block of this.blocks) {
      for (let i = 0; i < block.keys.length; i++) {
        keys.push(block.keys[i]);
        values.push(block.values[i]);
      }
    }
    return { keys, values };
  }

  clear(): void {
    this.blocks = [{ keys: [], values: [] }];
    this.count = 0;
    this.version++;
  }

  /**
   * Entries with lower <= key < upper (either bound optional), ascending or descending.
   * Writes between two steps are allowed: the walk re-seeks from the last key it returned.
   */
  *range(lower?: string, upper?: string, descending = false): Generator<[string, V]> {
    let from = descending ? upper : lower;
    let inclusive = !descending;
    for (;;) {
      const version = this.version;
      let b = from === undefined ? (descending ? this.blocks.length - 1 : 0) : this.blockFor(from);
      let block = this.blocks[b];
      let i: number;
      if (from === undefined) i = descending ? block.keys.length - 1 : 0;
      else {
        i = lowerBound(block.keys, from);
        const hit = i < block.keys.length && block.keys[i] === from;
        if (descending) i = hit && inclusive ? i : i - 1;
        else if (hit && !inclusive) i++;
      }
      for (;;) {
        if (descending ? i < 0 : i >= block.keys.length) {
          b += descending ? -1 : 1;
          if (b < 0 || b >= this.blocks.length) return;
          block = this.blocks[b];
          i = descending ? block.keys.length - 1 : 0;
          continue;
        }
        const key = block.keys[i];
        if (descending ? lower !== undefined && key < lower : upper !== undefined && key >= upper) return;
        yield [key, block.values[i]];
        if (this.version !== version) {
          from = key;
          inclusive = false;
          break;
        }
        i += descending ? -1 : 1;
      }
    }
  }
}

function lowerBound(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
