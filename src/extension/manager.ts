// All connections the explorer shows: one workspace database per workspace folder, plus the
// remote connections from the `dynamoWorkspace.connections` setting.
import * as vscode from 'vscode';
import type { Connection } from './connection';
import { RemoteConnection } from './remote';
import type { EndpointSecurity } from './endpoint-security';
import { WorkspaceDatabase, type EngineBinding } from './workspace-db';

export interface RemoteSetting {
  name: string;
  endpoint?: string;
  region?: string;
  profile?: string;
}

export interface ConnectionEntry {
  id: string;
  label: string;
  kind: 'workspace' | 'remote';
  /** the workspace database behind a workspace entry */
  workspace?: WorkspaceDatabase;
  remote?: RemoteSetting;
}

export class ConnectionManager implements vscode.Disposable {
  private readonly workspaces = new Map<string, WorkspaceDatabase>();
  private remotes = new Map<string, { setting: RemoteSetting; connection?: RemoteConnection }>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly wrote = new vscode.EventEmitter<string>();
  /** a connection id, after writes to that workspace database from any client (debounced there) */
  readonly onDidWrite = this.wrote.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly binding: EngineBinding | undefined,
    private readonly log: (message: string) => void = () => undefined,
    readonly security?: EndpointSecurity,
    /** the extension's storage for this window: the inspector's records wait out a reload there */
    private readonly stateDir?: string,
  ) {
    this.syncFolders();
    this.syncRemotes();
    this.disposables.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.syncFolders();
        this.changed.fire();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('dynamoWorkspace.connections')) {
          this.syncRemotes();
          this.changed.fire();
        }
        if (e.affectsConfiguration('dynamoWorkspace.endpoint')) {
          for (const ws of this.workspaces.values()) {
            if (ws.state === 'open') void ws.startEndpoint().catch(() => undefined);
            else if (ws.state === 'closed' && ws.opensAtStartup) void ws.open().catch(() => undefined);
          }
        }
        if (e.affectsConfiguration('dynamoWorkspace.dataDir')) {
          for (const ws of this.workspaces.values()) void ws.close();
          this.changed.fire();
        }
      }),
    );
  }

  private syncFolders(): void {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const seen = new Set<string>();
    for (const folder of folders) {
      const key = folder.uri.toString();
      seen.add(key);
      if (!this.workspaces.has(key)) {
        const ws = new WorkspaceDatabase(folder, this.binding, this.log, this.security, this.stateDir);
        ws.onDidChange(() => this.changed.fire());
        ws.onDidWrite(() => this.wrote.fire(ws.id));
        this.workspaces.set(key, ws);
      }
    }
    for (const [key, ws] of this.workspaces) {
      if (!seen.has(key)) {
        ws.dispose();
        this.workspaces.delete(key);
      }
    }
  }

  private syncRemotes(): void {
    const settings = vscode.workspace.getConfiguration('dynamoWorkspace').get<RemoteSetting[]>('connections') ?? [];
    const next = new Map<string, { setting: RemoteSetting; connection?: RemoteConnection }>();
    for (const s of settings) {
      if (!s || typeof s.name !== 'string' || !s.name) continue;
      const old = this.remotes.get(s.name);
      if (old && JSON.stringify(old.setting) === JSON.stringify(s)) next.set(s.name, old);
      else {
        void old?.connection?.dispose();
        next.set(s.name, { setting: s });
      }
    }
    for (const [name, old] of this.remotes) if (!next.has(name)) void old.connection?.dispose();
    this.remotes = next;
  }

  entries(): ConnectionEntry[] {
    return [
      ...[...this.workspaces.values()].map((ws) => ({ id: ws.id, label: ws.label, kind: 'workspace' as const, workspace: ws })),
      ...[...this.remotes.values()].map(({ setting }) => ({ id: `remote:${setting.name}`, label: setting.name, kind: 'remote' as const, remote: setting })),
    ];
  }

  workspaceDatabases(): WorkspaceDatabase[] {
    return [...this.workspaces.values()];
  }

  /** The connection for an entry id, opening the workspace database if needed. */
  async get(id: string): Promise<Connection> {
    for (const ws of this.workspaces.values()) if (ws.id === id) return ws.open();
    if (id.startsWith('remote:')) {
      const r = this.remotes.get(id.slice('remote:'.length));
      if (r) {
        r.connection ??= new RemoteConnection({ id, label: r.setting.name, ...r.setting });
        return r.connection;
      }
    }
    throw new Error(`No connection ${id}`);
  }

  /** Default connection for commands run from the palette: the first workspace database, else the first remote. */
  defaultId(): string | undefined {
    return this.entries()[0]?.id;
  }

  refresh(): void {
    this.changed.fire();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.workspaces.values()].map((ws) => ws.close()));
    await Promise.all([...this.remotes.values()].map((r) => r.connection?.dispose()));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    for (const ws of this.workspaces.values()) ws.dispose();
    for (const r of this.remotes.values()) void r.connection?.dispose();
    this.changed.dispose();
    this.wrote.dispose();
  }
}
