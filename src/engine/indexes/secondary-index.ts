// One secondary index's live contents: an ordered map from index entry keys to the position of the
// table key inside them. Entries hold no copy of the item: a read follows the table key to the
// table's stored item and projects it, so an ALL index costs no more memory than its keys.
//
// Entry keys are order-preserving binary strings, like the table's:
//   hash(index partition) ‖ escape(index partition) ‖ 0x00 0x00 ‖ [escape(index sort) ‖ 0x00 0x00] ‖ table key
// so one index partition is contiguous and sorted by the index sort key (a Query is a range read),
// a Scan walks index partitions in hash order, and the table key at the end keeps entries unique.
//
// A GSI with a multi-attribute key (up to four HASH and four RANGE elements) encodes its partition
// as the escaped, terminated parts of its attributes in key-schema order (hashed together), and its
// sort as one escaped, terminated part per attribute: entries then sort by the sort attributes as a
// tuple, and the entries whose leading sort attributes equal given values are contiguous. A
// single-attribute key encodes exactly as before, so existing indexes are unchanged.
import { encodeScalar, partitionPrefix, type KeySchemaInfo } from '../codec/key-codec';
import { encodedItemSize, type ItemCodec } from '../codec/item-codec';
import { SortedIndex } from '../storage/sorted-index';
import type { AttributeDefinition, KeySchemaElement } from '../table';
import type { AttributeValue, Item, ScalarType } from '../types/attribute-value';
import { attributeValueSize, utf8Length } from '../types/attribute-validation';
import { projectionRules, type ProjectionRules } from './projection';
import type { IndexMeta } from './types';

/** Escapes 0x00 so that the terminator 0x00 0x00 sorts before any continuation. */
export function escapeKeyPart(encoded: string): string {
  return encoded.indexOf('\x00') < 0 ? encoded : encoded.replace(/\x00/g, '\x00\xff');
}

export const KEY_PART_END = '\x00\x00';
/** Sorts after every entry whose key part equals the one it follows (KEY_PART_END + any table key). */
export const AFTER_KEY_PART = '\x00\x01';

function scalarTypeOf(v: AttributeValue): string {
  for (const k in v) return k;
  return '';
}

/** An index key value of the right type and not empty (an empty one keeps an old item out of the index). */
function usable(v: AttributeValue | undefined, type: string | undefined): boolean {
  if (v === undefined || scalarTypeOf(v) !== type) return false;
  const a = v as { S?: string; B?: string };
  return a.S !== '' && a.B !== '';
}

export function indexSchemaOf(keySchema: readonly KeySchemaElement[], defs: readonly AttributeDefinition[]): KeySchemaInfo {
  const typeOf = (name: string): ScalarType => defs.find((d) => d.AttributeName === name)!.AttributeType;
  const hash = keySchema.find((k) => k.KeyType === 'HASH')!;
  const range = keySchema.find((k) => k.KeyType === 'RANGE');
  return {
    partitionName: hash.AttributeName,
    partitionType: typeOf(hash.AttributeName),
    sortName: range?.AttributeName,
    sortType: range ? typeOf(range.AttributeName) : undefined,
  };
}

/** One attribute of an index key, with its declared type. */
export interface IndexKeyPart {
  name: string;
  type: ScalarType;
}

/** The HASH and RANGE attributes of an index key schema, in order (several for a multi-attribute GSI key). */
export function indexKeyParts(keySchema: readonly KeySchemaElement[], defs: readonly AttributeDefinition[]): { partition: IndexKeyPart[]; sort: IndexKeyPart[] } {
  const typeOf = (name: string): ScalarType => defs.find((d) => d.AttributeName === name)!.AttributeType;
  const part = (k: KeySchemaElement): IndexKeyPart => ({ name: k.AttributeName, type: typeOf(k.AttributeName) });
  return { partition: keySchema.filter((k) => k.KeyType === 'HASH').map(part), sort: keySchema.filter((k) => k.KeyType === 'RANGE').map(part) };
}

/** The encoded partition of index partition key values (one per partition attribute). */
export function encodeIndexPartition(parts: readonly IndexKeyPart[], values: readonly AttributeValue[]): string {
  if (parts.length === 1) return encodeScalar(parts[0]!.type, values[0]!);
  let out = '';
  for (let i = 0; i < parts.length; i++) out += escapeKeyPart(encodeScalar(parts[i]!.type, values[i]!)) + KEY_PART_END;
  return out;
}

