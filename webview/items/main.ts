// The items panel: Scan/Query form, result bar with capacity hints, virtualised grid, item editor.
// Messages: the banner holds the message of one action (a run, a save, a cell edit, a delete) and
// the next action that succeeds removes it; the editor shows only what its last save reported.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import { Host, errorText } from '../shared/host';
import { panelLayout } from '../shared/panel-styles';
import './grid';
import './editor';
import { keyString, type CellEdit, type ItemGrid } from './grid';
import type { EditorFormat, EditorState } from './editor';
import type { AttributeValue, Item } from '../../src/protocol/dynamo-json';
import { itemText, keyOf, parseItemText } from '../../src/protocol/dynamo-json';
import type { ConsumedCapacity, FilterClause, FilterOperator, ItemsHostNotifications, ItemsRequests, ItemsViewNotifications, KeyOperator, PageResult, QuerySpec, SortCondition, TableInfo } from '../../src/protocol/items';
import { DEFAULT_SPEC } from '../../src/protocol/items';
import { compareValues, explainEmpty, inferColumns, inferValueType, keyInputs, keyOperatorsFor, keysOf, sortFieldsShown, trimSortConditions, type QueryKeys } from '../../src/protocol/query-builder';
import { formatBytes, formatDollars, formatUnits, itemSize, ON_DEMAND_PRICE, onDemandPrice } from '../../src/protocol/capacity';

/** What every page since the last fresh run added up to (Load more and Load all add pages). */
interface Totals {
  pages: number;
  count: number;
  scanned: number;
  /** read units, when the database reported them */
  units?: number;
  ms: number;
}

/** A message in the banner, and the action it belongs to. */
interface Message {
  action: string;
  text: string;
}

interface ViewState {
  spec?: QuerySpec;
  totals?: Totals;
  sort?: { column: string; descending: boolean };
  editor?: EditorState;
  scrollTop?: number;
  format?: EditorFormat;
}

const host = new Host<ItemsRequests, ItemsHostNotifications, ItemsViewNotifications, ViewState>();

/** "1 item", "2 items", "1,000 items". */
function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}

function unitsOf(c: ConsumedCapacity | undefined): number | undefined {
  return c?.CapacityUnits ?? c?.ReadCapacityUnits;
}

function totalsOf(r: Omit<PageResult, 'items'>): Totals {
  return { pages: 1, count: r.count, scanned: r.scannedCount, units: unitsOf(r.consumed), ms: r.elapsedMs };
}

function addPage(t: Totals, r: Omit<PageResult, 'items'>): Totals {
  const units = unitsOf(r.consumed);
  return {
    pages: t.pages + 1,
    count: t.count + r.count,
    scanned: t.scanned + r.scannedCount,
    units: t.units !== undefined && units !== undefined ? t.units + units : undefined,
    ms: t.ms + r.elapsedMs,
  };
}

const FILTER_OPERATORS: FilterOperator[] = ['=', '<>', '<', '<=', '>', '>=', 'BETWEEN', 'begins_with', 'contains', 'IN', 'attribute_exists', 'attribute_not_exists', 'attribute_type'];

@customElement('items-app')
export class ItemsApp extends LitElement {
  @state() private table: TableInfo | undefined;
  @state() private spec: QuerySpec = DEFAULT_SPEC(100);
  @state() private items: Item[] = [];
  @state() private lastKey: Item | undefined;
  @state() private result: Omit<PageResult, 'items'> | undefined;
  @state() private loading = false;
  @state() private error: Message | undefined;
  /** why the last filtered run found nothing, when a filter's type does not match the items' */
  @state() private emptyReason: string | undefined;
  @state() private totals: Totals | undefined;
  /** the last non-empty set of loaded items (see willUpdate): what filter types are inferred from */
  private typeSample: Item[] = [];
  @state() private status = '';
  @state() private sort: { column: string; descending: boolean } | undefined;
  @state() private selected = new Set<string>();
  @state() private editor: EditorState | undefined;
  @state() private editorProblems: string[] = [];
  @state() private conflict: { message: string; current?: Item } | undefined;
  @state() private saving = false;
  @state() private showRaw = false;
  @state() private resultHint = false;
  @query('item-grid') private grid!: ItemGrid;
  private format: EditorFormat = 'plain';

