// The one write path for item writes (PutItem, UpdateItem, DeleteItem, BatchWriteItem,
// TransactWriteItems, and later PartiQL): every write goes through three steps, in this order,
// and commits separately.
//
//   const plan = planPut(db, 'PutItem', table, item, condition)  // 1. check everything: key, index
//        // keys, size, item collection, and the condition against the stored item; reads the old item
//   if (plan.failed) ...                                          //    the condition failed (not thrown:
//        // a transaction collects one reason per action; single writes call refuseFailed)
//   const cc = charge(db, plan, input)                            // 2. charge capacity (throws a throttle)
//   const m = mutationOf(plan)                                    // 3. build the mutation (encodes the
//        // item: dictionary entries stay tentative until the commit publishes them)
//   db.commit([m, ...])                                           // commit: one log record for all
//
// Invariants: nothing is changed before the commit (steps 1-3 only read the tables, apart from
// tentative dictionary entries that settleDictionaries drops if no commit publishes them), so a
// write refused at any step leaves no trace; a plan is built and committed within one synchronous
// turn, so the old item it saw is still the stored one when the commit applies it.
import { checkIndexKeysForPut, checkIndexKeysForUpdate, checkItemCollection } from '../indexes';
import { invalidParameter } from '../errors';
import { itemSize } from '../types/attribute-validation';
import type { Item, Key } from '../types/attribute-value';
import type { Mutation } from '../log';
import type { CompiledCondition, CompiledUpdate } from '../expressions';
import type { Database } from '../database';
import type { Table } from '../table';
import type { Consumption, TogetherAccess } from '../capacity';
import { DynamoDBError } from '../errors';
import { ConditionalCheckFailed, checkItemKey, checkItemSize, parseKey } from './common';

/** One item write, checked and ready to be charged and committed. */
export interface WritePlan {
  readonly op: string;
  readonly action: 'put' | 'delete' | 'check';
  readonly table: Table;
  readonly key: string;
  /** The stored item, encoded, as the plan found it. */
  readonly oldEncoded: string | undefined;
  /** The stored item, decoded when the plan needed it (condition, ReturnValues), else undefined. */
  readonly old: Item | undefined;
  /** The item written (puts and updates). */
  readonly item: Item | undefined;
  readonly size: number;
  /** The condition refused the write: charge it as a failed write and refuse, never commit it. */
  readonly failed: boolean;
  /** UpdateItem: the top-level attributes the update writes or removes. */
  readonly touched: readonly string[];
}

function decodeOld(table: Table, oldEncoded: string | undefined, need: boolean): Item | undefined {
  return need && oldEncoded !== undefined ? table.codec.decode(oldEncoded) : undefined;
}

/** PutItem (and a transaction's Put, a batch's PutRequest): `item` is already normalized. */
export function planPut(db: Database, op: string, table: Table, item: Item, condition: CompiledCondition | undefined, needOld = false): WritePlan {
  checkItemKey(table, item);
  checkIndexKeysForPut(table, item);
  const size = itemSize(item);
  checkItemSize(size);
  const key = table.keyOf(item);
  return finish(db, op, 'put', table, key, item, size, condition, needOld, []);
}

/** UpdateItem: the key from the request's Key, the new item from the update applied to the stored one. */
export function planUpdate(db: Database, op: string, table: Table, rawKey: unknown, update: CompiledUpdate | undefined, condition: CompiledCondition | undefined): WritePlan {
  const { key, encoded } = parseKey(table, rawKey);
  const touched = update?.topLevelNames() ?? [];
  for (const name of touched) {
    if (name === table.schema.partitionName || name === table.schema.sortName) {
      throw invalidParameter(`Cannot update attribute ${name}. This attribute is part of the key`);
    }
  }
  const oldEncoded = table.get(encoded);
  const old = decodeOld(table, oldEncoded, true);
  if (condition && !condition.evaluate(old)) return failedPlan(op, 'put', table, encoded, oldEncoded, old, touched);
  const base: Item = old ? { ...old } : { ...(key as Key) };
  const updated = update ? update.apply(base) : base;
  checkIndexKeysForUpdate(table, updated, touched);
  const size = itemSize(updated);
  checkItemSize(size, 'Item size to update has exceeded the maximum allowed size');
  checkItemCollection(db.options.itemCollectionLimitBytes, table, encoded, oldEncoded, updated, size);
  return { op, action: 'put', table, key: encoded, oldEncoded, old, item: updated, size, failed: false, touched };
}

