// Point-in-time recovery of a table: on or off, the recovery period, and the earliest and latest
// times it can be restored to. Its menu enables or disables it and sets the period (1-35 days).
import * as vscode from 'vscode';
import type { RowFailure } from '../../features';
import { CONTEXT_VALUES } from '../context-values';
import { fullTime, shortTime } from '../format';
import { rowItem } from './detail-node';
import { ExplorerNode, type TableScoped } from './node';

export type PitrState =
  | { kind: 'ok'; enabled: boolean; recoveryPeriodInDays?: number; earliest?: number; latest?: number }
  | RowFailure;

export class PitrNode extends ExplorerNode implements TableScoped {
  readonly type = 'pitr';
  readonly id: string;
  constructor(
    readonly connectionId: string,
    readonly tableName: string,
    parent: string,
    readonly state: PitrState,
  ) {
    super();
    this.id = `${parent}/pitr`;
  }

  treeItem(): vscode.TreeItem {
    const s = this.state;
    const label = 'Point-in-time recovery';
    if (s.kind !== 'ok') return rowItem(this.id, label, 'clock', { description: s.text, tooltip: s.tooltip }, vscode.TreeItemCollapsibleState.None);
    if (!s.enabled) {
      return rowItem(this.id, label, 'clock', { description: 'off', tooltip: 'Point-in-time recovery is off: the table can be restored only from its backups', contextValue: CONTEXT_VALUES.pitrDisabled }, vscode.TreeItemCollapsibleState.None);
    }
    const days = s.recoveryPeriodInDays ?? 35;
    const window = s.earliest !== undefined && s.latest !== undefined ? `${shortTime(s.earliest)} – ${shortTime(s.latest)}` : undefined;
    return rowItem(
      this.id,
      label,
      'clock',
      {
        description: ['on', `${days} day${days === 1 ? '' : 's'}`, window].filter(Boolean).join(' · '),
        tooltip: [
          `Point-in-time recovery is on, with a recovery period of ${days} day${days === 1 ? '' : 's'}.`,
          s.earliest !== undefined && `Earliest restorable: ${fullTime(s.earliest)}`,
          s.latest !== undefined && `Latest restorable: ${fullTime(s.latest)}`,
        ]
          .filter(Boolean)
          .join('\n'),
        contextValue: CONTEXT_VALUES.pitrEnabled,
      },
      vscode.TreeItemCollapsibleState.None,
    );
  }
}
