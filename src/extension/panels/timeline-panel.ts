// The backup/PITR timeline of one table (webview/timeline), answered from here: a snapshot of the
// PITR window, the backups and (workspace database only) the change volume; previews of a second
// (workspace database only); restores into a new table with progress; backups and PITR settings.
//
// Invariants:
// - Everything but the change volume and the preview goes through Connection.send with the wire's
//   shapes, so a remote service answers the same requests; what it lacks (DynamoDB Local has no
//   backups or PITR) becomes a sentence in `unavailable`, never a failed panel.
// - Wire times are epoch seconds; everything handed to the webview is ms (protocol/timeline.ts).
// - One panel per (connection, table) (the panel registry); the snapshot is pushed again after writes to the table's
//   database, at most as often as WorkspaceDatabase.onDidWrite fires.
import * as vscode from 'vscode';
import type { Connection } from '../connection';
import { ConnectionError, describeError, isUnsupported } from '../connection';
import { showMessage } from '../notify';
import { restoreWithProgress } from '../restore-progress';
import { describeTable, keyElements, listAllTables } from '../tables';
import type { EmbeddedConnection, TableHistory } from '../workspace-db';
import { WebviewHost, type Handlers } from './webview-host';
import { panelTitle } from './items-panel';
import { panels } from './registry';
import {
  bucketFor,
  denseSeries,
  type BackupMark,
  type PitrState,
  type PreviewResult,
  type RestoreSource,
  type TimelineHostNotifications,
  type TimelineRequests,
  type TimelineSnapshot,
  type TimelineViewNotifications,
} from '../../protocol/timeline';
import { tableNameProblem } from '../../protocol/names';

export interface TimelinePanelContext {
  extensionUri: vscode.Uri;
  getConnection(id: string): Promise<Connection>;
  /** subscribes to writes on the connection's database (undefined: it cannot tell) */
  onDidWrite(connectionId: string, listener: () => void): vscode.Disposable | undefined;
  /** a table was created or its backups changed: the explorer re-reads it */
  onDidChangeTables(connectionId: string): void;
  /** opens the items panel of a table */
  openItems(connectionId: string, tableName: string): Promise<unknown>;
}

/** At most this many differing items reach the webview per preview. */
export const PREVIEW_LIMIT = 100;
/** Without a PITR window, the chart covers the last hour (and every backup). */
const DEFAULT_SPAN_MS = 3600_000;

export function timelineTitle(tableName: string, connection: Pick<Connection, 'label'>): string {
  return `${panelTitle(tableName, connection)} — timeline`;
}

