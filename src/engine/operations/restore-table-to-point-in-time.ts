// RestoreTableToPointInTime: a new table holding the source table (by name or ARN) exactly as it
// was at RestoreDateTime (or now, with UseLatestRestorableTime), with the overrides of
// RestoreTableFromBackup. Answers at once with the new table CREATING and its RestoreSummary; the
// table becomes ACTIVE once its items are durable (backups/restore.ts). Tags, streams, TTL and PITR
// are not copied. Unlike DynamoDB (about 5 minutes behind), the latest restorable time is now.
import type { Operation } from './operation';
import { validation } from '../errors';
import { restorableTable, stateAtSliced, whenSettled } from '../backups/pitr';
import { RESTORE_OVERRIDE_MEMBERS, restoredMeta, type RestoreOverrides } from '../backups/overrides';
import { createTableWithItems, describeCreating } from '../backups/restore';
import { refuseTargetInUse } from '../backups/source';
import { TABLE_NAME, TABLE_NAME_OR_ARN, timestamp } from '../validation/members';

interface RestoreTableToPointInTimeInput extends RestoreOverrides {
  SourceTableArn?: string;
  SourceTableName?: string;
  TargetTableName: string;
  UseLatestRestorableTime?: boolean;
  RestoreDateTime?: unknown;
}

export const restoreTableToPointInTime: Operation<RestoreTableToPointInTimeInput> = {
  name: 'RestoreTableToPointInTime',
  members: {
    SourceTableArn: TABLE_NAME_OR_ARN,
    SourceTableName: { ...TABLE_NAME, required: false },
    TargetTableName: TABLE_NAME,
    UseLatestRestorableTime: { type: 'boolean' },
    RestoreDateTime: { type: 'any' },
    ...RESTORE_OVERRIDE_MEMBERS,
  },
  async run(db, input) {
    const restoreSeconds = timestamp(input.RestoreDateTime, 'RestoreDateTime');
    if (input.SourceTableArn === undefined && input.SourceTableName === undefined) throw validation('Either SourceTableArn or SourceTableName must be specified');
    if (input.SourceTableArn !== undefined && input.SourceTableName !== undefined) {
      throw validation('Only one of SourceTableArn or SourceTableName can be specified');
    }
    const latest = input.UseLatestRestorableTime === true;
    if (latest && restoreSeconds !== undefined) throw validation('Only one of RestoreDateTime or UseLatestRestorableTime can be specified');
    if (!latest && restoreSeconds === undefined) throw validation('RestoreDateTime must be specified when UseLatestRestorableTime is not true');
    // Every write so far must be in the history before it is read; the read itself goes in
    // slices (stateAtSliced), so the event loop serves other requests meanwhile.
    await whenSettled(db);
    const time = latest ? db.now() : restoreSeconds! * 1000;
    refuseTargetInUse(db, input.TargetTableName);
    const source = restorableTable(db, input.SourceTableArn !== undefined ? { tableArn: input.SourceTableArn } : { tableName: input.SourceTableName }, time);
    const then = await stateAtSliced(db, source, time);
    // The target may have been taken while the history was read.
    refuseTargetInUse(db, input.TargetTableName);
    const meta = restoredMeta(db, then.meta, input.TargetTableName, input, { sourceTableArn: then.meta.arn, restoredAt: time / 1000 });
    // The table is CREATING from here (its name reserved) until its items are durable.
    createTableWithItems(db, meta, then.contents, { origin: 'restore', restoredFrom: { table: source, time } }).catch((e: unknown) => {
      console.error(`dynamo-workspace: restoring ${then.meta.name} to ${new Date(time).toISOString()} into ${input.TargetTableName} failed:`, e);
    });
    return { TableDescription: describeCreating(db, input.TargetTableName) };
  },
};
