// The shape every explorer row shares. Each row kind is one class in this folder that renders its
// own TreeItem and fetches its own children; the provider (../provider.ts) only routes VS Code's
// calls to them and owns the caches the rows read through TreeContext.
// Invariant: a row's `id` is unique in the tree and stable across refreshes (VS Code keeps the
// expanded state and selection by id).
import type * as vscode from 'vscode';
import type { ConnectionEntry, ConnectionManager } from '../../manager';
import type { TableDescription } from '../../tables';
import type { TableNode } from './table-node';

/** What rows may ask of the tree: connections, and the DescribeTable cache of the last load. */
export interface TreeContext {
  readonly manager: ConnectionManager;
  description(connectionId: string, tableName: string): TableDescription | undefined;
  /** when the cached description was fetched (remote rows say "as of") */
  describedAt(connectionId: string, tableName: string): number | undefined;
  remember(connectionId: string, d: TableDescription): void;
  /** the names listed last for a connection, undefined before its first listing */
  tableNames(connectionId: string): readonly string[] | undefined;
  /** records a listing and returns the table rows for it (the same objects as before for known tables) */
  setTables(entry: ConnectionEntry, names: string[]): TableNode[];
  /** redraws a row (and re-fetches its children if VS Code shows them) */
  refreshNode(node: ExplorerNode): void;
  /** runs `fn` after `ms`, unless the tree is disposed first */
  schedule(fn: () => Promise<void> | void, ms: number): void;
}

export abstract class ExplorerNode {
  abstract readonly type: string;
  abstract readonly id: string;
  abstract treeItem(tree: TreeContext): vscode.TreeItem;
  children(_tree: TreeContext): Promise<ExplorerNode[]> | ExplorerNode[] {
    return [];
  }
}

/** Rows that belong to one table: commands given one act on that table (command-args.ts reads these fields). */
export interface TableScoped {
  readonly connectionId: string;
  readonly tableName: string;
}