export class TimelinePanel implements vscode.Disposable {
  static readonly viewType = 'dynamoWorkspace.timeline';
  readonly host: WebviewHost<TimelineRequests, TimelineHostNotifications, TimelineViewNotifications>;
  private readonly disposables: vscode.Disposable[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;
  lastStatus = '';

  static all(): TimelinePanel[] {
    return panels.all<TimelinePanel>(TimelinePanel.viewType);
  }

  static find(connectionId: string, tableName: string): TimelinePanel | undefined {
    return panels.find<TimelinePanel>(TimelinePanel.viewType, { connectionId, tableName });
  }

  /** Built by the panel registry (timeline-registration.ts) on a new or revived webview panel. */
  constructor(
    private readonly ctx: TimelinePanelContext,
    readonly connection: Connection,
    readonly tableName: string,
    panel: vscode.WebviewPanel,
  ) {
    panel.iconPath = { light: vscode.Uri.joinPath(ctx.extensionUri, 'media', 'table-light.svg'), dark: vscode.Uri.joinPath(ctx.extensionUri, 'media', 'table-dark.svg') };
    const title = timelineTitle(tableName, connection);
    this.host = new WebviewHost<TimelineRequests, TimelineHostNotifications, TimelineViewNotifications>(panel, ctx.extensionUri, 'timeline', title, this.handlers(), {
      connectionId: connection.id,
      tableName,
    });
    this.host.onView('status', ({ message }) => (this.lastStatus = message));
    this.disposables.push(this.host);
    const watch = ctx.onDidWrite(connection.id, () => this.scheduleRefresh());
    if (watch) this.disposables.push(watch);
  }

  /** Requests as the webview sends them; also called by the integration tests. */
  readonly handlers = (): Handlers<TimelineRequests> => ({
    ready: () => this.snapshot(),
    refresh: () => this.snapshot(),
    preview: ({ time }) => this.preview(time),
    restore: ({ source, targetName }) => this.restore(source, targetName),
    createBackup: ({ name }) => this.createBackup(name),
    deleteBackup: ({ arn, name }) => this.deleteBackup(arn, name),
    setPitr: ({ enabled, recoveryPeriodInDays }) => this.setPitr(enabled, recoveryPeriodInDays),
  });

  /** The engine's history, which only a workspace connection opened in this process has (read by shape: tests build panels from their own copy of the classes). */
  private get history(): TableHistory | undefined {
    return this.connection.kind === 'workspace' ? (this.connection as Partial<Pick<EmbeddedConnection, 'history'>>).history : undefined;
  }

  /** Why this connection has no change volume or preview, or undefined when it has them. */
  private get noHistory(): string | undefined {
    if (this.history) return undefined;
    if (this.connection.kind === 'shared') return `Another process owns this folder's database; the change volume and previews are shown in the window that owns it`;
    if (this.connection.kind === 'remote') return `${this.connection.label} is a remote connection: the change volume and previews need the workspace database (a restore works here)`;
    return 'This build has no access to the engine history';
  }

  /** Writes come in bursts; one snapshot a second is enough for a chart in buckets of a second or more. */
  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.snapshot().then(
        (s) => this.host.notify('changed', s),
        () => undefined, // the table may be gone; the next request says so
      );
    }, 1000);
  }

  async snapshot(): Promise<TimelineSnapshot> {
    const desc = await describeTable(this.connection, this.tableName);
    const { partition, sort } = keyElements(desc, desc.KeySchema);
    const now = Date.now();
    const unavailable: TimelineSnapshot['unavailable'] = {};
    const [pitr, backups] = await Promise.all([
      this.readPitr().catch((e: unknown) => {
        unavailable.pitr = this.lacks('point-in-time recovery', e);
        return undefined;
      }),
      this.readBackups().catch((e: unknown): BackupMark[] => {
        unavailable.backups = this.lacks('backups', e);
        return [];
      }),
    ]);
    const snapshot: TimelineSnapshot = {
      tableName: this.tableName,
      connectionLabel: this.connection.label,
      keyNames: [partition.name, ...(sort ? [sort.name] : [])],
      now,
      pitr,
      backups,
      unavailable,
    };
    const noHistory = this.noHistory;
    if (noHistory) {
      unavailable.volume = noHistory;
      unavailable.preview = noHistory;
      return snapshot;
    }
    if (pitr?.status !== 'ENABLED') unavailable.preview = 'Turn on point-in-time recovery to preview and restore a second of this table';
    const from = Math.min(pitr?.earliest ?? now - DEFAULT_SPAN_MS, ...snapshot.backups.map((b) => b.created));
    const step = bucketFor(now - from);
    const buckets = await this.history!.volume(this.tableName, { from: Math.floor(from / step) * step, bucketMs: step });
    snapshot.volume = denseSeries(buckets, from, now, step);
    return snapshot;
  }

  /** "X does not offer backups" for a service without the API; the error itself otherwise. */
  private lacks(feature: string, error: unknown): string {
    if (isUnsupported(error)) return `${this.connection.label} does not offer ${feature} (DynamoDB Local, for one, lacks it)`;
    return `Could not read ${feature}: ${describeError(error)}`;
  }

  private async readPitr(): Promise<PitrState> {
    const out = await this.connection.send('DescribeContinuousBackups', { TableName: this.tableName });
    const d = out.ContinuousBackupsDescription?.PointInTimeRecoveryDescription ?? {};
    const state: PitrState = { status: d.PointInTimeRecoveryStatus ?? 'DISABLED' };
    if (typeof d.RecoveryPeriodInDays === 'number') state.recoveryPeriodInDays = d.RecoveryPeriodInDays;
    if (typeof d.EarliestRestorableDateTime === 'number') state.earliest = d.EarliestRestorableDateTime * 1000;
    if (typeof d.LatestRestorableDateTime === 'number') state.latest = d.LatestRestorableDateTime * 1000;
    return state;
  }

  private async readBackups(): Promise<BackupMark[]> {
    const marks: BackupMark[] = [];
    let start: string | undefined;
    do {
      const out = await this.connection.send('ListBackups', { TableName: this.tableName, BackupType: 'ALL', ...(start ? { ExclusiveStartBackupArn: start } : {}) });
      for (const b of out.BackupSummaries ?? []) {
        marks.push({ arn: b.BackupArn, name: b.BackupName, type: b.BackupType, status: b.BackupStatus, created: b.BackupCreationDateTime * 1000, sizeBytes: b.BackupSizeBytes });
      }
      start = out.LastEvaluatedBackupArn;
    } while (start);
    return marks.sort((a, b) => a.created - b.created);
  }

  async preview(time: number): Promise<PreviewResult> {
    const history = this.history;
    if (!history) throw new ConnectionError('UnsupportedOperation', this.noHistory!);
    return history.preview(this.tableName, time, PREVIEW_LIMIT);
  }

  /** Starts the restore, then waits (cancellable) for the new table to be ACTIVE and opens it. */
  async restore(source: RestoreSource, targetName: string): Promise<{ tableName: string; active: boolean }> {
    const problem = tableNameProblem(targetName, await listAllTables(this.connection));
    if (problem) throw new ConnectionError('ValidationException', problem);
    const what = 'time' in source ? `${this.tableName} as of ${new Date(source.time).toLocaleString()}` : `backup ${source.backupName}`;
    const active = await restoreWithProgress(this.connection, {
      title: `Restoring ${what} into ${targetName}`,
      targetName,
      start: () =>
        'time' in source
          ? this.connection.send('RestoreTableToPointInTime', { SourceTableName: this.tableName, TargetTableName: targetName, RestoreDateTime: source.time / 1000 })
          : this.connection.send('RestoreTableFromBackup', { BackupArn: source.backupArn, TargetTableName: targetName }),
      created: () => this.ctx.onDidChangeTables(this.connection.id),
    });
    this.ctx.onDidChangeTables(this.connection.id);
    if (!active) {
      this.lastStatus = `Stopped waiting: ${targetName} is still being restored and appears in the explorer when it is ready`;
      void showMessage('info', this.lastStatus);
      return { tableName: targetName, active: false };
    }
    await this.ctx.openItems(this.connection.id, targetName);
    return { tableName: targetName, active: true };
  }

  async createBackup(name: string): Promise<BackupMark> {
    const out = await this.connection.send('CreateBackup', { TableName: this.tableName, BackupName: name });
    const d = out.BackupDetails;
    this.ctx.onDidChangeTables(this.connection.id);
    this.scheduleRefresh();
    return { arn: d.BackupArn, name: d.BackupName, type: d.BackupType, status: d.BackupStatus, created: d.BackupCreationDateTime * 1000, sizeBytes: d.BackupSizeBytes };
  }

  async deleteBackup(arn: string, name: string): Promise<boolean> {
    const choice = await vscode.window.showWarningMessage(`Delete the backup ${name} of ${this.tableName}? It cannot be restored afterwards.`, { modal: true }, 'Delete');
    if (choice !== 'Delete') return false;
    await this.connection.send('DeleteBackup', { BackupArn: arn });
    this.ctx.onDidChangeTables(this.connection.id);
    this.scheduleRefresh();
    return true;
  }

  async setPitr(enabled: boolean, recoveryPeriodInDays?: number): Promise<TimelineSnapshot> {
    const spec: Record<string, unknown> = { PointInTimeRecoveryEnabled: enabled };
    if (enabled && recoveryPeriodInDays !== undefined) spec.RecoveryPeriodInDays = recoveryPeriodInDays;
    await this.connection.send('UpdateContinuousBackups', { TableName: this.tableName, PointInTimeRecoverySpecification: spec });
    this.ctx.onDidChangeTables(this.connection.id);
    return this.snapshot();
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }
}
