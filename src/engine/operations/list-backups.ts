import type { Operation } from './operation';
import { validation } from '../errors';
import { backupOrder, listBackupSummaries, type BackupTypeFilter } from '../backups/catalog';
import { BACKUP_ARN, TABLE_NAME_OR_ARN, timestamp } from '../validation/members';

interface ListBackupsInput {
  TableName?: string;
  Limit?: number;
  TimeRangeLowerBound?: unknown;
  TimeRangeUpperBound?: unknown;
  ExclusiveStartBackupArn?: string;
  BackupType?: BackupTypeFilter;
}

export const listBackups: Operation<ListBackupsInput> = {
  name: 'ListBackups',
  members: {
    TableName: TABLE_NAME_OR_ARN,
    Limit: { type: 'integer', min: 1, max: 100 },
    TimeRangeLowerBound: { type: 'any' },
    TimeRangeUpperBound: { type: 'any' },
    ExclusiveStartBackupArn: BACKUP_ARN,
    BackupType: { type: 'string', enum: ['USER', 'SYSTEM', 'AWS_BACKUP', 'ALL'] },
  },
  run(db, input) {
    const lower = timestamp(input.TimeRangeLowerBound, 'TimeRangeLowerBound');
    const upper = timestamp(input.TimeRangeUpperBound, 'TimeRangeUpperBound');
    if (lower !== undefined && upper !== undefined && lower > upper) {
      throw validation('TimeRangeUpperBound must be after TimeRangeLowerBound');
    }
    const startArn = input.ExclusiveStartBackupArn;
    // After the start in the listing's order, whether or not that backup still exists.
    const after = startArn === undefined ? undefined : backupOrder(startArn);
    if (startArn !== undefined && after === undefined) throw validation(`Invalid ExclusiveStartBackupArn: ${startArn} is not a backup ARN`);
    const all = listBackupSummaries(db, { tableName: input.TableName, lower, upper, type: input.BackupType, after });
    const limit = input.Limit ?? all.length;
    const page = all.slice(0, limit);
    const out: Record<string, unknown> = { BackupSummaries: page };
    if (all.length > limit) out.LastEvaluatedBackupArn = page[page.length - 1].BackupArn;
    return out;
  },
};
