// The capacity & cost panel of one table: consumed read and write units per second against
// provisioned capacity, throttled requests, the hottest partition keys and the monthly cost in
// each capacity mode and table class, refreshed every few seconds while visible.
// The page keeps the index and window it shows (setState), so a reloaded window shows them again.
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { Host, errorText } from '../shared/host';
import '../shared/components/time-chart';
import './components/hot-keys';
import './components/cost-table';
import './components/resource-capacity';
import {
  CAPACITY_WINDOWS, REFRESH_MS, windowSpec, type CapacityHostNotifications, type CapacityRequests, type CapacityResult,
  type CapacitySession, type CapacityViewNotifications, type CapacityWindowId,
} from '../../src/protocol/capacity-view';
import { timeLabel } from '../shared/components/time-chart-model';
import { everyWhileVisible, loadSnapshot, refreshDue } from './actions';
import { chartsOf, describedSummary, summaryOf, windowText, type CapacityViewState } from './state';
import { appStyles } from './styles';

const host = new Host<CapacityRequests, CapacityHostNotifications, CapacityViewNotifications, CapacityViewState>();

@customElement('capacity-app')
export class CapacityApp extends LitElement {
  @state() private session: CapacitySession | undefined;
  @state() private index: string | undefined;
  @state() private windowId: CapacityWindowId = '1h';
  @state() private result: CapacityResult | undefined;
  @state() private error: string | undefined;
  private stop: (() => void) | undefined;
  /** When the shown result was asked for (epoch ms). */
  private loadedAt = 0;
  /** Answers to requests older than the last change of index or window are dropped. */
  private generation = 0;

  static override styles = appStyles;

  override connectedCallback(): void {
    super.connectedCallback();
    host.on('focus', ({ index }) => this.show(index, this.windowId));
    void this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop?.();
  }

  private async start(): Promise<void> {
    try {
      this.session = await host.request('ready', undefined);
    } catch (e) {
      this.error = errorText(e);
      return;
    }
    const saved = host.state;
    this.index = saved ? saved.index : this.session.target.index;
    this.windowId = windowSpec(saved?.windowId ?? this.session.windowId).id;
    await this.refresh();
    this.stop = everyWhileVisible(() => (refreshDue(this.result, this.loadedAt, Date.now()) ? this.refresh() : Promise.resolve()), REFRESH_MS);
  }

  private async refresh(): Promise<void> {
    const generation = this.generation;
    this.loadedAt = Date.now();
    try {
      const result = await loadSnapshot(host, this.index, this.windowId);
      if (generation !== this.generation) return;
      this.result = result;
      this.error = undefined;
    } catch (e) {
      if (generation !== this.generation) return;
      this.error = errorText(e);
    }
  }

  private show(index: string | undefined, windowId: CapacityWindowId): void {
    this.index = index;
    this.windowId = windowId;
    this.generation++;
    host.state = index === undefined ? { windowId } : { index, windowId };
    void this.refresh();
  }

  override render(): TemplateResult {
    const s = this.session;
    if (!s) return html`${this.error ? html`<div class="banner" role="alert">${this.error}</div>` : html`<p>Loading…</p>`}`;
    const r = this.result;
    return html`
      <header>
        <h1>${s.target.tableName}: capacity and cost</h1>
        <span class="connection">${s.connectionLabel}</span>
        <span class="spacer"></span>
        ${r?.available ? this.renderControls(r.snapshot.indexes) : nothing}
      </header>
      ${this.error ? html`<div class="banner" role="alert">${this.error}</div>` : nothing}
      ${r === undefined ? html`<p>Loading…</p>` : r.available ? this.renderSnapshot(r.snapshot) : this.renderUnavailable(r)}
    `;
  }

  /** No counters: the reason for the missing charts, then what DescribeTable told (a remote table). */
  private renderUnavailable(r: Extract<CapacityResult, { available: false }>): TemplateResult {
    const d = r.described;
    return html`<p class="unavailable" role="note">${r.reason}</p>
      ${d
        ? html`<p class="summary">${describedSummary(d)}</p>
            <section>
              <h2>Provisioned capacity of the table and its indexes</h2>
              <dw-resource-capacity .resources=${d.resources}></dw-resource-capacity>
            </section>
            <section>
              <h2>Estimated monthly cost of the table</h2>
              <dw-cost-table .cost=${d.cost}></dw-cost-table>
            </section>`
        : nothing}`;
  }

  private renderControls(indexes: { name: string; kind: string }[]): TemplateResult {
    return html`<div class="controls">
      ${indexes.length
        ? html`<label for="resource">Show</label>
            <vscode-single-select
              id="resource"
              aria-label="Table or index"
              .value=${this.index ?? ''}
              @change=${(e: Event) => this.show((e.target as HTMLSelectElement).value || undefined, this.windowId)}
            >
              <vscode-option value="" ?selected=${this.index === undefined}>Table</vscode-option>
              ${indexes.map((i) => html`<vscode-option value=${i.name} ?selected=${this.index === i.name}>${i.kind} ${i.name}</vscode-option>`)}
            </vscode-single-select>`
        : nothing}
      <span role="group" aria-label="Window" class="controls">
        <label>Last</label>
        ${CAPACITY_WINDOWS.map(
          (w) => html`<vscode-button
            ?secondary=${w.id !== this.windowId}
            aria-pressed=${w.id === this.windowId ? 'true' : 'false'}
            data-window=${w.id}
            @click=${() => this.show(this.index, w.id)}
            >${w.label}</vscode-button
          >`,
        )}
      </span>
    </div>`;
  }

  private renderSnapshot(snap: Extract<CapacityResult, { available: true }>['snapshot']): TemplateResult {
    const charts = chartsOf(snap);
    const w = windowSpec(this.windowId);
    return html`
      <p class="summary">${summaryOf(snap)}</p>
      <div class="charts">
        <dw-time-chart class="reads" .data=${charts.reads}></dw-time-chart>
        <dw-time-chart class="writes" .data=${charts.writes}></dw-time-chart>
        <dw-time-chart class="throttles" .data=${charts.throttles}></dw-time-chart>
      </div>
      <p class="updated">
        Last ${windowText(w.window)}, updated ${timeLabel(snap.at)}; refreshes every ${REFRESH_MS / 1000} s while shown.${snap.countingSince
          ? ` Counted since ${timeLabel(snap.countingSince)}, when the database opened: nothing before that was recorded.`
          : ''}
      </p>
      <div class="columns">
        <section>
          <h2>Hottest partition keys${snap.resource.kind === 'TABLE' ? '' : ` of ${snap.resource.name}`}</h2>
          <dw-hot-keys .rows=${snap.hotKeys}></dw-hot-keys>
        </section>
        <section>
          <h2>Estimated monthly cost of the table</h2>
          <dw-cost-table .cost=${snap.cost}></dw-cost-table>
        </section>
      </div>
    `;
  }
}
