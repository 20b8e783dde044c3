// An ordered map from binary-string keys to values, kept as a list of sorted blocks.
// Two levels are enough for tens of millions of entries: a binary search over block boundaries,
// then one inside a block, and inserts move at most one block's worth of slots.

const MAX_BLOCK = 512;

/**
 * The first four code units of a key as one number that orders like the key: units above 0xFF
 * (only search bounds such as AFTER_PREFIX have them) count as 0x100, a missing unit counts
 * below every unit, and 258^4 stays within a double's exact integers. Binary searches compare
 * these numbers, which sit together in arrays, and read a key string only on a tie: following
 * a pointer to a string at every step cost a cache miss each. Keys start with a 4-byte hash, so
 * ties are rare.
 */
export function headOf(key: string): number {
  let h = 0;
  for (let i = 0; i < 4; i++) h = h * 258 + (i < key.length ? Math.min(key.charCodeAt(i), 0x100) + 1 : 0);
  return h;
}

export interface Block<V> {
  keys: string[];
  /** headOf of each key. */
  heads: number[];
  values: V[];
}

export class SortedIndex<V> {
  private blocks: Block<V>[] = [{ keys: [], heads: [], values: [] }];
  /** headOf(first key) of each block (0 for an empty block, which only an empty index has). */
  private heads: number[] = [0];
  private count = 0;
  /** Bumped by every structural change, so iterators know when to re-seek. */
  private version = 0;

  get size(): number {
    return this.count;
  }

  /**
   * Builds an index from entries already in ascending key order (checkpoint loading); `heads`,
   * when the caller has them (a snapshotWithHeads of the same keys), are copied, not recomputed.
   */
  static fromSorted<V>(keys: string[], values: V[], heads?: Float64Array): SortedIndex<V> {
    const index = new SortedIndex<V>();
    if (keys.length === 0) return index;
    index.blocks = [];
    index.heads = [];
    const half = MAX_BLOCK >> 1;
    for (let i = 0; i < keys.length; i += half) {
      const blockKeys = keys.slice(i, i + half);
      // A snapshot taken without heads has an empty array: only a full set of them is used.
      const blockHeads = heads?.length === keys.length ? Array.from(heads.subarray(i, i + half)) : blockKeys.map(headOf);
      index.blocks.push({ keys: blockKeys, heads: blockHeads, values: values.slice(i, i + half) });
      index.heads.push(headOf(keys[i]));
    }
    index.count = keys.length;
    return index;
  }

