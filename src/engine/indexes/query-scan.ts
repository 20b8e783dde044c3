// Query and Scan with IndexName: the operations' index branch. The operations have already checked
// the request's own rules (expressions, legacy parameters, Select, parallel-scan segments).
import { encodeScalar, hashOfKey } from '../codec/key-codec';
import { validation } from '../errors';
import type { CompiledExpressions, CompiledKeyCondition } from '../expressions';
import { checkKeyConditionValues } from '../operations/legacy';
import type { Database } from '../database';
import type { Table } from '../table';
import { indexSortRange, indexStartKey, openIndex, readIndexPage, type SelectMode } from './reads';
import { KEY_PART_END, escapeKeyPart, type SecondaryIndex } from './secondary-index';

interface IndexQueryInput {
  TableName: string;
  IndexName?: string;
  Select?: string;
  ConsistentRead?: boolean;
  ScanIndexForward?: boolean;
  ExclusiveStartKey?: Record<string, unknown>;
  ReturnConsumedCapacity?: string;
  ProjectionExpression?: string;
  AttributesToGet?: string[];
  QueryFilter?: unknown;
  Limit?: number;
}

/** Index reads answer ALL_PROJECTED_ATTRIBUTES when neither Select nor a projection is given. */
function indexSelect(input: IndexQueryInput, select: SelectMode): SelectMode {
  return input.Select === undefined && select === 'ALL_ATTRIBUTES' ? 'ALL_PROJECTED_ATTRIBUTES' : select;
}

export function queryIndex(db: Database, table: Table, input: IndexQueryInput, compiled: CompiledExpressions, selected: SelectMode): Record<string, unknown> {
  const idx = openIndex(table, input.IndexName!, input.ConsistentRead);
  const select = indexSelect(input, selected);
  const { prefix, range } = keyRange(idx, compiled.keyCondition!);
  let [lower, upper] = range;
  const forward = input.ScanIndexForward !== false;
  if (input.ExclusiveStartKey != null) {
    const start = indexStartKey(table, idx, input.ExclusiveStartKey);
    if (start === undefined) throw validation('The provided starting key is invalid');
    if (!start.startsWith(prefix)) throw validation('The provided starting key does not match the range key predicate');
    if (forward) lower = lower > start + '\x00' ? lower : start + '\x00';
    else upper = upper < start ? upper : start;
  }
  const entries = lower >= upper ? [] : idx.entries.range(lower, upper, !forward);
  const page = readIndexPage(table, idx, entries, input, compiled, select, true);
  const out = pageOutput(page, select);
  const cc = db.capacity.read('Query', input, table, { key: prefix, bytes: page.bytes, consistent: input.ConsistentRead === true, index: idx.name, fetched: page.fetched, count: page.count, scanned: page.scanned });
  if (cc) out.ConsumedCapacity = cc;
  return out;
}

/**
 * The index partition a Query reads and the entry-key range its key condition selects there. A
 * multi-attribute key takes every partition attribute by equality and a leading run of sort
 * attributes (equalities, then any key operator on the last one given), which select one
 * contiguous range because sort parts are encoded one after another.
 */
function keyRange(idx: SecondaryIndex, keyCondition: CompiledKeyCondition): { prefix: string; range: [string, string] } {
  if (idx.partitionKeys.length === 1 && idx.sortKeys.length <= 1) {
    const s = idx.schema;
    const resolved = keyCondition.resolve(
      { name: s.partitionName, type: s.partitionType },
      s.sortName === undefined ? undefined : { name: s.sortName, type: s.sortType },
    );
    checkKeyConditionValues(undefined, resolved);
    const prefix = idx.partitionPrefixOf([resolved.partition.value]);
    return { prefix, range: indexSortRange(s.sortType!, prefix, resolved.sort?.op, resolved.sort?.values ?? []) };
  }
  const resolved = keyCondition.resolveMulti(idx.partitionKeys, idx.sortKeys);
  for (const p of resolved.partition) checkKeyConditionValues(undefined, { partition: p });
  for (const p of resolved.sortEquals) checkKeyConditionValues(undefined, { partition: p });
  if (resolved.sort) checkKeyConditionValues(undefined, { partition: { name: resolved.sort.name, value: resolved.sort.values[0]! }, sort: resolved.sort });
  const prefix = idx.partitionPrefixOf(resolved.partition.map((p) => p.value));
  let sortPrefix = prefix;
  for (const e of resolved.sortEquals) sortPrefix += escapeKeyPart(encodeScalar(idx.sortKeys.find((k) => k.name === e.name)!.type, e.value)) + KEY_PART_END;
  const sort = resolved.sort;
  const type = sort === undefined ? 'S' : idx.sortKeys.find((k) => k.name === sort.name)!.type;
  return { prefix, range: indexSortRange(type, sortPrefix, sort?.op, sort?.values ?? []) };
}

export interface ScanRange {
  parallel: boolean;
  low: number;
  high: number;
  lower: string | undefined;
  upper: string | undefined;
  totalSegments?: number;
  segment?: number;
}

export function scanIndex(db: Database, table: Table, input: IndexQueryInput, compiled: CompiledExpressions, selected: SelectMode, range: ScanRange): Record<string, unknown> {
  const idx = openIndex(table, input.IndexName!, input.ConsistentRead);
  const select = indexSelect(input, selected);
  let { lower } = range;
  const { upper } = range;
  let from = range.low;
  if (input.ExclusiveStartKey != null) {
    const start = indexStartKey(table, idx, input.ExclusiveStartKey);
    if (start === undefined) throw validation('The provided starting key is invalid: The provided key element does not match the schema');
    if (range.parallel) {
      const h = hashOfKey(start);
      if (h < range.low || h >= range.high) {
        throw validation(
          `The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: ${range.totalSegments} Segment: ${range.segment}`,
        );
      }
    }
    lower = start + '\x00';
    from = Math.max(from, hashOfKey(start));
  }
  const entries = lower !== undefined && upper !== undefined && lower >= upper ? [] : idx.entries.range(lower, upper, false);
  const page = readIndexPage(table, idx, entries, input, compiled, select, false);
  const out = pageOutput(page, select);
  // The page walked the index's hash range from its start to its last entry (or the segment's end).
  const to = page.lastEntryKey !== undefined ? hashOfKey(page.lastEntryKey) + 1 : range.high;
  const cc = db.capacity.read('Scan', input, table, {
    hashRange: [from, Math.max(to, from + 1)], bytes: page.bytes, consistent: input.ConsistentRead === true, index: idx.name, fetched: page.fetched,
    count: page.count, scanned: page.scanned,
  });
  if (cc) out.ConsumedCapacity = cc;
  return out;
}

function pageOutput(page: ReturnType<typeof readIndexPage>, select: SelectMode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (select !== 'COUNT') out.Items = page.items;
  out.Count = page.count;
  out.ScannedCount = page.scanned;
  if (page.lastEvaluatedKey) out.LastEvaluatedKey = page.lastEvaluatedKey;
  return out;
}
