import type { Operation } from './operation';
import { catalogOf } from '../backups/catalog';
import { backupDetails } from '../backups/description';
import { sourceTable } from '../backups/source';
import { TABLE_NAME_OR_ARN, required } from '../validation/members';

export const createBackup: Operation<{ TableName: string; BackupName: string }> = {
  name: 'CreateBackup',
  members: {
    TableName: required(TABLE_NAME_OR_ARN),
    BackupName: { type: 'string', required: true, min: 3, max: 255, pattern: /^[a-zA-Z0-9_.-]+$/, patternText: '[a-zA-Z0-9_.-]+' },
  },
  run(db, input) {
    const table = sourceTable(db, input.TableName);
    return catalogOf(db)
      .create(table, input.BackupName, 'USER')
      .then((backup) => ({ BackupDetails: backupDetails(backup) }));
  },
};
