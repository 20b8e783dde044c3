// The explorer: connections -> tables -> key schema, indexes, stream, TTL, backups, capacity.
// Table rows keep their node objects (VS Code finds an element to update by identity), so the
// workspace database's writes, from any client, update the counts of just the rows they touched.
// Remote figures are DescribeTable's, which DynamoDB refreshes about every six hours: their rows
// say when they were fetched.
import * as vscode from 'vscode';
import { describeError, errorInfo, isUnsupported, type Connection } from './connection';
import { NOT_YET_AVAILABLE, NOT_YET_AVAILABLE_SHORT, streamsMissing } from './features';
import type { ConnectionEntry, ConnectionManager } from './manager';
import { billingMode, describeTable, keyElements, listAllTables, projectionText, type TableDescription } from './tables';
import { ON_DEMAND_PRICE, formatBytes, formatDollars, formatEstimate } from '../protocol/capacity';
import { PRICE_BASIS, monthlyText, provisionedMonthly } from '../protocol/pricing';

/**
 * Every contextValue the tree gives a row, each used by a `viewItem` clause of package.json's
 * menus (activation.test.ts checks both ways). Rows without menus get none.
 */
export const CONTEXT_VALUES = {
  workspaceConnection: 'connection.workspace',
  remoteConnection: 'connection.remote',
  table: 'table',
} as const;

const timeOfDay = (t: number, seconds: boolean) => new Date(t).toTimeString().slice(0, seconds ? 8 : 5);

export type Node =
  | { type: 'connection'; entry: ConnectionEntry }
  | { type: 'table'; connectionId: string; tableName: string }
  | { type: 'detail'; id: string; label: string; description?: string; tooltip?: string; icon: string; command?: vscode.Command; children?: Node[] }
  | { type: 'message'; id: string; label: string; icon: string; command?: vscode.Command; tooltip?: string };