  /** Index of the block that holds `key` or would hold it. */
  private blockFor(key: string, head = headOf(key)): number {
    const blocks = this.blocks;
    const heads = this.heads;
    let lo = 0;
    let hi = blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const h = heads[mid];
      if (h < head || (h === head && blocks[mid].keys[0] <= key)) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  get(key: string): V | undefined {
    const block = this.blocks[this.blockFor(key)];
    const i = lowerBound(block, key);
    return i < block.keys.length && block.keys[i] === key ? block.values[i] : undefined;
  }

  /** Inserts or replaces; returns the previous value. */
  set(key: string, value: V): V | undefined {
    const head = headOf(key);
    const b = this.blockFor(key, head);
    const block = this.blocks[b];
    const i = lowerBound(block, key, head);
    if (i < block.keys.length && block.keys[i] === key) {
      const old = block.values[i];
      block.values[i] = value;
      return old;
    }
    this.version++;
    block.keys.splice(i, 0, key);
    block.heads.splice(i, 0, head);
    block.values.splice(i, 0, value);
    if (i === 0) this.heads[b] = head;
    this.count++;
    if (block.keys.length > MAX_BLOCK) {
      const half = block.keys.length >> 1;
      const right: Block<V> = { keys: block.keys.splice(half), heads: block.heads.splice(half), values: block.values.splice(half) };
      this.blocks.splice(b + 1, 0, right);
      this.heads.splice(b + 1, 0, right.heads[0]);
    }
    return undefined;
  }

  delete(key: string): V | undefined {
    const b = this.blockFor(key);
    const block = this.blocks[b];
    const i = lowerBound(block, key);
    if (i >= block.keys.length || block.keys[i] !== key) return undefined;
    const old = block.values[i];
    this.version++;
    block.keys.splice(i, 1);
    block.heads.splice(i, 1);
    block.values.splice(i, 1);
    this.count--;
    if (block.keys.length === 0 && this.blocks.length > 1) {
      this.blocks.splice(b, 1);
      this.heads.splice(b, 1);
    } else if (i === 0) this.heads[b] = block.keys.length > 0 ? block.heads[0] : 0;
    return old;
  }

  /** Every key and value in order, as fresh arrays (a consistent snapshot taken at once). */
  snapshot(): { keys: string[]; values: V[] } {
    return this.snapshotWithHeads(false);
  }

  /**
   * As snapshot, with `heads` (headOf of every key, copied from the blocks, not recomputed) when
   * asked: a caller that searches the snapshot many times does so with `positionIn`.
   */
  snapshotWithHeads(withHeads = true): { keys: string[]; values: V[]; heads: Float64Array } {
    // Sized up front: a backup or checkpoint of a large table takes this synchronously, and
    // growing the arrays item by item took several times longer.
    const keys = new Array<string>(this.count);
    const values = new Array<V>(this.count);
    const heads = new Float64Array(withHeads ? this.count : 0);
    let n = 0;
    for (const block of this.blocks) {
      const bk = block.keys;
      const bv = block.values;
      if (withHeads) heads.set(block.heads, n);
      for (let i = 0; i < bk.length; i++, n++) {
        keys[n] = bk[i];
        values[n] = bv[i];
      }
    }
    return { keys, values, heads };
  }

  clear(): void {
    this.blocks = [{ keys: [], heads: [], values: [] }];
    this.heads = [0];
    this.count = 0;
    this.version++;
  }

  /**
   * Entries with lower <= key < upper (either bound optional), ascending or descending.
   * Writes between two steps are allowed: the walk re-seeks from the last key it returned.
   */
  *range(lower?: string, upper?: string, descending = false): Generator<[string, V]> {
    const c = this.cursor(lower, upper, descending);
    while (c.next()) yield [c.key, c.value!];
  }

  /** As `range`, without an array and a generator step per entry (Query and Scan pages). */
  cursor(lower?: string, upper?: string, descending = false): RangeCursor<V> {
    return new RangeCursor(this, lower, upper, descending);
  }

  /** Moves `c` to its next entry; false once the range is exhausted. */
  step(c: RangeCursor<V>): boolean {
    const descending = c.descending;
    let block = c.block;
    let b = c.b;
    let i: number;
    if (block === undefined || c.version !== this.version) {
      if (c.done) return false;
      c.version = this.version;
      const from = c.from;
      b = from === undefined ? (descending ? this.blocks.length - 1 : 0) : this.blockFor(from);
      block = this.blocks[b];
      if (from === undefined) i = descending ? block.keys.length - 1 : 0;
      else {
        i = lowerBound(block, from);
        const hit = i < block.keys.length && block.keys[i] === from;
        if (descending) i = hit && c.inclusive ? i : i - 1;
        else if (hit && !c.inclusive) i++;
      }
    } else i = descending ? c.i - 1 : c.i + 1;
    for (;;) {
      if (descending ? i < 0 : i >= block.keys.length) {
        b += descending ? -1 : 1;
        if (b < 0 || b >= this.blocks.length) return c.finish();
        block = this.blocks[b];
        i = descending ? block.keys.length - 1 : 0;
        continue;
      }
      const key = block.keys[i];
      if (descending ? c.lower !== undefined && key < c.lower : c.upper !== undefined && key >= c.upper) return c.finish();
      c.block = block;
      c.b = b;
      c.i = i;
      c.key = key;
      c.value = block.values[i];
      // Where to re-seek from if a write moves entries before the next step.
      c.from = key;
      c.inclusive = false;
      return true;
    }
  }
}

/** A position in a walk over a SortedIndex range (see `SortedIndex.cursor`). */
export class RangeCursor<V> {
  /** The current entry, after `next()` returned true. */
  key = '';
  value: V | undefined = undefined;
  // Walk state, kept by SortedIndex.step.
  block: Block<V> | undefined = undefined;
  b = 0;
  i = 0;
  version = -1;
  done = false;
  from: string | undefined;
  inclusive: boolean;

  constructor(
    private readonly index: SortedIndex<V>,
    readonly lower: string | undefined,
    readonly upper: string | undefined,
    readonly descending: boolean,
  ) {
    this.from = descending ? upper : lower;
    this.inclusive = !descending;
  }

  next(): boolean {
    return this.index.step(this);
  }

  finish(): false {
    this.done = true;
    this.block = undefined;
    return false;
  }
}

/** Keys per step of positionsIn's coarse search: a fine search then stays within a few cache lines. */
const COARSE = 256;

/**
 * A finder of positions in a snapshot taken with its heads (snapshotWithHeads): `key`'s position,
 * or -1. Keys order as their (head, key) pairs (headOf orders like the key), so it searches every
 * COARSE-th head first (a small array that stays in cache), then the COARSE heads before the one
 * found, and reads a key string only on a tie: a plain binary search over a million heads missed
 * the cache at most of its steps.
 */
export function positionsIn(snapshot: { keys: readonly string[]; heads: Float64Array }): (key: string) => number {
  const { keys, heads } = snapshot;
  const coarse = new Float64Array(Math.ceil(heads.length / COARSE));
  for (let c = 0; c < coarse.length; c++) coarse[c] = heads[c * COARSE];
  /** The first i in [lo, hi) whose (head, key) is not below (head, key) at `step` apart, or hi. */
  const lowerBound = (values: Float64Array, step: number, lo: number, hi: number, head: number, key: string): number => {
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const h = values[mid];
      if (h < head || (h === head && keys[mid * step] < key)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return (key) => {
    const head = headOf(key);
    const c = lowerBound(coarse, COARSE, 0, coarse.length, head, key);
    const at = lowerBound(heads, 1, Math.max(0, (c - 1) * COARSE), Math.min(heads.length, c * COARSE), head, key);
    return at < keys.length && keys[at] === key ? at : -1;
  };
}

function lowerBound(block: Block<unknown>, key: string, head = headOf(key)): number {
  const heads = block.heads;
  let lo = 0;
  let hi = heads.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const h = heads[mid];
    if (h < head || (h === head && block.keys[mid] < key)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
