// The request inspector: every request on a connection's endpoint, newest first, live. A list
// (virtualised: only rows near the viewport are in the DOM), or a "Group" view of identical
// request shapes with counts, totals and hints; filters by operation, table, status and text;
// pause and resume; clear; a detail pane with the request and response JSON, the expressions
// written out, copy as code, replay and open in the items panel.
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
import * as actions from './actions';
import { heldBack, moveSelection, restoredState, statusLine, visibleRange, ROW_HEIGHT } from './state';
import { appStyles } from './styles';
import { plainText, substituted } from '../../src/protocol/request-code';
import type { RequestRecord, RequestStatus } from '../../src/protocol/request-record';
import {
  CODE_KINDS,
  REQUEST_STATUSES,
  STATUS_TEXT,
  bytesText,
  capacityDetail,
  capacityText,
  clientText,
  countsText,
  amountText,
  dollarsText,
  filterIsActive,
  groupRequests,
  mergeNewestFirst,
  rowMarks,
  shownRecords,
  type CodeKind,
  type InspectorFilter,
  type InspectorHostNotifications,
  type InspectorRequests,
  type InspectorSession,
  type InspectorViewNotifications,
  type InspectorViewState,
} from '../../src/protocol/inspector';

const host = new Host<InspectorRequests, InspectorHostNotifications, InspectorViewNotifications, InspectorViewState>();

const STATUS_ICON: Record<RequestStatus, string> = {
  ok: 'pass',
  'conditional-check-failed': 'error',
  'transaction-canceled': 'error',
  throttled: 'warning',
  validation: 'error',
  'not-found': 'error',
  'in-use': 'error',
  error: 'error',
};

