import type { Operation } from './operation';
import { DynamoDBError } from '../errors';
import { catalogOf } from '../backups/catalog';
import { RESTORE_OVERRIDE_MEMBERS, restoredMeta, type RestoreOverrides } from '../backups/overrides';
import { describeCreating } from '../backups/restore';
import { createTableFromReading, refuseTargetInUse } from '../backups/source';
import { BACKUP_ARN, TABLE_NAME, required } from '../validation/members';

interface RestoreTableFromBackupInput extends RestoreOverrides {
  TargetTableName: string;
  BackupArn: string;
}

export const restoreTableFromBackup: Operation<RestoreTableFromBackupInput> = {
  name: 'RestoreTableFromBackup',
  members: { TargetTableName: TABLE_NAME, BackupArn: required(BACKUP_ARN), ...RESTORE_OVERRIDE_MEMBERS },
  run(db, input) {
    const target = input.TargetTableName;
    const backup = catalogOf(db).open(input.BackupArn);
    try {
      refuseTargetInUse(db, target);
      const { entry } = backup;
      const meta = restoredMeta(db, entry.source, target, input, {
        sourceBackupArn: entry.arn,
        sourceTableArn: entry.source.arn,
        restoredAt: entry.createdAt / 1000,
      });
      // The table is CREATING from here (its name reserved) until its items are durable.
      const created = createTableFromReading(db, meta, backup.snapshot().then(({ dictionary, keys, values }) => ({ dictionary, keys, values })));
      created.then(backup.release, (e: unknown) => {
        backup.release();
        console.error(`dynamo-workspace: restoring ${entry.arn} into ${target} failed:`, e);
      });
      return { TableDescription: describeCreating(db, target) };
    } catch (e) {
      backup.release();
      throw e instanceof DynamoDBError ? e : new DynamoDBError('InternalServerError', `The backup could not be read: ${(e as Error).message}`);
    }
  },
};