  // panelLayout: the column that fits the editor area; only the grid scrolls sideways
  static override styles = [panelLayout, css`
    .loading {
      padding: 12px;
    }
    .keys {
      min-width: 0;
      color: var(--vscode-descriptionForeground);
    }
    .spacer {
      flex: 1;
    }
    .key-hint {
      color: var(--vscode-descriptionForeground);
      font-size: 0.9em;
    }
    form {
      display: flex;
      flex-direction: column;
      gap: 6px;
      padding: 4px 12px 8px;
    }
    .line {
      display: flex;
      align-items: center;
      gap: 6px;
      flex-wrap: wrap;
    }
    .line label {
      color: var(--vscode-descriptionForeground);
    }
    vscode-single-select {
      min-width: 90px;
      width: 200px;
      max-width: 100%;
    }
    vscode-textfield {
      min-width: 100px;
      width: 220px;
      max-width: 100%;
    }
    vscode-textfield.narrow {
      width: 80px;
      min-width: 60px;
    }
    /* a key attribute's label, operator and value(s) wrap to the next line together */
    .key-field {
      display: inline-flex;
      align-items: center;
      gap: 6px;
    }
    vscode-single-select.key-op {
      width: 120px;
      min-width: 90px;
    }
    .raw vscode-textarea {
      width: 100%;
      font-family: var(--vscode-editor-font-family);
    }
    .raw {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(min(100%, 260px), 1fr));
      gap: 6px;
    }
    .result-bar {
      display: flex;
      align-items: center;
      gap: 10px;
      padding: 3px 12px;
      background: var(--vscode-editorWidget-background, var(--vscode-editor-background));
      border-top: 1px solid var(--vscode-panel-border, transparent);
      min-height: 26px;
      position: relative;
      flex-wrap: wrap;
    }
    .summary {
      cursor: help;
      border-bottom: 1px dotted var(--vscode-descriptionForeground);
    }
    .capacity-hint {
      position: absolute;
      top: 100%;
      left: 12px;
      z-index: 20;
      background: var(--vscode-editorHoverWidget-background);
      color: var(--vscode-editorHoverWidget-foreground);
      border: 1px solid var(--vscode-editorHoverWidget-border);
      padding: 6px 8px;
      line-height: 1.5;
      max-width: min(480px, calc(100vw - 40px));
      box-sizing: border-box;
      box-shadow: 0 2px 8px var(--vscode-widget-shadow, transparent);
    }
    .capacity-hint .sub {
      color: var(--vscode-descriptionForeground);
    }
    .error {
      margin: 0 12px 6px;
      padding: 6px 8px;
      color: var(--vscode-errorForeground);
      background: var(--vscode-inputValidation-errorBackground);
      border: 1px solid var(--vscode-inputValidation-errorBorder);
      display: flex;
      gap: 6px;
      align-items: flex-start;
    }
    .status {
      color: var(--vscode-descriptionForeground);
    }
    .empty-reason {
      color: var(--vscode-editorWarning-foreground, var(--vscode-foreground));
      display: flex;
      align-items: center;
      gap: 4px;
    }
    main {
      flex: 1;
      display: flex;
      min-height: 0;
      min-width: 0;
    }
    /* Narrow editor area: the item editor goes below the grid instead of beside it. */
    @media (max-width: 760px) {
      main {
        flex-direction: column;
      }
    }
    vscode-progress-bar {
      position: absolute;
      left: 0;
      right: 0;
      top: 0;
    }
  `];

  override connectedCallback(): void {
    super.connectedCallback();
    host.on('openEditor', ({ mode, item }) => this.openEditor(mode, item));
    host.on('refresh', () => void this.run(false));
    host.on('showQuery', (spec) => {
      this.spec = spec;
      void this.run(false);
    });
    host.on('tableChanged', (t) => (this.table = t));
    void this.start();
  }

  private async start(): Promise<void> {
    const saved = host.state ?? {};
    try {
      const session = await host.request('ready', undefined);
      this.table = session.table;
      // what this database answers, for keyboard users (aria) and for the UI tests
      this.dataset.supports = Object.entries(session.table.supports).filter(([, v]) => v).map(([k]) => k).join(' ');
      this.format = saved.format ?? session.editorFormat ?? 'plain';
      this.spec = session.showQuery ?? saved.spec ?? session.spec ?? DEFAULT_SPEC(session.pageSizeDefault);
      this.sort = saved.sort;
      this.items = session.items;
      this.lastKey = session.lastEvaluatedKey;
      this.result = session.lastResult;
      this.totals = saved.totals ?? (session.lastResult ? totalsOf(session.lastResult) : undefined);
      if (saved.editor) this.editor = saved.editor;
      if (session.openEditor) this.openEditor(session.openEditor.mode, session.openEditor.item);
      if (!session.lastResult && session.table.supports.scan) await this.run(false);
      else if (!session.table.supports.scan) this.status = 'This database cannot Scan yet: create and edit items by key';
      await this.updateComplete;
      if (saved.scrollTop) this.grid.scrollPosition = saved.scrollTop;
    } catch (e) {
      this.failed('Open', e);
    }
  }

