// TransactWriteItems, planned with operations/write-plan.ts and committed as ONE log record.
//
// Order of checks (each stage refuses the whole request before the next one looks at anything):
//   1. the request: one operation per action, expressions, tables, keys, and whatever a Put's
//      item alone decides (key types, size, index key types) (plain ValidationException /
//      ResourceNotFoundException, as for a malformed request);
//   2. one action per item (ValidationException);
//   3. each action planned against the stored items: a failed condition or a refusal that depends
//      on the stored item becomes that action's CancellationReason; any reason other than None
//      cancels the transaction (TransactionCanceledException, reasons in action order);
//   4. the 4 MB aggregate of the items written;
//   5. capacity, two units per 1 KB per item, every bucket the transaction touches admitted before
//      any is charged (a throttled action cancels with ThrottlingError and nothing is charged);
//   6. one db.commit of every mutation.
// All of it runs in one synchronous turn of the engine, which runs one request at a time, so a
// transaction is serializable against every other request: nothing runs between its reads and
// its commit, and the commit applies every mutation at once. Nothing of a cancelled transaction
// is visible: stages 1-5 change nothing (dictionary entries encoded in 6 are tentative until the
// commit publishes them; the database drops unpublished ones when the request ends).
import type { Database } from '../database';
import { DynamoDBError, validation } from '../errors';
import { attributeMapsWithoutExpressions, compileExpressions, type CompiledCondition, type CompiledExpressions, type CompiledUpdate } from '../expressions';
import { normalizeItem } from '../types/attribute-validation';
import type { Table } from '../table';
import { addConsumption, consumedCapacity, consumption, readUnits, type Consumption, type TogetherAccess } from '../capacity';
import { encodedItemSize } from '../codec/item-codec';
import { addBatchItemCollectionMetrics } from '../indexes';
import { commitPlans, planDelete, planPut, planUpdate, writeAccess, type WritePlan } from '../operations/write-plan';
import { parseKey } from '../operations/common';
import { NONE, collectionReason, conditionFailed, throttleReason, transactionCanceled, validationReason, type CancellationReason } from './cancellation';
import { fingerprint, logged, tokensOf } from './idempotency';

export const MAX_TRANSACTION_ACTIONS = 100;
export const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;
export const MISSING_TABLE = 'Cannot do operations on a non-existent table';
const OP = 'TransactWriteItems';
export const SAME_ITEM = 'Transaction request cannot include multiple operations on one item';

interface ActionBody {
  TableName: string;
  Key?: Record<string, unknown>;
  Item?: Record<string, unknown>;
  UpdateExpression?: string;
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, never>;
  ReturnValuesOnConditionCheckFailure?: string;
}

export interface TransactWriteItem {
  ConditionCheck?: ActionBody;
  Put?: ActionBody;
  Delete?: ActionBody;
  Update?: ActionBody;
}

export interface TransactWriteItemsInput {
  TransactItems: TransactWriteItem[];
  ReturnConsumedCapacity?: string;
  ReturnItemCollectionMetrics?: string;
  ClientRequestToken?: string;
}

type Kind = 'ConditionCheck' | 'Put' | 'Delete' | 'Update';
const KINDS: readonly Kind[] = ['ConditionCheck', 'Put', 'Delete', 'Update'];

/** One action after stage 1: a Put is planned already (everything it checks is in the request). */
interface Action {
  kind: Kind;
  body: ActionBody;
  table: Table;
  condition: CompiledCondition | undefined;
  update: CompiledUpdate | undefined;
  /** The encoded primary key. */
  key: string;
  /** A Put's plan, or its reason when its item collection would outgrow the limit. */
  put: WritePlan | CancellationReason | undefined;
}

