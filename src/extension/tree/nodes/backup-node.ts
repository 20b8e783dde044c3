// One backup of a table: its name, when it was made, its size and type. An available backup's
// menu restores it to a new table or deletes it.
import * as vscode from 'vscode';
import { CONTEXT_VALUES } from '../context-values';
import { formatBytes, fullTime, shortTime } from '../format';
import { rowItem } from './detail-node';
import { ExplorerNode, type TableScoped } from './node';

/** A ListBackups entry (times in epoch seconds, as on the wire). */
export interface BackupSummary {
  BackupArn: string;
  BackupName: string;
  BackupCreationDateTime?: number;
  BackupExpiryDateTime?: number;
  BackupStatus?: string;
  BackupType?: string;
  BackupSizeBytes?: number;
  TableName?: string;
}

const TYPE_TEXT: Record<string, string> = { USER: 'on-demand', SYSTEM: 'system', AWS_BACKUP: 'AWS Backup' };

export class BackupNode extends ExplorerNode implements TableScoped {
  readonly type = 'backup';
  readonly id: string;
  constructor(
    readonly connectionId: string,
    readonly tableName: string,
    parent: string,
    readonly backup: BackupSummary,
  ) {
    super();
    this.id = `${parent}/backup/${backup.BackupArn}`;
  }

  get backupArn(): string {
    return this.backup.BackupArn;
  }

  get backupName(): string {
    return this.backup.BackupName;
  }

  treeItem(): vscode.TreeItem {
    const b = this.backup;
    const status = b.BackupStatus ?? 'AVAILABLE';
    const type = TYPE_TEXT[b.BackupType ?? 'USER'] ?? (b.BackupType ?? '').toLowerCase();
    return rowItem(
      this.id,
      b.BackupName,
      'archive',
      {
        description: [b.BackupCreationDateTime !== undefined && shortTime(b.BackupCreationDateTime), b.BackupSizeBytes !== undefined && formatBytes(b.BackupSizeBytes), type, status !== 'AVAILABLE' && status.toLowerCase()].filter(Boolean).join(' · '),
        tooltip: [
          `Backup ${b.BackupName} of ${this.tableName} (${type})`,
          b.BackupCreationDateTime !== undefined && `Made: ${fullTime(b.BackupCreationDateTime)}`,
          b.BackupSizeBytes !== undefined && `Size: ${formatBytes(b.BackupSizeBytes)}`,
          `Status: ${status}`,
          b.BackupExpiryDateTime !== undefined && `Expires: ${fullTime(b.BackupExpiryDateTime)}`,
          b.BackupArn,
        ]
          .filter(Boolean)
          .join('\n'),
        // restoring or deleting a backup still being made fails: no menu until it is available
        contextValue: status === 'AVAILABLE' ? CONTEXT_VALUES.backup : undefined,
      },
      vscode.TreeItemCollapsibleState.None,
    );
  }
}
