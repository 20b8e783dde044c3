// The status-bar warning "$(warning) Orders throttled": shown while a table of a workspace
// database has throttled requests in the last THROTTLE_WINDOW_SECONDS, gone once they stop; a
// click opens that table's capacity panel.
// The engine counts throttles but announces none, so this polls its counters (a few array reads
// per table) every POLL_MS, and only while some workspace database is open in this window.
import * as vscode from 'vscode';
import { metricsOf, throttledTables, throttleSummary, type ThrottledTable } from './capacity-source';
import { COMMANDS } from './commands/ids';
import type { ConnectionManager } from './manager';

export const POLL_MS = 2000;

export class ThrottleStatus implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  private timer: NodeJS.Timeout | undefined;
  private readonly subscriptions: vscode.Disposable[];
  /** What the item shows now (the integration tests read it). */
  throttling: ThrottledTable[] = [];
  /** Whether the item is in the status bar now. */
  shown = false;

  constructor(private readonly manager: ConnectionManager) {
    // just right of the endpoint item (priority 50), which names the same database
    this.item = vscode.window.createStatusBarItem('dynamoWorkspace.throttling', vscode.StatusBarAlignment.Left, 49);
    this.item.name = 'Dynamo Workspace throttling';
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    this.subscriptions = [manager.onDidChange(() => this.schedule())];
    this.schedule();
  }

  /** Polls while a workspace database is open here, and stops (hiding the item) when none is. */
  private schedule(): void {
    const open = this.manager.workspaceDatabases().some((d) => d.state === 'open');
    if (open && !this.timer) this.timer = setInterval(() => this.update(), POLL_MS);
    if (!open && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    this.update();
  }

  update(): void {
    const found: ThrottledTable[] = [];
    for (const db of this.manager.workspaceDatabases()) {
      const connection = db.connection;
      if (!connection) continue;
      const source = metricsOf(connection);
      if (!('metrics' in source)) continue;
      for (const t of throttledTables(source.metrics)) found.push({ connectionId: connection.id, connectionLabel: connection.label, ...t });
    }
    found.sort((a, b) => b.throttled - a.throttled);
    this.throttling = found;
    const summary = throttleSummary(found);
    this.shown = summary !== undefined;
    if (!summary) {
      this.item.hide();
      return;
    }
    this.item.text = summary.text;
    this.item.tooltip = `${summary.lines.join('\n')}\n\nClick to open the capacity chart of ${summary.open.table}.`;
    this.item.accessibilityInformation = { label: `${summary.lines.join('. ')}. Opens the capacity chart.` };
    this.item.command = {
      command: COMMANDS.openCapacity,
      title: 'Open Capacity',
      arguments: [{ connectionId: summary.open.connectionId, tableName: summary.open.table }],
    };
    this.item.show();
  }

  dispose(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