function actionOf(db: Database, raw: TransactWriteItem): Action {
  let kind: Kind | undefined;
  for (const k of KINDS) {
    if (raw[k] == null) continue;
    if (kind !== undefined) throw validation('TransactItems can only contain one of Check, Put, Update or Delete');
    kind = k;
  }
  if (kind === undefined) throw validation('Invalid Request: TransactWriteRequest should contain Delete or Put or Update request');
  const body = raw[kind]!;
  const unused = attributeMapsWithoutExpressions(body, kind === 'Update' ? ['UpdateExpression', 'ConditionExpression'] : ['ConditionExpression']);
  if (unused !== undefined) throw validation(unused);
  // Most Puts and Deletes carry no expression at all: nothing to compile.
  const expressions = body.ConditionExpression != null || body.UpdateExpression != null || body.ExpressionAttributeNames != null || body.ExpressionAttributeValues != null;
  const compiled: CompiledExpressions = !expressions ? {} : compileExpressions({
    ConditionExpression: body.ConditionExpression,
    UpdateExpression: kind === 'Update' ? body.UpdateExpression : undefined,
    ExpressionAttributeNames: body.ExpressionAttributeNames,
    ExpressionAttributeValues: body.ExpressionAttributeValues,
  });
  const table = db.table(body.TableName, MISSING_TABLE);
  if (kind === 'Put') {
    const item = normalizeItem(body.Item);
    let put: WritePlan | CancellationReason;
    try {
      put = planPut(db, OP, table, item, compiled.condition, body.ReturnValuesOnConditionCheckFailure === 'ALL_OLD');
    } catch (e) {
      // The one refusal of a Put that depends on what is stored: its reason, in stage 3.
      if (!(e instanceof DynamoDBError) || e.type !== 'ItemCollectionSizeLimitExceededException') throw e;
      put = collectionReason(e);
    }
    return { kind, body, table, condition: compiled.condition, update: undefined, key: 'Code' in put ? table.keyOf(item) : put.key, put };
  }
  return { kind, body, table, condition: compiled.condition, update: compiled.update, key: parseKey(table, body.Key).encoded, put: undefined };
}

/** Plans one action; a refusal that depends on the stored item comes back as its reason. */
function planAction(db: Database, a: Action): WritePlan | CancellationReason {
  if (a.put !== undefined) return a.put;
  try {
    if (a.kind === 'Update') return planUpdate(db, OP, a.table, a.body.Key, a.update, a.condition);
    const check = a.kind === 'ConditionCheck';
    return planDelete(db, OP, a.table, a.key, a.condition, check || a.body.ReturnValuesOnConditionCheckFailure === 'ALL_OLD', check ? 'check' : 'delete');
  } catch (e) {
    if (e instanceof DynamoDBError && e.type === 'ValidationException') return validationReason(e);
    if (e instanceof DynamoDBError && e.type === 'ItemCollectionSizeLimitExceededException') return collectionReason(e);
    throw e;
  }
}

/** Runs TransactWriteItems; see the header for the order of checks. */
export function transactWrite(db: Database, input: TransactWriteItemsInput): Record<string, unknown> | Promise<Record<string, unknown>> {
  const token = input.ClientRequestToken;
  let print: string | undefined;
  if (token !== undefined) {
    print = fingerprint(input as unknown as Record<string, unknown>);
    const seen = tokensOf(db).lookup(token, print, db.now());
    if (seen?.kind === 'replay') return replay(db, input, seen.result);
    // The first attempt is committed, not yet acknowledged: its acknowledgement (or the log's refusal) answers.
    if (seen?.kind === 'wait') return seen.acknowledged.then(() => replay(db, input, seen.result));
  }

  // 1. The request.
  const actions = input.TransactItems.map((raw) => actionOf(db, raw));

  // 2. One action per item (keys compared as stored, so 1 and 1.0 are one number).
  const seen = new Set<string>();
  for (const a of actions) {
    const id = `${a.table.meta.id}\u0000${a.key}`;
    if (seen.has(id)) throw validation(SAME_ITEM);
    seen.add(id);
  }

  // 3. Plans, and the reasons if any action is refused.
  const planned = actions.map((a) => planAction(db, a));
  let cancelled = false;
  const reasons = planned.map((p, i): CancellationReason => {
    if ('Code' in p) {
      cancelled = true;
      return p;
    }
    if (!p.failed) return NONE;
    cancelled = true;
    return conditionFailed(actions[i]!.body.ReturnValuesOnConditionCheckFailure, p.old);
  });
  if (cancelled) throw transactionCanceled(reasons);
  const plans = planned as WritePlan[];

  // 4. The aggregate size.
  let bytes = 0;
  for (const p of plans) bytes += p.size;
  if (bytes > MAX_TRANSACTION_BYTES) throw validation(`Transaction payload size cannot exceed 4MB. Payload Size: ${bytes}`);

  // 5. Capacity, per table in the order tables first appear.
  const used = chargeActions(db, plans.map((p) => writeAccess(p, true)));

  // 6. One commit. Its token's log record carries the answer (so a retry after a crash or a close
  // gets it too), made once the mutations are applied: ItemCollectionMetrics are of the new sizes.
  let answer: Record<string, unknown> | undefined;
  const answered = () => (answer ??= collectionMetrics(input, plans));
  const done = commitPlans(db, plans, token === undefined ? undefined : () => logged(token, print!, answered()));
  const result = answered();
  if (token !== undefined) tokensOf(db).remember(token, print!, db.now(), { ...result }, done);
  const out: Record<string, unknown> = { ...result };
  const capacity = reportCapacity(input.ReturnConsumedCapacity, used, 'write');
  if (capacity) out.ConsumedCapacity = capacity;
  return done === undefined ? out : done.then(() => out);
}

