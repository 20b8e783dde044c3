// <dw-cost-table>: the table's estimated month in each capacity mode and table class, side by
// side; the way it is configured and the cheapest way are marked in words, not colour alone, and
// each figure's parts are in its hover hint. A mode that needs uncounted traffic says so in its
// cells instead of a figure.
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { CostView } from '../../../src/protocol/capacity-view';
import { COST_CLASSES, costFootnote, costRows } from '../state';
import { tableStyles } from '../styles';

@customElement('dw-cost-table')
export class CostTable extends LitElement {
  @property({ attribute: false }) cost: CostView | undefined;
  static override styles = [
    tableStyles,
    css`
      td.current {
        font-weight: 600;
      }
      .tag {
        display: block;
        font-size: 0.85em;
        font-weight: normal;
        color: var(--vscode-descriptionForeground);
      }
      .tag.cheapest {
        color: var(--vscode-charts-green);
      }
      td span.figure {
        cursor: help;
        border-bottom: 1px dotted var(--vscode-descriptionForeground);
      }
      .basis {
        display: block;
        font-size: 0.85em;
        font-weight: normal;
        color: var(--vscode-descriptionForeground);
        max-width: 36ch;
      }
    `,
  ];

  override render(): TemplateResult | typeof nothing {
    const c = this.cost;
    if (!c) return nothing;
    const rows = costRows(c);
    return html`<table aria-label="Estimated monthly cost">
        <thead>
          <tr>
            <th scope="col">Capacity mode</th>
            ${COST_CLASSES.map((cls) => html`<th scope="col">${cls.label}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (r) => html`<tr data-mode=${r.mode}>
              <th scope="row">${r.label}<span class="basis">${r.basis}</span></th>
              ${COST_CLASSES.map((cls) => {
                const cell = r.cells[cls.id];
                return html`<td class=${cell.current ? 'current' : ''} data-class=${cls.id} ?data-unknown=${cell.unknown}>
                  <span class="figure" title=${cell.detail}>${cell.total}</span>
                  ${cell.current ? html`<span class="tag">as configured</span>` : nothing}
                  ${cell.cheapest ? html`<span class="tag cheapest">cheapest</span>` : nothing}
                </td>`;
              })}
            </tr>`,
          )}
        </tbody>
      </table>
      <p class="note" title=${`Prices: ${c.priceSource}`}>${costFootnote(c)}</p>`;
  }
}
