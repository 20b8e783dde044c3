// The create-table form: keys, billing mode and throughput, indexes, stream, TTL; validated as
// you type, with the same rules the extension host checks again before sending CreateTable.
// Features the database lacks arrive with the first answer and are shown disabled with the
// reason; a provisioned table shows its monthly estimate as its capacity is typed.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { Host, errorText } from '../shared/host';
import { EMPTY_DRAFT, draftToCreateTable, provisionedUnits, validateDraft, type DesignerHostNotifications, type DesignerRequests, type DesignerViewNotifications, type DraftProblem, type IndexDraft, type TableDraft, type UnavailableFeatures } from '../../src/protocol/table-designer';
import { PRICE_BASIS, monthlyText } from '../../src/protocol/pricing';

const host = new Host<DesignerRequests, DesignerHostNotifications, DesignerViewNotifications, { draft: TableDraft; touched: string[] }>();

/** A GSI's key parts take up to 4 attributes each (a multi-attribute key), comma-separated. */
const MULTI_KEY_HINT = 'one attribute, or up to 4: a, b';

@customElement('table-designer-app')
export class TableDesignerApp extends LitElement {
  @state() private draft: TableDraft = structuredClone(EMPTY_DRAFT);
  @state() private connectionLabel = '';
  @state() private touched = new Set<string>();
  @state() private submitted = false;
  @state() private error: string | undefined;
  @state() private busy = false;
  @state() private showRequest = false;
  @state() private unavailable: UnavailableFeatures = {};

