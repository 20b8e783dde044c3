// The request inspector of one connection: the webview app in webview/inspector, fed by the
// recorder the workspace endpoint keeps (I1's src/server/inspector: recent / subscribe / clear).
//
// Invariants:
// - One panel per connection (the registry sees to it). It subscribes while it lives and sends
//   new records in batches, at most one message per NOTIFY_INTERVAL_MS (RecordBatcher), so a busy
//   application does not flood the page; the page keeps the newest `cap` records.
// - Each `ready` hands the page the recorder's current records, so a page torn down while hidden
//   (or rebuilt after a window reload) comes back whole; the page merges by id, never doubling.
// - A connection without a recorder (remote, shared with another process, recording off) gets a
//   panel that says so plainly, never an empty list that looks like silence.
import * as vscode from 'vscode';
import type { Connection, Operation, StreamsOperation } from '../connection';
import { ConnectionError, errorInfo } from '../connection';
import { describeTable } from '../tables';
import { WebviewHost, type Handlers } from './webview-host';
import { RecordBatcher } from './inspector-batch';
import { keyOf, type Item } from '../../protocol/dynamo-json';
import type { QuerySpec } from '../../protocol/items';
import { itemsPanelTarget, replayInput } from '../../protocol/request-code';
import type { RequestRecord } from '../../protocol/request-record';
import { RECORDER_DEFAULTS } from '../../protocol/request-record';
import {
  NOTIFY_INTERVAL_MS,
  SLOW_MS,
  type CodeKind,
  type InspectorHostNotifications,
  type InspectorRequests,
  type InspectorSession,
  type InspectorViewNotifications,
  type KeySchema,
} from '../../protocol/inspector';

/** The recorder's API the panel uses (src/server/inspector). */
export interface RequestSource {
  recent(limit?: number): RequestRecord[];
  subscribe(listener: (r: RequestRecord) => void): () => void;
  clear(): void;
  readonly capacity?: number;
}

export interface InspectorPanelContext {
  extensionUri: vscode.Uri;
  getConnection(id: string): Promise<Connection>;
  /** the connection's recorder, or why it has none */
  requestsOf(connection: Connection): RequestSource | { reason: string };
  /** opens the items panel on a table, with one item's editor when `item` is given, or running `query` */
  openItems(connectionId: string, tableName: string, item?: Item, query?: QuerySpec): Promise<void>;
  /** the record's request as runnable code (I3's src/protocol/request-code.ts) */
  code(record: RequestRecord, kind: CodeKind, endpoint: string | undefined): string;
  /** the slow threshold (ms), from the settings */
  slowMs?(): number;
}

export class InspectorPanel implements vscode.Disposable {
  static readonly viewType = 'dynamoWorkspace.inspector';
  readonly host: WebviewHost<InspectorRequests, InspectorHostNotifications, InspectorViewNotifications>;
  private readonly disposables: vscode.Disposable[] = [];
  private unsubscribe: (() => void) | undefined;
  private readonly batcher: RecordBatcher;
  private readonly source: RequestSource | { reason: string };
  private readonly schemas = new Map<string, Promise<KeySchema | undefined>>();
  /** what the view last said it shows (tests read it) */
  lastStatus = '';
  /** batches sent to the page (tests read it) */
  batchesSent = 0;

  constructor(
    private readonly ctx: InspectorPanelContext,
    readonly connection: Connection,
    panel: vscode.WebviewPanel,
  ) {
    this.host = new WebviewHost<InspectorRequests, InspectorHostNotifications, InspectorViewNotifications>(panel, ctx.extensionUri, 'inspector', panelTitle(connection), this.handlers(), {
      connectionId: connection.id,
    });
    this.host.onView('status', ({ message }) => (this.lastStatus = message));
    this.source = ctx.requestsOf(connection);
    this.batcher = new RecordBatcher((records) => {
      this.batchesSent++;
      this.host.notify('records', { records });
    }, NOTIFY_INTERVAL_MS, this.cap);
    if ('recent' in this.source) this.unsubscribe = this.source.subscribe((r) => this.batcher.add(r));
    this.disposables.push(this.host);
  }

  private get cap(): number {
    return ('recent' in this.source ? this.source.capacity : undefined) ?? RECORDER_DEFAULTS.capacity;
  }

  readonly handlers = (): Handlers<InspectorRequests> => ({
    ready: () => this.ready(),
    clear: () => this.clear(),
    code: ({ id, kind }) => this.ctx.code(this.record(id), kind, this.connection.endpoint),
    copy: async ({ text }) => vscode.env.clipboard.writeText(text),
    replay: ({ id }) => this.replay(id),
    openInItems: ({ id }) => this.openInItems(id),
  });

