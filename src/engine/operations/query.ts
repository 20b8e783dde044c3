import type { Operation } from './operation';
import { compileRequest, checkKeyConditionValues, type RequestInput } from './legacy';
import { primaryKeyOf, readPage, selectMode } from './read-rules';
import { AFTER_PREFIX, encodeScalar, partitionPrefix } from '../codec/key-codec';
import { validation } from '../errors';
import type { AttributeValue } from '../types/attribute-value';
import { parseKey } from './common';
import { ATTRIBUTES_TO_GET, ATTRIBUTE_MAP, CONDITIONAL_OPERATOR, CONDITION_MAP, EXPRESSION, EXPRESSION_MAP, INDEX_NAME, PAGE_LIMIT, RETURN_CONSUMED, SELECT, TABLE_NAME } from '../validation/members';
import type { Table } from '../table';
import { queryIndex } from '../indexes';

interface QueryInput {
  TableName: string;
  IndexName?: string;
  KeyConditionExpression?: string;
  FilterExpression?: string;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
  Select?: string;
  Limit?: number;
  ConsistentRead?: boolean;
  ScanIndexForward?: boolean;
  ExclusiveStartKey?: Record<string, unknown>;
  AttributesToGet?: string[];
  ReturnConsumedCapacity?: string;
  KeyConditions?: Record<string, unknown>;
  QueryFilter?: Record<string, unknown>;
}

/** The encoded-key range [lower, upper) that a sort-key condition selects within one partition. */
function sortRange(table: Table, prefix: string, op: string | undefined, values: AttributeValue[]): [string, string] {
  if (op === undefined) return [prefix, prefix + AFTER_PREFIX];
  const type = table.schema.sortType!;
  const e = (v: AttributeValue) => prefix + encodeScalar(type, v);
  switch (op) {
    case '=':
      return [e(values[0]), e(values[0]) + '\x00'];
    case '<':
      return [prefix, e(values[0])];
    case '<=':
      return [prefix, e(values[0]) + '\x00'];
    case '>':
      return [e(values[0]) + '\x00', prefix + AFTER_PREFIX];
    case '>=':
      return [e(values[0]), prefix + AFTER_PREFIX];
    case 'BETWEEN':
      return [e(values[0]), e(values[1]) + '\x00'];
    default: // BEGINS_WITH
      return [e(values[0]), e(values[0]) + AFTER_PREFIX];
  }
}

export const query: Operation<QueryInput> = {
  name: 'Query',
  members: {
    TableName: TABLE_NAME,
    IndexName: INDEX_NAME,
    KeyConditionExpression: EXPRESSION,
    FilterExpression: EXPRESSION,
    ProjectionExpression: EXPRESSION,
    ExpressionAttributeNames: EXPRESSION_MAP,
    ExpressionAttributeValues: EXPRESSION_MAP,
    Select: SELECT,
    Limit: PAGE_LIMIT,
    ConsistentRead: { type: 'boolean' },
    ScanIndexForward: { type: 'boolean' },
    ExclusiveStartKey: ATTRIBUTE_MAP,
    AttributesToGet: ATTRIBUTES_TO_GET,
    ReturnConsumedCapacity: RETURN_CONSUMED,
    KeyConditions: CONDITION_MAP,
    QueryFilter: CONDITION_MAP,
    ConditionalOperator: CONDITIONAL_OPERATOR,
  },
  run(db, input) {
    if (input.KeyConditionExpression == null && input.KeyConditions == null) {
      throw validation('Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.');
    }
    // Either form (KeyConditions, QueryFilter, AttributesToGet, ConditionalOperator are the legacy one).
    const compiled = compileRequest('Query', input as RequestInput);
    const select = selectMode(input);
    const table = db.table(input.TableName);
    if (input.IndexName !== undefined) return queryIndex(db, table, input, compiled, select);
    const s = table.schema;
    const resolved = compiled.keyCondition!.resolve(
      { name: s.partitionName, type: s.partitionType },
      s.sortName === undefined ? undefined : { name: s.sortName, type: s.sortType },
    );
    checkKeyConditionValues(table, resolved);
    for (const name of compiled.filter?.topLevelNames() ?? []) {
      if (name === s.partitionName || name === s.sortName) {
        const what = input.QueryFilter != null ? 'QueryFilter' : 'Filter Expression';
        throw validation(`${what} can only contain non-primary key attributes: Primary key attribute: ${name}`);
      }
    }
    const prefix = partitionPrefix(encodeScalar(s.partitionType, resolved.partition.value));
    let [lower, upper] = sortRange(table, prefix, resolved.sort?.op, resolved.sort?.values ?? []);
    const forward = input.ScanIndexForward !== false;
    if (input.ExclusiveStartKey !== undefined) {
      let start: string;
      try {
        start = parseKey(table, input.ExclusiveStartKey).encoded;
      } catch (e) {
        throw validation('The provided starting key is invalid');
      }
      if (!start.startsWith(prefix)) throw validation('The provided starting key does not match the range key predicate');
      if (forward) lower = lower > start + '\x00' ? lower : start + '\x00';
      else upper = upper < start ? upper : start;
    }
    const page = readPage(table, table.index.cursor(lower, upper, !forward), input.Limit ?? Infinity, compiled, select === 'COUNT');
    const out: Record<string, unknown> = {};
    if (select !== 'COUNT') out.Items = page.items;
    out.Count = page.count;
    out.ScannedCount = page.scanned;
    if (page.lastRead !== undefined) out.LastEvaluatedKey = primaryKeyOf(table, page.lastRead);
    const cc = db.capacity.read('Query', input, table, { key: prefix, bytes: page.bytes, consistent: input.ConsistentRead === true, count: page.count, scanned: page.scanned });
    if (cc) out.ConsumedCapacity = cc;
    return out;
  },
};