export class SecondaryIndex {
  readonly schema: KeySchemaInfo;
  /** The partition attributes (one, or up to four for a multi-attribute GSI key). */
  readonly partitionKeys: IndexKeyPart[];
  /** The sort attributes (none, one, or up to four). */
  readonly sortKeys: IndexKeyPart[];
  /** Every index key attribute, partition first. */
  readonly keyNames: string[];
  readonly rules: ProjectionRules;
  entries = new SortedIndex<number>();
  /** Sum of the entries' sizes (projected attributes, item-size rules). */
  sizeBytes = 0;
  /** Every table item is in (or deliberately out of) the index: false while a backfill has not finished. */
  complete: boolean;
  /** A backfill is copying table items in (IndexStatus CREATING, Backfilling true). */
  backfilling = false;
  /** Writes no longer reach it (DELETING): its entries are dropped, its counts kept for DescribeTable. */
  detached = false;
  private frozenCount = 0;

  constructor(
    public meta: IndexMeta,
    tableKeySchema: readonly KeySchemaElement[],
    defs: readonly AttributeDefinition[],
    private readonly codec: ItemCodec,
  ) {
    this.schema = indexSchemaOf(meta.keySchema, defs);
    const parts = indexKeyParts(meta.keySchema, defs);
    this.partitionKeys = parts.partition;
    this.sortKeys = parts.sort;
    this.keyNames = [...parts.partition, ...parts.sort].map((k) => k.name);
    this.rules = projectionRules(meta, tableKeySchema);
    this.complete = meta.status !== 'CREATING';
  }

  get name(): string {
    return this.meta.name;
  }

  get itemCount(): number {
    return this.detached ? this.frozenCount : this.entries.size;
  }

  /** The part of an entry key before the table key, or undefined if the item is not in the index. */
  indexPart(encoded: string): string | undefined {
    // Every write reaches this for every index: the single-attribute partition builds no array.
    let partition: string;
    if (this.partitionKeys.length === 1) {
      const k = this.partitionKeys[0]!;
      const v = this.codec.attribute(encoded, k.name);
      if (!usable(v, k.type)) return undefined;
      partition = encodeScalar(k.type, v!);
    } else {
      const values: AttributeValue[] = [];
      for (const k of this.partitionKeys) {
        const v = this.codec.attribute(encoded, k.name);
        if (!usable(v, k.type)) return undefined;
        values.push(v!);
      }
      partition = encodeIndexPartition(this.partitionKeys, values);
    }
    let part = partitionPrefix(partition);
    for (const k of this.sortKeys) {
      const v = this.codec.attribute(encoded, k.name);
      if (!usable(v, k.type)) return undefined;
      part += escapeKeyPart(encodeScalar(k.type, v!)) + KEY_PART_END;
    }
    return part;
  }

  /** The index part for an item's key attribute values (ExclusiveStartKey); every index key attribute must be there. */
  indexPartOf(key: Item): string {
    let part = partitionPrefix(encodeIndexPartition(this.partitionKeys, this.partitionKeys.map((k) => key[k.name]!)));
    for (const k of this.sortKeys) part += escapeKeyPart(encodeScalar(k.type, key[k.name]!)) + KEY_PART_END;
    return part;
  }

  /** The partition prefix for partition key values (one per partition attribute, in key-schema order). */
  partitionPrefixOf(values: readonly AttributeValue[]): string {
    return partitionPrefix(encodeIndexPartition(this.partitionKeys, values));
  }

  /** Size of the item's entry in this index (the item must be in it). */
  entrySize(encoded: string): number {
    const names = this.rules.names;
    if (names === undefined) return encodedItemSize(encoded);
    let size = 0;
    for (const name of names) {
      const v = this.codec.attribute(encoded, name);
      if (v !== undefined) size += utf8Length(name) + attributeValueSize(v);
    }
    return size;
  }

  /** Where the table key starts in an entry key. */
  tableKeyOffset(entryKey: string): number {
    let p = entryKey.indexOf(KEY_PART_END, 4) + 2;
    for (let i = 0; i < this.sortKeys.length; i++) p = entryKey.indexOf(KEY_PART_END, p) + 2;
    return p;
  }

