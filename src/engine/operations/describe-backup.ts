import type { Operation } from './operation';
import { catalogOf } from '../backups/catalog';
import { backupDescription } from '../backups/description';
import { BACKUP_ARN, required } from '../validation/members';

export const describeBackup: Operation<{ BackupArn: string }> = {
  name: 'DescribeBackup',
  members: { BackupArn: required(BACKUP_ARN) },
  run(db, input) {
    return { BackupDescription: backupDescription(catalogOf(db).get(input.BackupArn)) };
  },
};
