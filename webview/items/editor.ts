// Item editor: plain JSON or DynamoDB JSON (toggle), validated before anything is sent.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import { itemText, parseItemText, type Item, type ItemTextFormat } from '../../src/protocol/dynamo-json';
import { formatBytes, formatUnits, itemCost } from '../../src/protocol/capacity';

export type EditorFormat = ItemTextFormat;

export interface EditorState {
  mode: 'create' | 'edit';
  original?: Item;
  text: string;
  format: EditorFormat;
}

@customElement('item-editor')
export class ItemEditor extends LitElement {
  @property({ attribute: false }) state: EditorState | undefined;
  @property({ attribute: false }) keyNames: string[] = [];
  @property({ attribute: false }) problems: string[] = [];
  @property({ attribute: false }) conflict: { message: string; current?: Item } | undefined;
  @property({ type: Boolean }) busy = false;
  @state() private localProblems: string[] = [];

  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      gap: 8px;
      padding: 10px 12px;
      border-left: 1px solid var(--vscode-panel-border, var(--vscode-editorGroup-border));
      background: var(--vscode-sideBar-background, var(--vscode-editor-background));
      min-width: 320px;
      width: 38%;
      box-sizing: border-box;
      overflow: auto;
      overflow-wrap: anywhere;
    }
    /* Narrow editor area: below the grid, full width (the items panel stacks them). */
    @media (max-width: 760px) {
      :host {
        min-width: 0;
        width: auto;
        max-height: 60%;
        border-left: none;
        border-top: 1px solid var(--vscode-panel-border, var(--vscode-editorGroup-border));
      }
    }
    h2 {
      font-size: 1.1em;
      margin: 0;
      display: flex;
      align-items: center;
      gap: 6px;
    }
    textarea {
      flex: 1;
      box-sizing: border-box;
      width: 100%;
      min-height: 160px;
      resize: vertical;
      font-family: var(--vscode-editor-font-family);
      font-size: var(--vscode-editor-font-size);
      color: var(--vscode-input-foreground);
      background: var(--vscode-input-background);
      border: 1px solid var(--vscode-input-border, var(--vscode-panel-border, transparent));
      padding: 6px;
      tab-size: 2;
    }
    textarea:focus {
      outline: 1px solid var(--vscode-focusBorder);
      outline-offset: -1px;
    }
    .problems {
      color: var(--vscode-errorForeground);
      margin: 0;
      padding-left: 18px;
    }
    .conflict {
      border: 1px solid var(--vscode-inputValidation-warningBorder);
      background: var(--vscode-inputValidation-warningBackground);
      padding: 6px 8px;
    }
    .actions {
      display: flex;
      gap: 6px;
      flex-wrap: wrap;
    }
    .meta {
      color: var(--vscode-descriptionForeground);
    }
  `;

  private get textarea(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('textarea');
  }

  focusEditor(): void {
    this.updateComplete.then(() => this.textarea?.focus());
  }

  private emit<T>(name: string, detail?: T): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  private update_(patch: Partial<EditorState>): void {
    if (!this.state) return;
    this.emit('editor-change', { ...this.state, ...patch });
  }

  private switchFormat(format: EditorFormat): void {
    const s = this.state;
    if (!s || s.format === format) return;
    const { item, problems } = parseItemText(s.text, s.format, s.original);
    if (!item) {
      this.localProblems = [`Fix the JSON before switching: ${problems[0]}`];
      this.requestUpdate();
      return;
    }
    this.localProblems = [];
    this.update_({ format, text: itemText(item, format) });
  }

  /** A save is a new action: what the last one reported (server error, conflict) goes first. */
  private save(): void {
    const s = this.state;
    if (!s) return;
    this.emit('save-start');
    const { item, problems, format } = parseItemText(s.text, s.format, s.original);
    const missing = item ? this.keyNames.filter((k) => !item[k]) : [];
    const all = [...problems, ...missing.map((k) => `The key attribute ${k} is missing`)];
    this.localProblems = all;
    // plain JSON typed while "DynamoDB JSON" was chosen: the radio follows what was read
    if (format !== s.format) this.update_({ format });
    if (item && !all.length) this.emit('save-item', item);
  }

  override render(): unknown {
    const s = this.state;
    if (!s) return nothing;
    const parsed = parseItemText(s.text, s.format, s.original);
    const cost = parsed.item ? itemCost(parsed.item) : undefined;
    const problems = [...this.localProblems, ...this.problems];
    return html`
      <h2><vscode-icon name=${s.mode === 'create' ? 'new-file' : 'edit'}></vscode-icon>${s.mode === 'create' ? 'New item' : 'Edit item'}</h2>
      <vscode-radio-group aria-label="Format">
        <vscode-radio name="format" value="plain" label="JSON" ?checked=${s.format === 'plain'} @change=${() => this.switchFormat('plain')}></vscode-radio>
        <vscode-radio name="format" value="dynamo" label="DynamoDB JSON" ?checked=${s.format === 'dynamo'} @change=${() => this.switchFormat('dynamo')}></vscode-radio>
      </vscode-radio-group>
      <div class="actions">
        <vscode-button id="save-item" ?disabled=${this.busy} @click=${() => this.save()}>${s.mode === 'create' ? 'Create' : 'Save'}</vscode-button>
        ${s.mode === 'edit' ? html`<vscode-button secondary @click=${() => this.emit('duplicate-item')}>Duplicate</vscode-button>` : nothing}
        ${s.mode === 'edit' ? html`<vscode-button secondary @click=${() => this.emit('delete-item')}>Delete</vscode-button>` : nothing}
        <vscode-button secondary @click=${() => this.emit('close-editor')}>Cancel</vscode-button>
      </div>
      <!-- what the last save reported sits under the buttons, never below the fold of a tall text box -->
      ${problems.length ? html`<ul class="problems" role="alert">${problems.map((p) => html`<li>${p}</li>`)}</ul>` : nothing}
      ${this.conflict
        ? html`<div class="conflict" role="alert">
            <div><vscode-icon name="warning"></vscode-icon> ${this.conflict.message}. Your changes were not saved.</div>
            <div class="actions">
              ${this.conflict.current ? html`<vscode-button secondary @click=${() => this.emit('reload-item')}>Load the stored version</vscode-button>` : nothing}
              <vscode-button secondary @click=${() => this.emit('overwrite-item')}>Save anyway</vscode-button>
            </div>
          </div>`
        : nothing}
      <textarea
        id="item-json"
        aria-label="Item as ${s.format === 'dynamo' ? 'DynamoDB JSON' : 'JSON'}"
        spellcheck="false"
        .value=${s.text}
        @input=${(e: Event) => {
          this.localProblems = [];
          this.update_({ text: (e.target as HTMLTextAreaElement).value });
        }}
        @keydown=${(e: KeyboardEvent) => {
          if ((e.ctrlKey || e.metaKey) && e.key === 's') {
            e.preventDefault();
            this.save();
          }
          if (e.key === 'Escape') this.emit('close-editor');
        }}
      ></textarea>
      <div class="meta">${cost ? `${formatBytes(cost.sizeBytes)} · write ${formatUnits(cost.write)} WCU · read ${formatUnits(cost.readStrong)} RCU` : 'not valid yet'}</div>
    `;
  }
}
