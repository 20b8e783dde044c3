// The request inspector as a panel kind of the registry (panels/registry.ts): one per connection,
// rebuilt after a window reload from the page's saved identity (the page keeps its own filters,
// selection and pause). Also what its panels need from the extension: the connection's recorder,
// the items panel, the code generators.
import * as vscode from 'vscode';
import type { CommandContext } from '../commands/context';
import { itemsPanelContext } from '../commands/items';
import type { Connection } from '../connection';
import { requestCode } from '../../protocol/inspector-code';
import { openItemsPanel } from './items-registration';
import { panels, type PanelKind } from './registry';
import { InspectorPanel, panelTitle, type InspectorPanelContext, type RequestSource } from './inspector-panel';

/**
 * The recorder of a connection: the workspace engine's endpoint keeps one (EmbeddedConnection
 * .requests); a remote service or a database another process owns records nothing here.
 */
export function requestsOf(connection: Connection): RequestSource | { reason: string } {
  const source = connection.kind === 'workspace' ? (connection as { requests?: RequestSource & { enabled?: boolean } }).requests : undefined;
  if (source && source.enabled !== false) return source;
  if (connection.kind === 'shared') return { reason: `${connection.label} is served by another process (a second window or the CLI): its requests are recorded there, not in this window.` };
  if (connection.kind === 'workspace') return { reason: `${connection.label} records no requests: the setting dynamoWorkspace.inspector.enabled is off.` };
  return { reason: `${connection.label} is a remote service: its requests go straight from your application to it, so the explorer never sees them.` };
}

export function inspectorPanelContext(ctx: CommandContext): InspectorPanelContext {
  const itemsContext = itemsPanelContext(ctx);
  return {
    extensionUri: ctx.extensionUri,
    getConnection: (id) => ctx.manager.get(id),
    requestsOf,
    openItems: async (connectionId, tableName, item, query) => {
      await openItemsPanel(itemsContext, connectionId, tableName, item ? { mode: 'edit', item } : undefined, query);
    },
    code: requestCode,
    slowMs: () => vscode.workspace.getConfiguration('dynamoWorkspace').get<number>('inspector.slowMs') ?? 100,
  };
}

export function inspectorPanelKind(ctx: InspectorPanelContext): PanelKind<InspectorPanel> {
  return {
    viewType: InspectorPanel.viewType,
    options: { enableFindWidget: true },
    title: async ({ connectionId }) => panelTitle(await ctx.getConnection(connectionId)),
    create: async (panel, { connectionId }) => new InspectorPanel(ctx, await ctx.getConnection(connectionId), panel),
  };
}

export function registerInspectorPanel(ctx: InspectorPanelContext, log?: (line: string) => void): vscode.Disposable {
  return panels.register(inspectorPanelKind(ctx), log);
}

/** Opens (or reveals) the request inspector of a connection. */
export function openInspectorPanel(ctx: InspectorPanelContext, connectionId: string): Promise<InspectorPanel> {
  return panels.show(inspectorPanelKind(ctx), { connectionId });
}

/** The inspectors open now (tests and the extension's API). */
export function inspectorPanels(): InspectorPanel[] {
  return panels.all<InspectorPanel>(InspectorPanel.viewType);
}
