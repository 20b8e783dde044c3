// What the timeline panel needs from the rest of the extension (connections, writes, the tree, the
// items panel), and the serializer that brings an open timeline back after a window reload from
// the state its webview kept (TimelineViewState: connection, table, picked second, restore name).
import * as vscode from 'vscode';
import { COMMANDS } from '../commands/ids';
import { describeError } from '../connection';
import type { ConnectionManager } from '../manager';
import { showMessage } from '../notify';
import type { TimelineViewState } from '../../protocol/timeline';
import { TimelinePanel, type TimelinePanelContext } from './timeline-panel';

export function timelineContext(deps: { extensionUri: vscode.Uri; manager: ConnectionManager; tree: { refresh(): void } }): TimelinePanelContext {
  return {
    extensionUri: deps.extensionUri,
    getConnection: (id) => deps.manager.get(id),
    onDidWrite: (connectionId, listener) => deps.manager.onDidWrite((id) => id === connectionId && listener()),
    onDidChangeTables: () => deps.tree.refresh(),
    openItems: async (connectionId, tableName) => vscode.commands.executeCommand(COMMANDS.openItems, { connectionId, tableName }),
  };
}

/** A tree row under a table (its Backups row, a backup) carries its table: `{connectionId, tableName}` beside its own fields. */
export function tableOfRow(arg: unknown): { connectionId: string; tableName: string } | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const a = arg as Record<string, unknown>;
  return typeof a.connectionId === 'string' && typeof a.tableName === 'string' && a.connectionId && a.tableName ? { connectionId: a.connectionId, tableName: a.tableName } : undefined;
}

export function registerTimelineSerializer(ctx: TimelinePanelContext): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(TimelinePanel.viewType, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
      const s = (state ?? {}) as TimelineViewState;
      if (typeof s.connectionId !== 'string' || typeof s.tableName !== 'string') {
        panel.dispose();
        return;
      }
      try {
        await TimelinePanel.show(ctx, s.connectionId, s.tableName, panel);
      } catch (e) {
        panel.dispose();
        void showMessage('warning', `The timeline of ${s.tableName} could not be reopened: ${describeError(e)}`);
      }
    },
  });
}
