// The stream view of one table: the webview app in webview/stream, fed by a StreamTailer that
// reads the table's latest stream through connection.sendStreams (so a remote DynamoDB stream is
// tailed the same way as the workspace engine's).
//
// Invariants:
// - One panel per connection and table (the panel registry sees to it); it reads only while
//   visible: a hidden panel stops its tailer and, shown again, reads on with the same iterators
//   (or, once they expired, after the last sequence number of each shard).
// - The host keeps the records (at most RECORD_CAP) and hands them all to each `ready`, so a page
//   torn down while hidden comes back whole; notifications carry only what is new, numbered, and
//   the view ignores numbers it already has.
// - After a window reload the registry's serializer rebuilds the panel with the view's saved
//   state (stream-registration.ts): its records and each shard's position, so reading resumes
//   where it stopped.
import * as vscode from 'vscode';
import type { Connection } from '../connection';
import { ConnectionError } from '../connection';
import { NOT_YET_AVAILABLE } from '../features';
import { streamsMissing } from '../features';
import { describeTable } from '../tables';
import { WebviewHost, type Handlers } from './webview-host';
import { StreamTailer } from './stream-tailer';
import type { Item } from '../../protocol/dynamo-json';
import {
  appendCapped,
  RECORD_CAP,
  STREAM_VIEW_TYPES,
  type ReadingStatus,
  type StreamAvailability,
  type StreamHostNotifications,
  type StreamRecordView,
  type StreamRequests,
  type StreamSession,
  type StreamStart,
  type StreamViewNotifications,
  type StreamViewState,
  type StreamViewType,
} from '../../protocol/stream-view';

export interface StreamPanelContext {
  extensionUri: vscode.Uri;
  getConnection(id: string): Promise<Connection>;
  /** opens one item, by its key, in the items panel */
  openItem(connectionId: string, tableName: string, key: Item): Promise<void>;
  /** the table's stream was turned on here: the tree shows it */
  onDidChangeTable?(connectionId: string, tableName: string): void;
}

export class StreamPanel implements vscode.Disposable {
  static readonly viewType = 'dynamoWorkspace.stream';
  readonly host: WebviewHost<StreamRequests, StreamHostNotifications, StreamViewNotifications>;
  private session: StreamSession | undefined;
  private tailer: StreamTailer | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** what the view last said it shows (tests read it) */
  lastStatus = '';

  /** `saved`: the page's own state after a window reload (the registry's serializer hands it over) */
  constructor(
    private readonly ctx: StreamPanelContext,
    readonly connection: Connection,
    readonly tableName: string,
    panel: vscode.WebviewPanel,
    private readonly saved?: StreamViewState,
  ) {
    this.host = new WebviewHost<StreamRequests, StreamHostNotifications, StreamViewNotifications>(panel, ctx.extensionUri, 'stream', `${panelTitle(tableName, connection)} — stream`, this.handlers(), {
      connectionId: connection.id,
      tableName,
    });
    this.host.onView('status', ({ message }) => (this.lastStatus = message));
    this.disposables.push(
      this.host,
      panel.onDidChangeViewState(() => (panel.visible ? this.resume() : this.pause())),
    );
  }

  /** Requests as the webview sends them; also used by the integration tests. */
  readonly handlers = (): Handlers<StreamRequests> => ({
    ready: () => this.ready(),
    replay: () => this.restart('TRIM_HORIZON'),
    tailLatest: () => this.restart('LATEST'),
    enableStream: ({ viewType }) => this.enableStream(viewType),
    openItem: ({ keys }) => this.ctx.openItem(this.connection.id, this.tableName, keys),
  });

  get records(): readonly StreamRecordView[] {
    return this.session?.records ?? [];
  }

  get isReading(): boolean {
    return !!this.tailer?.isRunning;
  }

  /** What the tailer last reported: `polling` once its first round has placed its iterators. */
  get status(): ReadingStatus | undefined {
    return this.session?.status;
  }

  private async ready(): Promise<StreamSession> {
    if (!this.session) {
      const saved = this.saved;
      this.session = await this.newSession(saved?.start ?? 'LATEST', saved?.records ?? [], saved?.dropped ?? 0, saved?.positions ?? {});
    }
    if (this.host.panel.visible) this.resume();
    return this.session;
  }

  private async newSession(start: StreamStart, records: StreamRecordView[], dropped: number, positions: Record<string, string>): Promise<StreamSession> {
    const desc = await describeTable(this.connection, this.tableName);
    const keyNames = ['HASH', 'RANGE'].flatMap((type) => desc.KeySchema.filter((k) => k.KeyType === type).map((k) => k.AttributeName));
    let availability: StreamAvailability;
    if (desc.StreamSpecification?.StreamEnabled && desc.LatestStreamArn) {
      const viewType = desc.StreamSpecification.StreamViewType as StreamViewType | undefined;
      availability = { state: 'on', stream: { arn: desc.LatestStreamArn, viewType, label: desc.LatestStreamLabel } };
    } else if (await streamsMissing(this.connection)) {
      availability = { state: 'unavailable', reason: this.connection.kind === 'remote' ? 'This database does not answer the DynamoDB Streams API' : NOT_YET_AVAILABLE };
    } else availability = { state: 'off' };
    return {
      connectionId: this.connection.id,
      connectionLabel: this.connection.label,
      tableName: this.tableName,
      keyNames,
      availability,
      start,
      records,
      dropped,
      cap: RECORD_CAP,
      status: { reading: 'stopped' },
      // positions of shards another stream had (replaced during a reload) match no shard: they are ignored
      positions,
    };
  }

