// <timeline-diff>: the items that differ between a previewed second and now, each as its key, what
// happened to it since (added, removed, changed), and its two versions side by side, line against
// line, as plain JSON the way the items panel's editor writes it.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { displayValue, itemText, type Item } from '../../../src/protocol/dynamo-json';
import { changeKind, formatLocal, sideBySide, type DiffCell, type PreviewDiff } from '../../../src/protocol/timeline';

const textOf = (item: Item | undefined) => (item === undefined ? '' : itemText(item, 'plain'));

/** The key as one line: `id = a, at = 3`, as the items grid shows values. */
export function keyText(key: Item): string {
  return Object.entries(key)
    .map(([name, value]) => `${name} = ${displayValue(value)}`)
    .join(', ');
}

@customElement('timeline-diff')
export class TimelineDiff extends LitElement {
  @property({ attribute: false }) differences: PreviewDiff[] = [];
  @property({ attribute: false }) time = 0;

  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      gap: 10px;
    }
    section {
      border: 1px solid var(--vscode-panel-border, var(--vscode-editorGroup-border));
    }
    h4 {
      margin: 0;
      padding: 4px 8px;
      font-weight: 600;
      background: var(--vscode-sideBar-background, var(--vscode-editor-background));
      display: flex;
      gap: 8px;
      align-items: baseline;
      overflow-wrap: anywhere;
    }
    .kind {
      font-weight: normal;
      color: var(--vscode-descriptionForeground);
    }
    .grid {
      display: grid;
      grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
      font-family: var(--vscode-editor-font-family);
      font-size: var(--vscode-editor-font-size);
    }
    .head {
      padding: 2px 8px;
      color: var(--vscode-descriptionForeground);
      border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-editorGroup-border));
      font-family: var(--vscode-font-family);
    }
    .cell {
      padding: 0 8px;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      min-height: 1.4em;
    }
    .cell.left {
      border-right: 1px solid var(--vscode-panel-border, var(--vscode-editorGroup-border));
    }
    .removed {
      background: var(--vscode-diffEditor-removedLineBackground, var(--vscode-diffEditor-removedTextBackground));
    }
    .added {
      background: var(--vscode-diffEditor-insertedLineBackground, var(--vscode-diffEditor-insertedTextBackground));
    }
    .absent {
      color: var(--vscode-descriptionForeground);
      font-style: italic;
      font-family: var(--vscode-font-family);
    }
  `;

  private cell(c: DiffCell | undefined, side: 'left' | 'right') {
    return html`<div class="cell ${side} ${c?.kind ?? 'empty'}" role="cell">${c?.text ?? ''}</div>`;
  }

  override render(): unknown {
    return this.differences.map((d) => {
      const rows = sideBySide(textOf(d.then), textOf(d.now));
      return html`<section class="difference" aria-label="Item ${keyText(d.key)}">
        <h4><span class="key">${keyText(d.key)}</span><span class="kind">${changeKind(d)}</span></h4>
        <div class="grid" role="table" aria-label="Then and now">
          <div class="head" role="columnheader">Then (${formatLocal(this.time)})</div>
          <div class="head" role="columnheader">Now</div>
          ${d.then === undefined ? html`<div class="cell left absent" role="cell">did not exist</div><div class="cell right" role="cell"></div>` : nothing}
          ${rows.map((r) => html`${this.cell(r.left, 'left')}${this.cell(r.right, 'right')}`)}
          ${d.now === undefined ? html`<div class="cell left" role="cell"></div><div class="cell right absent" role="cell">deleted since</div>` : nothing}
        </div>
      </section>`;
    });
  }
}
