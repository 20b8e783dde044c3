// The explorer's TreeDataProvider: connections -> tables -> key schema, indexes, stream, TTL,
// backups, capacity. Each row kind renders itself (nodes/); this class routes VS Code's calls to
// the rows and owns what outlives one call: the DescribeTable cache and the row objects.
// Connection and table rows keep their objects (VS Code finds an element to update by identity),
// so the workspace database's writes, from any client, update the counts of just the rows they
// touched. Nothing is fetched for a connection the tree has not shown.
import * as vscode from 'vscode';
import type { Connection } from '../connection';
import type { ConnectionEntry, ConnectionManager } from '../manager';
import { describeTable, listAllTables, type TableDescription } from '../tables';
import { ConnectionNode } from './nodes/connection-node';
import type { ExplorerNode, TreeContext } from './nodes/node';
import type { Node } from './index';
import { TableNode } from './nodes/table-node';

export class ExplorerTree implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable, TreeContext {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly descriptions = new Map<string, TableDescription>();
  private readonly names = new Map<string, string[]>();
  /** when each description was fetched, for "as of" on remote connections */
  private readonly fetchedAt = new Map<string, number>();
  private readonly roots = new Map<string, ConnectionNode>();
  private readonly tableNodes = new Map<string, TableNode>();
  private readonly subscriptions: vscode.Disposable[];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(readonly manager: ConnectionManager) {
    this.subscriptions = [
      manager.onDidChange(() => this.changed.fire(undefined)),
      manager.onDidWrite((connectionId) => void this.followWrites(connectionId)),
    ];
  }

  /** Forgets every cached figure and redraws the whole tree. */
  refresh(): void {
    this.descriptions.clear();
    this.names.clear();
    this.changed.fire(undefined);
  }

  /** Redraws one row and its children (after a command changed what it shows). */
  refreshNode(node: ExplorerNode): void {
    this.changed.fire(node);
  }

  /**
   * Re-reads a table's rows (after a command changed its TTL, backups or PITR): its children if the
   * tree has shown the table, else the whole tree.
   */
  refreshTable(connectionId: string, tableName: string): void {
    const node = this.tableNode(connectionId, tableName);
    if (node) this.changed.fire(node);
    else this.refresh();
  }

  schedule(fn: () => Promise<void> | void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void Promise.resolve()
        .then(fn)
        .catch(() => undefined);
    }, ms);
    this.timers.add(timer);
  }

  /** The table row of a table, if the tree has shown it. */
  tableNode(connectionId: string, tableName: string): TableNode | undefined {
    return this.tableNodes.get(this.key(connectionId, tableName));
  }

  private key(connectionId: string, tableName: string): string {
    return `${connectionId}\u0000${tableName}`;
  }

  remember(connectionId: string, d: TableDescription): void {
    const key = this.key(connectionId, d.TableName);
    this.descriptions.set(key, d);
    this.fetchedAt.set(key, Date.now());
  }

  /** Cached DescribeTable output of the last tree load. */
  description(connectionId: string, tableName: string): TableDescription | undefined {
    return this.descriptions.get(this.key(connectionId, tableName));
  }

  describedAt(connectionId: string, tableName: string): number | undefined {
    return this.fetchedAt.get(this.key(connectionId, tableName));
  }

  tableNames(connectionId: string): readonly string[] | undefined {
    return this.names.get(connectionId);
  }

  setTables(entry: ConnectionEntry, names: string[]): TableNode[] {
    const hadNames = this.names.has(entry.id);
    this.names.set(entry.id, names);
    // the connection row shows the table count: update it once known
    const root = this.roots.get(entry.id);
    if (!hadNames && root) setTimeout(() => this.changed.fire(root), 0);
    for (const key of [...this.tableNodes.keys()]) if (key.startsWith(`${entry.id}\u0000`) && !names.includes(key.slice(entry.id.length + 1))) this.tableNodes.delete(key);
    return names.map((tableName) => {
      const key = this.key(entry.id, tableName);
      let node = this.tableNodes.get(key);
      if (!node) this.tableNodes.set(key, (node = new TableNode(entry.id, tableName)));
      return node;
    });
  }

  /**
   * After writes to a connection (already debounced by the database): re-list its tables if the
   * tree has shown them, re-describe the tables shown, and tell VS Code about the rows whose
   * figures moved.
   */
  private async followWrites(connectionId: string): Promise<void> {
    const shown = this.names.get(connectionId);
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
      this.names.set(connectionId, names);
      this.changed.fire(this.roots.get(connectionId));
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

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    return node.treeItem(this);
  }

  async getChildren(node?: ExplorerNode): Promise<Node[]> {
    // every row class is a member of the Node union (index.ts)
    if (node) return (await node.children(this)) as Node[];
    // the same node objects every time: VS Code finds elements by identity when one changes
    const roots = this.manager.entries().map((entry) => {
      const cached = this.roots.get(entry.id);
      if (cached) {
        cached.entry = entry;
        return cached;
      }
      const fresh = new ConnectionNode(entry);
      this.roots.set(entry.id, fresh);
      return fresh;
    });
    for (const id of [...this.roots.keys()]) if (!roots.some((r) => r.entry.id === id)) this.roots.delete(id);
    for (const key of [...this.tableNodes.keys()]) if (!this.roots.has(key.split('\u0000')[0]!)) this.tableNodes.delete(key);
    return roots;
  }

  getParent(): undefined {
    return undefined;
  }

  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
