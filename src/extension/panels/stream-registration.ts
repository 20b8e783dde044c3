// The stream view as a panel kind of the registry (panels/registry.ts): how one opens for a
// table, and how one is rebuilt after a window reload from the page's saved state (its records
// and each shard's position, so reading resumes where it stopped). Also what its panels need
// from the extension: connections, the items panel for Open Item, the tree.
import type * as vscode from 'vscode';
import type { CommandContext } from '../commands/context';
import { itemsPanelContext } from '../commands/items';
import { showMessage } from '../notify';
import type { Item } from '../../protocol/dynamo-json';
import { keyText, type StreamViewState } from '../../protocol/stream-view';
import { openItemsPanel } from './items-registration';
import { panels, type PanelKind } from './registry';
import { panelTitle, StreamPanel, type StreamPanelContext } from './stream-panel';

export function streamPanelContext(ctx: CommandContext): StreamPanelContext {
  const itemsContext = itemsPanelContext(ctx);
  return {
    extensionUri: ctx.extensionUri,
    getConnection: (id) => ctx.manager.get(id),
    onDidChangeTable: () => ctx.tree.refresh(),
    openItem: async (connectionId: string, tableName: string, key: Item) => {
      const connection = await ctx.manager.get(connectionId);
      const item = (await connection.send('GetItem', { TableName: tableName, Key: key, ConsistentRead: true })).Item as Item | undefined;
      if (!item) {
        // a REMOVE's item (or one removed since): the items panel opens on the table, and says why there is no editor
        await openItemsPanel(itemsContext, connectionId, tableName);
        void showMessage('info', `${tableName} no longer has the item ${keyText(key, Object.keys(key))}.`);
        return;
      }
      await openItemsPanel(itemsContext, connectionId, tableName, { mode: 'edit', item });
    },
  };
}

export function streamPanelKind(ctx: StreamPanelContext): PanelKind<StreamPanel> {
  return {
    viewType: StreamPanel.viewType,
    options: { enableFindWidget: true },
    title: async ({ connectionId, tableName }) => panelTitle(tableName ?? '', await ctx.getConnection(connectionId)),
    create: async (panel, { connectionId, tableName }, restored) => {
      if (!tableName) throw new Error('a stream view needs a table');
      return new StreamPanel(ctx, await ctx.getConnection(connectionId), tableName, panel, restored as StreamViewState | undefined);
    },
  };
}

export function registerStreamPanel(ctx: StreamPanelContext, log?: (line: string) => void): vscode.Disposable {
  return panels.register(streamPanelKind(ctx), log);
}

/** Opens (or reveals) the stream view of a table. */
export function openStreamPanel(ctx: StreamPanelContext, connectionId: string, tableName: string): Promise<StreamPanel> {
  return panels.show(streamPanelKind(ctx), { connectionId, tableName });
}

/** The stream views open now (tests and the extension's API). */
export function streamPanels(): StreamPanel[] {
  return panels.all<StreamPanel>(StreamPanel.viewType);
}
