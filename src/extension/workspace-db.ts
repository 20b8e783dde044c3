// The workspace folder's own database: the embedded engine opened in-process on the folder's data
// directory, its DynamoDB endpoint on loopback, and, when another process (a second VS Code
// window, the CLI) already owns the directory, a connection to that owner's endpoint instead.
// Every operation, from the explorer or from any client of the endpoint, passes through one
// watched handle on the engine, so `onDidWrite` fires (debounced) after writes from anyone.
// A database shared with its owner process cannot be watched from here: `onDidWrite` then fires
// every SHARED_POLL_MS, and listeners re-read what they show.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Connection, Operation, StreamsOperation } from './connection';
import { ConnectionError } from './connection';
import type { EndpointSecurity } from './endpoint-security';
import { RemoteConnection } from './remote';
import type { CapacityMetrics } from '../engine/capacity';
import type { PreviewResult } from '../protocol/timeline';
import type { CapacityTap, RecorderOptions, RequestRecorder } from '../server/inspector/recorder';

/** What the extension needs from src/engine and src/server (bound in engine-binding.ts). */
export interface EmbeddedDatabase {
  execute(operation: string, input: unknown): Promise<unknown>;
  streams?: { execute(operation: string, input: unknown): Promise<unknown> };
  /** The engine's capacity counters (the capacity panel, the throttling status item). */
  metrics?: Pick<CapacityMetrics, 'tables' | 'table' | 'hotKeys' | 'cost'>;
  /** where the engine reports each request's charged units (the request inspector's recorder reads them) */
  capacity?: CapacityTap;
  advertiseEndpoint(url: string): Promise<void>;
  close(): Promise<void>;
}
/** `dynamoWorkspace.durability`: what an acknowledged write survives (see DatabaseOptions). */
export type Durability = 'process' | 'disk';
export interface EngineBinding {
  open(dir: string, options: { durability: Durability; logHistoryBytes?: number; ttlSweepIntervalMs?: number }): Promise<EmbeddedDatabase>;
  /** for a "directory is locked" error: the owner's endpoint ('' if it has none); undefined for other errors */
  lockedBy(error: unknown): string | undefined;
  /** `authKeys`: access key id -> secret; when given, every request must be signed with one of them (SigV4). */
  startServer(options: {
    db: EmbeddedDatabase;
    host: string;
    port: number;
    authKeys?: ReadonlyMap<string, string>;
    allowedOrigins?: readonly string[];
    /** the request inspector's recorder: the endpoint records every request into it */
    recorder?: RequestRecorder;
  }): Promise<{ url: string; close(): Promise<void> }>;
  /** the timeline panel's reader of the engine's PITR history (a shared or remote database has none) */
  history?(db: EmbeddedDatabase): TableHistory;
  /** the request inspector's recorder, kept for the database's life (endpoint restarts keep its records) */
  requests?(options: RecorderOptions): RequestRecorder;
}

/** Records saved at a window's close come back if it opens again within this long (a reload, not the next day). */
const RESTORE_WITHIN_MS = 10 * 60_000;

/** One table's history as the workspace engine keeps it for PITR (src/engine/backups/timeline.ts). */
export interface TableHistory {
  /** writes per bucket of `bucketMs`, oldest first, empty buckets left out */
  volume(tableName: string, options: { from?: number; bucketMs: number }): Promise<{ start: number; inserts: number; modifications: number; removals: number }[]>;
  /** the table at `time` (ms) against now, at most `limit` differing items */
  preview(tableName: string, time: number, limit: number): Promise<PreviewResult>;
}