  private persist(): void {
    host.state = { spec: this.spec, totals: this.totals, sort: this.sort, editor: this.editor, scrollTop: this.grid?.scrollPosition ?? 0, format: this.format };
  }

  private failed(action: string, e: unknown): void {
    this.error = { action, text: typeof e === 'string' ? e : errorText(e) };
    // "Item saved" beside a new error would read as if the failed action had worked.
    this.status = '';
  }

  /** An action went through: the message of an earlier one no longer applies. */
  private succeeded(): void {
    this.error = undefined;
  }

  /** Filters whose type the user has not picked follow what the table says about the attribute. */
  private typedFilters(filters: readonly FilterClause[]): FilterClause[] {
    const t = this.table;
    if (!t) return [...filters];
    return filters.map((f) => {
      if (f.typeChosen) return f;
      const valueType = inferValueType(t, this.typeSample, f.attribute) ?? f.valueType;
      return valueType === f.valueType ? f : { ...f, valueType };
    });
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // items arrive from runs, the editor and cell edits alike: each non-empty set is the new sample
    if (changed.has('items' as keyof ItemsApp) && this.items.length) this.typeSample = this.items.slice(0, 2000);
  }

  protected override updated(): void {
    this.persist();
  }

  private get keyNames(): string[] {
    const t = this.table;
    return t ? [t.partitionKey.name, ...(t.sortKey ? [t.sortKey.name] : [])] : [];
  }

  /** The chosen index's key attributes that are not the table's: the grid marks them as keys too. */
  private get indexKeyNames(): string[] {
    const t = this.table;
    if (!t || !this.spec.indexName) return [];
    try {
      const keys = keysOf(t, this.spec.indexName);
      return [...keys.partitions, ...keys.sorts].map((k) => k.name).filter((n) => !this.keyNames.includes(n));
    } catch {
      return []; // the index is gone (tableChanged): the form says so when run
    }
  }

  private get view(): Item[] {
    if (!this.sort) return this.items;
    const { column, descending } = this.sort;
    const sorted = [...this.items].sort((a, b) => compareValues(a[column], b[column]));
    return descending ? sorted.reverse() : sorted;
  }

  private patchSpec(patch: Partial<QuerySpec>): void {
    this.spec = { ...this.spec, ...patch };
  }

  /** Runs the form's Scan or Query (`more`: the next page of it); true when it went through. */
  async run(more: boolean): Promise<boolean> {
    if (!this.table) return false;
    this.loading = true;
    if (!more) this.spec = { ...this.spec, filters: this.typedFilters(this.spec.filters) };
    try {
      const page = await host.request('fetch', { spec: this.spec, exclusiveStartKey: more ? this.lastKey : undefined });
      this.items = more ? [...this.items, ...page.items] : page.items;
      this.lastKey = page.lastEvaluatedKey;
      const { items: _items, ...rest } = page;
      this.result = rest;
      this.totals = more && this.totals ? addPage(this.totals, rest) : totalsOf(rest);
      if (!more) this.selected = new Set();
      this.emptyReason = this.items.length || this.lastKey ? undefined : explainEmpty(this.spec.filters, this.typeSample);
      this.status = '';
      this.succeeded();
      return true;
    } catch (e) {
      this.failed(more ? 'Load more' : 'Run', e);
      return false;
    } finally {
      this.loading = false;
    }
  }

  private async loadAll(): Promise<void> {
    while (this.lastKey && (await this.run(true)));
  }

