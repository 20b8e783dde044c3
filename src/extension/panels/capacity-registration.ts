// The capacity & cost panel as a panel kind: one per table, opened from the table's menu, its
// Capacity row and the throttling status item; after a window reload it comes back showing the
// index and window its page last showed (the page's saved state, handed to `create`).
import type * as vscode from 'vscode';
import { CapacityPanel, capacityPanelTitle, type CapacityPanelContext } from './capacity-panel';
import { panels, type PanelKind } from './registry';

export function capacityPanelKind(ctx: CapacityPanelContext): PanelKind<CapacityPanel> {
  return {
    viewType: CapacityPanel.viewType,
    title: async ({ connectionId, tableName }) => capacityPanelTitle(tableName ?? '', await ctx.getConnection(connectionId)),
    create: async (panel, { connectionId, tableName }, restored) => {
      if (!tableName) throw new Error('a capacity panel needs a table');
      return new CapacityPanel(ctx, await ctx.getConnection(connectionId), tableName, panel, restored);
    },
  };
}

export function registerCapacityPanel(ctx: CapacityPanelContext, log?: (line: string) => void): vscode.Disposable {
  return panels.register(capacityPanelKind(ctx), log);
}

/** Opens (or reveals) a table's capacity panel; with `index`, showing that index. */
export async function openCapacityPanel(ctx: CapacityPanelContext, connectionId: string, tableName: string, index?: string): Promise<CapacityPanel> {
  const panel = await panels.show(capacityPanelKind(ctx), { connectionId, tableName });
  if (index !== undefined) panel.focus(index);
  return panel;
}