export class EmbeddedConnection implements Connection {
  readonly kind = 'workspace' as const;
  /** When the engine was opened here: its capacity counters (in memory) start then. */
  readonly openedAt = Date.now();
  /** set by WorkspaceDatabase when the binding reads history (the timeline panel) */
  history: TableHistory | undefined;
  /** the request inspector's log of this database's requests (the endpoint's and the explorer's own); set by WorkspaceDatabase */
  requests: RequestRecorder | undefined;
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
    const cloned = structuredClone(input);
    if (this.requests?.enabled) return this.requests.track('DynamoDB_20120810', operation, cloned, () => this.db.execute(operation, cloned), this.db.capacity);
    return this.db.execute(operation, cloned);
  }
  /** The engine's capacity counters, read in place (the panel copies what it sends on). */
  get metrics(): EmbeddedDatabase['metrics'] {
    return this.db.metrics;
  }
  async sendStreams(operation: StreamsOperation, input: object): Promise<any> {
    if (!this.db.streams) throw new ConnectionError('UnknownOperationException', 'DynamoDB Streams is not available in this database yet');
    const streams = this.db.streams;
    const cloned = structuredClone(input);
    if (this.requests?.enabled) return this.requests.track('DynamoDBStreams_20120810', operation, cloned, () => streams.execute(operation, cloned));
    return streams.execute(operation, cloned);
  }
  async dispose(): Promise<void> {
    /* the WorkspaceDatabase owns the engine */
  }
}

export type WorkspaceDbState = 'closed' | 'opening' | 'open' | 'shared' | 'failed';

/** Operations that cannot change a table's items or the table list. */
const READ_ONLY = /^(Get|BatchGet|TransactGet|Query|Scan|Describe|List)/;

/** Quiet time after the last write before `onDidWrite` fires, and the longest a burst of writes delays it. */
export const WRITE_SETTLE_MS = 250;
export const WRITE_MAX_DELAY_MS = 1000;
export const SHARED_POLL_MS = 3000;

/**
 * The engine, with `execute` and `executeJson` (the endpoint's fast path) reporting each
 * successful write. Other members are the engine's own, bound to it.
 */
