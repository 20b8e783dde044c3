// <dw-resource-capacity>: the table and each of its indexes side by side, as DescribeTable states
// them: provisioned capacity, size and items, and what that capacity costs a month in each table
// class. Shown where no traffic was counted (a remote connection), so nothing here needs traffic.
import { LitElement, html, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ResourceCapacity } from '../../../src/protocol/capacity-view';
import { COST_CLASSES, resourceRows } from '../state';
import { tableStyles } from '../styles';

@customElement('dw-resource-capacity')
export class ResourceCapacityTable extends LitElement {
  @property({ attribute: false }) resources: ResourceCapacity[] = [];
  static override styles = tableStyles;

  override render(): TemplateResult {
    return html`<table aria-label="Provisioned capacity of the table and its indexes">
      <thead>
        <tr>
          <th scope="col">Resource</th>
          <th scope="col">Provisioned</th>
          <th scope="col">Size</th>
          ${COST_CLASSES.map((cls) => html`<th scope="col">Capacity a month, ${cls.label}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${resourceRows(this.resources).map(
          (r) => html`<tr data-resource=${r.name}>
            <th scope="row">${r.kind} ${r.name}</th>
            <td>${r.capacity}</td>
            <td>${r.size}</td>
            ${COST_CLASSES.map((cls) => html`<td data-class=${cls.id}>${r.month[cls.id]}</td>`)}
          </tr>`,
        )}
      </tbody>
    </table>`;
  }
}
