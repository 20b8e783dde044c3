// BatchWriteItem: up to 25 puts and deletes over any number of tables. Every request is checked
// before anything is written; then all writes go into one log record (each write stands on its
// own, as in DynamoDB, which makes no atomicity promise either way). Requests refused by
// provisioned throughput come back in UnprocessedItems (src/engine/capacity).
import type { Operation } from './operation';
import { addBatchItemCollectionMetrics } from '../indexes';
import { DynamoDBError, validation } from '../errors';
import { normalizeItem } from '../types/attribute-validation';
import type { Item } from '../types/attribute-value';
import { encodeKey, parseKey } from './common';
import { commitPlans, planDelete, planPut, tryCharge, type WritePlan } from './write-plan';
import { ATTRIBUTE_MAP, RETURN_CONSUMED, RETURN_METRICS, required } from '../validation/members';
import { addConsumption, consumedCapacity, consumption } from '../capacity';
import { checkBatchTableName } from './batch-get-item';
import type { Table } from '../table';

interface WriteRequest {
  PutRequest?: { Item: Record<string, unknown> };
  DeleteRequest?: { Key: Record<string, unknown> };
}

interface BatchWriteItemInput {
  RequestItems?: Record<string, WriteRequest[]>;
  ReturnConsumedCapacity?: string;
  ReturnItemCollectionMetrics?: string;
}

export const MAX_BATCH_WRITE_REQUESTS = 25;
const NULL_OR_EMPTY = 'The batch write request list for a table cannot be null or empty';
const MORE_THAN_ONE = 'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes';

/** A PutRequest's item: its key attributes must be the table's, with the declared types. */
function checkPutKey(table: Table, item: Item): void {
  const s = table.schema;
  const key: Record<string, unknown> = { [s.partitionName]: item[s.partitionName] };
  if (s.sortName !== undefined) key[s.sortName] = item[s.sortName];
  for (const name in key) if (key[name] === undefined) throw validation('The provided key element does not match the schema');
  parseKey(table, key);
}

export const batchWriteItem: Operation<BatchWriteItemInput> = {
  name: 'BatchWriteItem',
  members: {
    // The null-element messages are DynamoDB Local's (DynamoDB's own emulator), which words them itself.
    RequestItems: {
      type: 'map',
      nullMember: (table) => `${NULL_OR_EMPTY}: ${table}`,
      value: {
        type: 'list',
        nullMember: () => NULL_OR_EMPTY,
        member: {
          type: 'structure',
          members: {
            PutRequest: { type: 'structure', members: { Item: required(ATTRIBUTE_MAP) } },
            DeleteRequest: { type: 'structure', members: { Key: required(ATTRIBUTE_MAP) } },
          },
        },
      },
    },
    ReturnConsumedCapacity: RETURN_CONSUMED,
    ReturnItemCollectionMetrics: RETURN_METRICS,
  },
  run(db, input) {
    const requestItems = input.RequestItems ?? {};
    const names = Object.keys(requestItems);
    if (names.length === 0) throw validation('The requestItems parameter is required for BatchWriteItem');
    let total = 0;
    for (const name of names) {
      checkBatchTableName(name);
      const list = requestItems[name]!;
      if (list.length === 0) throw validation(`${NULL_OR_EMPTY}: ${name}`);
      total += list.length;
    }
    if (total > MAX_BATCH_WRITE_REQUESTS) throw validation('Too many items requested for the BatchWriteItem call');
    for (const name of names) {
      for (const r of requestItems[name]!) if ((r.PutRequest == null) === (r.DeleteRequest == null)) throw validation(MORE_THAN_ONE);
    }
    const tables = names.map((name) => db.table(name));
    const plans: WritePlan[][] = tables.map((table, t) => {
      const seen = new Set<string>();
      return requestItems[names[t]!]!.map((r): WritePlan => {
        let plan: WritePlan;
        if (r.PutRequest != null) {
          const item = normalizeItem(r.PutRequest.Item);
          checkPutKey(table, item);
          plan = planPut(db, 'BatchWriteItem', table, item, undefined);
        } else {
          plan = planDelete(db, 'BatchWriteItem', table, encodeKey(table, r.DeleteRequest!.Key), undefined);
        }
        if (seen.has(plan.key)) throw validation('Provided list of item keys contains duplicates');
        seen.add(plan.key);
        return plan;
      });
    });

    const done: WritePlan[] = [];
    const capacity: Record<string, unknown>[] = [];
    const unprocessed: Record<string, WriteRequest[]> = {};
    // Each request is charged as its own write; requests a throttled table, partition or GSI
    // refuses come back in UnprocessedItems, and only a batch refused entirely fails.
    let throttle: DynamoDBError | undefined;
    tables.forEach((table, t) => {
      const used = consumption();
      const list = requestItems[names[t]!]!;
      const left: WriteRequest[] = [];
      plans[t]!.forEach((p, i) => {
        const c = tryCharge(db, p);
        if (c instanceof DynamoDBError) {
          throttle ??= c;
          left.push(list[i]!);
          return;
        }
        done.push(p);
        addConsumption(used, c);
      });
      if (left.length > 0) unprocessed[names[t]!] = left;
      const cc = consumedCapacity(input.ReturnConsumedCapacity, names[t]!, used, { kind: 'write' });
      if (cc) capacity.push(cc);
    });
    const processed = done.length;
    if (processed === 0 && throttle !== undefined) throw throttle;
    const out: Record<string, unknown> = { UnprocessedItems: unprocessed };
    if (capacity.length > 0) out.ConsumedCapacity = capacity;
    const committed = commitPlans(db, done);
    addBatchItemCollectionMetrics(out, input, tables, names, plans);
    return committed === undefined ? out : committed.then(() => out);
  },
};