  private async ready(): Promise<InspectorSession> {
    const base = { connectionId: this.connection.id, connectionLabel: this.connection.label, cap: this.cap, slowMs: this.ctx.slowMs?.() ?? SLOW_MS, endpoint: this.connection.endpoint };
    if (!('recent' in this.source)) return { ...base, unavailable: this.source.reason, records: [], keySchemas: {} };
    // what is pending is in `recent` too: the page would get it twice (it merges by id, but why send it)
    this.batcher.drop();
    const records = this.source.recent(this.cap);
    return { ...base, records, keySchemas: await this.keySchemas(records) };
  }

  /** Key schemas of the tables the records name, for the Scan hints (tables that are gone are left out). */
  private async keySchemas(records: readonly RequestRecord[]): Promise<Record<string, KeySchema>> {
    const names = [...new Set(records.flatMap((r) => (r.table && !r.client.explorer ? [r.table] : [])))].slice(0, 50);
    const out: Record<string, KeySchema> = {};
    await Promise.all(
      names.map(async (name) => {
        let p = this.schemas.get(name);
        if (!p) this.schemas.set(name, (p = this.describe(name)));
        const s = await p;
        if (s) out[name] = s;
        else this.schemas.delete(name);
      }),
    );
    return out;
  }

  private async describe(name: string): Promise<KeySchema | undefined> {
    try {
      const d = await describeTable(this.connection, name);
      const key = (ks: { AttributeName: string; KeyType: string }[]) => ({ hash: ks.find((k) => k.KeyType === 'HASH')?.AttributeName ?? '', range: ks.find((k) => k.KeyType === 'RANGE')?.AttributeName });
      const indexes = [...(d.GlobalSecondaryIndexes ?? []), ...(d.LocalSecondaryIndexes ?? [])].map((i: { IndexName: string; KeySchema: { AttributeName: string; KeyType: string }[] }) => ({ name: i.IndexName, ...key(i.KeySchema) }));
      return { ...key(d.KeySchema), indexes };
    } catch {
      return undefined;
    }
  }

  private clear(): void {
    if (!('recent' in this.source)) return;
    this.batcher.drop();
    this.source.clear();
    this.host.notify('cleared', {});
  }

  private record(id: number): RequestRecord {
    const r = 'recent' in this.source ? this.source.recent().find((x) => x.id === id) : undefined;
    if (!r) throw new ConnectionError('ResourceNotFoundException', `Request ${id} is no longer recorded (the recorder keeps the latest ${this.cap.toLocaleString('en-US')}).`);
    return r;
  }

  /** Sends the request again through the connection: the recorder files it as the explorer's own. */
  private async replay(id: number): Promise<{ status: 'ok' | RequestRecord['status']; message: string }> {
    let replay: ReturnType<typeof replayInput>;
    try {
      replay = replayInput(this.record(id));
    } catch (e) {
      throw new ConnectionError('ValidationException', errorInfo(e).message);
    }
    try {
      if (replay.streams) await this.connection.sendStreams(replay.operation as StreamsOperation, replay.input);
      else await this.connection.send(replay.operation as Operation, replay.input);
      return { status: 'ok', message: `${replay.operation} sent again: OK` };
    } catch (e) {
      const { type, message } = errorInfo(e);
      return { status: 'error', message: `${replay.operation} sent again: ${type}: ${message}` };
    }
  }

  /** A single-item request opens the item as it is now (its editor); a Query or Scan opens as the items panel's query. */
  private async openInItems(id: number): Promise<void> {
    const r = this.record(id);
    const target = itemsPanelTarget(r);
    if (!target) {
      if (!r.table) throw new ConnectionError('ValidationException', `${r.operation} names no single table to open.`);
      return this.ctx.openItems(this.connection.id, r.table);
    }
    if (target.kind === 'query') return this.ctx.openItems(this.connection.id, target.tableName, undefined, target.spec);
    const table = await describeTable(this.connection, target.tableName);
    const key = keyOf(target.openEditor.item, table.KeySchema.map((k) => k.AttributeName));
    const item = (await this.connection.send('GetItem', { TableName: target.tableName, Key: key, ConsistentRead: true })).Item as Item | undefined;
    // an item deleted since (or never written: a failed put) opens the table, its editor on the request's item
    return this.ctx.openItems(this.connection.id, target.tableName, item ?? target.openEditor.item);
  }

  dispose(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.batcher.drop();
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }
}

export function panelTitle(connection: Pick<Connection, 'label'>): string {
  return `Requests — ${connection.label}`;
}
