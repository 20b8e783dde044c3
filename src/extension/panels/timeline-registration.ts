// Wires the timeline panel into VS Code: the "Open Timeline" command (a table row, the Backups row,
// or `{connectionId, tableName}`), and the serializer that brings an open timeline back after a
// window reload from the state its webview kept (TimelineViewState).
import * as vscode from 'vscode';
import { targetOf } from '../command-args';
import { describeError } from '../connection';
import type { ConnectionManager } from '../manager';
import { showMessage } from '../notify';
import type { TimelineViewState } from '../../protocol/timeline';
import { TimelinePanel, type TimelinePanelContext } from './timeline-panel';

export const OPEN_TIMELINE = 'dynamoWorkspace.openTimeline';

export interface TimelineDeps {
  extensionUri: vscode.Uri;
  manager: ConnectionManager;
  /** the explorer re-reads its tables */
  refreshTree(): void;
  openItems(connectionId: string, tableName: string): Promise<unknown>;
}

export function timelineContext(deps: TimelineDeps): TimelinePanelContext {
  return {
    extensionUri: deps.extensionUri,
    getConnection: (id) => deps.manager.get(id),
    onDidWrite: (connectionId, listener) => deps.manager.onDidWrite((id) => id === connectionId && listener()),
    onDidChangeTables: () => deps.refreshTree(),
    openItems: (connectionId, tableName) => deps.openItems(connectionId, tableName),
  };
}

/** The Backups row of a table: `{type: 'detail', id: '<connection>/<table>/backups', connectionId?, tableName?}`. */
function backupsRow(arg: unknown): { connectionId: string; tableName: string } | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const a = arg as Record<string, unknown>;
  return typeof a.connectionId === 'string' && typeof a.tableName === 'string' && a.connectionId && a.tableName ? { connectionId: a.connectionId, tableName: a.tableName } : undefined;
}

export function registerTimeline(deps: TimelineDeps, pickTable: (target: { connectionId?: string; tableName?: string }) => Promise<{ connectionId: string; tableName: string } | undefined>): vscode.Disposable[] {
  const ctx = timelineContext(deps);
  return [
    vscode.commands.registerCommand(OPEN_TIMELINE, async (arg?: unknown) => {
      try {
        const target = await pickTable(backupsRow(arg) ?? targetOf(arg));
        if (!target) return undefined;
        return await TimelinePanel.show(ctx, target.connectionId, target.tableName);
      } catch (e) {
        void showMessage('error', describeError(e));
        return undefined;
      }
    }),
    vscode.window.registerWebviewPanelSerializer(TimelinePanel.viewType, {
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
    }),
  ];
}
