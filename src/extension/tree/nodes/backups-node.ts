// A table's Backups: its point-in-time recovery state first, then each on-demand or system
// backup, newest first (ListBackups, DescribeContinuousBackups). Where the database lacks these
// APIs (DynamoDB Local) the rows say so instead of failing. "Create Backup" is in its menu.
import * as vscode from 'vscode';
import type { Connection } from '../../connection';
import { rowFailure, type RowFailure } from '../../features';
import { COMMANDS } from '../../commands/ids';
import { CONTEXT_VALUES } from '../context-values';
import { BackupNode, type BackupSummary } from './backup-node';
import { rowItem } from './detail-node';
import { MessageNode } from './message-node';
import { ExplorerNode, type TableScoped } from './node';
import { PitrNode, type PitrState } from './pitr-node';

/** ListBackups pages read at most (100 backups each). */
const MAX_PAGES = 10;

export type BackupList = { kind: 'ok'; backups: BackupSummary[]; more: boolean } | RowFailure;

async function listBackups(connection: Connection, tableName: string): Promise<BackupList> {
  try {
    const backups: BackupSummary[] = [];
    let start: string | undefined;
    let pages = 0;
    do {
      const out = await connection.send('ListBackups', { TableName: tableName, BackupType: 'ALL', ...(start ? { ExclusiveStartBackupArn: start } : {}) });
      backups.push(...((out.BackupSummaries ?? []) as BackupSummary[]));
      start = out.LastEvaluatedBackupArn;
    } while (start && ++pages < MAX_PAGES);
    backups.sort((a, b) => (b.BackupCreationDateTime ?? 0) - (a.BackupCreationDateTime ?? 0));
    return { kind: 'ok', backups, more: !!start };
  } catch (e) {
    return rowFailure(connection, e, 'backups');
  }
}

async function readPitr(connection: Connection, tableName: string): Promise<PitrState> {
  try {
    const out = await connection.send('DescribeContinuousBackups', { TableName: tableName });
    const p = out.ContinuousBackupsDescription?.PointInTimeRecoveryDescription ?? {};
    return {
      kind: 'ok',
      enabled: p.PointInTimeRecoveryStatus === 'ENABLED',
      recoveryPeriodInDays: p.RecoveryPeriodInDays,
      earliest: p.EarliestRestorableDateTime,
      latest: p.LatestRestorableDateTime,
    };
  } catch (e) {
    return rowFailure(connection, e, 'point-in-time recovery');
  }
}

export class BackupsNode extends ExplorerNode implements TableScoped {
  readonly type = 'backups';
  readonly id: string;
  constructor(
    readonly connectionId: string,
    readonly tableName: string,
    base: string,
    readonly pitr: PitrState,
    readonly list: BackupList,
  ) {
    super();
    this.id = `${base}/backups`;
  }

  /** Reads both; never throws (a failure becomes the rows' text). */
  static async load(connection: Connection, tableName: string, base: string): Promise<BackupsNode> {
    const [pitr, list] = await Promise.all([readPitr(connection, tableName), listBackups(connection, tableName)]);
    return new BackupsNode(connection.id, tableName, base, pitr, list);
  }

  treeItem(): vscode.TreeItem {
    const { pitr, list } = this;
    const parts: string[] = [];
    if (list.kind === 'ok') parts.push(`${list.backups.length}${list.more ? '+' : ''} backup${list.backups.length === 1 ? '' : 's'}`);
    if (pitr.kind === 'ok') parts.push(`point-in-time recovery ${pitr.enabled ? 'on' : 'off'}`);
    // neither API: one plain sentence instead of two
    const missing = list.kind !== 'ok' && pitr.kind !== 'ok' ? list : undefined;
    return rowItem(
      this.id,
      'Backups',
      'history',
      {
        description: missing ? missing.text : parts.join(' · ') || (list.kind !== 'ok' ? list.text : ''),
        tooltip: missing ? missing.tooltip : list.kind !== 'ok' ? list.tooltip : undefined,
        contextValue: list.kind === 'ok' ? CONTEXT_VALUES.backups : undefined,
      },
      missing ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Collapsed,
    );
  }

  override children(): ExplorerNode[] {
    const { pitr, list } = this;
    if (list.kind !== 'ok' && pitr.kind !== 'ok') return [];
    const rows: ExplorerNode[] = [new PitrNode(this.connectionId, this.tableName, this.id, pitr)];
    if (list.kind === 'ok') {
      rows.push(...list.backups.map((b) => new BackupNode(this.connectionId, this.tableName, this.id, b)));
      if (list.more) rows.push(new MessageNode(`${this.id}/more`, `More backups than the ${list.backups.length} shown`, 'ellipsis'));
      if (!list.backups.length) rows.push(new MessageNode(`${this.id}/none`, 'No backups yet — create one…', 'add', { command: { command: COMMANDS.createBackup, title: 'Create Backup', arguments: [{ connectionId: this.connectionId, tableName: this.tableName }] } }));
    } else {
      rows.push(new MessageNode(`${this.id}/unavailable`, `Backups: ${list.text}`, list.kind === 'missing' ? 'info' : 'error', { tooltip: list.tooltip }));
    }
    return rows;
  }
}
