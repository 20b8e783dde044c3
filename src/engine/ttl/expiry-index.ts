// A table's items ordered by expiry time, so the sweeper finds the items due without decoding
// every item of the table: entry key = expiryKey(TTL value) ‖ 0x00 0x00 ‖ table key.
//
// Invariants: while a table tracks expiry (TTL enabled), every write it applies (live or
// replayed) updates this index at once, so every entry reflects its item's current TTL value;
// `complete` says whether every item written before the index existed has also been visited
// (the build, run in slices by the sweeper, walks the table once; writes during the walk are
// already indexed, and visiting an item twice is harmless). Items without a Number TTL attribute
// have no entry.
import { SortedIndex } from '../storage/sorted-index';
import type { ItemCodec } from '../codec/item-codec';
import { expiryOf, expiryPart } from './expiry';

export class ExpiryIndex {
  readonly entries = new SortedIndex<number>();
  /** Every item of the table has been visited (see header). */
  complete = false;
  /** The last table key the build visited (it resumes after it). */
  buildCursor: string | undefined;

  constructor(
    readonly attributeName: string,
    private readonly codec: ItemCodec,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The item's TTL value (canonical decimal text), if it is a Number. */
  private valueOf(encoded: string | undefined): string | undefined {
    return encoded === undefined ? undefined : expiryOf(this.codec.attribute(encoded, this.attributeName));
  }

  /** One table write (old/new encodings undefined for an insert/delete). */
  write(tableKey: string, oldEncoded: string | undefined, newEncoded: string | undefined): void {
    const oldAt = this.valueOf(oldEncoded);
    const newAt = this.valueOf(newEncoded);
    // Canonical text: equal values are equal strings, and an unchanged expiry costs no encoding.
    if (oldAt === newAt) return;
    if (oldAt !== undefined) this.entries.delete(expiryPart({ N: oldAt })! + tableKey);
    if (newAt !== undefined) {
      const part = expiryPart({ N: newAt })!;
      this.entries.set(part + tableKey, part.length);
    }
  }

  /** The build visits one item (idempotent). */
  visit(tableKey: string, encoded: string): void {
    const at = this.valueOf(encoded);
    if (at !== undefined) {
      const part = expiryPart({ N: at })!;
      this.entries.set(part + tableKey, part.length);
    }
    this.buildCursor = tableKey;
  }

  /** Table keys of the entries in [from, until), at most `limit` of them, in expiry order. */
  due(from: string, until: string, limit: number): string[] {
    const keys: string[] = [];
    const c = this.entries.cursor(from, until);
    while (keys.length < limit && c.next()) keys.push(c.key.slice(c.value!));
    return keys;
  }
}