function watchWrites<T extends object>(db: T, onWrite: () => void): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      let fn = wrapped.get(prop);
      if (!fn) {
        const f = value as (...args: unknown[]) => unknown;
        fn =
          prop === 'execute' || prop === 'executeJson'
            ? (operation: string, input: unknown) => {
                const result = f.call(target, operation, input) as Promise<unknown>;
                if (!READ_ONLY.test(operation)) void result.then(onWrite, () => undefined);
                return result;
              }
            : f.bind(target);
        wrapped.set(prop, fn);
      }
      return fn;
    },
  });
}

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
  private readonly wrote = new vscode.EventEmitter<void>();
  /** after writes from any client, at most every WRITE_MAX_DELAY_MS during a burst */
  readonly onDidWrite = this.wrote.event;
  private writeTimer: NodeJS.Timeout | undefined;
  private sharedPoll: NodeJS.Timeout | undefined;
  private firstWrite = 0;
  private lastWrite = 0;
  /** the request inspector's recorder while the engine is open here (none for a shared database) */
  private recorder: RequestRecorder | undefined;
  private readonly settingsWatch: vscode.Disposable;

  constructor(
    readonly folder: vscode.WorkspaceFolder,
    private readonly binding: EngineBinding | undefined,
    private readonly log: (message: string) => void = () => undefined,
    private readonly security?: EndpointSecurity,
    /** where the inspector's records wait out a window reload (the extension's workspace storage) */
    private readonly stateDir?: string,
  ) {
    this.id = `workspace:${folder.uri.toString()}`;
    this.settingsWatch = vscode.workspace.onDidChangeConfiguration((e) => {
      if (this.recorder && e.affectsConfiguration('dynamoWorkspace.inspector', this.folder.uri)) {
        const s = this.recorderSettings;
        this.recorder.enabled = s.enabled!;
        this.recorder.bodies = s.bodies!;
        this.recorder.capacity = s.capacity!;
      }
    });
  }

  /** `dynamoWorkspace.inspector.*`: whether requests are recorded, how many are kept, and their JSON bodies. */
  get recorderSettings(): Required<Pick<RecorderOptions, 'enabled' | 'bodies' | 'capacity'>> {
    const config = vscode.workspace.getConfiguration('dynamoWorkspace', this.folder.uri);
    const capacity = config.get<number>('inspector.capacity');
    return {
      enabled: config.get<boolean>('inspector.enabled', true) !== false,
      bodies: config.get<boolean>('inspector.bodies', true) !== false,
      capacity: typeof capacity === 'number' && Number.isFinite(capacity) && capacity >= 1 ? Math.min(Math.floor(capacity), 1_000_000) : 10_000,
    };
  }

  get label(): string {
    return this.folder.name;
  }

  get dir(): string {
    const config = vscode.workspace.getConfiguration('dynamoWorkspace', this.folder.uri);
    const setting = config.get<string>('dataDir') || '.dynamodb';
    return path.resolve(this.folder.uri.fsPath, setting);
  }

  /** `dynamoWorkspace.logHistoryMB`, in bytes. */
  get logHistoryBytes(): number | undefined {
    const mb = vscode.workspace.getConfiguration('dynamoWorkspace', this.folder.uri).get<number>('logHistoryMB');
    return typeof mb === 'number' && Number.isFinite(mb) && mb >= 1 ? Math.floor(mb * 1024 * 1024) : undefined;
  }

  /** `dynamoWorkspace.ttl.sweepIntervalSeconds`, in milliseconds (undefined: the engine's default). */
  get ttlSweepIntervalMs(): number | undefined {
    const s = vscode.workspace.getConfiguration('dynamoWorkspace', this.folder.uri).get<number>('ttl.sweepIntervalSeconds');
    return typeof s === 'number' && Number.isFinite(s) && s >= 0 ? Math.round(Math.min(s, 86_400) * 1000) : undefined;
  }

  get durability(): Durability {
    const config = vscode.workspace.getConfiguration('dynamoWorkspace', this.folder.uri);
    return config.get<string>('durability') === 'disk' ? 'disk' : 'process';
  }

  /**
   * Whether to open when the window opens, not only when the explorer is shown: the data folder
   * exists (the database was used here before), or the endpoint is explicitly enabled in some
   * settings scope. The default of `endpoint.enabled` alone does not create a data folder in
   * every folder VS Code opens.
   */
  get opensAtStartup(): boolean {
    if (fs.existsSync(this.dir)) return true;
    const enabled = vscode.workspace.getConfiguration('dynamoWorkspace', this.folder.uri).inspect<boolean>('endpoint.enabled');
    return enabled?.workspaceFolderValue === true || enabled?.workspaceValue === true || enabled?.globalValue === true;
  }

  /** Counts a write; fires onDidWrite once writes pause, or WRITE_MAX_DELAY_MS into a burst. O(1) per write. */
  private noteWrite(): void {
    const now = Date.now();
    this.lastWrite = now;
    if (this.writeTimer) return;
    this.firstWrite = now;
    const check = () => {
      const t = Date.now();
      const quiet = t - this.lastWrite >= WRITE_SETTLE_MS;
      if (quiet || t - this.firstWrite >= WRITE_MAX_DELAY_MS) {
        this.writeTimer = undefined;
        this.wrote.fire();
        return;
      }
      this.writeTimer = setTimeout(check, Math.min(WRITE_SETTLE_MS - (t - this.lastWrite), WRITE_MAX_DELAY_MS - (t - this.firstWrite)));
    };
    this.writeTimer = setTimeout(check, WRITE_SETTLE_MS);
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
        db = await this.binding.open(dir, { durability: this.durability, logHistoryBytes: this.logHistoryBytes, ttlSweepIntervalMs: this.ttlSweepIntervalMs });
      } catch (e) {
        const owner = this.binding.lockedBy(e);
        if (owner === undefined) throw e;
        if (!owner) throw new Error(`${dir} is in use by another process that serves no endpoint`);
        const credentials = await this.security?.signingCredentials();
        this.conn = new RemoteConnection({ id: this.id, label: this.label, kind: 'shared', endpoint: owner, credentials });
        this.state = 'shared';
        this.endpointNote = `shared with the process that owns ${dir}`;
        this.sharedPoll = setInterval(() => this.wrote.fire(), SHARED_POLL_MS);
        this.changed.fire();
        return this.conn;
      }
      this.db = watchWrites(db, () => this.noteWrite());
      this.conn = new EmbeddedConnection(this.id, this.label, dir, this.db, () => this.server?.url);
      (this.conn as EmbeddedConnection).history = this.binding.history?.(this.db);
      this.recorder = this.binding.requests?.(this.recorderSettings);
      (this.conn as EmbeddedConnection).requests = this.recorder;
      if (this.recorder) await this.restoreRequests(this.recorder);
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
    const configuredHost = config.get<string>('endpoint.host') || '127.0.0.1';
    // Without the security policy (tests that build a WorkspaceDatabase alone) only loopback is bound.
    const host = this.security ? await this.security.host(this.folder, configuredHost) : '127.0.0.1';
    const authKeys = await this.security?.accessKeys(this.folder);
    // Like the host, a cloned repository's settings must not open the database to other sites.
    const allowedOrigins = vscode.workspace.isTrusted ? (config.get<string[]>('endpoint.allowedOrigins') ?? []).filter((o) => typeof o === 'string') : [];
    const port = config.get<number>('endpoint.port') ?? 8000;
    if (!this.db) return; // closed while asking
    await this.server?.close();
    this.server = undefined;
    try {
      this.server = await this.binding.startServer({ db: this.db, host, port, authKeys, allowedOrigins, recorder: this.recorder });
      this.endpointNote = undefined;
    } catch (e) {
      if (port === 0) throw e;
      // the configured port is taken: serve on a free one rather than not at all
      this.server = await this.binding.startServer({ db: this.db, host, port: 0, authKeys, allowedOrigins, recorder: this.recorder });
      this.endpointNote = `port ${port} was busy`;
    }
    await this.db.advertiseEndpoint(this.server.url);
    this.log(
      `${this.folder.name}: serving ${this.dir} at ${this.server.url}${this.endpointNote ? ` (${this.endpointNote})` : ''}` +
        (host !== '127.0.0.1' ? ` (bound to ${host})` : '') +
        (authKeys ? `; requests must be signed with ${authKeys.size === 0 ? 'an access key (none is set: every request is refused)' : [...authKeys.keys()].join(', ')}` : ''),
    );
    this.changed.fire();
  }

  /** The file the inspector's records are saved in while the window reloads (one per folder). */
  private get requestsFile(): string | undefined {
    if (!this.stateDir) return undefined;
    const name = createHash('sha256').update(this.folder.uri.toString()).digest('hex').slice(0, 16);
    return path.join(this.stateDir, `requests-${name}.json`);
  }

  /** Records the last session saved come back (once: the file is removed). */
  private async restoreRequests(recorder: RequestRecorder): Promise<void> {
    const file = this.requestsFile;
    if (!file) return;
    try {
      const text = await fs.promises.readFile(file, 'utf8');
      await fs.promises.rm(file, { force: true });
      const n = recorder.restore(text, RESTORE_WITHIN_MS);
      if (n) this.log(`${this.folder.name}: the request inspector's ${n} records from before the reload are back`);
    } catch {
      // nothing saved (the usual case), or unreadable: start empty
    }
  }

  /** Saves the inspector's records for the next session of this window (a reload); written whole, then renamed. */
  private async saveRequests(recorder: RequestRecorder): Promise<void> {
    const file = this.requestsFile;
    if (!file || recorder.size === 0) return;
    try {
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      await fs.promises.writeFile(`${file}.tmp`, recorder.saved());
      await fs.promises.rename(`${file}.tmp`, file);
    } catch (e) {
      this.log(`${this.folder.name}: could not keep the request inspector's records for the next session: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async close(): Promise<void> {
    const server = this.server;
    const db = this.db;
    const conn = this.conn;
    const recorder = this.recorder;
    this.server = undefined;
    this.db = undefined;
    this.conn = undefined;
    this.recorder = undefined;
    this.state = 'closed';
    clearInterval(this.sharedPoll);
    this.sharedPoll = undefined;
    await server?.close().catch(() => undefined);
    if (recorder) await this.saveRequests(recorder);
    await conn?.dispose().catch(() => undefined);
    await db?.close().catch(() => undefined);
    this.changed.fire();
  }

  dispose(): void {
    clearTimeout(this.writeTimer);
    this.settingsWatch.dispose();
    void this.close();
    this.changed.dispose();
    this.wrote.dispose();
  }
}
