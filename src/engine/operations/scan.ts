// Scan: walks the table's ordered index in key order, which is hash order (hash ‖ partition ‖
// sort), as DynamoDB walks its partitions. A parallel scan's segment is a contiguous range of the
// 32-bit partition hash, so the segments of one TotalSegments cover every item exactly once and a
// partition's items all fall into one segment.
import type { Operation } from './operation';
import { hashBoundary, hashOfKey } from '../codec/key-codec';
import { validation } from '../errors';
import type { AttributeValue, Item } from '../types/attribute-value';
import { parseKey } from './common';
import { compileRequest, type RequestInput } from './legacy';
import { ATTRIBUTES_TO_GET, ATTRIBUTE_MAP, CONDITIONAL_OPERATOR, CONDITION_MAP, EXPRESSION, EXPRESSION_MAP, INDEX_NAME, PAGE_LIMIT, RETURN_CONSUMED, SELECT, TABLE_NAME } from '../validation/members';
import { primaryKeyOf, readPage, selectMode } from './read-rules';
import { scanIndex } from '../indexes';

interface ScanInput extends RequestInput {
  TableName: string;
  IndexName?: string;
  Select?: string;
  Limit?: number;
  ConsistentRead?: boolean;
  Segment?: number;
  TotalSegments?: number;
  ExclusiveStartKey?: Record<string, unknown>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
  ReturnConsumedCapacity?: string;
}

export const MAX_TOTAL_SEGMENTS = 1000000;
const HASH_SPACE = 2 ** 32;

/** The hash range [low, high) of one segment (high = 2^32 for the last). */
export function segmentHashRange(segment: number, total: number): [number, number] {
  return [Math.floor((segment * HASH_SPACE) / total), Math.floor(((segment + 1) * HASH_SPACE) / total)];
}

export const scan: Operation<ScanInput> = {
  name: 'Scan',
  members: {
    TableName: TABLE_NAME,
    IndexName: INDEX_NAME,
    AttributesToGet: ATTRIBUTES_TO_GET,
    Limit: PAGE_LIMIT,
    Select: SELECT,
    ScanFilter: CONDITION_MAP,
    ConditionalOperator: CONDITIONAL_OPERATOR,
    ExclusiveStartKey: ATTRIBUTE_MAP,
    ReturnConsumedCapacity: RETURN_CONSUMED,
    TotalSegments: { type: 'integer', min: 1, max: MAX_TOTAL_SEGMENTS },
    Segment: { type: 'integer', min: 0, max: MAX_TOTAL_SEGMENTS - 1 },
    ProjectionExpression: EXPRESSION,
    FilterExpression: EXPRESSION,
    ExpressionAttributeNames: EXPRESSION_MAP,
    ExpressionAttributeValues: EXPRESSION_MAP,
    ConsistentRead: { type: 'boolean' },
  },
  run(db, input) {
    const parallel = input.Segment != null || input.TotalSegments != null;
    if (input.Segment != null && input.TotalSegments == null) {
      throw validation('The TotalSegments parameter is required but was not present in the request when Segment parameter is present');
    }
    if (input.TotalSegments != null && input.Segment == null) {
      throw validation('The Segment parameter is required but was not present in the request when parameter TotalSegments is present');
    }
    if (parallel && input.Segment! >= input.TotalSegments!) {
      throw validation(
        `The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: ${input.Segment} is not less than TotalSegments: ${input.TotalSegments}`,
      );
    }
    const compiled = compileRequest('Scan', input);
    const select = selectMode(input);
    const table = db.table(input.TableName);

    let lower: string | undefined;
    let upper: string | undefined;
    let low = 0;
    let high = HASH_SPACE;
    let from = 0;
    if (parallel) {
      [low, high] = segmentHashRange(input.Segment!, input.TotalSegments!);
      lower = low === 0 ? undefined : hashBoundary(low);
      upper = high >= HASH_SPACE ? undefined : hashBoundary(high);
    }
    if (input.IndexName != null) {
      return scanIndex(db, table, input, compiled, select, { parallel, low, high, lower, upper, totalSegments: input.TotalSegments, segment: input.Segment });
    }
    if (input.ExclusiveStartKey != null) {
      let start: string;
      try {
        start = parseKey(table, input.ExclusiveStartKey).encoded;
      } catch (e) {
        throw validation(`The provided starting key is invalid: ${(e as Error).message}`);
      }
      if (parallel) {
        const h = hashOfKey(start);
        if (h < low || h >= high) {
          throw validation(
            `The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: ${input.TotalSegments} Segment: ${input.Segment}`,
          );
        }
      }
      lower = start + '\x00';
      from = hashOfKey(start);
    }
    const page = readPage(table, table.index.cursor(lower, upper, false), input.Limit ?? Infinity, compiled, select === 'COUNT');
    const out: Record<string, unknown> = {};
    if (select !== 'COUNT') out.Items = page.items;
    out.Count = page.count;
    out.ScannedCount = page.scanned;
    if (page.lastRead) out.LastEvaluatedKey = primaryKeyOf(table, page.lastRead);
    // The page walked the hash range from its start to its last item (or the segment's end).
    const to = out.LastEvaluatedKey ? hashOfKey(table.keyOf(out.LastEvaluatedKey as Item)) + 1 : high;
    const cc = db.capacity.read('Scan', input, table, { hashRange: [Math.max(low, from), Math.max(to, from + 1)], bytes: page.bytes, consistent: input.ConsistentRead === true, count: page.count, scanned: page.scanned });
    if (cc) out.ConsumedCapacity = cc;
    return out;
  },
};