/** DeleteItem (and ConditionCheck, which writes nothing): `key` is the encoded primary key. */
export function planDelete(db: Database, op: string, table: Table, key: string, condition: CompiledCondition | undefined, needOld = false, action: 'delete' | 'check' = 'delete'): WritePlan {
  return finish(db, op, action, table, key, undefined, 0, condition, needOld, []);
}

function finish(
  db: Database, op: string, action: WritePlan['action'], table: Table, key: string, item: Item | undefined, size: number,
  condition: CompiledCondition | undefined, needOld: boolean, touched: readonly string[],
): WritePlan {
  const oldEncoded = table.get(key);
  const old = decodeOld(table, oldEncoded, needOld || condition !== undefined);
  if (condition && !condition.evaluate(old)) return failedPlan(op, action, table, key, oldEncoded, old, touched);
  if (item !== undefined) checkItemCollection(db.options.itemCollectionLimitBytes, table, key, oldEncoded, item, size);
  return { op, action, table, key, oldEncoded, old, item, size, failed: false, touched };
}

function failedPlan(op: string, action: WritePlan['action'], table: Table, key: string, oldEncoded: string | undefined, old: Item | undefined, touched: readonly string[]): WritePlan {
  return { op, action, table, key, oldEncoded, old, item: undefined, size: 0, failed: true, touched };
}

/**
 * Charges the plan's capacity and returns the ConsumedCapacity `request` asked for; throws a
 * throttle. A failed plan is charged as DynamoDB charges a failed condition.
 */
export function charge(db: Database, plan: WritePlan, request: { ReturnConsumedCapacity?: string }, transactional = false): Record<string, unknown> | undefined {
  if (plan.failed || plan.action === 'check') {
    db.capacity.conditionFailed(plan.op, plan.table, plan.key, plan.oldEncoded, transactional);
    return undefined;
  }
  return db.capacity.write(plan.op, request, plan.table, plan.key, plan.oldEncoded, plan.item, plan.size, transactional);
}

/** As `charge`, for one request of a batch: the throttle comes back instead of thrown. */
export function tryCharge(db: Database, plan: WritePlan, transactional = false): Consumption | DynamoDBError {
  const a = writeAccess(plan, transactional);
  return db.capacity.tryWrite(a.op, a.table, a.key, a.oldEncoded, a.newItem, a.newSize, a.transactional, a.failed);
}

/** The plan as one access of a transaction (db.capacity.chargeTogether): a failed plan or a check is charged for the stored item. */
export function writeAccess(plan: WritePlan, transactional = false): Extract<TogetherAccess, { kind: 'write' }> {
  const failed = plan.failed || plan.action === 'check';
  return {
    kind: 'write', op: plan.op, table: plan.table, key: plan.key, oldEncoded: plan.oldEncoded,
    newItem: failed ? undefined : plan.item, newSize: failed ? 0 : plan.size, transactional, failed,
  };
}

/** A single write's condition failed: charge it, then DynamoDB's ConditionalCheckFailedException. */
export function refuseFailed(db: Database, plan: WritePlan, returnOnFailure: string | undefined): never {
  db.capacity.conditionFailed(plan.op, plan.table, plan.key, plan.oldEncoded);
  throw ConditionalCheckFailed(returnOnFailure, plan.old);
}

/** The plan's mutation, or undefined when it changes nothing (a check, a delete of an absent item). */
export function mutationOf(plan: WritePlan): Mutation | undefined {
  if (plan.failed || plan.action === 'check') return undefined;
  const tableId = plan.table.meta.id;
  if (plan.action === 'delete') return plan.oldEncoded === undefined ? undefined : deleteMutation(tableId, plan.key, plan.oldEncoded);
  const added = { names: [] as string[], shapes: [] as number[][] };
  const encoded = plan.table.codec.encode(plan.item!, plan.size, added);
  return { kind: 'put', tableId, key: plan.key, item: encoded, old: plan.oldEncoded, added };
}

/** The one shape of an item deletion (user deletes and TTL expiry alike). */
export function deleteMutation(tableId: string, key: string, old: string): Extract<Mutation, { kind: 'delete' }> {
  return { kind: 'delete', tableId, key, old };
}

/**
 * Commits the mutations of `plans` (those that change something) as one log record; undefined if
 * none. `token`: a transaction's idempotency record, logged with them.
 */
export function commitPlans(db: Database, plans: readonly WritePlan[], token?: string | (() => string)): Promise<void> | undefined {
  const mutations: Mutation[] = [];
  for (const p of plans) {
    const m = mutationOf(p);
    if (m !== undefined) mutations.push(m);
  }
  return mutations.length === 0 ? undefined : db.commit(mutations, undefined, token);
}
