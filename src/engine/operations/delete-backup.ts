import type { Operation } from './operation';
import { catalogOf } from '../backups/catalog';
import { backupDescription } from '../backups/description';
import { BACKUP_ARN, required } from '../validation/members';

export const deleteBackup: Operation<{ BackupArn: string }> = {
  name: 'DeleteBackup',
  members: { BackupArn: required(BACKUP_ARN) },
  run(db, input) {
    return catalogOf(db)
      .delete(input.BackupArn)
      .then((backup) => ({ BackupDescription: backupDescription({ ...backup, status: 'DELETED' }) }));
  },
};
