// The workspace folder's own database: the embedded engine opened in-process on the folder's data
// directory, its DynamoDB endpoint on loopback, and, when another process (a second VS Code
// window, the CLI) already owns the directory, a connection to that owner's endpoint instead.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Connection, Operation, StreamsOperation } from './connection';
import { ConnectionError } from './connection';
import { RemoteConnection } from './remote';

/** What the extension needs from src/engine and src/server (bound in engine-binding.ts). */
export interface EmbeddedDatabase {
  execute(operation: string, input: unknown): Promise<unknown>;
  streams?: { execute(operation: string, input: unknown): Promise<unknown> };
  advertiseEndpoint(url: string): Promise<void>;
  close(): Promise<void>;
}
/** `dynamoWorkspace.durability`: what an acknowledged write survives (see DatabaseOptions). */
export type Durability = 'process' | 'disk';
export interface EngineBinding {
  open(dir: string, options: { durability: Durability }): Promise<EmbeddedDatabase>;
  /** for a "directory is locked" error: the owner's endpoint ('' if it has none); undefined for other errors */
  lockedBy(error: unknown): string | undefined;
  startServer(options: { db: EmbeddedDatabase; host: string; port: number }): Promise<{ url: string; close(): Promise<void> }>;
}

export class EmbeddedConnection implements Connection {
  readonly kind = 'workspace' as const;
  constructor(
    readonly id: string,
    readonly label: string,
    readonly detail: string,
    private readonly db: EmbeddedDatabase,
    private readonly getEndpoint: () => string | undefined,
  ) {}
  get endpoint(): string | undefined {
    return this.getEndpoint();
  }
  async send(operation: Operation, input: object): Promise<any> {
    // a structured clone keeps callers from sharing objects with the engine
    return this.db.execute(operation, structuredClone(input));
  }
  async sendStreams(operation: StreamsOperation, input: object): Promise<any> {
    if (!this.db.streams) throw new ConnectionError('UnknownOperationException', 'DynamoDB Streams is not available in this database yet');
    return this.db.streams.execute(operation, structuredClone(input));
  }
  async dispose(): Promise<void> {
    /* the WorkspaceDatabase owns the engine */
  }
}

export type WorkspaceDbState = 'closed' | 'opening' | 'open' | 'shared' | 'failed';

export class WorkspaceDatabase implements vscode.Disposable {
  readonly id: string;
  state: WorkspaceDbState = 'closed';
  error: string | undefined;
  endpointNote: string | undefined;
  private db: EmbeddedDatabase | undefined;
  private server: { url: string; close(): Promise<void> } | undefined;
  private conn: Connection | undefined;
  private opening: Promise<Connection> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    readonly folder: vscode.WorkspaceFolder,
    private readonly binding: EngineBinding | undefined,
    private readonly log: (message: string) => void = () => undefined,
  ) {
    this.id = `workspace:${folder.uri.toString()}`;
  }

  get label(): string {
    return this.folder.name;
  }

  get dir(): string {
    const config = vscode.workspace.getConfiguration('dynamoWorkspace', this.folder.uri);
    const setting = config.get<string>('dataDir') || '.dynamodb';
    return path.resolve(this.folder.uri.fsPath, setting);
  }

  get durability(): Durability {
    const config = vscode.workspace.getConfiguration('dynamoWorkspace', this.folder.uri);
    return config.get<string>('durability') === 'disk' ? 'disk' : 'process';
  }

  get connection(): Connection | undefined {
    return this.conn;
  }

  get endpoint(): string | undefined {
    return this.conn?.endpoint;
  }

  open(): Promise<Connection> {
    if (this.conn) return Promise.resolve(this.conn);
    this.opening ??= this.doOpen().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async doOpen(): Promise<Connection> {
    this.state = 'opening';
    this.error = undefined;
    this.changed.fire();
    try {
      if (!this.binding) throw new Error('The embedded database engine is not part of this build');
      const dir = this.dir;
      let db: EmbeddedDatabase;
      try {
        db = await this.binding.open(dir, { durability: this.durability });
      } catch (e) {
        const owner = this.binding.lockedBy(e);
        if (owner === undefined) throw e;
        if (!owner) throw new Error(`${dir} is in use by another process that serves no endpoint`);
        this.conn = new RemoteConnection({ id: this.id, label: this.label, kind: 'shared', endpoint: owner });
        this.state = 'shared';
        this.endpointNote = `shared with the process that owns ${dir}`;
        this.changed.fire();
        return this.conn;
      }
      this.db = db;
      this.conn = new EmbeddedConnection(this.id, this.label, dir, db, () => this.server?.url);
      this.state = 'open';
      this.changed.fire();
      await this.startEndpoint();
      return this.conn;
    } catch (e) {
      this.state = 'failed';
      this.error = e instanceof Error ? e.message : String(e);
      this.log(`Opening the database of ${this.folder.name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      this.changed.fire();
      throw e;
    }
  }

  /** Starts (or restarts) the loopback endpoint with the current settings. */
  async startEndpoint(): Promise<void> {
    if (!this.db || !this.binding) return;
    const config = vscode.workspace.getConfiguration('dynamoWorkspace', this.folder.uri);
    if (!config.get<boolean>('endpoint.enabled', true)) return;
    const host = config.get<string>('endpoint.host') || '127.0.0.1';
    const port = config.get<number>('endpoint.port') ?? 8000;
    await this.server?.close();
    this.server = undefined;
    try {
      this.server = await this.binding.startServer({ db: this.db, host, port });
      this.endpointNote = undefined;
    } catch (e) {
      if (port === 0) throw e;
      // the configured port is taken: serve on a free one rather than not at all
      this.server = await this.binding.startServer({ db: this.db, host, port: 0 });
      this.endpointNote = `port ${port} was busy`;
    }
    await this.db.advertiseEndpoint(this.server.url);
    this.log(`${this.folder.name}: serving ${this.dir} at ${this.server.url}${this.endpointNote ? ` (${this.endpointNote})` : ''}`);
    this.changed.fire();
  }

  async close(): Promise<void> {
    const server = this.server;
    const db = this.db;
    const conn = this.conn;
    this.server = undefined;
    this.db = undefined;
    this.conn = undefined;
    this.state = 'closed';
    await server?.close().catch(() => undefined);
    await conn?.dispose().catch(() => undefined);
    await db?.close().catch(() => undefined);
    this.changed.fire();
  }

  dispose(): void {
    void this.close();
    this.changed.dispose();
  }
}
