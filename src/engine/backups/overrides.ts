// The metadata of a table a restore creates (RestoreTableFromBackup, and RestoreTableToPointInTime's
// same override members): the source table's key schema, indexes and settings, with the request's
// overrides of billing mode, throughput and indexes applied.
//
// Invariants: the new table gets a fresh id, ARN and creation time; its indexes are ACTIVE (they
// are rebuilt from the items); tags, streams, TTL and point-in-time recovery are not carried over,
// nor deletion protection, as DynamoDB does; index overrides may only keep or drop the source's
// indexes (same name and key schema), so every item of the source fits the new table's indexes.
// SSESpecificationOverride and OnDemandThroughputOverride are validated and otherwise not used:
// the engine has no encryption settings or on-demand maximums to give the new table.
import type { Database } from '../database';
import { invalidParameter, validation } from '../errors';
import { GLOBAL_SECONDARY_INDEXES, LOCAL_SECONDARY_INDEXES, usedDefinitions, type IndexInput, type IndexMeta } from '../indexes';
import type { RestoreMeta, TableMeta } from '../table';
import { BILLING_MODE, OPAQUE_STRUCTURE, PROVISIONED_THROUGHPUT } from '../validation/members';
import type { Spec } from '../validation/shape';

/** The override members both restore operations take. */
export const RESTORE_OVERRIDE_MEMBERS: Record<string, Spec> = {
  BillingModeOverride: BILLING_MODE,
  GlobalSecondaryIndexOverride: GLOBAL_SECONDARY_INDEXES,
  LocalSecondaryIndexOverride: LOCAL_SECONDARY_INDEXES,
  ProvisionedThroughputOverride: PROVISIONED_THROUGHPUT,
  OnDemandThroughputOverride: OPAQUE_STRUCTURE,
  SSESpecificationOverride: {
    type: 'structure',
    members: { Enabled: { type: 'boolean' }, SSEType: { type: 'string', enum: ['AES256', 'KMS'] }, KMSMasterKeyId: { type: 'string' } },
  },
};

export interface RestoreOverrides {
  BillingModeOverride?: 'PROVISIONED' | 'PAY_PER_REQUEST';
  GlobalSecondaryIndexOverride?: IndexInput[];
  LocalSecondaryIndexOverride?: IndexInput[];
  ProvisionedThroughputOverride?: { ReadCapacityUnits: number; WriteCapacityUnits: number };
}

/** The new table's metadata: `source` renamed `targetName`, `overrides` applied, `restore` recorded. */
export function restoredMeta(db: Database, source: TableMeta, targetName: string, overrides: RestoreOverrides, restore: RestoreMeta): TableMeta {
  const billingMode = overrides.BillingModeOverride ?? source.billingMode;
  const tp = overrides.ProvisionedThroughputOverride;
  if (billingMode === 'PAY_PER_REQUEST' && tp !== undefined) {
    throw invalidParameter('Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST');
  }
  let read = 0;
  let write = 0;
  if (billingMode === 'PROVISIONED') {
    if (tp === undefined && source.billingMode !== 'PROVISIONED') {
      throw invalidParameter('ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED');
    }
    read = tp?.ReadCapacityUnits ?? source.read;
    write = tp?.WriteCapacityUnits ?? source.write;
  }
  const live = (source.indexes ?? []).filter((i) => i.status !== 'DELETING');
  const lsis = kept(live.filter((i) => i.kind === 'LSI'), overrides.LocalSecondaryIndexOverride, 'LocalSecondaryIndexOverride');
  const gsis = kept(live.filter((i) => i.kind === 'GSI'), overrides.GlobalSecondaryIndexOverride, 'GlobalSecondaryIndexOverride');
  const indexes: IndexMeta[] = [...lsis, ...gsis].map(({ index, input }) => {
    const out: IndexMeta = { name: index.name, kind: index.kind, keySchema: index.keySchema, projection: index.projection, status: 'ACTIVE' };
    if (index.kind === 'GSI' && billingMode === 'PROVISIONED') {
      const own = input?.ProvisionedThroughput;
      if (own === undefined && index.read === undefined && tp === undefined) {
        throw invalidParameter(`ProvisionedThroughput should be specified for index: ${index.name} when BillingMode is PROVISIONED`);
      }
      out.read = own?.ReadCapacityUnits ?? index.read ?? read;
      out.write = own?.WriteCapacityUnits ?? index.write ?? write;
    }
    return out;
  });
  return db.newTableMeta({
    name: targetName,
    keySchema: source.keySchema,
    attributeDefinitions: usedDefinitions(source.attributeDefinitions, [source.keySchema, ...indexes.map((i) => i.keySchema)]),
    billingMode,
    read,
    write,
    tableClass: source.tableClass,
    indexes: indexes.length > 0 ? indexes : undefined,
    restore,
  });
}

/** The source's indexes an override keeps (all of them without one), each with its override's input. */
function kept(indexes: IndexMeta[], override: IndexInput[] | undefined, member: string): { index: IndexMeta; input?: IndexInput }[] {
  if (override === undefined) return indexes.map((index) => ({ index }));
  const names = new Set(override.map((i) => i.IndexName));
  if (names.size !== override.length) throw validation(`${member}: an index is named more than once`);
  return override.map((input) => {
    const index = indexes.find((i) => i.name === input.IndexName);
    if (index === undefined) throw validation(`${member}: index ${input.IndexName} is not an index of the source table`);
    if (JSON.stringify(index.keySchema) !== JSON.stringify(input.KeySchema.map((k) => ({ AttributeName: k.AttributeName, KeyType: k.KeyType })))) {
      throw validation(`${member}: the key schema of index ${input.IndexName} does not match the source table's`);
    }
    return { index, input };
  });
}
