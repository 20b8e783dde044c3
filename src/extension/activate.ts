// Activation: connections, explorer, status bar, commands. Returns a small API (also used by the
// integration tests to look at the real objects the UI is built from).
// The extension activates when start-up has finished (`onStartupFinished`), so it never delays
// the window; activate() itself only builds objects. Workspace databases that should run from
// the start (see WorkspaceDatabase.opensAtStartup) are opened after activate() has returned.
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { engineBinding } from './engine-binding';
import { EndpointSecurity } from './endpoint-security';
import { offerGitignore } from './gitignore';
import { ConnectionManager } from './manager';
import { DesignerPanel } from './panels/designer-panel';
import { lastMessage } from './notify';
import { ItemsPanel } from './panels/items-panel';
import type { StreamPanel } from './panels/stream-panel';
import { streamPanels } from './panels/stream-registration';
import { EndpointStatus } from './status';
import { ExplorerTree } from './tree';
import { throttleStatus } from './commands/capacity';
import { CapacityPanel } from './panels/capacity-panel';
import { panels } from './panels/registry';
import type { ThrottleStatus } from './throttle-status';

export interface DynamoWorkspaceApi {
  manager: ConnectionManager;
  tree: ExplorerTree;
  status: EndpointStatus;
  itemsPanels(): ItemsPanel[];
  streamPanels(): StreamPanel[];
  designer(): DesignerPanel | undefined;
  capacityPanels(): CapacityPanel[];
  /** the throttling warning in the status bar */
  throttleStatus(): ThrottleStatus | undefined;
  /** the last message shown to the user (toasts are hidden in the test host) */
  lastMessage: typeof lastMessage;
  /** how long activate() took, and how many databases were already opening or open when it returned (0: none in its path) */
  startup: { activateMs: number; databasesBusyAtReturn: number };
}

let manager: ConnectionManager | undefined;

export function activate(context: vscode.ExtensionContext): DynamoWorkspaceApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Dynamo Workspace');
  const logLine = (message: string): void => log.appendLine(`${new Date().toISOString()} ${message}`);
  const security = new EndpointSecurity(context.secrets, context.workspaceState, logLine);
  manager = new ConnectionManager(engineBinding, logLine, security, (context.storageUri ?? context.globalStorageUri).fsPath);
  const tree = new ExplorerTree(manager);
  const view = vscode.window.createTreeView('dynamoWorkspace.explorer', { treeDataProvider: tree, showCollapseAll: true });
  const status = new EndpointStatus(manager);
  const asked = new Set<string>();
  const m = manager;
  context.subscriptions.push(
    log,
    m,
    tree,
    view,
    status,
    ...registerCommands({ extensionUri: context.extensionUri, manager: m, tree, log, security }),
    // endpoint.host beyond loopback is honoured only once the workspace is trusted.
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      for (const db of m.workspaceDatabases()) if (db.state === 'open') void db.startEndpoint().catch(() => undefined);
    }),
    // table counts change with the tree (creates, deletes, imports)
    tree.onDidChangeTreeData(() => void status.update()),
    m.onDidChange(() => {
      void vscode.commands.executeCommand('setContext', 'dynamoWorkspace.hasConnections', m.entries().length > 0);
      for (const db of m.workspaceDatabases()) {
        if (db.state === 'open' && !asked.has(db.id)) {
          asked.add(db.id);
          void offerGitignore(context.workspaceState, db.folder, db.dir);
        }
      }
    }),
  );
  void vscode.commands.executeCommand('setContext', 'dynamoWorkspace.hasConnections', m.entries().length > 0);
  const startup = setTimeout(() => {
    for (const db of m.workspaceDatabases()) if (db.state === 'closed' && db.opensAtStartup) void db.open().catch(() => undefined); // failures show in the tree and status bar
  }, 0);
  context.subscriptions.push({ dispose: () => clearTimeout(startup) });
  const activateMs = performance.now() - started;
  log.appendLine(`${new Date().toISOString()} activated in ${activateMs.toFixed(1)} ms`);
  return {
    manager: m,
    tree,
    status,
    itemsPanels: () => ItemsPanel.all(),
    streamPanels,
    designer: () => DesignerPanel.active,
    capacityPanels: () => panels.all<CapacityPanel>(CapacityPanel.viewType),
    throttleStatus: () => throttleStatus,
    lastMessage,
    startup: { activateMs, databasesBusyAtReturn: m.workspaceDatabases().filter((d) => d.state !== 'closed').length },
  };
}

export async function deactivate(): Promise<void> {
  await manager?.closeAll();
  manager = undefined;
}
