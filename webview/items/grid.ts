// A virtualised grid of items: only the rows in view (plus a margin) are in the DOM, so 100,000
// loaded rows scroll as smoothly as 100. Keyboard: arrows/Home/End/PageUp/PageDown move, Space
// selects, Enter opens the item, F2 edits the cell, Delete deletes the selection, Ctrl+A selects all.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { displayValue, type AttributeValue, type Item } from '../../src/protocol/dynamo-json';
import { formatBytes, formatUnits, itemCost } from '../../src/protocol/capacity';
import { cssProps } from '../shared/styles';
import { sideWithRoom } from '../shared/dropdowns';
import '@vscode-elements/elements/dist/vscode-icon/index.js';

export const ROW_HEIGHT = 24;
const OVERSCAN = 8;
const HINT_WIDTH = 360;
const CHECK_WIDTH = 32;
/** height the cost hint needs below a row (four lines and padding) */
const HINT_ROOM = 130;

export function keyString(item: Item, keyNames: readonly string[]): string {
  return JSON.stringify(keyNames.map((k) => item[k] ?? null));
}

function valueClass(v: AttributeValue | undefined): string {
  if (!v) return 'missing';
  const t = Object.keys(v)[0]!;
  return `t-${t}`;
}

export interface CellEdit {
  index: number;
  column: string;
  text: string;
}

