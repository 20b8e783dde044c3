// The items panel as a panel kind: how the registry opens one for a table, and rebuilds one after
// a window reload. The page restores its own query, filters, sort and scroll from its saved state
// and runs the query again, so the host side starts from the identity alone.
import type * as vscode from 'vscode';
import type { PanelSession, QuerySpec } from '../../protocol/items';
import { ItemsPanel, panelTitle, type ItemsPanelContext } from './items-panel';
import { panels, type PanelKind } from './registry';

export function itemsPanelKind(ctx: ItemsPanelContext): PanelKind<ItemsPanel> {
  return {
    viewType: ItemsPanel.viewType,
    options: { enableFindWidget: true },
    title: async ({ connectionId, tableName }) => panelTitle(tableName ?? '', await ctx.getConnection(connectionId)),
    create: async (panel, { connectionId, tableName }) => {
      if (!tableName) throw new Error('an items panel needs a table');
      return new ItemsPanel(ctx, await ctx.getConnection(connectionId), tableName, panel);
    },
  };
}

export function registerItemsPanel(ctx: ItemsPanelContext, log?: (line: string) => void): vscode.Disposable {
  return panels.register(itemsPanelKind(ctx), log);
}

/** Opens (or reveals) the items panel of a table, optionally with its editor open or showing a query. */
export async function openItemsPanel(ctx: ItemsPanelContext, connectionId: string, tableName: string, openEditor?: PanelSession['openEditor'], query?: QuerySpec): Promise<ItemsPanel> {
  const panel = await panels.show(itemsPanelKind(ctx), { connectionId, tableName });
  if (openEditor) panel.openEditor(openEditor);
  if (query) panel.showQuery(query);
  return panel;
}