  static override styles = css`
    :host {
      display: block;
      padding: 12px 20px 24px;
      max-width: 920px;
    }
    h1 {
      font-size: 1.4em;
      font-weight: 600;
      margin: 4px 0 2px;
    }
    .sub {
      color: var(--vscode-descriptionForeground);
      margin-bottom: 12px;
    }
    fieldset {
      border: 1px solid var(--vscode-panel-border, var(--vscode-editorGroup-border));
      padding: 8px 12px 12px;
      margin: 0 0 12px;
    }
    legend {
      font-weight: 600;
      padding: 0 4px;
    }
    .row {
      display: flex;
      gap: 10px;
      align-items: flex-start;
      flex-wrap: wrap;
      margin-top: 6px;
    }
    .field {
      display: flex;
      flex-direction: column;
      gap: 3px;
      min-width: 140px;
    }
    .field label {
      color: var(--vscode-descriptionForeground);
    }
    .problem {
      color: var(--vscode-errorForeground);
      font-size: 0.92em;
      max-width: 280px;
    }
    .index {
      border-top: 1px dashed var(--vscode-panel-border, transparent);
      padding-top: 6px;
      margin-top: 8px;
    }
    .actions {
      display: flex;
      gap: 8px;
      align-items: center;
    }
    .unavailable,
    .estimate {
      color: var(--vscode-descriptionForeground);
      font-size: 0.92em;
      max-width: 280px;
    }
    .estimate {
      max-width: 600px;
      margin-top: 6px;
    }
    .error {
      color: var(--vscode-errorForeground);
      background: var(--vscode-inputValidation-errorBackground);
      border: 1px solid var(--vscode-inputValidation-errorBorder);
      padding: 6px 8px;
      margin-bottom: 10px;
    }
    pre {
      font-family: var(--vscode-editor-font-family);
      background: var(--vscode-textCodeBlock-background);
      padding: 8px;
      overflow: auto;
    }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    const saved = host.state;
    void host.request('ready', undefined).then((r) => {
      this.connectionLabel = r.connectionLabel;
      this.unavailable = r.unavailable ?? {};
      this.draft = saved?.draft ?? r.draft;
      // a disabled field cannot be changed back: drop what an earlier session left in it
      if (this.unavailable.stream && this.draft.stream !== 'OFF') this.draft = { ...this.draft, stream: 'OFF' };
      if (this.unavailable.ttl && this.draft.ttlAttribute) this.draft = { ...this.draft, ttlAttribute: '' };
      this.touched = new Set(saved?.touched ?? []);
      this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('#tableName')?.focus());
    });
  }

  private set(patch: Partial<TableDraft>, field?: string): void {
    this.draft = { ...this.draft, ...patch };
    if (field) this.touched = new Set([...this.touched, field]);
    host.state = { draft: this.draft, touched: [...this.touched] };
    host.notify('draftChanged', this.draft);
  }

  private setIndex(i: number, patch: Partial<IndexDraft>, field?: string): void {
    this.set({ indexes: this.draft.indexes.map((ix, j) => (j === i ? { ...ix, ...patch } : ix)) }, field ? `indexes.${i}.${field}` : undefined);
  }

  private problemsFor(field: string, problems: DraftProblem[]): unknown {
    if (!this.submitted && !this.touched.has(field)) return nothing;
    const mine = problems.filter((p) => p.field === field);
    return mine.length ? html`<div class="problem" role="alert" id="problem-${field.replace(/\./g, '-')}">${mine.map((p) => p.message).join(' ')}</div>` : nothing;
  }

  /** The reason a field is disabled, under it and as its description for screen readers. */
  private reason(id: string, why: string | undefined): unknown {
    return why ? html`<div class="unavailable" id="${id}-unavailable">${why}</div>` : nothing;
  }

  private text(id: string, label: string, value: string, onInput: (v: string) => void, problems: DraftProblem[], placeholder = '', disabledBecause?: string): unknown {
    return html`<div class="field">
      <label for=${id}>${label}</label>
      <vscode-textfield id=${id} .value=${value} placeholder=${placeholder} ?disabled=${!!disabledBecause} aria-describedby=${disabledBecause ? `${id}-unavailable` : nothing}
        ?invalid=${(this.submitted || this.touched.has(id)) && problems.some((p) => p.field === id)}
        @input=${(e: Event) => onInput((e.target as HTMLInputElement).value)}></vscode-textfield>
      ${this.reason(id, disabledBecause)}
      ${this.problemsFor(id, problems)}
    </div>`;
  }

  private select<T extends string>(id: string, label: string, value: T, options: [T, string][], onChange: (v: T) => void, disabledBecause?: string): unknown {
    return html`<div class="field">
      <label for=${id}>${label}</label>
      <vscode-single-select id=${id} .value=${value} ?disabled=${!!disabledBecause} aria-describedby=${disabledBecause ? `${id}-unavailable` : nothing}
        @change=${(e: Event) => onChange((e.target as HTMLSelectElement).value as T)}>
        ${options.map(([v, l]) => html`<vscode-option value=${v} ?selected=${v === value}>${l}</vscode-option>`)}
      </vscode-single-select>
      ${this.reason(id, disabledBecause)}
    </div>`;
  }

  /** The monthly estimate of a provisioned draft, once its units are valid numbers. */
  private estimate(d: TableDraft): unknown {
    const units = provisionedUnits(d);
    if (!units) return nothing;
    return html`<div class="estimate" id="monthly-estimate" title=${PRICE_BASIS}>Estimated ${monthlyText(units.read, units.write)}, ${PRICE_BASIS}.</div>`;
  }

  private async create(): Promise<void> {
    this.submitted = true;
    this.error = undefined;
    if (validateDraft(this.draft).length) {
      this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.problem')?.scrollIntoView({ block: 'center' }));
      return;
    }
    this.busy = true;
    try {
      const r = await host.request('create', this.draft);
      if (!r.ok) this.error = r.error ?? r.problems.map((p) => p.message).join(' ');
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.busy = false;
    }
  }

  override render(): unknown {
    const d = this.draft;
    const problems = validateDraft(d);
    const types: ['S' | 'N' | 'B', string][] = [['S', 'String'], ['N', 'Number'], ['B', 'Binary']];
    const provisioned = d.billingMode === 'PROVISIONED';
    return html`
      <h1>Create table</h1>
      <div class="sub">in ${this.connectionLabel}</div>
      ${this.error ? html`<div class="error" role="alert" id="create-error">${this.error}</div>` : nothing}
      <form @submit=${(e: Event) => { e.preventDefault(); void this.create(); }} @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void this.create(); }}>
        <fieldset>
          <legend>Table</legend>
          <div class="row">${this.text('tableName', 'Table name', d.tableName, (v) => this.set({ tableName: v }, 'tableName'), problems, 'e.g. Orders')}</div>
          <div class="row">
            ${this.text('partitionKey', 'Partition key', d.partitionKey, (v) => this.set({ partitionKey: v }, 'partitionKey'), problems)}
            ${this.select('partitionKeyType', 'Type', d.partitionKeyType, types, (v) => this.set({ partitionKeyType: v }))}
            ${this.text('sortKey', 'Sort key (optional)', d.sortKey, (v) => this.set({ sortKey: v }, 'sortKey'), problems)}
            ${this.select('sortKeyType', 'Type', d.sortKeyType, types, (v) => this.set({ sortKeyType: v }))}
          </div>
        </fieldset>
        <fieldset>
          <legend>Capacity</legend>
          <div class="row">
            ${this.select('billingMode', 'Billing mode', d.billingMode, [['PAY_PER_REQUEST', 'On-demand'], ['PROVISIONED', 'Provisioned']], (v) => this.set({ billingMode: v }))}
            ${provisioned
              ? html`${this.text('readCapacity', 'Read capacity units', d.readCapacity, (v) => this.set({ readCapacity: v }, 'readCapacity'), problems)}
                  ${this.text('writeCapacity', 'Write capacity units', d.writeCapacity, (v) => this.set({ writeCapacity: v }, 'writeCapacity'), problems)}`
              : nothing}
          </div>
          ${provisioned ? this.estimate(d) : nothing}
        </fieldset>
        <fieldset>
          <legend>Secondary indexes</legend>
          ${this.problemsFor('indexes', problems)}
          ${d.indexes.map((ix, i) => html`<div class="index">
            <div class="row">
              ${this.select(`indexes.${i}.kind`, 'Kind', ix.kind, [['GSI', 'Global'], ['LSI', 'Local']], (v) => this.setIndex(i, { kind: v, ...(v === 'LSI' ? { partitionKey: d.partitionKey, partitionKeyType: d.partitionKeyType } : {}) }, 'kind'))}
              ${this.text(`indexes.${i}.name`, 'Index name', ix.name, (v) => this.setIndex(i, { name: v }, 'name'), problems)}
              <vscode-button secondary icon="trash" aria-label="Remove index ${ix.name}" @click=${() => this.set({ indexes: d.indexes.filter((_, j) => j !== i) })}></vscode-button>
            </div>
            ${this.problemsFor(`indexes.${i}.kind`, problems)}
            <div class="row">
              ${this.text(`indexes.${i}.partitionKey`, 'Partition key', ix.partitionKey, (v) => this.setIndex(i, { partitionKey: v }, 'partitionKey'), problems, ix.kind === 'GSI' ? MULTI_KEY_HINT : '')}
              ${this.select(`indexes.${i}.partitionKeyType`, 'Type', ix.partitionKeyType, types, (v) => this.setIndex(i, { partitionKeyType: v }, 'partitionKeyType'))}
              ${this.text(`indexes.${i}.sortKey`, 'Sort key', ix.sortKey, (v) => this.setIndex(i, { sortKey: v }, 'sortKey'), problems, ix.kind === 'GSI' ? MULTI_KEY_HINT : '')}
              ${this.select(`indexes.${i}.sortKeyType`, 'Type', ix.sortKeyType, types, (v) => this.setIndex(i, { sortKeyType: v }, 'sortKeyType'))}
            </div>
            ${this.problemsFor(`indexes.${i}.partitionKeyType`, problems)}${this.problemsFor(`indexes.${i}.sortKeyType`, problems)}
            <div class="row">
              ${this.select(`indexes.${i}.projection`, 'Projection', ix.projection, [['ALL', 'All attributes'], ['KEYS_ONLY', 'Keys only'], ['INCLUDE', 'Include…']], (v) => this.setIndex(i, { projection: v }))}
              ${ix.projection === 'INCLUDE' ? this.text(`indexes.${i}.nonKeyAttributes`, 'Attributes (comma-separated)', ix.nonKeyAttributes, (v) => this.setIndex(i, { nonKeyAttributes: v }, 'nonKeyAttributes'), problems) : nothing}
              ${ix.kind === 'GSI' && provisioned
                ? html`${this.text(`indexes.${i}.readCapacity`, 'RCU', ix.readCapacity, (v) => this.setIndex(i, { readCapacity: v }, 'readCapacity'), problems)}
                    ${this.text(`indexes.${i}.writeCapacity`, 'WCU', ix.writeCapacity, (v) => this.setIndex(i, { writeCapacity: v }, 'writeCapacity'), problems)}`
                : nothing}
            </div>
          </div>`)}
          <div class="row">
            <vscode-button secondary icon="add" id="add-gsi" @click=${() => this.set({ indexes: [...d.indexes, { kind: 'GSI', name: `gsi${d.indexes.length + 1}`, partitionKey: '', partitionKeyType: 'S', sortKey: '', sortKeyType: 'S', projection: 'ALL', nonKeyAttributes: '', readCapacity: '5', writeCapacity: '5' }] })}>Global index</vscode-button>
            <vscode-button secondary icon="add" id="add-lsi" @click=${() => this.set({ indexes: [...d.indexes, { kind: 'LSI', name: `lsi${d.indexes.length + 1}`, partitionKey: d.partitionKey, partitionKeyType: d.partitionKeyType, sortKey: '', sortKeyType: 'S', projection: 'ALL', nonKeyAttributes: '', readCapacity: '5', writeCapacity: '5' }] })}>Local index</vscode-button>
          </div>
        </fieldset>
        <fieldset>
          <legend>Stream and time to live</legend>
          <div class="row">
            ${this.select('stream', 'Stream', d.stream, [['OFF', 'Off'], ['KEYS_ONLY', 'Keys only'], ['NEW_IMAGE', 'New image'], ['OLD_IMAGE', 'Old image'], ['NEW_AND_OLD_IMAGES', 'New and old images']], (v) => this.set({ stream: v }), this.unavailable.stream)}
            ${this.text('ttlAttribute', 'TTL attribute (optional)', d.ttlAttribute, (v) => this.set({ ttlAttribute: v }, 'ttlAttribute'), problems, 'e.g. expiresAt', this.unavailable.ttl)}
          </div>
        </fieldset>
        <div class="actions">
          <vscode-button id="create" icon="check" ?disabled=${this.busy} @click=${() => this.create()}>Create table</vscode-button>
          <vscode-button secondary @click=${() => host.request('cancel', undefined)}>Cancel</vscode-button>
          <vscode-button secondary icon="json" @click=${() => (this.showRequest = !this.showRequest)}>${this.showRequest ? 'Hide' : 'Show'} request</vscode-button>
          ${problems.length && this.submitted ? html`<span class="problem">${problems.length} problem${problems.length === 1 ? '' : 's'} to fix</span>` : nothing}
        </div>
        ${this.showRequest ? html`<pre>${JSON.stringify(draftToCreateTable(d), null, 2)}</pre>` : nothing}
      </form>
    `;
  }
}