@customElement('item-grid')
export class ItemGrid extends LitElement {
  @property({ attribute: false }) items: Item[] = [];
  @property({ attribute: false }) columns: string[] = [];
  @property({ attribute: false }) keyNames: string[] = [];
  /** the key attributes of the index being read (every one of a multi-attribute key): shown with the key icon, yet editable, since the table key alone names an item */
  @property({ attribute: false }) indexKeyNames: string[] = [];
  @property({ attribute: false }) selected = new Set<string>();
  @property({ attribute: false }) sort: { column: string; descending: boolean } | undefined;
  @state() private offset = 0;
  @state() private viewportHeight = 400;
  @state() private activeRow = 0;
  @state() private activeCol = 0;
  @state() private editing: { index: number; column: string } | undefined;
  /** the cost hint of one row: `top`/`bottom` are the row's edges in the window, so the hint can sit beside the row and never on it */
  @state() private hint: { index: number; x: number; top: number; bottom: number } | undefined;
  private resizeObserver: ResizeObserver | undefined;
  private rafPending = false;

  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      min-height: 0;
      min-width: 0;
      flex: 1;
      position: relative;
      font-size: var(--vscode-font-size);
    }
    .viewport {
      flex: 1;
      overflow: auto;
      position: relative;
      outline: none;
      border-top: 1px solid var(--vscode-panel-border, transparent);
    }
    .viewport:focus-visible {
      outline: 1px solid var(--vscode-focusBorder);
      outline-offset: -1px;
    }
    .header {
      position: sticky;
      top: 0;
      z-index: 2;
      display: flex;
      background: var(--vscode-editorGroupHeader-tabsBackground, var(--vscode-editor-background));
      border-bottom: 1px solid var(--vscode-editorGroup-border, var(--vscode-panel-border));
      height: ${ROW_HEIGHT}px;
    }
    .header .cell {
      font-weight: 600;
      cursor: pointer;
      user-select: none;
      gap: 4px;
    }
    .header .cell:hover {
      background: var(--vscode-list-hoverBackground);
    }
    .header .key {
      color: var(--vscode-symbolIcon-keyForeground, var(--vscode-textLink-foreground));
    }
    .body {
      position: relative;
    }
    .row {
      position: absolute;
      left: 0;
      display: flex;
      height: ${ROW_HEIGHT}px;
      line-height: ${ROW_HEIGHT}px;
      cursor: default;
    }
    .row:hover {
      background: var(--vscode-list-hoverBackground);
    }
    .row.selected {
      background: var(--vscode-list-inactiveSelectionBackground);
      color: var(--vscode-list-inactiveSelectionForeground, inherit);
    }
    .viewport:focus .row.active {
      background: var(--vscode-list-activeSelectionBackground);
      color: var(--vscode-list-activeSelectionForeground);
    }
    .viewport:focus .row.active .cell.active {
      outline: 1px solid var(--vscode-list-focusOutline, var(--vscode-focusBorder));
      outline-offset: -1px;
    }
    .cell {
      box-sizing: border-box;
      padding: 0 6px;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
      border-right: 1px solid var(--vscode-editorGroup-border, transparent);
      display: flex;
      align-items: center;
      flex: none;
    }
    .cell.check {
      width: ${CHECK_WIDTH}px;
      justify-content: center;
      padding: 0;
    }
    .t-N {
      justify-content: flex-end;
      color: var(--vscode-debugTokenExpression-number, inherit);
      font-family: var(--vscode-editor-font-family);
    }
    .t-BOOL,
    .t-NULL {
      color: var(--vscode-debugTokenExpression-boolean, inherit);
    }
    .t-M,
    .t-L,
    .t-SS,
    .t-NS,
    .t-BS,
    .t-B {
      font-family: var(--vscode-editor-font-family);
      color: var(--vscode-descriptionForeground);
    }
    .missing {
      color: var(--vscode-disabledForeground, var(--vscode-descriptionForeground));
    }
    input.inline {
      width: 100%;
      box-sizing: border-box;
      height: ${ROW_HEIGHT - 2}px;
      font: inherit;
      color: var(--vscode-input-foreground);
      background: var(--vscode-input-background);
      border: 1px solid var(--vscode-focusBorder);
      padding: 0 4px;
    }
    input[type='checkbox'] {
      accent-color: var(--vscode-checkbox-selectBackground, var(--vscode-focusBorder));
      margin: 0;
    }
    .empty {
      padding: 24px;
      color: var(--vscode-descriptionForeground);
    }
    .cost-hint {
      position: fixed;
      z-index: 10;
      pointer-events: none;
      background: var(--vscode-editorHoverWidget-background);
      color: var(--vscode-editorHoverWidget-foreground);
      border: 1px solid var(--vscode-editorHoverWidget-border);
      padding: 6px 8px;
      max-width: ${HINT_WIDTH}px;
      box-sizing: border-box;
      line-height: 1.5;
      box-shadow: 0 2px 8px var(--vscode-widget-shadow, transparent);
    }
    .cost-hint b {
      font-weight: 600;
    }
    .cost-hint .sub {
      color: var(--vscode-descriptionForeground);
    }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    this.resizeObserver = new ResizeObserver(() => {
      const vp = this.viewport;
      if (vp) this.viewportHeight = vp.clientHeight;
      // The grid moved or changed size (a banner above it came or went): the hint's row edges,
      // kept in window coordinates, no longer say where the row is, so it could land on a row.
      this.hint = undefined;
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
  }

  protected override firstUpdated(): void {
    const vp = this.viewport;
    if (vp) {
      this.resizeObserver?.observe(vp);
      this.viewportHeight = vp.clientHeight;
    }
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('items') && this.activeRow >= this.items.length) this.activeRow = Math.max(0, this.items.length - 1);
    if (this.editing) this.renderRoot.querySelector<HTMLInputElement>('input.inline')?.focus();
  }

  private get viewport(): HTMLElement | null {
    return this.renderRoot.querySelector('.viewport');
  }

  get scrollPosition(): number {
    return this.viewport?.scrollTop ?? 0;
  }

  set scrollPosition(top: number) {
    const vp = this.viewport;
    if (vp) vp.scrollTop = top;
    this.offset = top;
  }

  focusGrid(): void {
    this.viewport?.focus();
  }

  private columnWidth(c: string): number {
    return this.isKeyColumn(c) ? 180 : 160;
  }

  private isKeyColumn(c: string): boolean {
    return this.keyNames.includes(c) || this.indexKeyNames.includes(c);
  }

  private onScroll(): void {
    if (this.rafPending) return;
    this.rafPending = true;
    requestAnimationFrame(() => {
      this.rafPending = false;
      this.offset = this.viewport?.scrollTop ?? 0;
      this.hint = undefined;
    });
  }

  private emit<T>(name: string, detail: T): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  private toggle(index: number): void {
    const item = this.items[index];
    if (!item) return;
    const key = keyString(item, this.keyNames);
    const next = new Set(this.selected);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    this.emit('selection-change', next);
  }

  private moveTo(row: number, col = this.activeCol): void {
    const n = this.items.length;
    if (!n) return;
    this.activeRow = Math.max(0, Math.min(n - 1, row));
    this.activeCol = Math.max(0, Math.min(this.columns.length - 1, col));
    const vp = this.viewport;
    if (!vp) return;
    const top = this.activeRow * ROW_HEIGHT;
    const headerH = ROW_HEIGHT;
    if (top < vp.scrollTop) vp.scrollTop = top;
    else if (top + ROW_HEIGHT > vp.scrollTop + vp.clientHeight - headerH) vp.scrollTop = top + ROW_HEIGHT - vp.clientHeight + headerH;
    const rect = vp.getBoundingClientRect();
    const rowTop = rect.top + headerH + top - vp.scrollTop;
    this.hint = { index: this.activeRow, x: rect.left + 40, top: rowTop, bottom: rowTop + ROW_HEIGHT };
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (this.editing) return;
    const page = Math.max(1, Math.floor(this.viewportHeight / ROW_HEIGHT) - 1);
    switch (e.key) {
      case 'ArrowDown':
        this.moveTo(this.activeRow + 1);
        break;
      case 'ArrowUp':
        this.moveTo(this.activeRow - 1);
        break;
      case 'ArrowRight':
        this.moveTo(this.activeRow, this.activeCol + 1);
        break;
      case 'ArrowLeft':
        this.moveTo(this.activeRow, this.activeCol - 1);
        break;
      case 'PageDown':
        this.moveTo(this.activeRow + page);
        break;
      case 'PageUp':
        this.moveTo(this.activeRow - page);
        break;
      case 'Home':
        this.moveTo(0, e.ctrlKey ? 0 : this.activeCol);
        break;
      case 'End':
        this.moveTo(this.items.length - 1);
        break;
      case ' ':
        this.toggle(this.activeRow);
        break;
      case 'Enter':
        if (this.items[this.activeRow]) this.emit('open-item', this.activeRow);
        break;
      case 'F2':
        this.startEdit(this.activeRow, this.columns[this.activeCol]!);
        break;
      case 'Delete':
        this.emit('delete-selected', undefined);
        break;
      case 'Escape':
        this.hint = undefined;
        return;
      case 'a':
        if (e.ctrlKey || e.metaKey) {
          this.emit('selection-change', new Set(this.items.map((it) => keyString(it, this.keyNames))));
          break;
        }
        return;
      default:
        return;
    }
    e.preventDefault();
  }

  startEdit(index: number, column: string): void {
    const item = this.items[index];
    if (!item || !column) return;
    if (this.keyNames.includes(column)) {
      this.emit('status', `${column} is a key attribute: open the item to duplicate it under a new key`);
      return;
    }
    const v = item[column];
    if (v && !('S' in v || 'N' in v || 'BOOL' in v)) {
      this.emit('status', `${column} is a ${Object.keys(v)[0]}: edit it in the item editor (Enter)`);
      return;
    }
    this.editing = { index, column };
  }

  private finishEdit(commit: boolean, text: string): void {
    const e = this.editing;
    this.editing = undefined;
    if (commit && e) this.emit<CellEdit>('edit-cell', { index: e.index, column: e.column, text });
    this.focusGrid();
    // Focus coming back puts the hint beside the active row; right after an edit the person is
    // reading that cell (and a save's outcome may move the grid), so it waits for the next move.
    this.hint = undefined;
  }

  private costHint(): unknown {
    // While a cell is edited the hint stays away: it would cover the text being typed.
    if (!this.hint || this.editing) return nothing;
    const item = this.items[this.hint.index];
    if (!item) return nothing;
    const c = itemCost(item);
    const left = Math.max(4, Math.min(this.hint.x + 12, window.innerWidth - HINT_WIDTH - 8));
    // Below the hovered row or above it, by the dropdowns' rule (sideWithRoom): never on the row itself.
    const place = sideWithRoom(this.hint, window.innerHeight, HINT_ROOM) === 'below' ? { top: `${this.hint.bottom + 2}px` } : { bottom: `${window.innerHeight - this.hint.top + 2}px` };
    return html`<div class="cost-hint" role="tooltip" id="cost-hint" ${cssProps({ left: `${left}px`, ...place })}>
      <div><b>Item size</b> ${formatBytes(c.sizeBytes)}${c.sizeBytes >= 1024 ? ` (${c.sizeBytes.toLocaleString('en-US')} bytes)` : ''} <span class="sub">attribute names included</span></div>
      <div><b>Read</b> ${formatUnits(c.readStrong)} RCU strongly consistent · ${formatUnits(c.readEventual)} RCU eventually consistent · ${formatUnits(c.readTransactional)} RCU transactional</div>
      <div><b>Write</b> ${formatUnits(c.write)} WCU · ${formatUnits(c.writeTransactional)} WCU transactional</div>
      <div class="sub">1 RCU reads up to 4 KB, 1 WCU writes up to 1 KB</div>
    </div>`;
  }

  override render(): unknown {
    const cols = this.columns;
    const width = CHECK_WIDTH + cols.reduce((s, c) => s + this.columnWidth(c), 0);
    const n = this.items.length;
    const first = Math.max(0, Math.floor(this.offset / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(n, Math.ceil((this.offset + this.viewportHeight) / ROW_HEIGHT) + OVERSCAN);
    const rows = [];
    for (let i = first; i < last; i++) rows.push(this.renderRow(i, width));
    const allSelected = n > 0 && this.selected.size >= n;
    return html`<div
        class="viewport"
        tabindex="0"
        role="grid"
        aria-label="Items"
        aria-rowcount=${n + 1}
        aria-colcount=${cols.length + 1}
        aria-multiselectable="true"
        aria-activedescendant=${n ? `row-${this.activeRow}` : nothing}
        aria-describedby=${this.hint ? 'cost-hint' : nothing}
        @scroll=${this.onScroll}
        @keydown=${this.onKeyDown}
        @focus=${() => n && this.moveTo(this.activeRow)}
        @blur=${() => (this.hint = undefined)}
        @mouseleave=${() => (this.hint = undefined)}
      >
        <div class="header" role="row" aria-rowindex="1" ${cssProps({ width: `${width}px` })}>
          <div class="cell check" role="columnheader">
            <input type="checkbox" aria-label="Select all loaded items" tabindex="-1" .checked=${allSelected}
              @change=${(e: Event) => this.emit('selection-change', (e.target as HTMLInputElement).checked ? new Set(this.items.map((it) => keyString(it, this.keyNames))) : new Set())} />
          </div>
          ${cols.map((c) => {
            const sorted = this.sort?.column === c;
            const keyKind = this.keyNames.includes(c) ? 'table key' : this.indexKeyNames.includes(c) ? 'index key' : '';
            return html`<div class="cell ${keyKind ? 'key' : ''}" role="columnheader" title=${keyKind ? `${c} (${keyKind})` : c}
              aria-sort=${sorted ? (this.sort!.descending ? 'descending' : 'ascending') : 'none'}
              ${cssProps({ width: `${this.columnWidth(c)}px` })} @click=${() => this.emit('sort', c)}>
              ${keyKind ? html`<vscode-icon name="key" aria-label=${keyKind}></vscode-icon>` : nothing}
              <span>${c}</span>
              ${sorted ? html`<vscode-icon name=${this.sort!.descending ? 'arrow-down' : 'arrow-up'} aria-hidden="true"></vscode-icon>` : nothing}
            </div>`;
          })}
        </div>
        <div class="body" role="rowgroup" ${cssProps({ height: `${n * ROW_HEIGHT}px`, width: `${width}px` })}>
          ${rows}
        </div>
        ${n === 0 ? html`<div class="empty">No items loaded. Run a Scan or Query, or create an item.</div>` : nothing}
      </div>
      ${this.costHint()}`;
  }

  private hover(index: number, e: MouseEvent): void {
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
    this.hint = { index, x: e.clientX, top: r.top, bottom: r.bottom };
  }

  private renderRow(i: number, width: number): unknown {
    const item = this.items[i]!;
    const key = keyString(item, this.keyNames);
    const selected = this.selected.has(key);
    return html`<div
      class="row ${selected ? 'selected' : ''} ${i === this.activeRow ? 'active' : ''}"
      role="row"
      id="row-${i}"
      data-index=${i}
      aria-rowindex=${i + 2}
      aria-selected=${selected ? 'true' : 'false'}
      ${cssProps({ transform: `translateY(${i * ROW_HEIGHT}px)`, width: `${width}px` })}
      @mouseenter=${(e: MouseEvent) => this.hover(i, e)}
      @mousemove=${(e: MouseEvent) => this.hover(i, e)}
      @click=${(e: MouseEvent) => {
        const col = (e.target as HTMLElement).closest<HTMLElement>('[data-col]')?.dataset.col;
        this.activeRow = i;
        if (col !== undefined) this.activeCol = Number(col);
        if (e.ctrlKey || e.metaKey || e.shiftKey) this.toggle(i);
      }}
      @dblclick=${(e: MouseEvent) => {
        const col = (e.target as HTMLElement).closest<HTMLElement>('[data-col]')?.dataset.col;
        if (col !== undefined && !this.keyNames.includes(this.columns[Number(col)]!)) this.startEdit(i, this.columns[Number(col)]!);
        else this.emit('open-item', i);
      }}
    >
      <div class="cell check" role="gridcell">
        <input type="checkbox" tabindex="-1" aria-label="Select item" .checked=${selected} @click=${(e: Event) => e.stopPropagation()} @change=${() => this.toggle(i)} />
      </div>
      ${this.columns.map((c, ci) => {
        const v = item[c];
        const editing = this.editing && this.editing.index === i && this.editing.column === c;
        return html`<div class="cell ${valueClass(v)} ${ci === this.activeCol ? 'active' : ''}" role="gridcell" data-col=${ci} data-attr=${c}
          ${cssProps({ width: `${this.columnWidth(c)}px` })}>
          ${editing
            ? html`<input class="inline" aria-label="Edit ${c}" .value=${v ? displayValue(v) : ''}
                @keydown=${(e: KeyboardEvent) => {
                  e.stopPropagation();
                  if (e.key === 'Enter') this.finishEdit(true, (e.target as HTMLInputElement).value);
                  if (e.key === 'Escape') this.finishEdit(false, '');
                }}
                @blur=${(e: FocusEvent) => this.editing && this.finishEdit(true, (e.target as HTMLInputElement).value)} />`
            : v ? displayValue(v) : ''}
        </div>`;
      })}
    </div>`;
  }
}
