// The status bar entry of the workspace database: endpoint, table count, click for actions.
import * as vscode from 'vscode';
import { COMMANDS } from './commands/ids';
import type { ConnectionManager } from './manager';
import { listAllTables } from './tables';

export class EndpointStatus implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  private readonly subscriptions: vscode.Disposable[];
  private refreshing: Promise<void> | undefined;
  private again = false;

  constructor(private readonly manager: ConnectionManager) {
    this.item = vscode.window.createStatusBarItem('dynamoWorkspace.endpoint', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Dynamo Workspace endpoint';
    this.item.command = COMMANDS.statusActions;
    // writes from any client can create or delete tables
    this.subscriptions = [manager.onDidChange(() => void this.update()), manager.onDidWrite(() => void this.update())];
    void this.update();
  }

  update(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = this.render().finally(() => {
      this.refreshing = undefined;
      if (this.again) {
        this.again = false;
        void this.update();
      }
    });
    return this.refreshing;
  }

  private async render(): Promise<void> {
    const dbs = this.manager.workspaceDatabases();
    const open = dbs.filter((d) => d.connection);
    if (!open.length) {
      const opening = dbs.some((d) => d.state === 'opening');
      const failed = dbs.find((d) => d.state === 'failed');
      if (!dbs.length || (!opening && !failed)) {
        this.item.hide();
        return;
      }
      this.item.text = failed ? '$(error) DynamoDB' : '$(loading~spin) DynamoDB';
      this.item.tooltip = failed ? `Workspace database failed to open: ${failed.error}` : 'Opening the workspace database…';
      this.item.show();
      return;
    }
    const db = open[0]!;
    let tables = '';
    try {
      const names = await listAllTables(db.connection!);
      tables = ` · ${names.length} table${names.length === 1 ? '' : 's'}`;
    } catch {
      /* keep the endpoint visible even if listing fails */
    }
    const endpoint = db.endpoint?.replace(/^https?:\/\//, '') ?? 'no endpoint';
    this.item.text = `$(database) ${endpoint}${tables}`;
    const md = new vscode.MarkdownString(`**Dynamo Workspace** — ${db.label}${db.state === 'shared' ? ' (shared with another window)' : ''}\n\n`);
    md.appendMarkdown(`Endpoint: \`${db.endpoint ?? 'not serving'}\`${db.endpointNote ? ` — ${db.endpointNote}` : ''}\n\n`);
    md.appendMarkdown(`Data: \`${db.dir}\`\n\nClick for actions`);
    this.item.tooltip = md;
    this.item.accessibilityInformation = { label: `Dynamo Workspace endpoint ${endpoint}${tables}` };
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
