import type { Operation } from './operation';
import { invalidParameter, validation } from '../errors';
import { ATTRIBUTE_DEFINITIONS, BILLING_MODE, OPAQUE_STRUCTURE, PROVISIONED_THROUGHPUT, TABLE_CLASS, TABLE_NAME } from '../validation/members';
import type { TableMeta } from '../table';
import { GLOBAL_SECONDARY_INDEX_UPDATES, applyIndexUpdates, startIndexWork, stopDeletedIndexWork, type IndexUpdateInput } from '../indexes';
import { payPerRequestSwitch, throughputChange } from '../capacity/rules';
import { checkThroughputQuotas } from '../capacity/quotas';
import { STREAM_SPECIFICATION, checkStreamSpecification, streamsAfter, type StreamSpecificationInput } from '../streams/specification';
import { refuseWhileCreating } from '../backups/restore';

interface UpdateTableInput {
  TableName: string;
  BillingMode?: 'PROVISIONED' | 'PAY_PER_REQUEST';
  ProvisionedThroughput?: { ReadCapacityUnits: number; WriteCapacityUnits: number };
  TableClass?: 'STANDARD' | 'STANDARD_INFREQUENT_ACCESS';
  DeletionProtectionEnabled?: boolean;
  AttributeDefinitions?: unknown[];
  GlobalSecondaryIndexUpdates?: unknown[];
  StreamSpecification?: StreamSpecificationInput;
  SSESpecification?: unknown;
  ReplicaUpdates?: unknown[];
}

export const updateTable: Operation<UpdateTableInput> = {
  name: 'UpdateTable',
  members: {
    TableName: TABLE_NAME,
    BillingMode: BILLING_MODE,
    ProvisionedThroughput: PROVISIONED_THROUGHPUT,
    TableClass: TABLE_CLASS,
    DeletionProtectionEnabled: { type: 'boolean' },
    AttributeDefinitions: ATTRIBUTE_DEFINITIONS,
    GlobalSecondaryIndexUpdates: GLOBAL_SECONDARY_INDEX_UPDATES,
    StreamSpecification: STREAM_SPECIFICATION,
    SSESpecification: OPAQUE_STRUCTURE,
    ReplicaUpdates: { type: 'list' },
  },
  run(db, input) {
    const changes = input.BillingMode ?? input.ProvisionedThroughput ?? input.TableClass ?? input.DeletionProtectionEnabled ??
      input.GlobalSecondaryIndexUpdates ?? input.StreamSpecification ?? input.SSESpecification ?? input.ReplicaUpdates;
    if (changes === undefined) {
      throw validation(
        'At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required',
      );
    }
    if (input.ReplicaUpdates?.length) {
      throw validation('Replica updates (global tables) are not supported by this version of Dynamo Workspace');
    }
    refuseWhileCreating(db, input.TableName);
    const table = db.table(input.TableName, `Requested resource not found: Table: ${input.TableName} not found`);
    const current = table.meta;
    if (input.StreamSpecification !== undefined) {
      if (input.ProvisionedThroughput !== undefined) throw validation('Cannot change IOPS and Streams at the same time.');
      checkStreamSpecification(input.StreamSpecification, current);
    }
    const meta: TableMeta = { ...current };
    const nowSeconds = db.now() / 1000;
    const mode = input.BillingMode ?? current.billingMode;
    const tp = input.ProvisionedThroughput;
    if (mode === 'PAY_PER_REQUEST') {
      if (tp) throw invalidParameter('Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST');
      if (current.billingMode !== 'PAY_PER_REQUEST') {
        // At most 4 switches to on-demand in any 24 hours (capacity/rules.ts).
        const switches = payPerRequestSwitch(current.extra?.payPerRequestSwitches as number[] | undefined, nowSeconds);
        meta.extra = { ...current.extra, payPerRequestSwitches: switches };
        meta.billingMode = 'PAY_PER_REQUEST';
        meta.lastUpdateToPayPerRequest = nowSeconds;
      }
    } else {
      if (current.billingMode === 'PAY_PER_REQUEST' && !tp) {
        throw invalidParameter('ProvisionedThroughput must be specified when BillingMode is PROVISIONED');
      }
      if (tp) {
        if (current.billingMode === 'PROVISIONED' && tp.ReadCapacityUnits === current.read && tp.WriteCapacityUnits === current.write &&
          input.BillingMode === undefined && input.TableClass === undefined && input.DeletionProtectionEnabled === undefined && input.GlobalSecondaryIndexUpdates === undefined) {
          throw validation(
            `The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnitsForTable: ${current.read} Current WriteCapacityUnitsForTable: ${current.write} Requested ReadCapacityUnitsForTable: ${tp.ReadCapacityUnits} Requested WriteCapacityUnitsForTable: ${tp.WriteCapacityUnits}. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.`,
          );
        }
        if (current.billingMode === 'PROVISIONED') {
          // Increases any time; decreases 4 per UTC day, then one an hour (capacity/rules.ts).
          const change = throughputChange(current, tp.ReadCapacityUnits, tp.WriteCapacityUnits, nowSeconds);
          meta.lastIncrease = change.lastIncrease;
          meta.lastDecrease = change.lastDecrease;
          meta.decreasesToday = change.decreasesToday!;
        }
        meta.billingMode = 'PROVISIONED';
        meta.read = tp.ReadCapacityUnits;
        meta.write = tp.WriteCapacityUnits;
      }
    }
    if (input.TableClass) meta.tableClass = input.TableClass;
    if (input.DeletionProtectionEnabled !== undefined) meta.deletionProtection = input.DeletionProtectionEnabled;
    applyIndexUpdates(table, input as unknown as IndexUpdateInput, meta, nowSeconds);
    checkThroughputQuotas(db, meta, current);
    stopDeletedIndexWork(table, input as unknown as IndexUpdateInput);
    // Read right before the commit: this record's lsn enables or disables the stream.
    if (input.StreamSpecification !== undefined) meta.streams = streamsAfter(db, meta, input.StreamSpecification, db.nextLsn) ?? meta.streams;
    const done = db.commit([{ kind: 'updateTable', tableId: meta.id, meta }]);
    startIndexWork(db, table);
    db.capacity.state(table); // the new throughput applies from now on
    return done.then(() => ({ TableDescription: table.describe('UPDATING') }));
  },
};
