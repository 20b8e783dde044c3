// UpdateContinuousBackups: turns point-in-time recovery on or off for a table (by name or ARN)
// and sets its recovery period (1 to 35 days, 35 by default). Enabling starts the window now;
// changing only the period keeps the window's start. Answers as DescribeContinuousBackups.
import type { Operation } from './operation';
import { validation } from '../errors';
import type { TableMeta } from '../table';
import { DEFAULT_RECOVERY_PERIOD_DAYS, findTable, type PitrSettings } from '../backups/pitr';
import { continuousBackupsDescription } from './describe-continuous-backups';
import { TABLE_NAME_OR_ARN, required } from '../validation/members';

interface UpdateContinuousBackupsInput {
  TableName: string;
  PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: boolean; RecoveryPeriodInDays?: number };
}

export const updateContinuousBackups: Operation<UpdateContinuousBackupsInput> = {
  name: 'UpdateContinuousBackups',
  members: {
    TableName: required(TABLE_NAME_OR_ARN),
    PointInTimeRecoverySpecification: {
      type: 'structure',
      required: true,
      members: {
        PointInTimeRecoveryEnabled: { type: 'boolean', required: true },
        RecoveryPeriodInDays: { type: 'integer', min: 1, max: 35 },
      },
    },
  },
  async run(db, input) {
    const table = findTable(db, { tableName: input.TableName });
    const spec = input.PointInTimeRecoverySpecification;
    if (!spec.PointInTimeRecoveryEnabled && spec.RecoveryPeriodInDays !== undefined) {
      throw validation('RecoveryPeriodInDays can only be specified when PointInTimeRecoveryEnabled is true');
    }
    const current = table.meta.pitr;
    let pitr: PitrSettings | undefined;
    if (spec.PointInTimeRecoveryEnabled) {
      pitr = {
        enabled: true,
        recoveryPeriodInDays: spec.RecoveryPeriodInDays ?? (current?.enabled ? current.recoveryPeriodInDays : DEFAULT_RECOVERY_PERIOD_DAYS),
        enabledAt: current?.enabled ? current.enabledAt : db.now(),
      };
    } else if (current?.enabled) {
      pitr = { ...current, enabled: false };
    }
    if (pitr !== undefined && (pitr.enabled !== current?.enabled || pitr.recoveryPeriodInDays !== current.recoveryPeriodInDays)) {
      const meta: TableMeta = { ...table.meta, pitr };
      await db.commit([{ kind: 'updateTable', tableId: meta.id, meta }]);
    }
    db.pitr.refresh();
    return continuousBackupsDescription(db, table.name);
  },
};
