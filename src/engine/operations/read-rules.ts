// Rules Query and Scan share: Select against the projection parameters, ExclusiveStartKey checks,
// and the page loop over the table's ordered index (1 MB read before the filter, Limit counts
// items read, LastEvaluatedKey whenever a page is cut).
import { EncodedItem, encodedItemSize } from '../codec/item-codec';
import { validation } from '../errors';
import type { CompiledExpressions } from '../expressions';
import type { Item } from '../types/attribute-value';
import type { Table } from '../table';
import type { RangeCursor } from '../storage/sorted-index';

/** A Query or Scan page stops once this many bytes of items have been read (before filtering). */
export const READ_PAGE_BYTES = 1024 * 1024;

export type SelectMode = 'ALL_ATTRIBUTES' | 'ALL_PROJECTED_ATTRIBUTES' | 'SPECIFIC_ATTRIBUTES' | 'COUNT';

interface SelectInput {
  Select?: string;
  IndexName?: string;
  ProjectionExpression?: string;
  AttributesToGet?: unknown;
}

/** Select checked against IndexName, ProjectionExpression and AttributesToGet, as DynamoDB does. */
export function selectMode(input: SelectInput): SelectMode {
  const projectionName = input.ProjectionExpression != null ? 'ProjectionExpression' : input.AttributesToGet != null ? 'AttributesToGet' : undefined;
  switch (input.Select) {
    case undefined:
      return projectionName ? 'SPECIFIC_ATTRIBUTES' : 'ALL_ATTRIBUTES';
    case 'ALL_PROJECTED_ATTRIBUTES':
      if (input.IndexName == null) throw validation('ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName');
      if (projectionName) throw validation(`Cannot specify the ${projectionName} when choosing to get ALL_PROJECTED_ATTRIBUTES`);
      return 'ALL_PROJECTED_ATTRIBUTES';
    case 'SPECIFIC_ATTRIBUTES':
      if (!projectionName) throw validation('Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES');
      return 'SPECIFIC_ATTRIBUTES';
    case 'COUNT':
      if (projectionName) throw validation(`Cannot specify the ${projectionName} when choosing to get only the Count`);
      return 'COUNT';
    default:
      if (projectionName) throw validation(`Cannot specify the ${projectionName} when choosing to get ALL_ATTRIBUTES`);
      return 'ALL_ATTRIBUTES';
  }
}

export interface PageResult {
  /** Matching items: projected objects, or stored items still encoded when nothing changes them. */
  items: Array<Item | EncodedItem>;
  count: number;
  scanned: number;
  bytes: number;
  /** The encoding of the last item read, when the page was cut by Limit or size (LastEvaluatedKey). */
  lastRead: string | undefined;
}

/**
 * Reads one page from `entries` (encoded key → encoded item, in read order): stops after `limit`
 * items or once 1 MB has been read; the filter and projection apply to what was read.
 */
export function readPage(
  table: Table,
  entries: RangeCursor<string>,
  limit: number,
  compiled: CompiledExpressions,
  countOnly: boolean,
): PageResult {
  const items: Array<Item | EncodedItem> = [];
  const filter = compiled.filter;
  const projection = compiled.projection;
  const decode = filter !== undefined || (!countOnly && projection !== undefined);
  let scanned = 0;
  let count = 0;
  let bytes = 0;
  let last: string | undefined;
  while (entries.next()) {
    const encoded = entries.value!;
    scanned++;
    bytes += encodedItemSize(encoded);
    last = encoded;
    if (!decode) {
      count++;
      if (!countOnly) items.push(new EncodedItem(table.codec, encoded));
    } else {
      const item = table.codec.decode(encoded);
      if (filter === undefined || filter.evaluate(item)) {
        count++;
        if (!countOnly) items.push(projection ? projection.project(item) : new EncodedItem(table.codec, encoded));
      }
    }
    if (scanned >= limit || bytes >= READ_PAGE_BYTES) {
      // DynamoDB does not look ahead: a page cut by Limit or size always carries LastEvaluatedKey.
      return { items, count, scanned, bytes, lastRead: last };
    }
  }
  return { items, count, scanned, bytes, lastRead: undefined };
}

/** The key attributes of a stored item under the table's schema (LastEvaluatedKey). */
export function primaryKeyOf(table: Table, encoded: string): Item {
  // Only the key attributes are read out of the encoding; the rest is skipped, not decoded.
  const s = table.schema;
  const key: Item = { [s.partitionName]: table.codec.attribute(encoded, s.partitionName)! };
  if (s.sortName !== undefined) key[s.sortName] = table.codec.attribute(encoded, s.sortName)!;
  return key;
}
