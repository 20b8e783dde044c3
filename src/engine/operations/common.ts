// Pieces every item operation shares: key checks against the table's schema, conditions,
// ReturnValues and ConsumedCapacity.
import { ConditionalCheckFailed } from './conditional';
import { invalidParameter, validation } from '../errors';
import { normalizeAttributeValue } from '../types/attribute-validation';
import type { AttributeValue, Item, Key, ScalarType } from '../types/attribute-value';
import type { Spec } from '../validation/shape';
import { CONDITION_MEMBERS, RETURN_CONSUMED, RETURN_METRICS, RETURN_ON_CONDITION_FAILURE, RETURN_VALUES, TABLE_NAME } from '../validation/members';
import type { Table } from '../table';
import { encodeStringKey } from '../codec/key-codec';

export { ConditionalCheckFailed };

export const MAX_ITEM_BYTES = 400 * 1024;
const MAX_PARTITION_KEY_BYTES = 2048;
const MAX_SORT_KEY_BYTES = 1024;


/** Members every conditional single-item write (PutItem, UpdateItem, DeleteItem) accepts. */
export const CONDITIONAL_WRITE_MEMBERS: Record<string, Spec> = {
  TableName: TABLE_NAME,
  ReturnValues: RETURN_VALUES,
  ReturnConsumedCapacity: RETURN_CONSUMED,
  ReturnItemCollectionMetrics: RETURN_METRICS,
  ReturnValuesOnConditionCheckFailure: RETURN_ON_CONDITION_FAILURE,
  ...CONDITION_MEMBERS,
};

export interface ConditionalWriteInput {
  TableName: string;
  ReturnValues?: string;
  ReturnConsumedCapacity?: string;
  ReturnValuesOnConditionCheckFailure?: string;
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, never>;
}

function scalarType(v: AttributeValue): string {
  for (const k in v) return k;
  return '';
}

function keyBytes(type: ScalarType, v: AttributeValue): number {
  const a = v as Record<string, string>;
  if (type === 'S') return Buffer.byteLength(a.S, 'utf8');
  if (type === 'B') return Buffer.byteLength(a.B, 'base64');
  return a.N.length; // numbers are far below the limits either way
}

function checkKeyValue(name: string, type: ScalarType, value: AttributeValue, partition: boolean): void {
  const a = value as Record<string, string>;
  if ((type === 'S' && a.S === '') || (type === 'B' && a.B === '')) {
    throw validation(
      `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${type === 'S' ? 'string' : 'binary'} value. Key: ${name}`,
    );
  }
  // A UTF-16 unit is at most 3 UTF-8 bytes, and base64 is longer than what it encodes: short keys need no count.
  const units = type === 'S' ? a.S.length * 3 : type === 'B' ? a.B.length : a.N.length;
  if (units <= MAX_SORT_KEY_BYTES) return;
  const bytes = keyBytes(type, value);
  if (partition && bytes > MAX_PARTITION_KEY_BYTES) {
    throw invalidParameter('Size of hashkey has exceeded the maximum size limit of2048 bytes');
  }
  if (!partition && bytes > MAX_SORT_KEY_BYTES) {
    throw invalidParameter('Aggregated size of all range keys has exceeded the size limit of 1024 bytes');
  }
}

/** PutItem: the item must carry every key attribute with the declared type. */
export function checkItemKey(table: Table, item: Item): void {
  const s = table.schema;
  checkItemKeyAttribute(item, s.partitionName, s.partitionType, true);
  if (s.sortName !== undefined) checkItemKeyAttribute(item, s.sortName, s.sortType!, false);
}

function checkItemKeyAttribute(item: Item, name: string, type: ScalarType, partition: boolean): void {
  const v = item[name];
  if (v === undefined) throw invalidParameter(`Missing the key ${name} in the item`);
  const actual = scalarType(v);
  if (actual !== type) throw invalidParameter(`Type mismatch for key ${name} expected: ${type} actual: ${actual}`);
  checkKeyValue(name, type, v, partition);
}

/**
 * The encoded primary key of a request's Key, with parseKey's checks. Keys of string values short
 * enough to need no byte count (nearly all) are encoded at once; anything else goes through
 * parseKey, which finds the right error.
 */
export function encodeKey(table: Table, raw: unknown): string {
  const s = table.schema;
  const input = raw as Record<string, unknown>;
  const p = plainStringKeyValue(input[s.partitionName], s.partitionType);
  if (p !== undefined) {
    const r = s.sortName === undefined ? undefined : plainStringKeyValue(input[s.sortName], s.sortType!);
    if ((s.sortName === undefined || r !== undefined) && memberCount(input) === (s.sortName === undefined ? 1 : 2)) return encodeStringKey(p, r);
  }
  return parseKey(table, raw).encoded;
}

/** The string of `{ S: string }` when the key needs no further check, else undefined. */
function plainStringKeyValue(v: unknown, type: ScalarType): string | undefined {
  if (type !== 'S' || typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const s = (v as { S?: unknown }).S;
  if (typeof s !== 'string' || s.length === 0 || s.length * 3 > MAX_SORT_KEY_BYTES) return undefined;
  // Another type's member would make the value invalid; members of other names are ignored, as
  // in normalizeAttributeValue. Reading absent members of one shape of object is nearly free.
  const o = v as Record<string, unknown>;
  const alone = o.N === undefined && o.B === undefined && o.BOOL === undefined && o.NULL === undefined && o.M === undefined && o.L === undefined && o.SS === undefined && o.NS === undefined && o.BS === undefined;
  return alone ? s : undefined;
}

function memberCount(o: object): number {
  let n = 0;
  for (const _ in o) n++;
  return n;
}

/** GetItem, DeleteItem, UpdateItem: the Key must be exactly the table's key attributes. */
export function parseKey(table: Table, raw: unknown): { key: Key; encoded: string } {
  const input = raw as Record<string, unknown>;
  const key: Key = {};
  let count = 0;
  for (const name in input) {
    key[name] = normalizeAttributeValue(input[name]);
    count++;
  }
  const s = table.schema;
  const expected = s.sortName === undefined ? 1 : 2;
  const p = key[s.partitionName];
  const r = s.sortName === undefined ? undefined : key[s.sortName];
  if (
    count !== expected ||
    p === undefined ||
    scalarType(p) !== s.partitionType ||
    (s.sortName !== undefined && (r === undefined || scalarType(r) !== s.sortType))
  ) {
    throw validation('The provided key element does not match the schema');
  }
  checkKeyValue(s.partitionName, s.partitionType, p, true);
  if (r !== undefined) checkKeyValue(s.sortName!, s.sortType!, r, false);
  return { key, encoded: table.keyOf(key) };
}

export function checkReturnValues(value: string | undefined, allowed: readonly string[], message: string): string {
  const v = value ?? 'NONE';
  if (!allowed.includes(v)) throw validation(message);
  return v;
}

/** UpdateItem words it 'Item size to update has exceeded the maximum allowed size', as DynamoDB does. */
export function checkItemSize(size: number, message = 'Item size has exceeded the maximum allowed size'): void {
  if (size > MAX_ITEM_BYTES) throw validation(message);
}

/** Top-level attributes of `item` whose names are in `names`. */
export function pick(item: Item | undefined, names: Iterable<string>): Item | undefined {
  if (!item) return undefined;
  const out: Item = {};
  let any = false;
  for (const n of names) {
    if (item[n] !== undefined) {
      out[n] = item[n];
      any = true;
    }
  }
  return any ? out : undefined;
}
