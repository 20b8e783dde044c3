// The timeline panel as a panel kind of the registry (registry.ts): how it opens for a table and
// comes back after a window reload (the page keeps its picked second and restore name itself), and
// what it needs from the rest of the extension (connections, writes, the tree, the items panel).
import * as vscode from 'vscode';
import { COMMANDS } from '../commands/ids';
import type { ConnectionManager } from '../manager';
import { panels, type PanelKind } from './registry';
import { TimelinePanel, timelineTitle, type TimelinePanelContext } from './timeline-panel';

export function timelineContext(deps: { extensionUri: vscode.Uri; manager: ConnectionManager; tree: { refresh(): void } }): TimelinePanelContext {
  return {
    extensionUri: deps.extensionUri,
    getConnection: (id) => deps.manager.get(id),
    onDidWrite: (connectionId, listener) => deps.manager.onDidWrite((id) => id === connectionId && listener()),
    onDidChangeTables: () => deps.tree.refresh(),
    openItems: async (connectionId, tableName) => vscode.commands.executeCommand(COMMANDS.openItems, { connectionId, tableName }),
  };
}

export function timelinePanelKind(ctx: TimelinePanelContext): PanelKind<TimelinePanel> {
  return {
    viewType: TimelinePanel.viewType,
    title: async ({ connectionId, tableName }) => timelineTitle(tableName ?? '', await ctx.getConnection(connectionId)),
    create: async (panel, { connectionId, tableName }) => {
      if (!tableName) throw new Error('a timeline needs a table');
      return new TimelinePanel(ctx, await ctx.getConnection(connectionId), tableName, panel);
    },
  };
}

export function registerTimelinePanel(ctx: TimelinePanelContext, log?: (line: string) => void): vscode.Disposable {
  return panels.register(timelinePanelKind(ctx), log);
}

export function openTimelinePanel(ctx: TimelinePanelContext, connectionId: string, tableName: string): Promise<TimelinePanel> {
  return panels.show(timelinePanelKind(ctx), { connectionId, tableName });
}

/** A tree row under a table (its Backups row, a backup) carries its table: `{connectionId, tableName}` beside its own fields. */
export function tableOfRow(arg: unknown): { connectionId: string; tableName: string } | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const a = arg as Record<string, unknown>;
  return typeof a.connectionId === 'string' && typeof a.tableName === 'string' && a.connectionId && a.tableName ? { connectionId: a.connectionId, tableName: a.tableName } : undefined;
}
