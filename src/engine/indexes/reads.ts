// Query and Scan on a secondary index. The index's entries lead to the table's stored items; what
// a request gets back is the index entry (its projected attributes), or for a local secondary
// index the table item itself when the request asks for attributes the index does not project
// (DynamoDB fetches those from the table, and charges for the fetch). Pages stop after 1 MB of
// index entries; LastEvaluatedKey carries the index keys and the table keys.
import { AFTER_PREFIX, encodeScalar } from '../codec/key-codec';
import { EncodedItem, encodedItemSize } from '../codec/item-codec';
import { invalidParameter, validation } from '../errors';
import type { CompiledExpressions } from '../expressions';
import { normalizeAttributeValue } from '../types/attribute-validation';
import type { AttributeValue, Item, ScalarType } from '../types/attribute-value';
import type { Table } from '../table';
import type { SelectMode } from '../operations/read-rules';
import { projectItem } from './projection';
import { AFTER_KEY_PART, KEY_PART_END, escapeKeyPart, type SecondaryIndex } from './secondary-index';

/** A Query or Scan page stops once this many bytes of index entries have been read. */
const PAGE_BYTES = 1024 * 1024;

export type { SelectMode } from '../operations/read-rules';

interface IndexReadInput {
  TableName: string;
  IndexName?: string;
  Select?: string;
  ConsistentRead?: boolean;
  ProjectionExpression?: string;
  AttributesToGet?: string[];
  QueryFilter?: unknown;
  ScanFilter?: unknown;
  Limit?: number;
  ExclusiveStartKey?: Record<string, unknown>;
  ReturnConsumedCapacity?: string;
}

/** The index a Query or Scan names, with DynamoDB's refusals. */
export function openIndex(table: Table, name: string, consistentRead: boolean | undefined): SecondaryIndex {
  const idx = table.secondary.get(name);
  if (idx === undefined || idx.meta.status === 'DELETING') throw validation(`The table does not have the specified index: ${name}`);
  if (idx.meta.kind === 'GSI' && consistentRead === true) throw validation('Consistent reads are not supported on global secondary indexes');
  if (idx.meta.status === 'CREATING') throw validation(`Cannot read from backfilling global secondary index: ${name}`);
  return idx;
}

/** What a read returns per entry, decided once from Select, the projection and the filter. */
interface ReadPlan {
  countOnly: boolean;
  /** Return the table item (ALL_ATTRIBUTES, or an LSI fetch for unprojected attributes). */
  fetch: boolean;
  /** The entry reaches the table's item for attributes the index lacks (charged per item). */
  charged: boolean;
}

function missingNames(idx: SecondaryIndex, names: Iterable<string>): string[] {
  const projected = idx.rules.names;
  if (projected === undefined) return [];
  const out: string[] = [];
  for (const n of names) if (!projected.has(n) && !out.includes(n)) out.push(n);
  return out;
}

function plan(idx: SecondaryIndex, input: IndexReadInput, compiled: CompiledExpressions, select: SelectMode, isQuery: boolean): ReadPlan {
  const gsi = idx.meta.kind === 'GSI';
  const allProjected = idx.rules.names === undefined;
  const explicitAll = select === 'ALL_ATTRIBUTES' && input.Select !== undefined;
  if (explicitAll && gsi && !allProjected) {
    throw invalidParameter(`Select type ALL_ATTRIBUTES is not supported for global secondary index ${idx.name} because its projection type is not ALL`);
  }
  let fetch = explicitAll && !allProjected;
  if (select === 'SPECIFIC_ATTRIBUTES') {
    const names = compiled.projection?.topLevelNames() ?? input.AttributesToGet ?? [];
    const missing = missingNames(idx, names);
    if (missing.length > 0) {
      if (gsi) throw invalidParameter(`Global secondary index ${idx.name} does not project [${missing.join(', ')}]`);
      fetch = true;
    }
  }
  if (compiled.filter) {
    const filterNames = compiled.filter.topLevelNames();
    if (isQuery) {
      for (const name of filterNames) {
        if (idx.keyNames.includes(name)) {
          const what = input.QueryFilter != null ? 'QueryFilter' : 'Filter Expression';
          throw validation(`${what} can only contain non-primary key attributes: Primary key attribute: ${name}`);
        }
      }
    }
    const missing = missingNames(idx, filterNames);
    if (missing.length > 0) {
      throw invalidParameter(`Secondary index ${idx.name} does not project one or more filter attributes: [${missing.join(', ')}]`);
    }
  }
  return { countOnly: select === 'COUNT', fetch, charged: fetch };
}

/**
 * The entry-key range [lower, upper) a key condition selects in one index partition. `prefix` is
 * the partition prefix followed by the parts of the sort attributes given by equality (a
 * multi-attribute sort key); `type` is the type of the sort attribute `op` applies to.
 */
