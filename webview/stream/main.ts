// The stream view: the records of one table's stream as they arrive (oldest at the top, newest at
// the bottom, like an output log; the list follows new records while scrolled to the end), with
// pause and resume, filters by event type and key text, a diff per record, Open Item, replay from
// TRIM_HORIZON, and, for a table without a stream, a way to turn one on.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { Host, errorText } from '../shared/host';
import './components/record-row';
import * as actions from './actions';
import { EMPTY_VIEW_STATE, filterIsActive, heldBack, mergeRecords, pausePoint, savedState, shownRecords, statusLine, type RecordBook } from './state';
import { appStyles } from './styles';
import type { StreamEventName, StreamFilter, StreamHostNotifications, StreamRecordView, StreamRequests, StreamSession, StreamViewNotifications, StreamViewState, StreamViewType } from '../../src/protocol/stream-view';
import { STREAM_EVENTS, STREAM_VIEW_TYPES } from '../../src/protocol/stream-view';

const host = new Host<StreamRequests, StreamHostNotifications, StreamViewNotifications, StreamViewState>();

@customElement('stream-app')
export class StreamApp extends LitElement {
  static override styles = appStyles;
  @state() private session: StreamSession | undefined;
  @state() private book: RecordBook = { records: [], dropped: 0, cap: 1000 };
  @state() private filter: StreamFilter = EMPTY_VIEW_STATE.filter;
  @state() private pausedAt: number | undefined;
  @state() private expanded = new Set<string>();
  @state() private error = '';
  @state() private busy = false;
  @state() private enableType: StreamViewType = 'NEW_AND_OLD_IMAGES';
  @query('.list') private list: HTMLElement | undefined;
  /** whether the list was scrolled to its end before the last update: then it follows new records */
  private following = true;
  /** Resume asks to show the newest record, wherever the list was scrolled */
  private scrollToEnd = false;
  private lastStatus = '';

