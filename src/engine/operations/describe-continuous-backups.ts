// DescribeContinuousBackups: whether point-in-time recovery is on for a table (by name or ARN),
// and the window it can be restored to. Continuous backups themselves are always ENABLED, as in
// DynamoDB. The window is what this database can really restore: when the log's size cap has cut
// history, EarliestRestorableDateTime is later than the recovery period alone would say.
import type { Operation } from './operation';
import type { Database } from '../database';
import { TABLE_NAME_OR_ARN, required } from '../validation/members';
import { findTable, pitrWindow } from '../backups/pitr';

/** The ContinuousBackupsDescription of a table (its PITR state and window, times in epoch seconds). */
export function continuousBackupsDescription(db: Database, tableName: string): Record<string, unknown> {
  const table = db.table(tableName);
  const pitr = table.meta.pitr;
  const window = pitrWindow(db, tableName);
  const description: Record<string, unknown> = { PointInTimeRecoveryStatus: window === undefined ? 'DISABLED' : 'ENABLED' };
  if (window !== undefined && pitr !== undefined) {
    description.RecoveryPeriodInDays = pitr.recoveryPeriodInDays;
    description.EarliestRestorableDateTime = window.earliest / 1000;
    description.LatestRestorableDateTime = window.latest / 1000;
  }
  return { ContinuousBackupsDescription: { ContinuousBackupsStatus: 'ENABLED', PointInTimeRecoveryDescription: description } };
}

export const describeContinuousBackups: Operation<{ TableName: string }> = {
  name: 'DescribeContinuousBackups',
  members: { TableName: required(TABLE_NAME_OR_ARN) },
  run(db, input) {
    const table = findTable(db, { tableName: input.TableName });
    return continuousBackupsDescription(db, table.name);
  },
};