export function indexSortRange(type: ScalarType, prefix: string, op: string | undefined, values: AttributeValue[]): [string, string] {
  if (op === undefined) return [prefix, prefix + AFTER_PREFIX];
  const e = (v: AttributeValue): string => prefix + escapeKeyPart(encodeScalar(type, v));
  switch (op) {
    case '=':
      return [e(values[0]) + KEY_PART_END, e(values[0]) + AFTER_KEY_PART];
    case '<':
      return [prefix, e(values[0]) + KEY_PART_END];
    case '<=':
      return [prefix, e(values[0]) + AFTER_KEY_PART];
    case '>':
      return [e(values[0]) + AFTER_KEY_PART, prefix + AFTER_PREFIX];
    case '>=':
      return [e(values[0]) + KEY_PART_END, prefix + AFTER_PREFIX];
    case 'BETWEEN':
      return [e(values[0]) + KEY_PART_END, e(values[1]) + AFTER_KEY_PART];
    default: // BEGINS_WITH
      return [e(values[0]), e(values[0]) + AFTER_PREFIX];
  }
}

function typeOf(v: AttributeValue): string {
  for (const k in v) return k;
  return '';
}

/**
 * The entry key an ExclusiveStartKey names: exactly the table's key attributes and the index's,
 * with their types. Returns undefined when it does not fit.
 */
export function indexStartKey(table: Table, idx: SecondaryIndex, raw: Record<string, unknown>): string | undefined {
  const key: Item = {};
  let count = 0;
  try {
    for (const name in raw) {
      key[name] = normalizeAttributeValue(raw[name]);
      count++;
    }
  } catch {
    return undefined;
  }
  const wanted = new Map<string, string>();
  const ts = table.schema;
  wanted.set(ts.partitionName, ts.partitionType);
  if (ts.sortName !== undefined) wanted.set(ts.sortName, ts.sortType!);
  for (const k of idx.partitionKeys) wanted.set(k.name, k.type);
  for (const k of idx.sortKeys) wanted.set(k.name, k.type);
  if (count !== wanted.size) return undefined;
  for (const [name, type] of wanted) {
    const v = key[name];
    if (v === undefined || typeOf(v) !== type) return undefined;
  }
  return idx.indexPartOf(key) + table.keyOf(key);
}

export interface IndexPage {
  items: Array<Item | EncodedItem>;
  count: number;
  scanned: number;
  /** Bytes of index entries read (what the index is charged for). */
  bytes: number;
  /** Sizes of the table items fetched for unprojected attributes (LSI). */
  fetched: number[];
  lastEvaluatedKey: Item | undefined;
  /** The entry key of LastEvaluatedKey. */
  lastEntryKey?: string;
}

/**
 * Reads one page of index entries from `entries` (entry key → table-key offset, in read order):
 * stops after `limit` entries or once 1 MB of entries has been read; filter and projection apply
 * to what was read.
 */
export function readIndexPage(
  table: Table,
  idx: SecondaryIndex,
  entries: Iterable<[string, number]>,
  input: IndexReadInput,
  compiled: CompiledExpressions,
  select: SelectMode,
  isQuery: boolean,
): IndexPage {
  const p = plan(idx, input, compiled, select, isQuery);
  const limit = input.Limit ?? Infinity;
  const filter = compiled.filter;
  const projection = compiled.projection;
  const attributesToGet = projection === undefined ? input.AttributesToGet : undefined;
  const whole = idx.rules.names === undefined || p.fetch;
  const items: Array<Item | EncodedItem> = [];
  const fetched: number[] = [];
  let scanned = 0;
  let count = 0;
  let bytes = 0;
  for (const [entryKey, offset] of entries) {
    const encoded = table.get(entryKey.slice(offset));
    if (encoded === undefined) continue; // cannot happen: writes keep the index in step
    scanned++;
    bytes += idx.entrySize(encoded);
    if (p.charged) fetched.push(encodedItemSize(encoded));
    if (filter === undefined && projection === undefined && attributesToGet === undefined && whole) {
      count++;
      if (!p.countOnly) items.push(new EncodedItem(table.codec, encoded));
    } else {
      const item = table.codec.decode(encoded);
      if (filter === undefined || filter.evaluate(item)) {
        count++;
        if (!p.countOnly) {
          if (projection) items.push(projection.project(item));
          else if (attributesToGet) items.push(pickNames(item, attributesToGet));
          else items.push(whole ? item : projectItem(idx.rules, item));
        }
      }
    }
    if (scanned >= limit || bytes >= PAGE_BYTES) {
      return { items, count, scanned, bytes, fetched, lastEvaluatedKey: lastKey(table, idx, encoded), lastEntryKey: entryKey };
    }
  }
  return { items, count, scanned, bytes, fetched, lastEvaluatedKey: undefined };
}

function pickNames(item: Item, names: readonly string[]): Item {
  const out: Item = {};
  for (const n of names) if (item[n] !== undefined) out[n] = item[n];
  return out;
}

/** LastEvaluatedKey on an index: the table's key attributes and the index's. */
function lastKey(table: Table, idx: SecondaryIndex, encoded: string): Item {
  const out: Item = {};
  const add = (name: string | undefined): void => {
    if (name !== undefined && out[name] === undefined) out[name] = table.codec.attribute(encoded, name)!;
  };
  add(table.schema.partitionName);
  add(table.schema.sortName);
  for (const name of idx.keyNames) add(name);
  return out;
}