  /** Starts reading the stream, or reads on after a hide with the same iterators. */
  private resume(): void {
    const s = this.session;
    if (!s || s.availability.state !== 'on') return;
    if (this.tailer) {
      if (!this.tailer.isRunning) this.tailer.start();
      return;
    }
    const last = s.records[s.records.length - 1];
    // a round still in flight when its tailer was replaced (replay, hide) delivers nothing
    const tailer: StreamTailer = new StreamTailer(this.connection, {
      arn: s.availability.stream.arn,
      start: s.start,
      resume: s.positions,
      firstN: last ? last.n + 1 : s.dropped,
      onRecords: (records) => tailer === this.tailer && this.deliver(records),
      onStatus: (status) => tailer === this.tailer && this.setStatus(status),
    });
    this.tailer = tailer;
    tailer.start();
  }

  /**
   * Stops reading while the panel is hidden, keeping the tailer: its iterators stay valid for 15
   * minutes (even one at LATEST in a shard nothing was read from yet), so nothing written
   * meanwhile is missed; after that it goes on from each shard's last record.
   */
  private pause(): void {
    const tailer = this.tailer;
    if (!tailer) return;
    if (this.session) this.session.positions = tailer.positions();
    tailer.stop();
  }

  /** Stops reading for good (replay, another stream, the panel closing). */
  private discard(): void {
    const tailer = this.tailer;
    if (!tailer) return;
    if (this.session) this.session.positions = tailer.positions();
    this.tailer = undefined;
    tailer.stop();
    this.setStatus({ reading: 'stopped' });
  }

  private deliver(records: StreamRecordView[]): void {
    const s = this.session;
    if (!s || !this.tailer) return;
    s.dropped += appendCapped(s.records, records, s.cap);
    s.positions = this.tailer.positions();
    this.host.notify('records', { records, dropped: s.dropped, positions: s.positions });
  }

  private setStatus(status: ReadingStatus): void {
    if (!this.session) return;
    const before = this.session.status;
    this.session.status = status;
    // the pace changes with every idle round: only a change of state or error is worth a message
    if (before.reading !== status.reading || before.error !== status.error || before.shards !== status.shards || before.streamStatus !== status.streamStatus)
      this.host.notify('status', status);
    if (status.streamStatus === 'DISABLED' || status.streamStatus === 'DISABLING') void this.followTable();
  }

  private lastTableCheck = 0;

  /**
   * The stream was turned off (UpdateTable, from anywhere): once every 10 seconds, see whether the
   * table has another stream (turned on again: a new ARN) or none, and start over with what it has.
   */
  private async followTable(): Promise<void> {
    const s = this.session;
    if (!s || s.availability.state !== 'on' || Date.now() - this.lastTableCheck < 10_000) return;
    this.lastTableCheck = Date.now();
    const desc = await describeTable(this.connection, this.tableName).catch(() => undefined);
    if (!desc || this.session !== s) return;
    const enabled = desc.StreamSpecification?.StreamEnabled && desc.LatestStreamArn;
    if (enabled && desc.LatestStreamArn === s.availability.stream.arn) return;
    // the records read so far stay: they are still what happened
    const records = s.records;
    const dropped = s.dropped;
    this.discard();
    this.session = await this.newSession('TRIM_HORIZON', records, dropped, {});
    this.host.notify('session', this.session);
    if (this.host.panel.visible) this.resume();
  }

  /** Clears the records and reads again from `start`. */
  private async restart(start: StreamStart): Promise<StreamSession> {
    this.discard();
    this.session = await this.newSession(start, [], 0, {});
    if (this.host.panel.visible) this.resume();
    return this.session;
  }

  private async enableStream(viewType: StreamViewType): Promise<StreamSession> {
    if (!STREAM_VIEW_TYPES.includes(viewType)) throw new ConnectionError('ValidationException', `StreamViewType must be one of ${STREAM_VIEW_TYPES.join(', ')}`);
    await this.connection.send('UpdateTable', { TableName: this.tableName, StreamSpecification: { StreamEnabled: true, StreamViewType: viewType } });
    this.ctx.onDidChangeTable?.(this.connection.id, this.tableName);
    // every record of a stream just turned on is new: read it from its start, so a write that
    // lands before the first iterator is placed is not missed
    return this.restart('TRIM_HORIZON');
  }

  dispose(): void {
    this.discard();
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }
}

/** The same table on two connections gets two panels: the title says which is which. */
export function panelTitle(tableName: string, connection: Pick<Connection, 'label'>): string {
  return `${tableName} stream — ${connection.label}`;
}