export class ExplorerTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly descriptions = new Map<string, TableDescription>();
  private readonly tableNames = new Map<string, string[]>();
  /** when each description was fetched, for "as of" on remote connections */
  private readonly describedAt = new Map<string, number>();
  private readonly roots = new Map<string, Node>();
  private readonly tableNodes = new Map<string, Node>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly manager: ConnectionManager) {
    this.subscriptions = [
      manager.onDidChange(() => this.changed.fire(undefined)),
      manager.onDidWrite((connectionId) => void this.followWrites(connectionId)),
    ];
  }

  refresh(): void {
    this.descriptions.clear();
    this.tableNames.clear();
    this.changed.fire(undefined);
  }

  private key(connectionId: string, tableName: string): string {
    return `${connectionId}\u0000${tableName}`;
  }

  private remember(connectionId: string, d: TableDescription): void {
    const key = this.key(connectionId, d.TableName);
    this.descriptions.set(key, d);
    this.describedAt.set(key, Date.now());
  }

  /**
   * After writes to a connection (already debounced by the database): re-list its tables if the
   * tree has shown them, re-describe the tables shown, and tell VS Code about the rows whose
   * figures moved. Nothing is fetched for a connection the tree has not loaded.
   */
  private async followWrites(connectionId: string): Promise<void> {
    const shown = this.tableNames.get(connectionId);
    if (!shown) return;
    let connection: Connection;
    let names: string[];
    try {
      connection = await this.manager.get(connectionId);
      names = await listAllTables(connection);
    } catch {
      return;
    }
    if (names.join('\u0000') !== shown.join('\u0000')) {
      this.tableNames.set(connectionId, names);
      const root = this.roots.get(connectionId);
      this.changed.fire(root);
      return; // the root's children are fetched (and described) again
    }
    await Promise.all(
      names.map(async (tableName) => {
        const key = this.key(connectionId, tableName);
        const before = this.descriptions.get(key);
        const node = this.tableNodes.get(key);
        if (!before || !node) return;
        try {
          const d = await describeTable(connection, tableName);
          this.remember(connectionId, d);
          if (d.ItemCount !== before.ItemCount || d.TableSizeBytes !== before.TableSizeBytes || d.TableStatus !== before.TableStatus) this.changed.fire(node);
        } catch {
          /* deleted meanwhile: the next listing drops it */
        }
      }),
    );
  }

  /** Cached DescribeTable output of the last tree load. */
  description(connectionId: string, tableName: string): TableDescription | undefined {
    return this.descriptions.get(this.key(connectionId, tableName));
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
        item.command = node.command;
        // VS Code reads a string tooltip in place of the label: say the row's name first
        item.accessibilityInformation = { label: [node.label, node.description, node.tooltip].filter(Boolean).join(', ') };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.command = node.command;
        item.tooltip = node.tooltip;
        return item;
      }
    }
  }

  private connectionItem(entry: ConnectionEntry): vscode.TreeItem {
    const item = new vscode.TreeItem(entry.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = entry.id;
    const ws = entry.workspace;
    if (ws) {
      item.contextValue = CONTEXT_VALUES.workspaceConnection;
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
      item.contextValue = CONTEXT_VALUES.remoteConnection;
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
    item.contextValue = CONTEXT_VALUES.table;
    item.iconPath = new vscode.ThemeIcon('table');
    const d = this.description(node.connectionId, node.tableName);
    if (d) {
      const count = d.ItemCount ?? 0;
      const figures = `${count.toLocaleString('en-US')} item${count === 1 ? '' : 's'} · ${formatBytes(d.TableSizeBytes ?? 0)}`;
      const remote = node.connectionId.startsWith('remote:');
      const at = this.describedAt.get(this.key(node.connectionId, node.tableName)) ?? Date.now();
      item.description = remote ? `${figures} · as of ${timeOfDay(at, false)}` : figures;
      const { partition, sort } = keyElements(d, d.KeySchema);
      const md = new vscode.MarkdownString(`**${d.TableName}**\n\n`);
      md.appendMarkdown(`Items: ${count.toLocaleString('en-US')} · size: ${formatBytes(d.TableSizeBytes ?? 0)}`);
      md.appendMarkdown(
        remote
          ? ` — as of ${timeOfDay(at, true)}, when they were fetched; DynamoDB itself updates these figures about every six hours\n\n`
          : ' — live\n\n',
      );
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
      for (const key of [...this.tableNodes.keys()]) if (!this.roots.has(key.split('\u0000')[0]!)) this.tableNodes.delete(key);
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
          this.remember(entry.id, await describeTable(connection, tableName));
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
    for (const key of [...this.tableNodes.keys()]) if (key.startsWith(`${entry.id}\u0000`) && !names.includes(key.slice(entry.id.length + 1))) this.tableNodes.delete(key);
    return names.map((tableName) => {
      const key = this.key(entry.id, tableName);
      let node = this.tableNodes.get(key);
      if (!node) this.tableNodes.set(key, (node = { type: 'table', connectionId: entry.id, tableName }));
      return node;
    });
  }

  private async detailsOf(connectionId: string, tableName: string): Promise<Node[]> {
    const connection = await this.manager.get(connectionId);
    let d: TableDescription;
    try {
      d = await describeTable(connection, tableName);
      this.remember(connectionId, d);
    } catch (e) {
      return [{ type: 'message', id: `${connectionId}/${tableName}/error`, label: describeError(e), icon: 'error' }];
    }
    const base = `${connectionId}/table/${tableName}`;
    const out: Node[] = [];
    out.push({
      type: 'detail', id: `${base}/items`, label: 'Items', icon: 'list-flat', description: 'browse, query, edit',
      command: { command: 'dynamoWorkspace.openItems', title: 'Open Items', arguments: [{ connectionId, tableName }] },
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
          children: [
            { type: 'detail' as const, id: `${base}/index/${ix.IndexName}/pk`, label: k.partition.name, description: `partition key · ${k.partition.type}`, icon: 'key' },
            ...(k.sort ? [{ type: 'detail' as const, id: `${base}/index/${ix.IndexName}/sk`, label: k.sort.name, description: `sort key · ${k.sort.type}`, icon: 'list-ordered' }] : []),
            { type: 'detail' as const, id: `${base}/index/${ix.IndexName}/projection`, label: 'Projection', description: projectionText(ix.Projection), icon: 'eye' },
          ],
        };
      }),
    });
    const [ttl, backups, noStreams] = await Promise.all([this.ttlText(connection, tableName), this.backupText(connection, tableName), streamsMissing(connection)]);
    const stream = d.StreamSpecification?.StreamEnabled ? { text: d.StreamSpecification.StreamViewType ?? 'enabled', tooltip: d.LatestStreamArn } : noStreams ? UNAVAILABLE : { text: 'off' };
    out.push({ type: 'detail', id: `${base}/stream`, label: 'Stream', description: stream.text, icon: 'pulse', tooltip: stream.tooltip });
    out.push({ type: 'detail', id: `${base}/ttl`, label: 'Time to live', description: ttl.text, tooltip: ttl.tooltip, icon: 'watch' });
    out.push({ type: 'detail', id: `${base}/backups`, label: 'Backups', description: backups.text, tooltip: backups.tooltip, icon: 'history' });
    out.push({ type: 'detail', id: `${base}/capacity`, label: 'Capacity', description: capacityText(d), tooltip: capacityTooltip(d), icon: 'dashboard' });
    return out;
  }

  private async ttlText(connection: Connection, tableName: string): Promise<DetailText> {
    try {
      const out = await connection.send('DescribeTimeToLive', { TableName: tableName });
      const t = out.TimeToLiveDescription ?? {};
      return { text: t.TimeToLiveStatus === 'ENABLED' || t.TimeToLiveStatus === 'ENABLING' ? `${t.AttributeName} (${t.TimeToLiveStatus.toLowerCase()})` : 'off' };
    } catch (e) {
      return isUnsupported(e) ? UNAVAILABLE : { text: `error: ${errorInfo(e).type}`, tooltip: describeError(e) };
    }
  }

  private async backupText(connection: Connection, tableName: string): Promise<DetailText> {
    try {
      const out = await connection.send('DescribeContinuousBackups', { TableName: tableName });
      const pitr = out.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus;
      return { text: pitr === 'ENABLED' ? 'point-in-time recovery on' : 'point-in-time recovery off' };
    } catch (e) {
      return isUnsupported(e) ? UNAVAILABLE : { text: `error: ${errorInfo(e).type}`, tooltip: describeError(e) };
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

interface DetailText {
  text: string;
  tooltip?: string;
}
/** Stream, TTL and Backups say this the same way where the database lacks them. */
const UNAVAILABLE: DetailText = { text: NOT_YET_AVAILABLE_SHORT, tooltip: NOT_YET_AVAILABLE };

/** The Capacity row's hover: what the table costs a month, from its capacity and size. */
export function capacityTooltip(d: TableDescription): string {
  const size = d.TableSizeBytes ?? 0;
  if (billingMode(d) === 'PAY_PER_REQUEST') {
    const storage = formatEstimate(provisionedMonthly(0, 0, size).storage);
    return `On-demand: billed per request, ${formatDollars(ON_DEMAND_PRICE.readPerMillion)} per million read units and ${formatDollars(ON_DEMAND_PRICE.writePerMillion)} per million write units, plus storage at ${storage} a month (${ON_DEMAND_PRICE.region} list prices).`;
  }
  let rcu = d.ProvisionedThroughput?.ReadCapacityUnits ?? 0;
  let wcu = d.ProvisionedThroughput?.WriteCapacityUnits ?? 0;
  for (const ix of d.GlobalSecondaryIndexes ?? []) {
    rcu += ix.ProvisionedThroughput?.ReadCapacityUnits ?? 0;
    wcu += ix.ProvisionedThroughput?.WriteCapacityUnits ?? 0;
  }
  return `Estimated ${monthlyText(rcu, wcu, size)}${d.GlobalSecondaryIndexes?.length ? ', global indexes included' : ''}, ${PRICE_BASIS}.`;
}

export function capacityText(d: TableDescription): string {
  if (billingMode(d) === 'PAY_PER_REQUEST') return 'on-demand';
  const p = d.ProvisionedThroughput ?? {};
  return `provisioned · ${p.ReadCapacityUnits ?? 0} RCU / ${p.WriteCapacityUnits ?? 0} WCU`;
}