  override connectedCallback(): void {
    super.connectedCallback();
    const saved = host.state;
    if (saved) {
      this.filter = saved.filter ?? EMPTY_VIEW_STATE.filter;
      this.pausedAt = saved.pausedAt;
      this.expanded = new Set(saved.expanded ?? []);
    }
    host.on('records', ({ records, dropped, positions }) => {
      if (!this.session) return;
      this.session = { ...this.session, positions };
      const book = { ...this.book, records: [...this.book.records] };
      if (mergeRecords(book, records, dropped)) this.book = book;
    });
    host.on('status', (status) => this.session && (this.session = { ...this.session, status }));
    host.on('session', (session) => this.adopt(session));
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.adopt(await actions.ready(host));
    } catch (e) {
      this.error = errorText(e);
    }
  }

  private adopt(session: StreamSession): void {
    this.session = session;
    this.book = { records: [...session.records], dropped: session.dropped, cap: session.cap };
  }

  protected override willUpdate(): void {
    const el = this.list;
    this.following = !el || el.scrollTop + el.clientHeight >= el.scrollHeight - 4;
  }

  protected override updated(changed: PropertyValues): void {
    if (this.list && (this.scrollToEnd || (this.following && changed.has('book')))) this.list.scrollTop = this.list.scrollHeight;
    this.scrollToEnd = false;
    if (this.session) {
      host.state = savedState({ filter: this.filter, pausedAt: this.pausedAt, expanded: [...this.expanded] }, this.session, this.book);
      const message = this.statusText();
      if (message !== this.lastStatus) host.notify('status', { message: (this.lastStatus = message) });
    }
  }

  private statusText(): string {
    const s = this.session!;
    const shown = shownRecords(this.book.records, this.filter, s.keyNames, this.pausedAt).length;
    return statusLine(shown, this.book.records.length, heldBack(this.book.records, this.pausedAt), this.book.dropped, this.book.cap);
  }

  private async run(action: () => Promise<StreamSession | void>): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      const session = await action();
      if (session) {
        this.pausedAt = undefined;
        this.expanded = new Set();
        this.adopt(session);
      }
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.busy = false;
    }
  }

  private togglePause(): void {
    this.pausedAt = this.pausedAt === undefined ? pausePoint(this.book.records, this.book.dropped) : undefined;
    // resuming shows what was held back and follows the newest again
    if (this.pausedAt === undefined) this.scrollToEnd = true;
  }

  private setEvent(event: StreamEventName, on: boolean): void {
    const events = STREAM_EVENTS.filter((e) => (e === event ? on : this.filter.events.includes(e)));
    this.filter = { ...this.filter, events };
  }

  private toggle(r: StreamRecordView): void {
    const next = new Set(this.expanded);
    if (next.has(r.seq)) next.delete(r.seq);
    else next.add(r.seq);
    this.expanded = next;
  }

  override render() {
    const s = this.session;
    if (!s) return this.error ? html`<div class="error" role="alert">${this.error}</div>` : html`<vscode-progress-bar aria-label="Loading"></vscode-progress-bar>`;
    return html`
      <header>
        <h1><vscode-icon name="pulse"></vscode-icon>${s.tableName}</h1>
        <span class="muted">${s.connectionLabel}</span>
        ${s.availability.state === 'on'
          ? html`<span class="muted" id="stream-info" title=${s.availability.stream.arn}>stream ${s.availability.stream.viewType ?? ''}${s.availability.stream.label ? ` · ${s.availability.stream.label}` : ''}</span>`
          : nothing}
      </header>
      ${this.error ? html`<div class="error" role="alert" id="error">${this.error}</div>` : nothing}
      ${s.availability.state === 'on' ? this.renderStream(s) : this.renderNoStream(s)}
    `;
  }

  private renderNoStream(s: StreamSession) {
    if (s.availability.state === 'unavailable')
      return html`<div class="notice" id="no-stream"><span><vscode-icon name="info"></vscode-icon> ${s.availability.reason}: this connection has no DynamoDB Streams, so there is nothing to watch.</span></div>`;
    return html`<div class="notice" id="no-stream">
      <span><vscode-icon name="info"></vscode-icon> ${s.tableName} has no stream. Turn one on to watch its changes here (UpdateTable with a StreamSpecification); records start with the next write.</span>
      <div class="row">
        <vscode-single-select id="enable-type" aria-label="Stream view type" .value=${this.enableType} @change=${(e: Event) => (this.enableType = (e.target as HTMLSelectElement).value as StreamViewType)}>
          ${STREAM_VIEW_TYPES.map((t) => html`<vscode-option value=${t} ?selected=${t === this.enableType}>${t}</vscode-option>`)}
        </vscode-single-select>
        <vscode-button id="enable-stream" icon="pulse" ?disabled=${this.busy} @click=${() => this.run(() => actions.enableStream(host, this.enableType))}>Enable stream</vscode-button>
      </div>
    </div>`;
  }

  private renderStream(s: StreamSession) {
    const records = this.book.records;
    const shown = shownRecords(records, this.filter, s.keyNames, this.pausedAt);
    const held = heldBack(records, this.pausedAt);
    const paused = this.pausedAt !== undefined;
    const reading = s.status;
    return html`
      <div class="toolbar" role="toolbar" aria-label="Stream view">
        <vscode-button id="pause" icon=${paused ? 'debug-start' : 'debug-pause'} @click=${() => this.togglePause()}>${paused ? (held ? `Resume (${held} new)` : 'Resume') : 'Pause'}</vscode-button>
        ${STREAM_EVENTS.map(
          (e) => html`<vscode-checkbox id="show-${e}" label=${e} ?checked=${this.filter.events.includes(e)} @change=${(ev: Event) => this.setEvent(e, (ev.target as HTMLInputElement).checked)}></vscode-checkbox>`,
        )}
        <vscode-textfield id="key-filter" placeholder="Filter by key" aria-label="Filter by key text" .value=${this.filter.keyText}
          @input=${(e: Event) => (this.filter = { ...this.filter, keyText: (e.target as HTMLInputElement).value })}>
          <vscode-icon slot="content-before" name="filter"></vscode-icon>
        </vscode-textfield>
        <vscode-button id="replay" secondary icon="history" ?disabled=${this.busy} title="Clear the list and read everything the stream still holds (the last 24 hours)"
          @click=${() => this.run(() => actions.replayFromTrimHorizon(host))}>Replay from TRIM_HORIZON</vscode-button>
        ${s.start === 'TRIM_HORIZON'
          ? html`<vscode-button id="latest" secondary icon="arrow-down" ?disabled=${this.busy} title="Clear the list and show only new records" @click=${() => this.run(() => actions.tailLatest(host))}>New records only</vscode-button>`
          : nothing}
      </div>
      <div class="status" aria-live="polite">
        <span id="status-line">${this.statusText()}</span>
        <span id="reading" class=${reading.reading}>${readingText(s)}</span>
      </div>
      <div class="list" id="records" role="list" aria-label="Stream records">
        ${shown.length
          ? shown.map(
              (r) => html`<stream-record-row role="listitem" data-n=${r.n} data-event=${r.event} .record=${r} .keyNames=${s.keyNames} ?expanded=${this.expanded.has(r.seq)}
                @toggle=${() => this.toggle(r)} @open-item=${() => this.run(() => actions.openItem(host, r.keys))}></stream-record-row>`,
            )
          : html`<div class="empty" id="empty">${emptyText(records.length, filterIsActive(this.filter), paused, s)}</div>`}
      </div>
    `;
  }
}

function readingText(s: StreamSession): string {
  const from = s.start === 'TRIM_HORIZON' ? 'from TRIM_HORIZON' : 'new records';
  const st = s.status;
  if (st.reading === 'failed') return `Reading failed, retrying: ${st.error ?? ''}`;
  if (st.reading === 'stopped') return `Not reading (${from})`;
  const shards = st.shards ? ` · ${st.shards} shard${st.shards === 1 ? '' : 's'}` : '';
  return `Reading ${from}${shards}`;
}

function emptyText(total: number, filtered: boolean, paused: boolean, s: StreamSession): string {
  if (total && filtered) return 'No record matches the filter.';
  if (total && paused) return 'Paused before the first record arrived: Resume shows them.';
  return s.start === 'TRIM_HORIZON' ? 'The stream holds no records yet.' : 'Waiting for changes: records appear here as the table is written to.';
}

declare global {
  interface HTMLElementTagNameMap {
    'stream-app': StreamApp;
  }
}
