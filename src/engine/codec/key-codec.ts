// Primary keys become order-preserving binary strings (chars 0x00-0xFF compare like bytes):
//   hash(partition) ‖ escape(partition) ‖ 0x00 0x00 ‖ sort
// so all items of one partition key are contiguous and sorted by sort key (a Query is a range
// read), while a full Scan walks partitions in hash order as DynamoDB does and parallel-scan
// segments are hash ranges.
import type { AttributeValue, ScalarType } from '../types/attribute-value';
import { encodeNumberKey } from '../types/number';

/** Sorts after every encoded byte string that starts with the same prefix. */
export const AFTER_PREFIX = '\u0100';

export function encodeScalar(type: ScalarType, value: AttributeValue): string {
  const a = value as Record<string, string>;
  switch (type) {
    case 'S':
      return encodeString(a.S);
    case 'N':
      return encodeNumberKey(a.N);
    case 'B':
      return Buffer.from(a.B, 'base64').toString('latin1');
  }
}

/** A string key value as its UTF-8 bytes, one char per byte (ASCII is its own encoding). */
function encodeString(s: string): string {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.from(s, 'utf8').toString('latin1');
  return s;
}

/** 32-bit FNV-1a over UTF-16 code units, as a signed integer. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** FNV-1a over the encoded partition key: stable across runs, so it can be persisted. */
export function partitionHash(encodedPartition: string): number {
  return fnv1a(encodedPartition) >>> 0;
}

function hashChars(h: number): string {
  return String.fromCharCode(h >>> 24, (h >>> 16) & 255, (h >>> 8) & 255, h & 255);
}

/** Hash, escaped partition key and terminator: the common prefix of a partition's items. */
export function partitionPrefix(encodedPartition: string): string {
  const escaped = encodedPartition.indexOf('\x00') < 0 ? encodedPartition : encodedPartition.replace(/\x00/g, '\x00\xff');
  return hashChars(partitionHash(encodedPartition)) + escaped + '\x00\x00';
}

export function hashOfKey(key: string): number {
  return ((key.charCodeAt(0) << 24) | (key.charCodeAt(1) << 16) | (key.charCodeAt(2) << 8) | key.charCodeAt(3)) >>> 0;
}

/** The first possible key of hash bucket `h` (segment boundaries of a parallel scan). */
export function hashBoundary(h: number): string {
  return hashChars(h);
}

export interface KeySchemaInfo {
  partitionName: string;
  partitionType: ScalarType;
  sortName?: string;
  sortType?: ScalarType;
}

export function encodePrimaryKey(schema: KeySchemaInfo, item: Record<string, AttributeValue>): string {
  const prefix = partitionPrefix(encodeScalar(schema.partitionType, item[schema.partitionName]));
  return schema.sortName === undefined ? prefix : prefix + encodeScalar(schema.sortType!, item[schema.sortName]);
}

/** encodePrimaryKey for a key of string values (the common case), without an item to hold them. */
export function encodeStringKey(partition: string, sort: string | undefined): string {
  const prefix = partitionPrefix(encodeString(partition));
  return sort === undefined ? prefix : prefix + encodeString(sort);
}