function timeText(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

@customElement('inspector-app')
export class InspectorApp extends LitElement {
  static override styles = appStyles;
  @state() private session: InspectorSession | undefined;
  @state() private records: RequestRecord[] = [];
  @state() private view: InspectorViewState = restoredState(host.state);
  @state() private error = '';
  @state() private info = '';
  @state() private code: { kind: CodeKind; text: string } | undefined;
  @state() private listScroll = 0;
  @state() private viewport = 600;
  @query('.list') private list: HTMLElement | undefined;
  @query('.spacer-top') private spacerTop: HTMLElement | undefined;
  @query('.spacer-bottom') private spacerBottom: HTMLElement | undefined;
  private lastStatus = '';
  private focusSelected = false;
  private scrollFrame = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    host.on('records', ({ records }) => {
      if (this.session) this.records = mergeNewestFirst(this.records, records, this.session.cap);
    });
    host.on('cleared', () => {
      this.records = [];
      this.update_({ selected: undefined, pausedAfter: this.view.pausedAfter === undefined ? undefined : 0 });
    });
    window.addEventListener('resize', () => this.measure());
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const session = await actions.ready(host);
      this.session = session;
      this.records = mergeNewestFirst(this.records, session.records, session.cap);
    } catch (e) {
      this.error = errorText(e);
    }
  }

  private update_(patch: Partial<InspectorViewState>): void {
    this.view = { ...this.view, ...patch };
  }

  private setFilter(patch: Partial<InspectorFilter>): void {
    this.update_({ filter: { ...this.view.filter, ...patch } });
  }

  private measure(): void {
    if (this.list) this.viewport = this.list.clientHeight;
  }

  private onScroll(): void {
    if (this.scrollFrame) return;
    this.scrollFrame = requestAnimationFrame(() => {
      this.scrollFrame = 0;
      if (this.list) this.listScroll = this.list.scrollTop;
    });
  }

  protected override firstUpdated(): void {
    this.measure();
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('view')) host.state = this.view;
    if (!this.list && this.view.mode === 'list') this.measure();
    // the spacers stand for the rows not drawn; their heights go through the CSSOM (the CSP forbids style attributes)
    const shown = this.shown();
    const [first, end] = visibleRange(shown.length, this.listScroll, this.viewport);
    if (this.spacerTop) this.spacerTop.style.height = `${first * ROW_HEIGHT}px`;
    if (this.spacerBottom) this.spacerBottom.style.height = `${(shown.length - end) * ROW_HEIGHT}px`;
    if (this.focusSelected) {
      this.focusSelected = false;
      const row = this.renderRoot.querySelector<HTMLElement>(`.row[data-id="${this.view.selected}"]`);
      row?.focus();
    }
    if (this.session) {
      const message = this.statusText();
      if (message !== this.lastStatus) host.notify('status', { message: (this.lastStatus = message) });
    }
  }

  private shown(): RequestRecord[] {
    return shownRecords(this.records, this.view.filter, this.view.pausedAfter);
  }

  private statusText(): string {
    const shown = this.shown().length;
    const hiddenExplorer = this.view.filter.showExplorer ? 0 : this.records.filter((r) => r.client.explorer).length;
    return statusLine(shown, this.records.length, hiddenExplorer, heldBack(this.records, this.view.pausedAfter), this.session?.cap ?? 10_000);
  }

  private togglePause(): void {
    this.update_({ pausedAfter: this.view.pausedAfter === undefined ? (this.records[0]?.id ?? 0) : undefined });
  }

  private async run<T>(action: () => Promise<T>): Promise<T | undefined> {
    this.error = '';
    try {
      return await action();
    } catch (e) {
      this.error = errorText(e);
      return undefined;
    }
  }

  private select(id: number | undefined): void {
    if (id !== this.view.selected) this.code = undefined;
    this.update_({ selected: id });
  }

  private onListKey(e: KeyboardEvent): void {
    const shown = this.shown();
    if (e.key === 'Enter' || e.key === ' ') {
      const target = (e.target as HTMLElement).closest<HTMLElement>('.row');
      if (target) {
        this.select(Number(target.dataset.id));
        e.preventDefault();
      }
      return;
    }
    if (e.key === 'Escape') {
      this.select(undefined);
      return;
    }
    const next = moveSelection(shown, this.view.selected, e.key);
    if (next === this.view.selected) return;
    e.preventDefault();
    this.select(next);
    // bring the row into view before focusing it (it may not be drawn yet)
    const index = shown.findIndex((r) => r.id === next);
    const list = this.list;
    if (list && index >= 0) {
      const top = index * ROW_HEIGHT;
      if (top < list.scrollTop + ROW_HEIGHT) list.scrollTop = Math.max(0, top - ROW_HEIGHT);
      else if (top + 2 * ROW_HEIGHT > list.scrollTop + list.clientHeight) list.scrollTop = top + 2 * ROW_HEIGHT - list.clientHeight;
      this.listScroll = list.scrollTop;
    }
    this.focusSelected = true;
  }

  override render() {
    const s = this.session;
    if (!s) return this.error ? html`<div class="error" role="alert">${this.error}</div>` : html`<vscode-progress-bar aria-label="Loading"></vscode-progress-bar>`;
    return html`
      <header>
        <h1><vscode-icon name="pulse"></vscode-icon>Requests</h1>
        <span class="muted">${s.connectionLabel}${s.endpoint ? ` · ${s.endpoint}` : ''}</span>
      </header>
      ${s.unavailable ? html`<div class="notice" id="unavailable"><vscode-icon name="info"></vscode-icon> ${s.unavailable}</div>` : this.renderInspector(s)}
    `;
  }

  private renderInspector(s: InspectorSession) {
    const f = this.view.filter;
    const paused = this.view.pausedAfter !== undefined;
    const held = heldBack(this.records, this.view.pausedAfter);
    // a chosen value stays an option even when no record has it now (after a reload, or a Clear)
    const operations = [...new Set([...this.records.map((r) => r.operation), ...f.operations])].sort();
    const tables = [...new Set([...this.records.flatMap((r) => r.tables ?? (r.table ? [r.table] : [])), ...f.tables])].sort();
    const select = (id: string, label: string, value: string, options: string[], text: (o: string) => string, on: (v: string) => void) => html`
      <vscode-single-select id=${id} aria-label=${label} .value=${value} @change=${(e: Event) => on((e.target as HTMLSelectElement).value)}>
        <vscode-option value="" ?selected=${value === ''}>${label}: all</vscode-option>
        ${options.map((o) => html`<vscode-option value=${o} ?selected=${o === value}>${text(o)}</vscode-option>`)}
      </vscode-single-select>`;
    return html`
      <div class="toolbar" role="toolbar" aria-label="Request inspector">
        <vscode-button id="pause" icon=${paused ? 'debug-start' : 'debug-pause'} @click=${() => this.togglePause()}>${paused ? (held ? `Resume (${held} new)` : 'Resume') : 'Pause'}</vscode-button>
        <vscode-button id="clear" secondary icon="clear-all" @click=${() => this.run(() => actions.clear(host))}>Clear</vscode-button>
        <vscode-button id="mode" secondary icon=${this.view.mode === 'list' ? 'group-by-ref-type' : 'list-flat'} @click=${() => this.update_({ mode: this.view.mode === 'list' ? 'group' : 'list' })}>${this.view.mode === 'list' ? 'Group' : 'List'}</vscode-button>
        ${select('filter-operation', 'Operation', f.operations[0] ?? '', operations, (o) => o, (v) => this.setFilter({ operations: v ? [v] : [] }))}
        ${select('filter-table', 'Table', f.tables[0] ?? '', tables, (o) => o, (v) => this.setFilter({ tables: v ? [v] : [] }))}
        ${select('filter-status', 'Status', f.statuses[0] ?? '', [...REQUEST_STATUSES], (o) => STATUS_TEXT[o as RequestStatus], (v) => this.setFilter({ statuses: v ? [v as RequestStatus] : [] }))}
        <vscode-textfield id="filter-text" placeholder="Filter text" aria-label="Filter by text" .value=${f.text} @input=${(e: Event) => this.setFilter({ text: (e.target as HTMLInputElement).value })}>
          <vscode-icon slot="content-before" name="filter"></vscode-icon>
        </vscode-textfield>
        <vscode-checkbox id="show-explorer" label="Explorer's own requests" ?checked=${f.showExplorer} @change=${(e: Event) => this.setFilter({ showExplorer: (e.target as HTMLInputElement).checked })}></vscode-checkbox>
      </div>
      <div class="status" aria-live="polite"><span id="status-line">${this.statusText()}</span></div>
      ${this.error ? html`<div class="error" role="alert" id="error">${this.error}</div>` : nothing}
      ${this.info ? html`<div class="info" role="status" id="info">${this.info}</div>` : nothing}
      <div class="body">${this.view.mode === 'list' ? this.renderList(s, filterIsActive(f)) : this.renderGroups(s)} ${this.renderDetail(s)}</div>
    `;
  }

  private renderList(s: InspectorSession, filtered: boolean) {
    const shown = this.shown();
    const [first, end] = visibleRange(shown.length, this.listScroll, this.viewport);
    const selected = this.view.selected;
    // roving focus: the selected row (or the first drawn) is the one Tab reaches
    const tabId = shown.some((r) => r.id === selected) ? selected : shown[first]?.id;
    return html`<div class="list" @scroll=${() => this.onScroll()} @keydown=${(e: KeyboardEvent) => this.onListKey(e)}>
      <div class="grid" role="grid" aria-label="Requests, newest first" aria-rowcount=${shown.length + 1}>
        <div class="head" role="row">
          <span role="columnheader">Time</span><span role="columnheader">Operation</span><span role="columnheader">Table / index</span><span role="columnheader">Key or condition</span>
          <span role="columnheader">Status</span><span role="columnheader" class="num">Latency</span><span role="columnheader">Capacity</span><span role="columnheader" class="num">Cost</span>
          <span role="columnheader" class="num">Items</span><span role="columnheader" class="num">Bytes</span><span role="columnheader">Client</span>
        </div>
        <div class="spacer-top" aria-hidden="true"></div>
        ${shown.slice(first, end).map((r, i) => {
          const marks = rowMarks(r, s.slowMs);
          const cls = ['row', ...marks, r.id === selected ? 'selected' : '', r.client.explorer ? 'explorer' : ''].filter(Boolean).join(' ');
          const capTitle = capacityDetail(r).join('\n');
          return html`<div class=${cls} role="row" data-index=${first + i} aria-rowindex=${first + i + 2} aria-selected=${r.id === selected ? 'true' : 'false'} tabindex=${r.id === tabId ? 0 : -1} data-id=${r.id}
            data-status=${r.status} @click=${() => this.select(r.id)}>
            <span role="gridcell" title=${new Date(r.time).toISOString()}>${timeText(r.time)}</span>
            <span role="gridcell" class="op">${r.operation}</span>
            <span role="gridcell" title=${[r.table, ...(r.tables ?? []).slice(1)].filter(Boolean).join(', ')}>${r.table ?? ''}${r.index ? ` / ${r.index}` : ''}${r.tables && r.tables.length > 1 ? ` +${r.tables.length - 1}` : ''}</span>
            <span role="gridcell" class="summary" title=${r.summary}>${r.summary}</span>
            <span role="gridcell" class="st" title=${r.errorMessage ? `${r.errorType}: ${r.errorMessage}` : STATUS_TEXT[r.status]}><vscode-icon name=${STATUS_ICON[r.status]}></vscode-icon>${STATUS_TEXT[r.status]}</span>
            <span role="gridcell" class="num lat" title=${marks.includes('slow') ? `slower than ${s.slowMs} ms` : ''}>${marks.includes('slow') ? '⏱ ' : ''}${r.durationMs.toFixed(r.durationMs < 10 ? 1 : 0)} ms</span>
            <span role="gridcell" class="cap" title=${capTitle}>${capacityText(r)}</span>
            <span role="gridcell" class="num">${dollarsText(r.costUsd)}</span>
            <span role="gridcell" class="num count-cell" title=${r.scannedCount !== undefined ? `${r.count ?? 0} returned of ${r.scannedCount} scanned` : ''}>${countsText(r)}</span>
            <span role="gridcell" class="num">${bytesText(r.requestBytes + r.responseBytes)}</span>
            <span role="gridcell" title=${r.client.userAgent ?? ''}>${clientText(r)}</span>
          </div>`;
        })}
        <div class="spacer-bottom" aria-hidden="true"></div>
      </div>
      ${shown.length ? nothing : html`<div class="empty" id="empty">${this.emptyText(filtered)}</div>`}
    </div>`;
  }

  private emptyText(filtered: boolean): string {
    if (this.records.length && filtered) return 'No request matches the filters.';
    if (this.records.length && !this.view.filter.showExplorer) return 'Only the explorer’s own requests so far: tick “Explorer’s own requests” to see them.';
    if (this.records.length && this.view.pausedAfter !== undefined) return 'Paused before these requests arrived: Resume shows them.';
    return `Waiting for requests: point an application at ${this.session?.endpoint ?? 'the endpoint'} and its calls appear here as they happen.`;
  }

  private renderGroups(s: InspectorSession) {
    const groups = groupRequests(this.shown(), s.keySchemas);
    return html`<div class="groups" role="list" aria-label="Request shapes">
      ${groups.length
        ? groups.map(
            (g) => html`<div class="group" role="listitem" data-operation=${g.operation}>
              <div><span class="count">${g.count}×</span> <span class="shape">${g.shape}</span></div>
              <div class="totals">
                ${g.read || g.write ? `${g.read ? `${+g.read.toFixed(2)} RCU` : ''}${g.read && g.write ? ' · ' : ''}${g.write ? `${+g.write.toFixed(2)} WCU` : ''} · ` : ''}${amountText(g.costUsd)} ·
                ${(g.durationMs / g.count).toFixed(1)} ms average${g.scanned ? ` · ${g.items} returned of ${g.scanned} read` : g.items ? ` · ${g.items} items` : ''}${g.failed ? ` · ${g.failed} failed` : ''}${g.throttled ? ` · ${g.throttled} throttled` : ''}
                <vscode-button secondary class="latest" @click=${() => this.update_({ selected: g.latestId })}>Latest</vscode-button>
              </div>
              ${g.hints.map((h) => html`<div class="hint"><vscode-icon name="lightbulb"></vscode-icon><span>${h}</span></div>`)}
            </div>`,
          )
        : html`<div class="empty">${this.emptyText(filterIsActive(this.view.filter))}</div>`}
    </div>`;
  }

  private renderDetail(s: InspectorSession) {
    const r = this.records.find((x) => x.id === this.view.selected);
    if (!r) return nothing;
    const json = (v: unknown) => (v === undefined ? '(not recorded)' : this.view.jsonFormat === 'plain' ? plainText(v) : JSON.stringify(v, null, 2));
    const expressions = substituted(r);
    const cap = capacityDetail(r);
    return html`<section class="detail" id="detail" aria-label="Request detail">
      <h2>
        <span>#${r.id} ${r.operation}${r.table ? ` on ${r.table}` : ''}${r.index ? ` / ${r.index}` : ''}</span>
        <span class="muted">${STATUS_TEXT[r.status]}${r.errorType ? ` — ${r.errorType}: ${r.errorMessage ?? ''}` : ''}</span>
        <vscode-button secondary icon="close" title="Close the detail (Escape)" @click=${() => this.select(undefined)}>Close</vscode-button>
      </h2>
      <dl>
        <dt>When</dt><dd>${new Date(r.time).toISOString()} · ${r.durationMs} ms</dd>
        <dt>Capacity</dt><dd>${cap.length ? cap.join(' · ') : 'none reported'} · ${dollarsText(r.costUsd)}</dd>
        ${r.count !== undefined ? html`<dt>Items</dt><dd>${r.count} returned${r.scannedCount !== undefined ? ` of ${r.scannedCount} read` : ''}</dd>` : nothing}
        <dt>Client</dt><dd>${clientText(r)}${r.client.userAgent ? html` <span class="muted">(${r.client.userAgent})</span>` : nothing}</dd>
        ${expressions.map((e) => html`<dt>${e.where}</dt><dd><code>${e.text}</code></dd>`)}
      </dl>
      <div class="actions">
        ${CODE_KINDS.map(
          (c) => html`<vscode-button secondary icon="code" id="code-${c.kind}" @click=${() =>
            this.run(async () => {
              const text = await actions.code(host, r.id, c.kind);
              this.code = { kind: c.kind, text };
              await actions.copy(host, text);
              this.info = `Copied the ${c.label} code to the clipboard.`;
            })}>Copy as ${c.label}</vscode-button>`,
        )}
        <vscode-button secondary icon="debug-restart" id="replay" @click=${() =>
          this.run(async () => {
            const res = await actions.replay(host, r.id);
            this.info = `${res.message}. The replay shows as the explorer's own request.`;
          })}>Replay</vscode-button>
        <vscode-button secondary icon="go-to-file" id="open-items" ?disabled=${!r.table} @click=${() => this.run(() => actions.openInItems(host, r.id))}>Open in Items</vscode-button>
        <vscode-checkbox id="plain-json" label="Plain JSON" ?checked=${this.view.jsonFormat === 'plain'} @change=${(e: Event) => this.update_({ jsonFormat: (e.target as HTMLInputElement).checked ? 'plain' : 'dynamo' })}></vscode-checkbox>
      </div>
      ${this.code ? html`<pre id="code" aria-label="Generated code">${this.code.text}</pre>` : nothing}
      <div class="cols">
        <section><strong>Request</strong>${r.requestTruncated ? html` <span class="muted">(cut to the recorder's size cap)</span>` : nothing}<pre id="request-json">${json(r.request)}</pre></section>
        <section><strong>Response</strong>${r.responseTruncated ? html` <span class="muted">(cut to the recorder's size cap)</span>` : nothing}<pre id="response-json">${json(r.response)}</pre></section>
      </div>
      ${s.unavailable ? nothing : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'inspector-app': InspectorApp;
  }
}
