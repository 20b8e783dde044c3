// UpdateTable's GlobalSecondaryIndexUpdates (Create, Update, Delete) and the GSI side of a billing
// mode switch, with DynamoDB's checks and messages. Applied to the new table meta the operation is
// building; the background work (backfill, deletion) starts once the change is committed.
import { DynamoDBError, invalidParameter, resourceInUse, validation } from '../errors';
import type { AttributeDefinition, Table, TableMeta } from '../table';
import { throughputChange } from '../capacity/rules';
import { MAX_GSIS, type IndexMeta } from './types';
import { cancelIndexWork } from './backfill';
import { checkGlobalIndex, checkProjectedAttributeTotal, usedDefinitions, type IndexInput } from './validate';

export interface GlobalSecondaryIndexUpdate {
  Create?: IndexInput;
  Update?: { IndexName: string; ProvisionedThroughput?: { ReadCapacityUnits: number; WriteCapacityUnits: number } };
  Delete?: { IndexName: string };
}

export interface IndexUpdateInput {
  TableName: string;
  BillingMode?: 'PROVISIONED' | 'PAY_PER_REQUEST';
  AttributeDefinitions?: AttributeDefinition[];
  GlobalSecondaryIndexUpdates?: GlobalSecondaryIndexUpdate[];
}

const ONE_AT_A_TIME = 'Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table';

function nameOf(u: GlobalSecondaryIndexUpdate): string {
  return (u.Create ?? u.Update ?? u.Delete)!.IndexName;
}

function notFound(index: string, table: string): DynamoDBError {
  return new DynamoDBError('ResourceNotFoundException', `Requested resource not found: Index ${index} for table ${table}`);
}

function inUse(m: IndexMeta): DynamoDBError | undefined {
  if (m.status === 'CREATING') return resourceInUse('Attempt to change a resource which is still in use: Index is being created.');
  if (m.status === 'DELETING') return resourceInUse('Attempt to change a resource which is still in use: Index is being deleted.');
  return undefined;
}

/**
 * Checks the request's index updates against the table and applies them to `meta` (a copy of the
 * table's meta the caller is building; its billing mode already the target one). Returns whether
 * any index changed. Changes nothing but `meta`: the caller calls stopDeletedIndexWork once the
 * whole request is accepted.
 */
