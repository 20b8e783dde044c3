// The create-table form as a panel kind. One form is open at a time: opening it for another
// connection closes the first. After a window reload the form comes back with its draft (the
// page restores what was typed; the host side takes the draft too, as the form's create button
// and "draftChanged" would give it).
import type * as vscode from 'vscode';
import type { ConnectionManager } from '../manager';
import { draftFromPartial } from '../../protocol/table-designer';
import { DesignerPanel, type CreateTableResult, type DesignerTarget } from './designer-panel';
import { panels, type PanelKind } from './registry';

export interface DesignerContext {
  extensionUri: vscode.Uri;
  manager: ConnectionManager;
  /** after a table was created from the form, in the connection labelled `label` */
  onCreated(label: string, result: CreateTableResult): void;
}

function target(manager: ConnectionManager, connectionId: string): DesignerTarget {
  const entry = manager.entries().find((e) => e.id === connectionId);
  if (!entry) throw new Error(`There is no connection ${connectionId}.`);
  return { id: entry.id, label: entry.label, open: () => manager.get(entry.id) };
}

export function designerPanelKind(ctx: DesignerContext): PanelKind<DesignerPanel> {
  return {
    viewType: DesignerPanel.viewType,
    title: ({ connectionId }) => `Create Table — ${target(ctx.manager, connectionId).label}`,
    create: (panel, { connectionId }, restored) => {
      const t = target(ctx.manager, connectionId);
      const saved = restored?.draft;
      const draft = saved && typeof saved === 'object' && !Array.isArray(saved) ? draftFromPartial(saved as Record<string, unknown>).draft : undefined;
      return new DesignerPanel(ctx.extensionUri, t, panel, (r) => ctx.onCreated(t.label, r), draft);
    },
  };
}

export function registerDesignerPanel(ctx: DesignerContext, log?: (line: string) => void): vscode.Disposable {
  return panels.register(designerPanelKind(ctx), log);
}

export async function openDesigner(ctx: DesignerContext, connectionId: string): Promise<DesignerPanel> {
  for (const open of panels.all<DesignerPanel>(DesignerPanel.viewType)) if (open.connection.id !== connectionId) open.host.panel.dispose();
  return panels.show(designerPanelKind(ctx), { connectionId });
}
