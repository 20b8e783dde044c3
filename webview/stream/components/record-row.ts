// One stream record: a line (event type with its icon and colour, key, approximate time) that
// expands, by click or Enter/Space on its button, into the diff of the old and new images.
// Fires `toggle` and `open-item` (detail: the record) for the app to act on.
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import { imageDiff, keyText, type StreamRecordView } from '../../../src/protocol/stream-view';
import { rowStyles } from '../styles';

const ICONS = { INSERT: 'diff-added', MODIFY: 'diff-modified', REMOVE: 'diff-removed' } as const;

/** Local time to the second (DynamoDB rounds ApproximateCreationDateTime); the title gives UTC. */
export function timeText(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

@customElement('stream-record-row')
export class StreamRecordRow extends LitElement {
  static override styles = rowStyles;
  @property({ attribute: false }) record!: StreamRecordView;
  @property({ attribute: false }) keyNames: string[] = [];
  @property({ type: Boolean, reflect: true }) expanded = false;

  override render() {
    const r = this.record;
    if (!r) return nothing;
    const key = keyText(r.keys, this.keyNames);
    const id = `diff-${r.n}`;
    return html`
      <div class="line" part="line">
        <button class="toggle" aria-expanded=${this.expanded ? 'true' : 'false'} aria-controls=${id} title="Show the old and new images"
          @click=${() => this.fire('toggle')}>
          <vscode-icon name=${this.expanded ? 'chevron-down' : 'chevron-right'}></vscode-icon>
          <span class="event ${r.event}"><vscode-icon name=${ICONS[r.event]} class=${r.event}></vscode-icon>${r.event}</span>
          <span class="key" title=${key}>${key}</span>
          ${r.byTtl ? html`<span class="ttl" title="Deleted by Time to Live">TTL</span>` : nothing}
          <span class="time" title=${`${new Date(r.time).toISOString()} (UTC), approximate`}>${timeText(r.time)}</span>
        </button>
        <vscode-button secondary icon="go-to-file" class="open" title="Open this item in the items panel" @click=${() => this.fire('open-item')}>Open Item</vscode-button>
      </div>
      ${this.expanded ? this.renderDiff(id) : nothing}
    `;
  }

  private renderDiff(id: string) {
    const r = this.record;
    const rows = imageDiff(r.oldImage, r.newImage, this.keyNames);
    if (!rows.length) return html`<div class="diff" id=${id}><span class="absent">This stream's view type keeps no images: only the key.</span></div>`;
    const cell = (v: string | undefined, image: 'old' | 'new') =>
      v === undefined ? html`<span class="absent">${(image === 'old' ? r.oldImage : r.newImage) ? '(absent)' : '(no image)'}</span>` : v;
    return html`<div class="diff" id=${id}>
      <table aria-label="Old and new image">
        <thead><tr><th>Attribute</th><th>Old</th><th>New</th></tr></thead>
        <tbody>
          ${rows.map((d) => html`<tr class=${d.kind}><td class="name">${d.name}</td><td class="old">${cell(d.old, 'old')}</td><td class="new">${cell(d.new, 'new')}</td></tr>`)}
        </tbody>
      </table>
    </div>`;
  }

  private fire(name: 'toggle' | 'open-item'): void {
    this.dispatchEvent(new CustomEvent(name, { detail: this.record, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'stream-record-row': StreamRecordRow;
  }
}
