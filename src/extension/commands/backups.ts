// Backup and point-in-time recovery commands, from the Backups rows' menus or with plain
// arguments: create a backup, delete one (after a confirmation), restore one to a new table
// (named as DynamoDB requires, `<table>-restored-HHMM` by default; progress shown until the new
// table is ACTIVE; it then shows in the tree and opens), enable or disable point-in-time
// recovery, and set its recovery period (1-35 days). The same APIs serve a remote connection.
import * as vscode from 'vscode';
import { backupTargetOf, confirmed, stringField, targetOf, type BackupTarget } from '../command-args';
import { ConnectionError, type Connection } from '../connection';
import { showMessage } from '../notify';
import { openItemsPanel } from '../panels/items-registration';
import { restoreWithProgress } from '../restore-progress';
import { listAllTables } from '../tables';
import { backupNameProblem, defaultBackupName, recoveryPeriodProblem, restoredTableName, tableNameProblem } from '../../protocol/names';
import { pickers, register, runner, type CommandContext } from './context';
import { COMMANDS } from './ids';
import { itemsPanelContext } from './items';

const refuse = (message: string) => new ConnectionError('ValidationException', message);

export function registerBackupCommands(ctx: CommandContext): vscode.Disposable[] {
  const { manager, tree } = ctx;
  const { pickConnection, pickTable } = pickers(manager);
  const run = runner(ctx.log);

  /** The backup given, or one picked from a table's backups. */
  const pickBackup = async (arg: unknown): Promise<{ connection: Connection; backup: BackupTarget } | undefined> => {
    const given = backupTargetOf(arg);
    if (given) {
      const connection = await pickConnection(given);
      return connection ? { connection, backup: given } : undefined;
    }
    const t = await pickTable(targetOf(arg));
    if (!t) return undefined;
    const out = await t.connection.send('ListBackups', { TableName: t.tableName, BackupType: 'ALL' });
    const summaries = ((out.BackupSummaries ?? []) as { BackupArn: string; BackupName: string; BackupStatus?: string }[]).filter((b) => (b.BackupStatus ?? 'AVAILABLE') === 'AVAILABLE');
    if (!summaries.length) {
      void showMessage('info', `${t.tableName} has no backups.`);
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(summaries.map((b) => ({ label: b.BackupName, description: b.BackupArn, b })), { title: `A backup of ${t.tableName}` });
    return pick ? { connection: t.connection, backup: { connectionId: t.connection.id, tableName: t.tableName, backupArn: pick.b.BackupArn, backupName: pick.b.BackupName } } : undefined;
  };

  const setPitr = async (arg: unknown, enabled: boolean, days?: number) => {
    const t = await pickTable(targetOf(arg));
    if (!t) return undefined;
    const out = await t.connection.send('UpdateContinuousBackups', {
      TableName: t.tableName,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: enabled, ...(days !== undefined ? { RecoveryPeriodInDays: days } : {}) },
    });
    tree.refreshTable(t.connection.id, t.tableName);
    return { t, description: out.ContinuousBackupsDescription?.PointInTimeRecoveryDescription };
  };

  return [
    register(
      COMMANDS.createBackup,
      run(async (arg?: unknown) => {
        const t = await pickTable(targetOf(arg));
        if (!t) return undefined;
        let name = stringField(arg, 'backupName');
        if (name !== undefined && backupNameProblem(name)) throw refuse(backupNameProblem(name)!);
        name ??= await vscode.window.showInputBox({ title: `Back up ${t.tableName}`, prompt: 'Name of the backup', value: defaultBackupName(t.tableName, new Date()), validateInput: backupNameProblem });
        if (!name) return undefined;
        const out = await t.connection.send('CreateBackup', { TableName: t.tableName, BackupName: name });
        tree.refreshTable(t.connection.id, t.tableName);
        void showMessage('info', `Created backup ${name} of ${t.tableName}.`);
        return out.BackupDetails?.BackupArn as string | undefined;
      }),
    ),

    register(
      COMMANDS.deleteBackup,
      run(async (arg?: unknown) => {
        const picked = await pickBackup(arg);
        if (!picked) return false;
        const { connection, backup } = picked;
        const name = backup.backupName ?? backup.backupArn;
        if (!confirmed(arg)) {
          const answer = await vscode.window.showWarningMessage(`Delete backup "${name}"${backup.tableName ? ` of ${backup.tableName}` : ''}?`, { modal: true, detail: 'The table cannot be restored from it afterwards.' }, 'Delete Backup');
          if (answer !== 'Delete Backup') return false;
        }
        const out = await connection.send('DeleteBackup', { BackupArn: backup.backupArn });
        const source = backup.tableName ?? out.BackupDescription?.SourceTableDetails?.TableName;
        if (source) tree.refreshTable(connection.id, source);
        else tree.refresh();
        void showMessage('info', `Deleted backup ${name}.`);
        return true;
      }),
    ),

    register(
      COMMANDS.restoreBackup,
      run(async (arg?: unknown) => {
        const picked = await pickBackup(arg);
        if (!picked) return undefined;
        const { connection, backup } = picked;
        const existing = await listAllTables(connection);
        let source = backup.tableName;
        if (!source) source = (await connection.send('DescribeBackup', { BackupArn: backup.backupArn })).BackupDescription?.SourceTableDetails?.TableName as string;
        let target = stringField(arg, 'targetTableName');
        if (target !== undefined && tableNameProblem(target, existing)) throw refuse(tableNameProblem(target, existing)!);
        target ??= await vscode.window.showInputBox({
          title: `Restore ${backup.backupName ?? 'the backup'} to a new table`,
          prompt: `Name of the new table (${source} itself stays as it is)`,
          value: restoredTableName(source, new Date(), existing),
          validateInput: (v) => tableNameProblem(v, existing),
        });
        if (!target) return undefined;
        const name = target;
        const finished = await restoreWithProgress(connection, {
          title: `Restoring ${backup.backupName ?? source} to ${name}`,
          targetName: name,
          start: () => connection.send('RestoreTableFromBackup', { TargetTableName: name, BackupArn: backup.backupArn }),
          created: () => tree.refresh(),
        });
        tree.refresh();
        if (!finished) {
          void showMessage('info', `${name} is still being restored; it shows in the explorer and can be opened once active.`);
          return name;
        }
        void showMessage('info', `Restored ${backup.backupName ?? 'the backup'} to the new table ${name}.`);
        await openItemsPanel(itemsPanelContext(ctx), connection.id, name);
        return name;
      }),
    ),

    register(
      COMMANDS.enablePitr,
      run(async (arg?: unknown) => {
        const done = await setPitr(arg, true);
        if (done) void showMessage('info', `Point-in-time recovery is on for ${done.t.tableName}.`);
        return done?.description?.PointInTimeRecoveryStatus as string | undefined;
      }),
    ),

    register(
      COMMANDS.disablePitr,
      run(async (arg?: unknown) => {
        const t = await pickTable(targetOf(arg));
        if (!t) return undefined;
        if (!confirmed(arg)) {
          const answer = await vscode.window.showWarningMessage(`Turn off point-in-time recovery for ${t.tableName}?`, { modal: true, detail: 'Its restore window is lost: turning it on again starts a new one from then.' }, 'Turn Off');
          if (answer !== 'Turn Off') return undefined;
        }
        const done = await setPitr({ connectionId: t.connection.id, tableName: t.tableName }, false);
        if (done) void showMessage('info', `Point-in-time recovery is off for ${done.t.tableName}.`);
        return done?.description?.PointInTimeRecoveryStatus as string | undefined;
      }),
    ),

    register(
      COMMANDS.setRecoveryPeriod,
      run(async (arg?: unknown) => {
        const t = targetOf(arg);
        const given = arg && typeof arg === 'object' && !('type' in arg) ? (arg as { days?: unknown }).days : undefined;
        let text = given === undefined ? undefined : String(given);
        if (text !== undefined && recoveryPeriodProblem(text)) throw refuse(recoveryPeriodProblem(text)!);
        text ??= await vscode.window.showInputBox({ title: `Recovery period${t.tableName ? ` of ${t.tableName}` : ''}`, prompt: 'Days of history point-in-time recovery keeps (1 to 35)', value: '35', validateInput: recoveryPeriodProblem });
        if (!text) return undefined;
        const done = await setPitr(arg, true, Number(text.trim()));
        if (done) void showMessage('info', `Point-in-time recovery of ${done.t.tableName} keeps ${done.description?.RecoveryPeriodInDays ?? Number(text)} days.`);
        return done?.description?.RecoveryPeriodInDays as number | undefined;
      }),
    ),
  ];
}
