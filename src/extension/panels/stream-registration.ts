// Wires the stream view into the extension: what its panels need (connections, the items panel
// for Open Item, the tree) and the serializer that brings a panel back after a window reload with
// the state its view saved (records, filters, pause, each shard's position).
import * as vscode from 'vscode';
import type { CommandContext } from '../commands/context';
import { itemsPanelContext } from '../commands/items';
import { showMessage } from '../notify';
import type { Item } from '../../protocol/dynamo-json';
import { keyText, type StreamViewState } from '../../protocol/stream-view';
import { ItemsPanel } from './items-panel';
import { StreamPanel, type StreamPanelContext } from './stream-panel';

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
        // a REMOVE's item (or one removed since): the items panel opens on the table, and says why no editor
        await ItemsPanel.show(itemsContext, connectionId, tableName);
        void showMessage('info', `${tableName} no longer has the item ${keyText(key, Object.keys(key))}.`);
        return;
      }
      await ItemsPanel.show(itemsContext, connectionId, tableName, { mode: 'edit', item });
    },
  };
}

/** The serializer of stream panels (activation event onWebviewPanel:dynamoWorkspace.stream). */
export function registerStreamPanel(ctx: CommandContext): vscode.Disposable {
  const streamContext = streamPanelContext(ctx);
  return vscode.window.registerWebviewPanelSerializer(StreamPanel.viewType, {
    deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
      try {
        await StreamPanel.revive(streamContext, panel, state as StreamViewState | undefined);
      } catch (e) {
        ctx.log.appendLine(`${new Date().toISOString()} the stream view could not come back after the reload: ${String(e)}`);
        panel.dispose();
      }
    },
  });
}
