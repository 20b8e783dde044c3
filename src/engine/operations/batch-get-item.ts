// BatchGetItem: up to 100 keys over any number of tables, each table with its own projection and
// consistency. Items are read in request order; once the response would pass 16 MB, the keys left
// come back in UnprocessedKeys with their table's parameters, ready to be sent again.
import type { Operation } from './operation';
import { encodedItemSize } from '../codec/item-codec';
import { DynamoDBError, validation } from '../errors';
import type { CompiledProjection } from '../expressions';
import type { Item } from '../types/attribute-value';
import { encodeKey } from './common';
import { addConsumption, consumedCapacity, consumption } from '../capacity';
import { compileRequest } from './legacy';
import { ATTRIBUTES_TO_GET, ATTRIBUTE_MAP, EXPRESSION, EXPRESSION_MAP, RETURN_CONSUMED } from '../validation/members';
import type { Table } from '../table';

interface KeysAndAttributes {
  Keys: Record<string, unknown>[];
  AttributesToGet?: string[];
  ConsistentRead?: boolean;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
}

interface BatchGetItemInput {
  RequestItems?: Record<string, KeysAndAttributes>;
  ReturnConsumedCapacity?: string;
}

export const MAX_BATCH_GET_KEYS = 100;
/** Items are returned while the response stays within 16 MB (DynamoDB's example: 52 items of 300 KB). */
export const BATCH_GET_RESPONSE_BYTES = 16 * 1000 * 1000;

const TABLE_NAME_PATTERN = /^[a-zA-Z0-9_.-]+$/;

export function checkBatchTableName(name: string): void {
  if (name.length < 3 || name.length > 255 || !TABLE_NAME_PATTERN.test(name)) {
    throw validation(
      `1 validation error detected: Value '${name}' at 'requestItems' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]`,
    );
  }
}

interface TableRequest {
  name: string;
  table: Table;
  entry: KeysAndAttributes;
  projection: CompiledProjection | undefined;
  keys: { raw: Record<string, unknown>; encoded: string }[];
}

export const batchGetItem: Operation<BatchGetItemInput> = {
  name: 'BatchGetItem',
  members: {
    // The null-element messages are DynamoDB Local's (DynamoDB's own emulator), which words them itself.
    RequestItems: {
      type: 'map',
      nullMember: (table) => `The list of keys in RequestItems for BatchGetItem is required: ${table} has empty list`,
      value: {
        type: 'structure',
        members: {
          Keys: {
            type: 'list',
            required: true,
            min: 1,
            member: ATTRIBUTE_MAP,
            nullMember: (table) => `The list of keys in RequestItems for BatchGetItem may not contain null or empty values: ${table} has one or more empty keys`,
          },
          AttributesToGet: ATTRIBUTES_TO_GET,
          ConsistentRead: { type: 'boolean' },
          ProjectionExpression: EXPRESSION,
          ExpressionAttributeNames: EXPRESSION_MAP,
        },
      },
    },
    ReturnConsumedCapacity: RETURN_CONSUMED,
  },
  run(db, input) {
    const requestItems = input.RequestItems ?? {};
    const names = Object.keys(requestItems);
    if (names.length === 0) throw validation('The requestItems parameter is required for BatchGetItem');
    let total = 0;
    for (const name of names) {
      checkBatchTableName(name);
      total += requestItems[name]!.Keys.length;
    }
    if (total > MAX_BATCH_GET_KEYS) throw validation('Too many items requested for the BatchGetItem call');
    // One request: legacy and expression projections may not be mixed, even across tables.
    const legacy = names.some((n) => requestItems[n]!.AttributesToGet != null);
    const expression = names.some((n) => requestItems[n]!.ProjectionExpression != null);
    if (legacy && expression) {
      throw validation(
        'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}',
      );
    }
    const projections = names.map((n) => compileRequest('BatchGetItem', requestItems[n]!).projection);
    const requests: TableRequest[] = names.map((name, i) => ({
      name,
      table: db.table(name),
      entry: requestItems[name]!,
      projection: projections[i],
      keys: [],
    }));
    for (const r of requests) {
      const seen = new Set<string>();
      for (const raw of r.entry.Keys) {
        const encoded = encodeKey(r.table, raw);
        if (seen.has(encoded)) throw validation('Provided list of item keys contains duplicates');
        seen.add(encoded);
        r.keys.push({ raw, encoded });
      }
    }

    const responses: Record<string, Item[]> = {};
    const unprocessed: Record<string, KeysAndAttributes> = {};
    const capacity: Record<string, unknown>[] = [];
    let bytes = 0;
    let full = false;
    // Each key is read (and charged, found or not) as its own GetItem; keys a throttled table or
    // partition refuses come back in UnprocessedKeys, and only a batch refused entirely fails.
    let throttle: DynamoDBError | undefined;
    let processed = 0;
    for (const r of requests) {
      const items: Item[] = [];
      const consistent = r.entry.ConsistentRead === true;
      const used = consumption();
      const left: Record<string, unknown>[] = [];
      let k = 0;
      for (; k < r.keys.length && !full; k++) {
        const stored = r.table.get(r.keys[k]!.encoded);
        const size = stored === undefined ? 0 : encodedItemSize(stored);
        if (stored !== undefined && bytes + size > BATCH_GET_RESPONSE_BYTES) {
          full = true;
          break;
        }
        const c = db.capacity.tryRead('BatchGetItem', r.table, { key: r.keys[k]!.encoded, bytes: size, consistent });
        if (c instanceof DynamoDBError) {
          throttle ??= c;
          left.push(r.keys[k]!.raw);
          continue;
        }
        processed++;
        addConsumption(used, c);
        if (stored === undefined) continue;
        bytes += size;
        const item = r.table.codec.decode(stored);
        items.push(r.projection ? r.projection.project(item) : item);
      }
      responses[r.name] = items;
      for (; k < r.keys.length; k++) left.push(r.keys[k]!.raw);
      if (left.length > 0) unprocessed[r.name] = { ...r.entry, Keys: left };
      const cc = consumedCapacity(input.ReturnConsumedCapacity, r.name, used, { kind: 'read' });
      if (cc) capacity.push(cc);
    }
    if (processed === 0 && throttle !== undefined) throw throttle;
    const out: Record<string, unknown> = { Responses: responses, UnprocessedKeys: unprocessed };
    if (capacity.length > 0) out.ConsumedCapacity = capacity;
    return out;
  },
};