  /**
   * Keeps the index in step with one table write (`oldEncoded`/`newEncoded` undefined for an
   * insert/delete). Returns the change in the entries' total size.
   */
  update(tableKey: string, oldEncoded: string | undefined, newEncoded: string | undefined): number {
    if (this.detached) return 0;
    const oldPart = oldEncoded === undefined ? undefined : this.indexPart(oldEncoded);
    const newPart = newEncoded === undefined ? undefined : this.indexPart(newEncoded);
    if (oldPart === undefined && newPart === undefined) return 0;
    let delta = 0;
    if (oldPart !== undefined) {
      if (newPart !== oldPart) {
        // A backfilled index might not hold the old entry yet: only count what was there.
        if (this.entries.delete(oldPart + tableKey) !== undefined) delta -= this.entrySize(oldEncoded!);
      } else if (this.entries.get(oldPart + tableKey) !== undefined) delta -= this.entrySize(oldEncoded!);
    }
    if (newPart !== undefined) {
      const existed = newPart === oldPart ? false : this.entries.get(newPart + tableKey) !== undefined;
      this.entries.set(newPart + tableKey, newPart.length);
      if (!existed) delta += this.entrySize(newEncoded!);
    }
    this.sizeBytes += delta;
    return delta;
  }

  /** Backfill: puts one table item's entry in (idempotent). */
  backfill(tableKey: string, encoded: string): void {
    const part = this.indexPart(encoded);
    if (part === undefined) return;
    if (this.entries.set(part + tableKey, part.length) === undefined) this.sizeBytes += this.entrySize(encoded);
  }

  /** Rebuilds the whole index from the table's items (checkpoint load, replay), at once. */
  build(keys: readonly string[], values: readonly string[]): void {
    const entryKeys: string[] = [];
    let size = 0;
    for (let i = 0; i < keys.length; i++) {
      const part = this.indexPart(values[i]);
      if (part === undefined) continue;
      entryKeys.push(part + keys[i]);
      size += this.entrySize(values[i]);
    }
    sortEntryKeys(entryKeys);
    const offsets = new Array<number>(entryKeys.length);
    for (let i = 0; i < entryKeys.length; i++) offsets[i] = this.tableKeyOffset(entryKeys[i]);
    this.entries = SortedIndex.fromSorted(entryKeys, offsets);
    this.sizeBytes = size;
    this.complete = true;
    this.backfilling = false;
  }

  /** Stops maintaining the index (DELETING): drops its entries, keeps its counts. */
  detach(): void {
    if (this.detached) return;
    this.frozenCount = this.entries.size;
    this.detached = true;
    this.backfilling = false;
    this.entries = new SortedIndex<number>();
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sorts entry keys in place. They start with a 4-byte hash, so a counting sort on the first two
 * bytes spreads them evenly over 65,536 buckets and leaves only small buckets (an index partition
 * and its neighbours) to compare: close to linear, several times faster than a comparison sort.
 */
export function sortEntryKeys(keys: string[]): void {
  const n = keys.length;
  if (n < 4096) {
    keys.sort(compareStrings);
    return;
  }
  const counts = new Uint32Array(65537);
  for (let i = 0; i < n; i++) counts[((keys[i].charCodeAt(0) << 8) | keys[i].charCodeAt(1)) + 1]++;
  for (let b = 1; b <= 65536; b++) counts[b] += counts[b - 1];
  const starts = counts.slice(0, 65536);
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    out[counts[(k.charCodeAt(0) << 8) | k.charCodeAt(1)]++] = k;
  }
  for (let b = 0; b < 65536; b++) {
    const from = starts[b];
    const to = counts[b];
    if (to - from < 2) continue;
    // Insertion sort for the usual handful, a comparison sort for a big index partition.
    if (to - from > 32) {
      const part = out.slice(from, to).sort(compareStrings);
      for (let i = 0; i < part.length; i++) out[from + i] = part[i];
      continue;
    }
    for (let i = from + 1; i < to; i++) {
      const k = out[i];
      let j = i - 1;
      while (j >= from && out[j] > k) {
        out[j + 1] = out[j];
        j--;
      }
      out[j + 1] = k;
    }
  }
  for (let i = 0; i < n; i++) keys[i] = out[i];
}
