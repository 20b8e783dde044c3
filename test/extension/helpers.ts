// Shared helpers of the integration suite (runs inside the extension host).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DynamoWorkspaceApi } from '../../src/extension/activate';
import type { Connection } from '../../src/extension/connection';
import type { Node } from '../../src/extension/tree';

export const EXTENSION_ID = 'dynamo-workspace.dynamo-workspace';

export async function api(): Promise<DynamoWorkspaceApi> {
  const ext = vscode.extensions.getExtension<DynamoWorkspaceApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is installed`);
  return ext.isActive ? ext.exports : ext.activate();
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeout = 15_000): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Label of a tree node, as the explorer shows it. */
export async function label(a: DynamoWorkspaceApi, node: Node): Promise<string> {
  const item = await a.tree.getTreeItem(node);
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

export async function children(a: DynamoWorkspaceApi, node?: Node): Promise<{ node: Node; label: string; description: string }[]> {
  const nodes = await a.tree.getChildren(node);
  return Promise.all(
    nodes.map(async (n) => {
      const item = await a.tree.getTreeItem(n);
      return { node: n, label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''), description: String(item.description ?? '') };
    }),
  );
}

export async function activeTabLabel(expected: string): Promise<string> {
  return waitFor(`tab "${expected}"`, () => {
    const label = vscode.window.tabGroups.activeTabGroup.activeTab?.label;
    return label === expected ? label : undefined;
  });
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e4)}`;
}

/** The extension's API and the connection of the (first) workspace database, which every suite here writes to. */
/** The id of the workspace folder's database connection. */
export function workspaceId(a: DynamoWorkspaceApi): string {
  return a.manager.entries().find((e) => e.kind === 'workspace')!.id;
}

export async function workspaceConnection(): Promise<{ a: DynamoWorkspaceApi; connectionId: string; connection: Connection }> {
  const a = await api();
  const connectionId = workspaceId(a);
  return { a, connectionId, connection: await a.manager.get(connectionId) };
}