/** The answer's ItemCollectionMetrics, if asked for (as of the stored items now). */
function collectionMetrics(input: TransactWriteItemsInput, plans: readonly WritePlan[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (input.ReturnItemCollectionMetrics !== 'SIZE') return out;
  const byTable = new Map<Table, WritePlan[]>();
  for (const p of plans) {
    if (p.action === 'check') continue;
    const list = byTable.get(p.table);
    if (list === undefined) byTable.set(p.table, [p]);
    else list.push(p);
  }
  const tables = [...byTable.keys()];
  addBatchItemCollectionMetrics(out, input, tables, tables.map((t) => t.name), tables.map((t) => byTable.get(t)!));
  return out;
}

/**
 * Charges a transaction's item accesses as one: every bucket any of them touches admits before any
 * is charged, so when one is throttled nothing is charged and the transaction is cancelled with a
 * ThrottlingError reason for each throttled action (None for the others). What each table used,
 * in the order the tables first appear.
 */
export function chargeActions(db: Database, accesses: readonly TogetherAccess[]): Map<Table, Consumption> {
  const charged = db.capacity.chargeTogether(accesses);
  if (charged.some((c) => c instanceof DynamoDBError)) {
    throw transactionCanceled(charged.map((c) => (c instanceof DynamoDBError ? throttleReason(c) : NONE)));
  }
  const used = new Map<Table, Consumption>();
  charged.forEach((c, i) => addUsed(used, accesses[i]!.table, c as Consumption));
  return used;
}

/** Adds `c` to what `table` used, keeping the order in which tables first appear. */
export function addUsed(used: Map<Table, Consumption>, table: Table, c: Consumption): void {
  let u = used.get(table);
  if (u === undefined) used.set(table, (u = consumption()));
  addConsumption(u, c);
}

/** ConsumedCapacity of a transaction: one entry per table, in the order the tables first appear. */
export function reportCapacity(mode: string | undefined, used: ReadonlyMap<Table, Consumption>, kind: 'read' | 'write'): Record<string, unknown>[] | undefined {
  if (mode !== 'TOTAL' && mode !== 'INDEXES') return undefined;
  const out: Record<string, unknown>[] = [];
  for (const [table, c] of used) out.push(consumedCapacity(mode, table.name, c, { kind, transactional: true })!);
  return out;
}

/**
 * The answer to a retry of a committed transaction: the first answer, and, if asked for, the read
 * units of checking each item again (DynamoDB: a retry reads, it does not write).
 */
function replay(db: Database, input: TransactWriteItemsInput, result: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...result };
  if (input.ReturnConsumedCapacity !== 'TOTAL' && input.ReturnConsumedCapacity !== 'INDEXES') return out;
  const used = new Map<Table, Consumption>();
  for (const raw of input.TransactItems) {
    const a = actionOf(db, raw);
    const stored = a.table.get(a.key);
    addUsed(used, a.table, consumption(readUnits(stored === undefined ? 0 : encodedItemSize(stored), true, true)));
  }
  out.ConsumedCapacity = reportCapacity(input.ReturnConsumedCapacity, used, 'read');
  return out;
}