export function applyIndexUpdates(table: Table, input: IndexUpdateInput, meta: TableMeta, nowSeconds: number): boolean {
  const updates = input.GlobalSecondaryIndexUpdates;
  const mode = meta.billingMode;
  const switchingToProvisioned = table.meta.billingMode === 'PAY_PER_REQUEST' && mode === 'PROVISIONED';
  if (updates === undefined) {
    if (switchingToProvisioned) requireGsiThroughput(table.meta.indexes ?? [], []);
    return false;
  }
  if (updates.length === 0) throw invalidParameter('List of GlobalSecondaryIndexUpdates is empty');
  for (const u of updates) {
    const actions = (u.Create ? 1 : 0) + (u.Update ? 1 : 0) + (u.Delete ? 1 : 0);
    if (actions === 0) {
      throw invalidParameter('One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null');
    }
    if (actions > 1) throw invalidParameter('Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object');
  }
  const seen = new Set<string>();
  for (const u of updates) {
    const name = nameOf(u);
    if (seen.has(name)) throw invalidParameter(`Only one global secondary index update per index is allowed simultaneously. Index: ${name}`);
    seen.add(name);
  }
  const existing = table.meta.indexes ?? [];
  const structural = updates.filter((u) => u.Create || u.Delete);
  if (structural.length > 1) throw new DynamoDBError('LimitExceededException', ONE_AT_A_TIME);
  if (structural.length === 1) {
    const busy = existing.find((m) => m.kind === 'GSI' && (m.status === 'CREATING' || m.status === 'DELETING'));
    if (busy && busy.name !== nameOf(structural[0])) throw new DynamoDBError('LimitExceededException', ONE_AT_A_TIME);
  }
  let indexes = existing.map((m) => ({ ...m }));
  let defs = meta.attributeDefinitions;
  for (const u of updates) {
    if (u.Create) {
      const c = u.Create;
      const same = indexes.find((m) => m.name === c.IndexName);
      if (same) throw inUse(same) ?? validation('Attempting to create an index which already exists');
      if (input.AttributeDefinitions === undefined) throw invalidParameter(`AttributeDefinitions is not specified for index: ${c.IndexName}`);
      defs = mergeDefinitions(defs, input.AttributeDefinitions);
      const created = checkGlobalIndex(c, defs, mode, 'UpdateTable');
      if (indexes.filter((m) => m.kind === 'GSI').length >= MAX_GSIS) {
        throw new DynamoDBError('LimitExceededException', `GlobalSecondaryIndex count exceeds the per-table limit of ${MAX_GSIS}`);
      }
      checkProjectedAttributeTotal([...indexes, created]);
      created.status = 'CREATING';
      created.addedLater = true;
      created.changedAt = nowSeconds;
      indexes.push(created);
    } else if (u.Update) {
      const name = u.Update.IndexName;
      const i = indexes.findIndex((m) => m.name === name);
      if (i < 0) throw notFound(name, table.name);
      const m = indexes[i];
      if (m.kind !== 'GSI') throw validation(`Cannot update an index that is not a GlobalSecondaryIndex: ${name}`);
      const busy = inUse(m);
      if (busy) throw busy;
      const tp = u.Update.ProvisionedThroughput;
      if (mode === 'PAY_PER_REQUEST') {
        if (tp) throw invalidParameter(`Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for index: ${name} when BillingMode is PAY_PER_REQUEST`);
        throw invalidParameter(`The only Updates for index: ${name} when TableThroughputMode is PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput`);
      }
      if (!tp) throw invalidParameter(`ProvisionedThroughput must be specified for index: ${name}`);
      const wasProvisioned = table.meta.billingMode === 'PROVISIONED';
      if (wasProvisioned && tp.ReadCapacityUnits === m.read && tp.WriteCapacityUnits === m.write) {
        throw validation(
          `The provisioned throughput for the index ${name} will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the index: ${m.read}. Requested ReadCapacityUnits: ${tp.ReadCapacityUnits}. Current WriteCapacityUnits provisioned for the index: ${m.write}. Requested WriteCapacityUnits: ${tp.WriteCapacityUnits}. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.`,
        );
      }
      const next: IndexMeta = { ...m, read: tp.ReadCapacityUnits, write: tp.WriteCapacityUnits };
      if (wasProvisioned) {
        const change = throughputChange(m, tp.ReadCapacityUnits, tp.WriteCapacityUnits, nowSeconds);
        next.lastIncrease = change.lastIncrease;
        next.lastDecrease = change.lastDecrease;
        next.decreasesToday = change.decreasesToday;
      }
      indexes[i] = next;
    } else {
      const name = u.Delete!.IndexName;
      const i = indexes.findIndex((m) => m.name === name);
      if (i < 0) throw notFound(name, table.name);
      const m = indexes[i];
      if (m.kind !== 'GSI') throw validation(`Cannot delete an index that is not a GlobalSecondaryIndex: ${name}`);
      if (m.status === 'DELETING') throw inUse(m)!;
      if (m.status === 'CREATING' && !table.secondary.get(name)?.backfilling) {
        throw resourceInUse('Attempt to change a resource which is still in use: Index is being created but not backfilling.');
      }
      indexes[i] = { ...m, status: 'DELETING', changedAt: nowSeconds };
    }
  }
  if (switchingToProvisioned) requireGsiThroughput(indexes, updates);
  indexes = [...indexes.filter((m) => m.kind === 'LSI'), ...indexes.filter((m) => m.kind === 'GSI')];
  meta.indexes = indexes;
  meta.attributeDefinitions = usedDefinitions(defs, [meta.keySchema, ...indexes.map((m) => m.keySchema)]);
  return true;
}

/** Stops the backfill of indexes the request deletes; only once every check of the request passed. */
export function stopDeletedIndexWork(table: Table, input: IndexUpdateInput): void {
  for (const u of input.GlobalSecondaryIndexUpdates ?? []) if (u.Delete) cancelIndexWork(table, u.Delete.IndexName);
}

/** A switch to PROVISIONED must give every GSI its throughput, in the same request. */
function requireGsiThroughput(indexes: readonly IndexMeta[], updates: readonly GlobalSecondaryIndexUpdate[]): void {
  for (const m of indexes) {
    if (m.kind !== 'GSI' || m.status === 'DELETING') continue;
    const given = updates.some((u) => (u.Update?.IndexName === m.name && u.Update.ProvisionedThroughput) || (u.Create?.IndexName === m.name));
    if (!given) throw invalidParameter(`ProvisionedThroughput must be specified for index: ${m.name}`);
  }
}

/** The table's definitions plus the request's (a redefinition must keep the attribute's type). */
function mergeDefinitions(current: readonly AttributeDefinition[], added: readonly AttributeDefinition[]): AttributeDefinition[] {
  const out = current.map((d) => ({ ...d }));
  const names = new Set<string>();
  for (const d of added) {
    if (names.has(d.AttributeName)) throw invalidParameter('Cannot have two attributes with the same name');
    names.add(d.AttributeName);
    const have = out.find((o) => o.AttributeName === d.AttributeName);
    if (have === undefined) out.push({ AttributeName: d.AttributeName, AttributeType: d.AttributeType });
    else if (have.AttributeType !== d.AttributeType) {
      throw invalidParameter(`Cannot change the type of an existing key attribute: ${d.AttributeName}`);
    }
  }
  return out;
}