  private openEditor(mode: 'create' | 'edit', item?: Item): void {
    const template: Item = item ?? Object.fromEntries(this.keyNames.map((k, i) => [k, (i === 0 ? this.table!.partitionKey : this.table!.sortKey!).type === 'N' ? { N: '0' } : { S: '' }]));
    this.editor = { mode, original: mode === 'edit' ? item : undefined, text: itemText(template, this.format), format: this.format };
    this.editorProblems = [];
    this.conflict = undefined;
    this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement & { focusEditor(): void }>('item-editor')?.focusEditor());
  }

  private async saveItem(item: Item, force = false): Promise<void> {
    const ed = this.editor;
    if (!ed) return;
    this.saving = true;
    this.editorProblems = [];
    try {
      const res = await host.request('save', { item, original: ed.mode === 'edit' && !force ? ed.original : undefined, create: ed.mode === 'create' });
      if (res.ok) {
        this.replaceItem(item, res.item);
        this.conflict = undefined;
        this.editor = undefined;
        this.succeeded();
        this.status = ed.mode === 'create' ? 'Item created' : 'Item saved';
        host.notify('status', { message: this.status });
      } else {
        this.conflict = { message: res.message, current: res.current };
      }
    } catch (e) {
      this.editorProblems = [errorText(e)];
    } finally {
      this.saving = false;
    }
  }

  private replaceItem(key: Item, item: Item | undefined): void {
    const names = this.keyNames;
    const ks = keyString(key, names);
    const i = this.items.findIndex((it) => keyString(it, names) === ks);
    const next = [...this.items];
    if (i >= 0) {
      if (item) next[i] = item;
      else next.splice(i, 1);
    } else if (item) next.unshift(item);
    this.items = next;
  }

  private async editCell(edit: CellEdit): Promise<void> {
    const item = this.view[edit.index];
    if (!item) return;
    const original = item[edit.column];
    let value: AttributeValue;
    if (original && 'N' in original) {
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(edit.text.trim())) {
        this.failed('Edit', `${edit.column}: "${edit.text}" is not a number`);
        return;
      }
      value = { N: edit.text.trim() };
    } else if (original && 'BOOL' in original) {
      if (!/^(true|false)$/.test(edit.text.trim())) {
        this.failed('Edit', `${edit.column}: type true or false`);
        return;
      }
      value = { BOOL: edit.text.trim() === 'true' };
    } else value = { S: edit.text };
    if (original && JSON.stringify(original) === JSON.stringify(value)) return;
    try {
      const res = await host.request('updateAttribute', { key: keyOf(item, this.keyNames), name: edit.column, value, original });
      if (res.ok) {
        this.replaceItem(item, res.item);
        this.succeeded();
        this.status = `Saved ${edit.column}`;
      } else {
        this.failed('Edit', `${res.message}; the stored item is shown now`);
        if (res.current) this.replaceItem(item, res.current);
      }
    } catch (e) {
      this.failed('Edit', e);
    }
  }

  private async deleteSelected(keys?: Item[]): Promise<void> {
    const names = this.keyNames;
    const targets = keys ?? this.items.filter((it) => this.selected.has(keyString(it, names))).map((it) => keyOf(it, names));
    if (!targets.length) {
      this.status = 'Select items first (Space, or the checkboxes)';
      return;
    }
    try {
      const ok = await host.request('confirm', { message: `Delete ${targets.length} item${targets.length === 1 ? '' : 's'} from ${this.table?.tableName}?`, action: 'Delete' });
      if (!ok) return;
      const res = await host.request('delete', { keys: targets });
      for (const k of targets) this.replaceItem(k, undefined);
      this.selected = new Set();
      if (this.editor?.original && targets.some((k) => keyString(k, names) === keyString(this.editor!.original!, names))) this.editor = undefined;
      this.status = `Deleted ${res.deleted} item${res.deleted === 1 ? '' : 's'}`;
      if (res.errors.length) this.failed('Delete', res.errors.map((e) => `${e.type}: ${e.message}`).join('\n'));
      else this.succeeded();
    } catch (e) {
      this.failed('Delete', e);
    }
  }

  private renderQueryForm(): unknown {
    const t = this.table!;
    const s = this.spec;
    const keys = keysOf(t, s.indexName);
    const raw = this.showRaw || !!s.raw;
    return html`<form @submit=${(e: Event) => { e.preventDefault(); void this.run(false); }}>
      <div class="line">
        ${this.select('Operation', s.mode, [['scan', 'Scan'], ['query', 'Query']], (v) => this.patchSpec({ mode: v as 'scan' | 'query' }), 'mode')}
        ${this.select('Index', s.indexName ?? '', [['', `Table ${t.tableName}`], ...t.indexes.map((ix) => [ix.name, `${ix.kind} ${ix.name}`] as [string, string])], (v) => this.patchSpec({ indexName: v || undefined }), 'index')}
        ${s.mode === 'query' && !raw
          ? html`${this.renderKeyFields(keys)}
              <vscode-checkbox label="Descending" ?checked=${!!s.descending} @change=${(e: Event) => this.patchSpec({ descending: (e.target as HTMLInputElement).checked })}></vscode-checkbox>`
          : nothing}
        <label for="page-size">Page size</label>
        <vscode-textfield id="page-size" class="narrow" type="number" min="1" .value=${String(s.pageSize)}
          @input=${(e: Event) => this.patchSpec({ pageSize: Math.max(1, Number((e.target as HTMLInputElement).value) || 100) })}></vscode-textfield>
        <vscode-checkbox label="Consistent read" ?checked=${!!s.consistentRead} @change=${(e: Event) => this.patchSpec({ consistentRead: (e.target as HTMLInputElement).checked })}></vscode-checkbox>
        <vscode-checkbox id="raw-toggle" label="Raw expressions" ?checked=${raw}
          @change=${(e: Event) => {
            this.showRaw = (e.target as HTMLInputElement).checked;
            this.patchSpec({ raw: this.showRaw ? { keyConditionExpression: '', filterExpression: '', names: '', values: '' } : undefined });
          }}></vscode-checkbox>
        <span class="spacer"></span>
        <vscode-button id="run" icon="play" @click=${() => this.run(false)} ?disabled=${this.loading}>Run</vscode-button>
      </div>
      ${raw ? this.renderRaw() : this.renderFilters()}
    </form>`;
  }

  /**
   * One equality field per partition attribute, then sort conditions on a leading run of the sort
   * attributes: the next sort attribute's field appears only once the one before holds an equality
   * (sortFieldsShown), so the form cannot express a condition DynamoDB would refuse.
   */
  private renderKeyFields(keys: QueryKeys): unknown {
    const { partitionValues, sortConditions } = keyInputs(this.spec);
    const multi = keys.partitions.length > 1 || keys.sorts.length > 1;
    const setPartition = (i: number, value: string) => {
      const values = keys.partitions.map((_, j) => (j === i ? value : partitionValues[j] ?? ''));
      this.patchSpec({ partitionValues: values, partitionValue: values[0] });
    };
    const setSort = (i: number, patch: Partial<SortCondition>) => {
      const next = keys.sorts.map((_, j) => sortConditions[j] ?? { operator: '=' as KeyOperator, values: [] });
      next[i] = { ...next[i]!, ...patch };
      const kept = trimSortConditions(keys, next);
      this.patchSpec({ sortConditions: kept, sortOperator: kept[0]?.operator, sortValues: kept[0]?.values });
    };
    const id = (base: string, i: number) => (i ? `${base}-${i + 1}` : base);
    const shown = sortFieldsShown(keys, sortConditions);
    const nextSort = keys.sorts[shown];
    return html`${keys.partitions.map((k, i) => html`<span class="key-field"><label for=${id('pk-value', i)}>${k.name} =</label>
        <vscode-textfield id=${id('pk-value', i)} placeholder="${k.name} (${k.type})" .value=${partitionValues[i] ?? ''}
          @input=${(e: Event) => setPartition(i, (e.target as HTMLInputElement).value)}></vscode-textfield></span>`)}
      ${keys.sorts.slice(0, shown).map((k, i) => {
        const c = sortConditions[i] ?? { operator: '=' as KeyOperator, values: [] };
        return html`<span class="key-field"><label for=${id('sk-value', i)}>${k.name}</label>
          ${this.select(`Sort key condition on ${k.name}`, c.operator, keyOperatorsFor(k).map((o) => [o, o]), (v) => setSort(i, { operator: v as KeyOperator }), id('sk-op', i), 'key-op')}
          <vscode-textfield id=${id('sk-value', i)} placeholder="${k.name} (${k.type})" .value=${c.values[0] ?? ''}
            @input=${(e: Event) => setSort(i, { values: [(e.target as HTMLInputElement).value, c.values[1] ?? ''] })}></vscode-textfield>
          ${c.operator === 'BETWEEN'
            ? html`<label>and</label><vscode-textfield id=${id('sk-value2', i)} aria-label="upper bound of ${k.name}" .value=${c.values[1] ?? ''}
                @input=${(e: Event) => setSort(i, { values: [c.values[0] ?? '', (e.target as HTMLInputElement).value] })}></vscode-textfield>`
            : nothing}</span>`;
      })}
      ${multi && nextSort
        ? html`<span class="key-hint" id="sort-hint">${nextSort.name}: set ${keys.sorts[shown - 1]!.name} with = first (DynamoDB takes sort conditions on a leading run of the sort key attributes, a range only on the last)</span>`
        : nothing}`;
  }

  private select(label: string, value: string, options: [string, string][], onChange: (v: string) => void, id?: string, cls?: string): unknown {
    return html`<vscode-single-select id=${id ?? nothing} class=${cls ?? nothing} aria-label=${label} .value=${value} @change=${(e: Event) => onChange((e.target as HTMLSelectElement).value)}>
      ${options.map(([v, l]) => html`<vscode-option value=${v} ?selected=${v === value}>${l}</vscode-option>`)}
    </vscode-single-select>`;
  }

  private renderRaw(): unknown {
    const r = this.spec.raw ?? {};
    const field = (key: keyof NonNullable<QuerySpec['raw']>, label: string, placeholder: string) =>
      html`<vscode-textarea id="raw-${key}" rows="2" aria-label=${label} placeholder=${placeholder} .value=${r[key] ?? ''}
        @input=${(e: Event) => this.patchSpec({ raw: { ...this.spec.raw, [key]: (e.target as HTMLTextAreaElement).value } })}></vscode-textarea>`;
    return html`<div class="raw">
      ${this.spec.mode === 'query' ? field('keyConditionExpression', 'Key condition expression', 'KeyConditionExpression, e.g. #pk = :pk') : nothing}
      ${field('filterExpression', 'Filter expression', 'FilterExpression, e.g. attribute_exists(#a) AND #n > :min')}
      ${field('names', 'Expression attribute names', 'ExpressionAttributeNames (JSON), e.g. {"#pk": "pk"}')}
      ${field('values', 'Expression attribute values', 'ExpressionAttributeValues (DynamoDB JSON), e.g. {":pk": {"S": "a"}}')}
    </div>`;
  }

  private renderFilters(): unknown {
    const filters = this.spec.filters;
    const set = (i: number, patch: Partial<FilterClause>) => this.patchSpec({ filters: filters.map((f, j) => (j === i ? { ...f, ...patch } : f)) });
    // typing the attribute name brings its type along, unless the user picked one
    const setAttribute = (i: number, attribute: string) =>
      this.patchSpec({ filters: this.typedFilters(filters.map((f, j) => (j === i ? { ...f, attribute } : f))) });
    return html`${filters.map(
        (f, i) => html`<div class="line filter">
          <label>${i === 0 ? 'Filter' : 'and'}</label>
          <vscode-textfield id="filter-attribute-${i}" aria-label="Filter attribute" placeholder="attribute (a.b[0] for nested)" .value=${f.attribute} @input=${(e: Event) => setAttribute(i, (e.target as HTMLInputElement).value)}></vscode-textfield>
          <vscode-single-select id="filter-operator-${i}" aria-label="Filter operator" .value=${f.operator} @change=${(e: Event) => set(i, { operator: (e.target as HTMLSelectElement).value as FilterOperator })}>
            ${FILTER_OPERATORS.map((o) => html`<vscode-option value=${o} ?selected=${o === f.operator}>${o}</vscode-option>`)}
          </vscode-single-select>
          ${f.operator === 'attribute_exists' || f.operator === 'attribute_not_exists'
            ? nothing
            : html`${f.operator === 'attribute_type'
                ? nothing
                : html`<vscode-single-select id="filter-type-${i}" aria-label="Value type" .value=${f.valueType}
                    @change=${(e: Event) => {
                      const valueType = (e.target as HTMLSelectElement).value as FilterClause['valueType'];
                      if (valueType !== f.valueType) set(i, { valueType, typeChosen: true });
                    }}>
                    ${(['S', 'N', 'BOOL', 'NULL'] as const).map((t) => html`<vscode-option value=${t} ?selected=${t === f.valueType}>${t}</vscode-option>`)}
                  </vscode-single-select>`}
                <vscode-textfield id="filter-value-${i}" aria-label="Filter value" placeholder=${f.operator === 'IN' ? 'a, b, c' : f.operator === 'attribute_type' ? 'S, N, M, L…' : 'value'} .value=${f.values[0] ?? ''}
                  @input=${(e: Event) => set(i, { values: [(e.target as HTMLInputElement).value, f.values[1] ?? ''] })}></vscode-textfield>
                ${f.operator === 'BETWEEN'
                  ? html`<label>and</label><vscode-textfield aria-label="Filter upper bound" .value=${f.values[1] ?? ''} @input=${(e: Event) => set(i, { values: [f.values[0] ?? '', (e.target as HTMLInputElement).value] })}></vscode-textfield>`
                  : nothing}`}
          <vscode-button secondary icon="close" aria-label="Remove filter" @click=${() => this.patchSpec({ filters: filters.filter((_, j) => j !== i) })}></vscode-button>
        </div>`,
      )}
      <div class="line">
        <vscode-button secondary icon="filter" id="add-filter" @click=${() => this.patchSpec({ filters: [...filters, { attribute: '', operator: '=', values: [''], valueType: 'S' }] })}>Add filter</vscode-button>
      </div>`;
  }

  private capacityHint(): unknown {
    const r = this.result;
    if (!this.resultHint || !r) return nothing;
    const totals = this.totals ?? totalsOf(r);
    const c = r.consumed;
    const units = totals.units;
    const op = String(r.request.operation ?? 'Scan');
    const consistent = !!r.request.ConsistentRead;
    const loadedBytes = this.items.reduce((s, it) => s + itemSize(it), 0);
    const estimate = Math.ceil(loadedBytes / 4096) * (consistent ? 1 : 0.5);
    const indexes = c ? { ...(c.GlobalSecondaryIndexes ?? {}), ...(c.LocalSecondaryIndexes ?? {}) } : {};
    const what = totals.pages > 1 ? `${totals.pages.toLocaleString('en-US')} pages of ${op}` : `Last ${op}`;
    return html`<div class="capacity-hint" role="tooltip" id="capacity-hint">
      ${units !== undefined
        ? html`<div><b>${what}</b> consumed <b>${formatUnits(units)} RCU</b>${totals.pages > 1 ? ` in all (last page ${formatUnits(unitsOf(c) ?? 0)})` : c?.Table?.CapacityUnits !== undefined ? html` (table ${formatUnits(c.Table.CapacityUnits)})` : nothing}
            ${Object.entries(indexes).map(([name, v]) => html` · index ${name} ${formatUnits(v.CapacityUnits ?? 0)}`)}</div>
            <div>On demand: ${formatDollars(onDemandPrice(units, 0))} for ${totals.pages > 1 ? 'these pages' : 'this page'} · ${formatDollars(onDemandPrice(units, 0) * 1e6)} per million such ${totals.pages > 1 ? 'loads' : 'pages'}</div>`
        : html`<div>The database did not report consumed capacity.</div>
            <div>Estimate from the loaded items (${formatBytes(loadedBytes)}, ${consistent ? 'strongly' : 'eventually'} consistent): about ${formatUnits(estimate)} RCU, ${formatDollars(onDemandPrice(estimate, 0))} on demand</div>`}
      <div class="sub">${op} reads ${consistent ? 'strongly' : 'eventually'} consistently; it is billed on the bytes ${op === 'Scan' ? 'scanned' : 'read'} (${plural(totals.scanned, 'item')}), not on the ${totals.count.toLocaleString('en-US')} returned. Prices: ${ON_DEMAND_PRICE.region} on-demand, ${formatDollars(ON_DEMAND_PRICE.readPerMillion)} per million read units, ${formatDollars(ON_DEMAND_PRICE.writePerMillion)} per million write units.</div>
    </div>`;
  }

  private renderResultBar(): unknown {
    const r = this.result;
    const totals = this.totals ?? (r ? totalsOf(r) : undefined);
    const n = (x: number) => x.toLocaleString('en-US');
    return html`<div class="result-bar" role="status">
      ${this.loading ? html`<vscode-progress-bar aria-label="Loading"></vscode-progress-bar>` : nothing}
      ${r && totals
        ? html`<span class="summary" id="result-summary" tabindex="0" aria-describedby=${this.resultHint ? 'capacity-hint' : nothing}
            @mouseenter=${() => (this.resultHint = true)} @mouseleave=${() => (this.resultHint = false)}
            @focus=${() => (this.resultHint = true)} @blur=${() => (this.resultHint = false)}>
            ${n(this.items.length)} loaded · ${this.items.length === totals.count ? '' : 'last run '}${n(totals.count)} of ${n(totals.scanned)} scanned${totals.pages > 1 ? ` in ${n(totals.pages)} pages` : ''}${totals.units !== undefined ? ` · ${formatUnits(totals.units)} RCU` : ''} · ${n(totals.ms)} ms
          </span>`
        : html`<span class="muted">No query run yet</span>`}
      ${this.lastKey
        ? html`<vscode-button id="load-more" secondary @click=${() => this.run(true)} ?disabled=${this.loading}>Load more</vscode-button>
            <vscode-button id="load-all" secondary @click=${() => this.loadAll()} ?disabled=${this.loading}>Load all</vscode-button>`
        : r ? html`<span class="muted">end of results</span>` : nothing}
      ${this.emptyReason ? html`<span class="empty-reason" id="empty-reason"><vscode-icon name="info"></vscode-icon> ${this.emptyReason}</span>` : nothing}
      <span class="spacer"></span>
      ${this.selected.size ? html`<span>${this.selected.size} selected</span>` : nothing}
      <span class="status" aria-live="polite">${this.status}</span>
      ${this.capacityHint()}
    </div>`;
  }

  override render(): unknown {
    const t = this.table;
    if (!t) return html`${this.error ? html`<div class="error" role="alert">${this.error.text}</div>` : html`<div class="muted loading">Loading…</div>`}`;
    const view = this.view;
    return html`
      <header>
        <h1><vscode-icon name="table"></vscode-icon>${t.tableName}</h1>
        <span class="keys">${t.partitionKey.name} (${t.partitionKey.type})${t.sortKey ? ` · ${t.sortKey.name} (${t.sortKey.type})` : ''} · ${t.billingMode === 'PAY_PER_REQUEST' ? 'on-demand' : 'provisioned'} · ${t.connectionLabel}</span>
        <span class="spacer"></span>
        <vscode-button id="new-item" icon="add" @click=${() => this.openEditor('create')}>New item</vscode-button>
        <vscode-button id="delete-selected" secondary icon="trash" ?disabled=${!this.selected.size} @click=${() => this.deleteSelected()}>Delete</vscode-button>
        <vscode-button secondary icon="copy" ?disabled=${!this.selected.size} aria-label="Copy selected items as JSON"
          @click=${() => host.request('copy', { text: JSON.stringify(this.items.filter((it) => this.selected.has(keyString(it, this.keyNames))), null, 2) })}>Copy</vscode-button>
        <vscode-button secondary icon="refresh" aria-label="Refresh" @click=${() => this.run(false)}></vscode-button>
      </header>
      ${this.renderQueryForm()}
      ${this.error
        ? html`<div class="error" role="alert" data-action=${this.error.action}><vscode-icon name="error"></vscode-icon><span id="error-text">${this.error.text}</span></div>`
        : nothing}
      ${this.renderResultBar()}
      <main>
        <item-grid
          .items=${view}
          .columns=${inferColumns(this.items, [...this.keyNames, ...this.indexKeyNames])}
          .keyNames=${this.keyNames}
          .indexKeyNames=${this.indexKeyNames}
          .selected=${this.selected}
          .sort=${this.sort}
          @selection-change=${(e: CustomEvent<Set<string>>) => (this.selected = e.detail)}
          @sort=${(e: CustomEvent<string>) => {
            const col = e.detail;
            this.sort = this.sort?.column === col ? (this.sort.descending ? undefined : { column: col, descending: true }) : { column: col, descending: false };
          }}
          @open-item=${(e: CustomEvent<number>) => this.openEditor('edit', view[e.detail])}
          @edit-cell=${(e: CustomEvent<CellEdit>) => this.editCell(e.detail)}
          @delete-selected=${() => this.deleteSelected()}
          @status=${(e: CustomEvent<string>) => (this.status = e.detail)}
        ></item-grid>
        ${this.editor
          ? html`<item-editor
              .state=${this.editor}
              .keyNames=${this.keyNames}
              .problems=${this.editorProblems}
              .conflict=${this.conflict}
              ?busy=${this.saving}
              @editor-change=${(e: CustomEvent<EditorState>) => {
                this.editor = e.detail;
                if (this.format !== e.detail.format) host.notify('editorFormat', { format: e.detail.format });
                this.format = e.detail.format;
              }}
              @save-start=${() => {
                this.editorProblems = [];
                this.conflict = undefined;
              }}
              @save-item=${(e: CustomEvent<Item>) => this.saveItem(e.detail)}
              @overwrite-item=${() => {
                const ed = this.editor;
                if (!ed) return;
                const { item } = parseItemText(ed.text, ed.format, ed.original);
                if (item) void this.saveItem(item, true);
              }}
              @reload-item=${() => {
                const cur = this.conflict?.current;
                if (cur) {
                  this.replaceItem(cur, cur);
                  this.openEditor('edit', cur);
                }
              }}
              @duplicate-item=${() => {
                if (this.editor) this.editor = { ...this.editor, mode: 'create', original: undefined };
                this.status = 'Duplicate: change the key, then Create';
              }}
              @delete-item=${() => this.editor?.original && this.deleteSelected([keyOf(this.editor.original, this.keyNames)])}
              @close-editor=${() => {
                this.editor = undefined;
                this.conflict = undefined;
                this.grid?.focusGrid();
              }}
            ></item-editor>`
          : nothing}
      </main>
    `;
  }
}
