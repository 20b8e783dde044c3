// A connection row: the workspace database of a folder, or a remote service. Its children are the
// tables it lists (or a message saying why it cannot list them).
import * as vscode from 'vscode';
import { describeError, type Connection } from '../../connection';
import type { ConnectionEntry } from '../../manager';
import { describeTable, listAllTables } from '../../tables';
import { COMMANDS } from '../../commands/ids';
import { CONTEXT_VALUES } from '../context-values';
import { MessageNode } from './message-node';
import { ExplorerNode, type TreeContext } from './node';

export class ConnectionNode extends ExplorerNode {
  readonly type = 'connection';
  constructor(public entry: ConnectionEntry) {
    super();
  }

  get id(): string {
    return this.entry.id;
  }

  treeItem(tree: TreeContext): vscode.TreeItem {
    const entry = this.entry;
    const item = new vscode.TreeItem(entry.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = entry.id;
    const ws = entry.workspace;
    if (ws) {
      item.contextValue = CONTEXT_VALUES.workspaceConnection;
      item.iconPath = new vscode.ThemeIcon(ws.state === 'failed' ? 'error' : ws.state === 'shared' ? 'link' : 'database');
      const names = tree.tableNames(entry.id);
      const endpoint = ws.endpoint;
      item.description = [ws.state === 'shared' ? 'shared' : ws.state === 'failed' ? 'failed to open' : undefined, endpoint?.replace(/^https?:\/\//, ''), names && `${names.length} table${names.length === 1 ? '' : 's'}`]
        .filter(Boolean)
        .join(' · ');
      const md = new vscode.MarkdownString(`**${entry.label}** — workspace database\n\n`);
      md.appendMarkdown(`Data folder: \`${ws.dir}\`\n\n`);
      if (endpoint) md.appendMarkdown(`Endpoint: \`${endpoint}\`${ws.endpointNote ? ` (${ws.endpointNote})` : ''}\n\n`);
      if (ws.error) md.appendMarkdown(`Error: ${ws.error}`);
      item.tooltip = md;
    } else {
      item.contextValue = CONTEXT_VALUES.remoteConnection;
      item.iconPath = new vscode.ThemeIcon('cloud');
      const r = this.entry.remote!;
      item.description = r.endpoint ?? [r.profile, r.region].filter(Boolean).join(' · ');
      item.tooltip = `${entry.label}: ${[r.endpoint, r.profile && `profile ${r.profile}`, r.region && `region ${r.region}`].filter(Boolean).join(', ')}`;
    }
    return item;
  }

  override async children(tree: TreeContext): Promise<ExplorerNode[]> {
    const entry = this.entry;
    let connection: Connection;
    try {
      connection = await tree.manager.get(entry.id);
    } catch (e) {
      return [new MessageNode(`${entry.id}/error`, `Could not open: ${describeError(e)}`, 'error', { tooltip: describeError(e) })];
    }
    let names: string[];
    try {
      names = await listAllTables(connection);
    } catch (e) {
      return [new MessageNode(`${entry.id}/error`, describeError(e), 'error', { command: { command: COMMANDS.refresh, title: 'Retry' }, tooltip: 'Click to retry' })];
    }
    await Promise.all(
      names.map(async (tableName) => {
        try {
          tree.remember(entry.id, await describeTable(connection, tableName));
        } catch {
          /* listed but not describable (being deleted): shown without details */
        }
      }),
    );
    const rows = tree.setTables(entry, names);
    if (!names.length) {
      return [new MessageNode(`${entry.id}/empty`, 'No tables yet — create one…', 'add', { command: { command: COMMANDS.createTable, title: 'Create Table', arguments: [{ connectionId: entry.id }] } })];
    }
    return rows;
  }
}
