// The explorer: connections -> tables -> key schema, indexes, stream, TTL, backups, capacity.
import * as vscode from 'vscode';
import { describeError, errorInfo, isUnsupported, type Connection } from './connection';
import type { ConnectionEntry, ConnectionManager } from './manager';
import { billingMode, describeTable, keyElements, listAllTables, projectionText, type TableDescription } from './tables';
import { formatBytes } from '../protocol/capacity';

export type Node =
  | { type: 'connection'; entry: ConnectionEntry }
  | { type: 'table'; connectionId: string; tableName: string }
  | { type: 'detail'; id: string; label: string; description?: string; tooltip?: string; icon: string; contextValue?: string; command?: vscode.Command; children?: Node[] }
  | { type: 'message'; id: string; label: string; icon: string; command?: vscode.Command; tooltip?: string };

export class ExplorerTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly descriptions = new Map<string, TableDescription>();
  private readonly tableNames = new Map<string, string[]>();
  private readonly roots = new Map<string, Node>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly manager: ConnectionManager) {
    this.subscription = manager.onDidChange(() => this.changed.fire(undefined));
  }

  refresh(): void {
    this.descriptions.clear();
    this.tableNames.clear();
    this.changed.fire(undefined);
  }

  /** Cached DescribeTable output of the last tree load. */
  description(connectionId: string, tableName: string): TableDescription | undefined {
    return this.descriptions.get(`${connectionId}\u0000${tableName}`);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.type) {
      case 'connection':
        return this.connectionItem(node.entry);
      case 'table':
        return this.tableItem(node);
      case 'detail': {
        const item = new vscode.TreeItem(node.label, node.children?.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.description = node.description;
        item.tooltip = node.tooltip;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.contextValue = node.contextValue;
        item.command = node.command;
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.command = node.command;
        item.tooltip = node.tooltip;
        item.contextValue = 'message';
        return item;
      }
    }
  }

  private connectionItem(entry: ConnectionEntry): vscode.TreeItem {
    const item = new vscode.TreeItem(entry.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = entry.id;
    const ws = entry.workspace;
    if (ws) {
      item.contextValue = 'connection.workspace';
      item.iconPath = new vscode.ThemeIcon(ws.state === 'failed' ? 'error' : ws.state === 'shared' ? 'link' : 'database');
      const names = this.tableNames.get(entry.id);
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
      item.contextValue = 'connection.remote';
      item.iconPath = new vscode.ThemeIcon('cloud');
      const r = entry.remote!;
      item.description = r.endpoint ?? [r.profile, r.region].filter(Boolean).join(' · ');
      item.tooltip = `${entry.label}: ${[r.endpoint, r.profile && `profile ${r.profile}`, r.region && `region ${r.region}`].filter(Boolean).join(', ')}`;
    }
    return item;
  }

  private tableItem(node: { connectionId: string; tableName: string }): vscode.TreeItem {
    const item = new vscode.TreeItem(node.tableName, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `${node.connectionId}/table/${node.tableName}`;
    item.contextValue = 'table';
    item.iconPath = new vscode.ThemeIcon('table');
    const d = this.description(node.connectionId, node.tableName);
    if (d) {
      const count = d.ItemCount ?? 0;
      item.description = `${count.toLocaleString('en-US')} item${count === 1 ? '' : 's'} · ${formatBytes(d.TableSizeBytes ?? 0)}`;
      const { partition, sort } = keyElements(d, d.KeySchema);
      const md = new vscode.MarkdownString(`**${d.TableName}**\n\n`);
      md.appendMarkdown(`Partition key: \`${partition.name}\` (${partition.type})\n\n`);
      if (sort) md.appendMarkdown(`Sort key: \`${sort.name}\` (${sort.type})\n\n`);
      md.appendMarkdown(`Capacity: ${capacityText(d)}\n\n`);
      md.appendMarkdown(`Status: ${d.TableStatus ?? 'ACTIVE'}`);
      item.tooltip = md;
    }
    item.accessibilityInformation = { label: node.tableName };
    return item;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) {
      // the same node objects every time: VS Code finds elements by identity when one changes
      const roots = this.manager.entries().map((entry) => {
        const cached = this.roots.get(entry.id);
        if (cached && cached.type === 'connection') {
          cached.entry = entry;
          return cached;
        }
        const fresh: Node = { type: 'connection', entry };
        this.roots.set(entry.id, fresh);
        return fresh;
      });
      for (const id of [...this.roots.keys()]) if (!roots.some((r) => r.type === 'connection' && r.entry.id === id)) this.roots.delete(id);
      return roots;
    }
    if (node.type === 'connection') return this.tablesOf(node.entry);
    if (node.type === 'table') return this.detailsOf(node.connectionId, node.tableName);
    if (node.type === 'detail') return node.children ?? [];
    return [];
  }

  getParent(): undefined {
    return undefined;
  }

  private async tablesOf(entry: ConnectionEntry): Promise<Node[]> {
    let connection: Connection;
    try {
      connection = await this.manager.get(entry.id);
    } catch (e) {
      return [{ type: 'message', id: `${entry.id}/error`, label: `Could not open: ${describeError(e)}`, icon: 'error', tooltip: describeError(e) }];
    }
    let names: string[];
    try {
      names = await listAllTables(connection);
    } catch (e) {
      return [{ type: 'message', id: `${entry.id}/error`, label: describeError(e), icon: 'error', command: { command: 'dynamoWorkspace.refresh', title: 'Retry' }, tooltip: 'Click to retry' }];
    }
    const hadNames = this.tableNames.has(entry.id);
    this.tableNames.set(entry.id, names);
    await Promise.all(
      names.map(async (tableName) => {
        try {
          this.descriptions.set(`${entry.id}\u0000${tableName}`, await describeTable(connection, tableName));
        } catch {
          /* listed but not describable (being deleted): shown without details */
        }
      }),
    );
    // the connection row shows the table count: update it once known
    const root = this.roots.get(entry.id);
    if (!hadNames && root) setTimeout(() => this.changed.fire(root), 0);
    if (!names.length) {
      return [{ type: 'message', id: `${entry.id}/empty`, label: 'No tables yet — create one…', icon: 'add', command: { command: 'dynamoWorkspace.createTable', title: 'Create Table', arguments: [{ connectionId: entry.id }] } }];
    }
    return names.map((tableName) => ({ type: 'table', connectionId: entry.id, tableName }));
  }

  private async detailsOf(connectionId: string, tableName: string): Promise<Node[]> {
    const connection = await this.manager.get(connectionId);
    let d: TableDescription;
    try {
      d = await describeTable(connection, tableName);
      this.descriptions.set(`${connectionId}\u0000${tableName}`, d);
    } catch (e) {
      return [{ type: 'message', id: `${connectionId}/${tableName}/error`, label: describeError(e), icon: 'error' }];
    }
    const base = `${connectionId}/table/${tableName}`;
    const out: Node[] = [];
    out.push({
      type: 'detail', id: `${base}/items`, label: 'Items', icon: 'list-flat', description: 'browse, query, edit',
      command: { command: 'dynamoWorkspace.openItems', title: 'Open Items', arguments: [{ connectionId, tableName }] },
      contextValue: 'items',
    });
    const { partition, sort } = keyElements(d, d.KeySchema);
    out.push({ type: 'detail', id: `${base}/pk`, label: partition.name, description: `partition key · ${partition.type}`, icon: 'key' });
    if (sort) out.push({ type: 'detail', id: `${base}/sk`, label: sort.name, description: `sort key · ${sort.type}`, icon: 'list-ordered' });
    const indexes = [...(d.GlobalSecondaryIndexes ?? []).map((ix) => ({ ix, kind: 'GSI' })), ...(d.LocalSecondaryIndexes ?? []).map((ix) => ({ ix, kind: 'LSI' }))];
    out.push({
      type: 'detail', id: `${base}/indexes`, label: 'Indexes', description: indexes.length ? String(indexes.length) : 'none', icon: 'symbol-structure',
      children: indexes.map(({ ix, kind }) => {
        const k = keyElements(d, ix.KeySchema);
        return {
          type: 'detail' as const, id: `${base}/index/${ix.IndexName}`, label: ix.IndexName, icon: kind === 'GSI' ? 'globe' : 'symbol-namespace',
          description: `${kind} · ${k.partition.name}${k.sort ? ` + ${k.sort.name}` : ''} · ${projectionText(ix.Projection)}`,
          tooltip: `${kind === 'GSI' ? 'Global' : 'Local'} secondary index ${ix.IndexName}\nPartition key: ${k.partition.name} (${k.partition.type})${k.sort ? `\nSort key: ${k.sort.name} (${k.sort.type})` : ''}\nProjection: ${projectionText(ix.Projection)}${ix.IndexStatus ? `\nStatus: ${ix.IndexStatus}` : ''}`,
          contextValue: 'index',
          children: [
            { type: 'detail' as const, id: `${base}/index/${ix.IndexName}/pk`, label: k.partition.name, description: `partition key · ${k.partition.type}`, icon: 'key' },
            ...(k.sort ? [{ type: 'detail' as const, id: `${base}/index/${ix.IndexName}/sk`, label: k.sort.name, description: `sort key · ${k.sort.type}`, icon: 'list-ordered' }] : []),
            { type: 'detail' as const, id: `${base}/index/${ix.IndexName}/projection`, label: 'Projection', description: projectionText(ix.Projection), icon: 'eye' },
          ],
        };
      }),
    });
    const stream = d.StreamSpecification?.StreamEnabled ? d.StreamSpecification.StreamViewType ?? 'enabled' : 'off';
    out.push({ type: 'detail', id: `${base}/stream`, label: 'Stream', description: stream, icon: 'pulse', tooltip: d.LatestStreamArn });
    out.push({ type: 'detail', id: `${base}/ttl`, label: 'Time to live', description: await this.ttlText(connection, tableName), icon: 'watch' });
    out.push({ type: 'detail', id: `${base}/backups`, label: 'Backups', description: await this.backupText(connection, tableName), icon: 'history' });
    out.push({ type: 'detail', id: `${base}/capacity`, label: 'Capacity', description: capacityText(d), icon: 'dashboard' });
    return out;
  }

  private async ttlText(connection: Connection, tableName: string): Promise<string> {
    try {
      const out = await connection.send('DescribeTimeToLive', { TableName: tableName });
      const t = out.TimeToLiveDescription ?? {};
      return t.TimeToLiveStatus === 'ENABLED' || t.TimeToLiveStatus === 'ENABLING' ? `${t.AttributeName} (${t.TimeToLiveStatus.toLowerCase()})` : 'off';
    } catch (e) {
      return isUnsupported(e) ? 'not available' : `error: ${errorInfo(e).type}`;
    }
  }

  private async backupText(connection: Connection, tableName: string): Promise<string> {
    try {
      const out = await connection.send('DescribeContinuousBackups', { TableName: tableName });
      const pitr = out.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus;
      return pitr === 'ENABLED' ? 'point-in-time recovery on' : 'point-in-time recovery off';
    } catch (e) {
      return isUnsupported(e) ? 'not available' : `error: ${errorInfo(e).type}`;
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

export function capacityText(d: TableDescription): string {
  if (billingMode(d) === 'PAY_PER_REQUEST') return 'on-demand';
  const p = d.ProvisionedThroughput ?? {};
  return `provisioned · ${p.ReadCapacityUnits ?? 0} RCU / ${p.WriteCapacityUnits ?? 0} WCU`;
}
