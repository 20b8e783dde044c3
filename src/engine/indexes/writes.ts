// What secondary indexes ask of item writes: index key attributes of the declared scalar type and
// never empty (DynamoDB's messages name the index, the alphabetically first one when an attribute
// keys several), the item collection limit on tables with local secondary indexes (10 GB by
// default, DatabaseOptions.itemCollectionLimitBytes in tests), and ItemCollectionMetrics.
import { encodedItemSize } from '../codec/item-codec';
import { DynamoDBError, invalidParameter, validation } from '../errors';
import type { Table } from '../table';
import type { AttributeValue, Item } from '../types/attribute-value';
import { itemSize } from '../types/attribute-validation';
import { decodeNumberKey } from '../types/number';
import { rulesOf } from './impact';
import { entrySize, inIndex } from './projection';
import type { IndexMeta } from './types';

export const DEFAULT_ITEM_COLLECTION_LIMIT_BYTES = 10 * 1024 * 1024 * 1024;
const GB = 1024 * 1024 * 1024;

function typeOf(v: AttributeValue): string {
  for (const k in v) return k;
  return '';
}

/** The index key attributes writes must respect, each with the first index (by name) it keys. */
function indexKeyChecks(table: Table): Array<{ name: string; type: string; index: string }> {
  const indexes = (table.meta.indexes ?? []).filter((i) => i.status !== 'DELETING');
  if (indexes.length === 0) return [];
  const byName = [...indexes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const defs = table.meta.attributeDefinitions;
  const out: Array<{ name: string; type: string; index: string }> = [];
  const seen = new Set<string>();
  for (const idx of byName) {
    for (const k of idx.keySchema) {
      if (seen.has(k.AttributeName)) continue;
      seen.add(k.AttributeName);
      const def = defs.find((d) => d.AttributeName === k.AttributeName);
      if (def) out.push({ name: k.AttributeName, type: def.AttributeType, index: idx.name });
    }
  }
  return out;
}

function emptyKind(v: AttributeValue): 'string' | 'binary' | undefined {
  const a = v as { S?: string; B?: string };
  if (a.S === '') return 'string';
  if (a.B === '') return 'binary';
  return undefined;
}

function typeMismatch(name: string, type: string, v: AttributeValue, index: string): DynamoDBError {
  return invalidParameter(`Type mismatch for Index Key ${name} Expected: ${type} Actual: ${typeOf(v)} IndexName: ${index}`);
}

/** PutItem, BatchWriteItem puts: an item's index key attributes. */
export function checkIndexKeysForPut(table: Table, item: Item): void {
  if (table.meta.indexes === undefined) return;
  for (const c of indexKeyChecks(table)) {
    const v = item[c.name];
    if (v === undefined) continue;
    if (typeOf(v) !== c.type) throw typeMismatch(c.name, c.type, v, c.index);
    const empty = emptyKind(v);
    if (empty) {
      throw validation(
        `One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty ${empty} value. IndexName: ${c.index}, IndexKey: ${c.name}`,
      );
    }
  }
}

/** UpdateItem: the updated item's index key attributes (`touched`: what the update wrote). */
export function checkIndexKeysForUpdate(table: Table, updated: Item, touched: readonly string[]): void {
  if (table.meta.indexes === undefined) return;
  const checks = indexKeyChecks(table);
  for (const c of checks) {
    const v = updated[c.name];
    if (v === undefined || !touched.includes(c.name)) continue;
    const empty = emptyKind(v);
    if (empty && typeOf(v) === c.type) {
      throw validation(
        `One or more parameter values are not valid. The update expression attempted to update a secondary index key to a value that is not supported. The AttributeValue for a key attribute cannot contain an empty ${empty} value.`,
      );
    }
  }
  for (const c of checks) {
    const v = updated[c.name];
    if (v !== undefined && typeOf(v) !== c.type) throw typeMismatch(c.name, c.type, v, c.index);
  }
}

function lsis(table: Table): IndexMeta[] {
  return (table.meta.indexes ?? []).filter((i) => i.kind === 'LSI');
}

/** Size an item adds to its item collection: the item and its LSI entries. */
function collectionShare(table: Table, item: Item | undefined, size: number): number {
  if (item === undefined) return 0;
  let n = size;
  for (const idx of lsis(table)) {
    const rules = rulesOf(table, idx);
    if (inIndex(rules, item)) n += entrySize(rules, item);
  }
  return n;
}

/**
 * Tables with LSIs: a write may not grow an item collection past the limit (writes that shrink it
 * stay allowed). `newItem` undefined for a delete.
 */
export function checkItemCollection(
  limitBytes: number | undefined,
  table: Table,
  key: string,
  oldEncoded: string | undefined,
  newItem: Item | undefined,
  newSize?: number,
): void {
  if (!table.secondary.hasLocalIndexes || newItem === undefined) return;
  const current = table.secondary.collectionSize(key);
  const before = oldEncoded === undefined ? 0 : encodedItemSize(oldEncoded) + table.secondary.lsiEntriesSize(oldEncoded);
  const after = collectionShare(table, newItem, newSize ?? itemSize(newItem));
  const next = current - before + after;
  if (after > before && next > (limitBytes ?? DEFAULT_ITEM_COLLECTION_LIMIT_BYTES)) {
    throw new DynamoDBError('ItemCollectionSizeLimitExceededException', 'Collection size exceeded');
  }
}

/** ItemCollectionMetrics for the collection of `key` (as it stands), or undefined without LSIs. */
export function itemCollectionMetrics(table: Table, key: string): Record<string, unknown> | undefined {
  if (!table.secondary.hasLocalIndexes) return undefined;
  const gb = table.secondary.collectionSize(key) / GB;
  const low = Math.floor(gb);
  return { ItemCollectionKey: { [table.schema.partitionName]: partitionValue(table, key) }, SizeEstimateRangeGB: [low, low + 1] };
}

/** The partition key value an encoded table key starts with (see key-codec). */
export function partitionValue(table: Table, key: string): AttributeValue {
  const escaped = key.slice(4, key.indexOf('\x00\x00', 4));
  const raw = escaped.indexOf('\x00') < 0 ? escaped : escaped.replace(/\x00\xff/g, '\x00');
  switch (table.schema.partitionType) {
    case 'S':
      return { S: Buffer.from(raw, 'latin1').toString('utf8') };
    case 'N':
      return { N: decodeNumberKey(raw) };
    default:
      return { B: Buffer.from(raw, 'latin1').toString('base64') };
  }
}

/** Adds ItemCollectionMetrics to a single-item write's output when the request asked for it. */
export function addItemCollectionMetrics(out: Record<string, unknown>, input: object, table: Table, key: string): void {
  if ((input as { ReturnItemCollectionMetrics?: string }).ReturnItemCollectionMetrics !== 'SIZE') return;
  const m = itemCollectionMetrics(table, key);
  if (m) out.ItemCollectionMetrics = m;
}

/** BatchWriteItem: one entry per request on tables with LSIs, keyed by table name. */
export function addBatchItemCollectionMetrics(
  out: Record<string, unknown>,
  input: { ReturnItemCollectionMetrics?: string },
  tables: readonly Table[],
  names: readonly string[],
  plans: ReadonlyArray<ReadonlyArray<{ key: string }>>,
): void {
  if (input.ReturnItemCollectionMetrics !== 'SIZE') return;
  const metrics: Record<string, unknown[]> = {};
  tables.forEach((table, t) => {
    if (!table.secondary.hasLocalIndexes) return;
    const list: unknown[] = [];
    for (const p of plans[t] ?? []) {
      const m = itemCollectionMetrics(table, p.key);
      if (m) list.push(m);
    }
    if (list.length > 0) metrics[names[t]!] = list;
  });
  if (Object.keys(metrics).length > 0) out.ItemCollectionMetrics = metrics;
}
