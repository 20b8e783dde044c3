// <dw-hot-keys>: the partition keys that took the most capacity (then throttles) in the window.
import { LitElement, html, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { HotKeyRow } from '../../../src/protocol/capacity-view';
import { formatUnits } from '../../../src/protocol/capacity';
import { tableStyles } from '../styles';

@customElement('dw-hot-keys')
export class HotKeys extends LitElement {
  @property({ attribute: false }) rows: HotKeyRow[] = [];
  static override styles = tableStyles;

  override render(): TemplateResult {
    if (this.rows.length === 0) return html`<p class="note">No requests in the window.</p>`;
    const attribute = this.rows[0]!.attribute;
    return html`<table aria-label="Hottest partition keys">
      <thead>
        <tr>
          <th scope="col">${attribute}</th>
          <th scope="col">Read units</th>
          <th scope="col">Write units</th>
          <th scope="col">Requests</th>
          <th scope="col">Throttled</th>
        </tr>
      </thead>
      <tbody>
        ${this.rows.map(
          (r) => html`<tr>
            <th scope="row">${r.key}</th>
            <td>${formatUnits(r.readUnits)}</td>
            <td>${formatUnits(r.writeUnits)}</td>
            <td>${r.requests.toLocaleString('en-US')}</td>
            <td>${r.throttled.toLocaleString('en-US')}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }
}
