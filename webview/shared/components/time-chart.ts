// <dw-time-chart>: a time series chart drawn as SVG, shared by the webview panels (capacity,
// timeline). Bars, lines and areas (stackable) over time, threshold lines, a shaded band,
// markers and a picked time; hovering or moving with the keys shows the exact figures of a step
// in a tooltip element.
//
//   <dw-time-chart .data=${TimeChartData} .selected=${ms}
//                  @time-select=${(e) => e.detail.at} @marker-select=${(e) => e.detail.id}>
//
// Invariants:
// - Theme colours only: every colour is a `--vscode-*` variable, set through the CSSOM (the
//   webviews' CSP refuses style attributes; see ../styles.ts).
// - Keyboard: the plot is one tab stop (a slider when `selectable`): Left/Right move a step,
//   PageUp/PageDown ten, Home/End to the ends; each move shows that step's figures and, when
//   selectable, fires `time-select`. Markers are buttons of their own (Enter/Space select them).
// - Text alternative: the figure's aria-label summarises the chart (summarize()), and a
//   "Data table" disclosure lists every step's figures.
// - The pure geometry lives in time-chart-model.ts and is tested in Node.
import { LitElement, css, html, nothing, svg, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { cssProps } from '../styles';
import {
  DEFAULT_MARGINS, STEP_KEYS, areaPath, axisValue, barPath, colorVar, figuresAt, formatValue, highest, indexAt, indexOfTime,
  linePath, niceTicks, plotBottom, plotLeft, plotRight, plotTop, stackSeries, stepCount, stepTime, summarize, tickLabel,
  timeAt, timeLabel, timeTicks, xOf, yOf, type Layout, type StepKey, type TimeChartData,
} from './time-chart-model';

export type { ChartBand, ChartMarker, ChartThreshold, TimeChartData, TimeSeries } from './time-chart-model';

export interface TimeSelectDetail {
  at: number;
}
export interface MarkerSelectDetail {
  id: string;
}

declare global {
  interface HTMLElementTagNameMap {
    'dw-time-chart': TimeChart;
  }
}

@customElement('dw-time-chart')
export class TimeChart extends LitElement {
  @property({ attribute: false }) data: TimeChartData | undefined;
  /** The picked time (epoch ms), drawn as a vertical line. */
  @property({ attribute: false }) selected: number | undefined;
  @state() private width = 0;
  @state() private height = 0;
  /** The step whose figures the tooltip shows (pointer or keys), if any. */
  @state() private hover: number | undefined;
  @state() private tableOpen = false;
  @query('.plot-area') private plotBox!: HTMLElement;
  @query('.tooltip') private tooltip: HTMLElement | undefined;
  private resize: ResizeObserver | undefined;
  private dragging = false;
  /** Where the tooltip goes: the pointer's x, or the step's middle when moved by keys. */
  private hoverX = 0;

  static override styles = css`
    :host {
      display: block;
      min-width: 0;
      color: var(--vscode-foreground);
      font-size: 0.9em;
    }
    figure {
      margin: 0;
    }
    .head {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: 4px 14px;
      margin-bottom: 2px;
    }
    .y-label {
      font-weight: 600;
    }
    .legend {
      display: flex;
      flex-wrap: wrap;
      gap: 2px 12px;
      margin: 0;
      padding: 0;
      list-style: none;
      color: var(--vscode-descriptionForeground);
    }
    .legend li {
      display: flex;
      align-items: center;
      gap: 4px;
    }
    .swatch {
      display: inline-block;
      width: 10px;
      height: 10px;
      border-radius: 2px;
      background: var(--swatch);
    }
    .swatch.line {
      height: 3px;
    }
    .swatch.threshold {
      height: 0;
      border-top: 2px dashed var(--vscode-charts-orange);
      background: none;
    }
    .plot-wrap {
      position: relative;
    }
    .plot-area {
      position: relative;
      height: var(--dw-chart-height, 180px);
      outline: none;
    }
    svg.marker-layer {
      pointer-events: none;
      z-index: 1;
    }
    svg.marker-layer .marker {
      pointer-events: auto;
    }
    .plot-area:focus-visible {
      outline: 1px solid var(--vscode-focusBorder);
    }
    .plot-area.selectable {
      cursor: crosshair;
    }
    svg {
      display: block;
      position: absolute;
      inset: 0;
      overflow: visible;
    }
    .grid line {
      stroke: var(--vscode-editorWidget-border, var(--vscode-panel-border, currentColor));
      stroke-opacity: 0.6;
      shape-rendering: crispEdges;
    }
    .axis text {
      fill: var(--vscode-descriptionForeground);
      font-size: 10px;
    }
    .axis line.base {
      stroke: var(--vscode-descriptionForeground);
      shape-rendering: crispEdges;
    }
    .series.bar,
    .series.area {
      fill: var(--series);
      stroke: none;
    }
    .series.area {
      fill-opacity: 0.35;
    }
    .series.line,
    .series.area-edge {
      fill: none;
      stroke: var(--series);
      stroke-width: 1.5;
      stroke-linejoin: round;
    }
    .band rect {
      fill: var(--vscode-charts-green);
      fill-opacity: 0.12;
    }
    .band-label text {
      fill: var(--vscode-charts-green);
      font-size: 10px;
      paint-order: stroke;
      stroke: var(--vscode-editor-background);
      stroke-width: 3px;
      stroke-linejoin: round;
    }
    .threshold line {
      stroke: var(--vscode-charts-orange);
      stroke-width: 1.5;
      stroke-dasharray: 5 3;
    }
    .threshold text {
      fill: var(--vscode-charts-orange);
      font-size: 10px;
    }
    .marker line {
      stroke: var(--vscode-charts-purple);
      stroke-width: 1.5;
    }
    .marker path {
      fill: var(--vscode-charts-purple);
      stroke: var(--vscode-editor-background);
    }
    .marker {
      cursor: pointer;
      outline: none;
    }
    .marker:focus-visible path,
    .marker:hover path {
      stroke: var(--vscode-focusBorder);
      stroke-width: 2;
    }
    .selection line {
      stroke: var(--vscode-focusBorder, var(--vscode-foreground));
      stroke-width: 2;
    }
    .cursor line {
      stroke: var(--vscode-descriptionForeground);
      stroke-dasharray: 2 2;
    }
    .tooltip {
      position: absolute;
      top: 4px;
      z-index: 2;
      pointer-events: none;
      min-width: 140px;
      max-width: 280px;
      padding: 4px 8px;
      background: var(--vscode-editorHoverWidget-background);
      color: var(--vscode-editorHoverWidget-foreground, var(--vscode-foreground));
      border: 1px solid var(--vscode-editorHoverWidget-border, var(--vscode-widget-border, transparent));
      box-shadow: 0 2px 8px var(--vscode-widget-shadow, transparent);
      font-size: 12px;
      line-height: 1.5;
    }
    .tooltip .time {
      font-weight: 600;
    }
    .tooltip table {
      border-collapse: collapse;
    }
    .tooltip td {
      padding: 0 4px 0 0;
    }
    .tooltip td.num {
      text-align: right;
      font-variant-numeric: tabular-nums;
      padding-left: 8px;
    }
    .empty {
      position: absolute;
      inset: 0;
      display: flex;
      align-items: center;
      justify-content: center;
      color: var(--vscode-descriptionForeground);
    }
    details {
      margin-top: 2px;
      color: var(--vscode-descriptionForeground);
    }
    details summary {
      cursor: pointer;
      width: max-content;
    }
    .data {
      max-height: 240px;
      overflow: auto;
    }
    .data table {
      border-collapse: collapse;
      font-variant-numeric: tabular-nums;
    }
    .data th,
    .data td {
      padding: 1px 8px 1px 0;
      text-align: right;
      border-bottom: 1px solid var(--vscode-editorWidget-border, transparent);
    }
    .data th:first-child,
    .data td:first-child {
      text-align: left;
    }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    this.resize = new ResizeObserver(() => this.measure());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize?.disconnect();
  }

  protected override firstUpdated(): void {
    this.resize?.observe(this.plotBox);
    this.measure();
  }

  private measure(): void {
    const box = this.plotBox;
    if (!box) return;
    const { width, height } = box.getBoundingClientRect();
    if (Math.round(width) !== this.width || Math.round(height) !== this.height) {
      this.width = Math.round(width);
      this.height = Math.round(height);
    }
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // a hover over a step that new data no longer has would show figures of nothing
    if (changed.has('data') && this.hover !== undefined && this.data && this.hover >= stepCount(this.data)) this.hover = undefined;
  }

  protected override updated(): void {
    const tip = this.tooltip;
    if (!tip) return;
    // left or right of the cursor, whichever keeps it inside the plot
    const w = tip.offsetWidth;
    const left = this.hoverX + 14 + w > this.width ? Math.max(0, this.hoverX - 14 - w) : this.hoverX + 14;
    tip.style.setProperty('left', `${Math.round(left)}px`);
  }

  /** The current layout (exposed for tests that check where marks were drawn). */
  get layout(): Layout | undefined {
    const data = this.data;
    if (!data || this.width <= 0 || this.height <= 0) return undefined;
    const count = stepCount(data);
    const stacked = stackSeries(data.series, count);
    const { max } = niceTicks(highest(stacked, data.thresholds), tickTarget(this.height));
    return { width: this.width, height: this.height, margins: DEFAULT_MARGINS, start: data.start, step: data.step, count, yMax: max };
  }

  override render(): TemplateResult {
    const data = this.data;
    const count = data ? stepCount(data) : 0;
    const selectable = data?.selectable === true;
    const summary = data ? summarize(data) : 'No data';
    return html`
      <figure class="chart" role="group" aria-label=${summary}>
        ${data ? this.renderHead(data) : nothing}
        <div class="plot-wrap">
        <div
          class="plot-area ${selectable ? 'selectable' : ''}"
          tabindex="0"
          role=${selectable ? 'slider' : 'img'}
          aria-label=${selectable ? `${data?.yLabel ?? 'Chart'}: pick a time` : summary}
          aria-valuemin=${selectable && data ? data.start : nothing}
          aria-valuemax=${selectable && data ? data.start + Math.max(0, count - 1) * data.step : nothing}
          aria-valuenow=${selectable && this.selected !== undefined ? this.selected : nothing}
          aria-valuetext=${selectable && this.selected !== undefined ? timeLabel(this.selected) : nothing}
          @pointerdown=${this.onPointerDown}
          @pointermove=${this.onPointerMove}
          @pointerup=${this.onPointerUp}
          @pointercancel=${this.onPointerUp}
          @pointerleave=${this.onPointerLeave}
          @keydown=${this.onKey}
          @blur=${this.onBlur}
        >
          ${this.renderSvg()} ${count === 0 ? html`<div class="empty">No data yet</div>` : nothing} ${this.renderTooltip()}
        </div>
        ${this.renderMarkers()}
      </div>
        ${data && count > 0 ? this.renderTable(data, count) : nothing}
      </figure>
    `;
  }

  private renderHead(data: TimeChartData): TemplateResult {
    return html`<figcaption class="head">
      <span class="y-label">${data.yLabel}</span>
      <ul class="legend">
        ${data.series.map(
          (s) => html`<li><span class="swatch ${s.kind === 'line' ? 'line' : ''}" ${cssProps({ '--swatch': colorVar(s.color) })}></span>${s.label}</li>`,
        )}
        ${(data.thresholds ?? []).map((t) => html`<li><span class="swatch threshold"></span>${t.label}</li>`)}
      </ul>
    </figcaption>`;
  }

  private renderSvg(): TemplateResult | typeof nothing {
    const data = this.data;
    const l = this.layout;
    if (!data || !l || l.count === 0) return nothing;
    const stacked = stackSeries(data.series, l.count);
    const { ticks: yTicks } = niceTicks(l.yMax, tickTarget(l.height));
    const x0 = plotLeft(l);
    const x1 = plotRight(l);
    const y0 = plotBottom(l);
    const top = plotTop(l);
    const { ticks: xTicks, interval } = timeTicks(l.start, l.start + l.count * l.step, Math.max(2, Math.floor((x1 - x0) / 75)));
    const band = data.band;
    const bandX0 = band ? Math.max(x0, xOf(l, band.from)) : 0;
    const bandX1 = band ? Math.min(x1, xOf(l, band.to)) : 0;
    return html`<svg width=${l.width} height=${l.height} aria-hidden="true">
      <g class="grid">${yTicks.map((v) => svg`<line x1=${x0} x2=${x1} y1=${yOf(l, v)} y2=${yOf(l, v)}></line>`)}</g>
      ${band && bandX1 > bandX0
        ? svg`<g class="band"><rect x=${bandX0} y=${top} width=${bandX1 - bandX0} height=${y0 - top}></rect></g>`
        : nothing}
      <g class="axis y">
        ${yTicks.map((v) => svg`<text x=${x0 - 6} y=${yOf(l, v)} text-anchor="end" dominant-baseline="middle">${axisValue(v)}</text>`)}
      </g>
      <g class="axis x">
        <line class="base" x1=${x0} x2=${x1} y1=${y0} y2=${y0}></line>
        ${xTicks.map((t) => {
          const x = xOf(l, t);
          return svg`<line class="base" x1=${x} x2=${x} y1=${y0} y2=${y0 + 4}></line>
            <text x=${x} y=${y0 + 15} text-anchor="middle">${tickLabel(t, interval)}</text>`;
        })}
      </g>
      <g class="marks">
        ${data.series.map((s, k) => {
          const points = stacked[k]!;
          const color = cssProps({ '--series': colorVar(s.color) });
          if (s.kind === 'bar') return svg`<path class="series bar" data-series=${s.id} d=${barPath(l, points)} ${color}></path>`;
          if (s.kind === 'area')
            return svg`<path class="series area" data-series=${s.id} d=${areaPath(l, points)} ${color}></path>
              <path class="series area-edge" d=${linePath(l, points)} ${color}></path>`;
          return svg`<path class="series line" data-series=${s.id} d=${linePath(l, points)} ${color}></path>`;
        })}
      </g>
      ${(data.thresholds ?? []).map(
        (t) => svg`<g class="threshold" data-value=${t.value}>
          <line x1=${x0} x2=${x1} y1=${yOf(l, t.value)} y2=${yOf(l, t.value)}></line>
          <text x=${x1 - 2} y=${yOf(l, t.value) - 3} text-anchor="end">${t.label}</text></g>`,
      )}
      ${band && bandX1 > bandX0
        ? // the band's label is drawn over the marks, with a halo, so a bar at the band's start cannot hide it
          svg`<g class="band-label"><text x=${bandX0 + 4} y=${top + 12}>${band.label}</text></g>`
        : nothing}
      ${this.hover !== undefined
        ? svg`<g class="cursor"><line x1=${xOf(l, l.start + (this.hover + 0.5) * l.step)} x2=${xOf(l, l.start + (this.hover + 0.5) * l.step)} y1=${top} y2=${y0}></line></g>`
        : nothing}
      ${this.selected !== undefined && this.selected >= l.start && this.selected <= l.start + l.count * l.step
        ? svg`<g class="selection"><line x1=${xOf(l, this.selected)} x2=${xOf(l, this.selected)} y1=${top} y2=${y0}></line></g>`
        : nothing}
    </svg>`;
  }

  /** Markers live in a layer of their own above the plot: each is a button, outside the plot's img/slider role. */
  private renderMarkers(): TemplateResult | typeof nothing {
    const data = this.data;
    const l = this.layout;
    if (!data?.markers?.length || !l || l.count === 0) return nothing;
    const x0 = plotLeft(l);
    const x1 = plotRight(l);
    const y0 = plotBottom(l);
    const top = plotTop(l);
    return html`<svg class="marker-layer" width=${l.width} height=${l.height}>
      ${data.markers
        .filter((m) => xOf(l, m.at) >= x0 - 0.5 && xOf(l, m.at) <= x1 + 0.5)
        .map((m) => {
          const x = xOf(l, m.at);
          return svg`<g class="marker" data-id=${m.id} role="button" tabindex="0" aria-label=${`${m.label}, ${timeLabel(m.at)}`}
              @click=${(e: Event) => this.pickMarker(e, m.id)} @keydown=${(e: KeyboardEvent) => this.markerKey(e, m.id)}
              @pointerdown=${(e: Event) => e.stopPropagation()}>
            <title>${m.label} (${timeLabel(m.at)})</title>
            <line x1=${x} x2=${x} y1=${top} y2=${y0}></line>
            <path d=${`M${x},${top - 12}l5,5l-5,5l-5,-5Z`}></path></g>`;
        })}
    </svg>`;
  }

  private renderTooltip(): TemplateResult | typeof nothing {
    const data = this.data;
    if (!data || this.hover === undefined) return nothing;
    const f = figuresAt(data, this.hover);
    return html`<div class="tooltip" role="status">
      <div class="time">${timeLabel(f.at)}</div>
      <table>
        ${f.rows.map(
          (r) => html`<tr>
            <td><span class="swatch" ${cssProps({ '--swatch': colorVar(r.color) })}></span></td>
            <td>${r.label}</td>
            <td class="num">${formatValue(r.value, r.unit ?? data.unit)}</td>
          </tr>`,
        )}
        ${(data.thresholds ?? []).map((t) => html`<tr><td><span class="swatch threshold"></span></td><td>${t.label}</td><td class="num">${formatValue(t.value, data.unit)}</td></tr>`)}
      </table>
      ${f.markers.map((m) => html`<div class="tip-marker">${m.label} (${timeLabel(m.at)})</div>`)}
    </div>`;
  }

  private renderTable(data: TimeChartData, count: number): TemplateResult {
    return html`<details @toggle=${(e: Event) => (this.tableOpen = (e.target as HTMLDetailsElement).open)}>
      <summary>Data table</summary>
      ${this.tableOpen
        ? html`<div class="data" tabindex="0">
            <table>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  ${data.series.map((s) => html`<th scope="col">${s.label}${(s.unit ?? data.unit) ? ` (${s.unit ?? data.unit})` : ''}</th>`)}
                  ${data.markers?.length ? html`<th scope="col">Markers</th>` : nothing}
                </tr>
              </thead>
              <tbody>
                ${Array.from({ length: count }, (_, i) => {
                  const f = figuresAt(data, i);
                  return html`<tr>
                    <th scope="row">${timeLabel(f.at)}</th>
                    ${f.rows.map((r) => html`<td>${formatValue(r.value)}</td>`)}
                    ${data.markers?.length ? html`<td>${f.markers.map((m) => m.label).join(', ')}</td>` : nothing}
                  </tr>`;
                })}
              </tbody>
            </table>
          </div>`
        : nothing}
    </details>`;
  }

  private localX(e: PointerEvent): number {
    return e.clientX - this.plotBox.getBoundingClientRect().left;
  }

  private showStep(index: number, x?: number): void {
    const l = this.layout;
    if (!l) return;
    this.hover = index;
    this.hoverX = x ?? xOf(l, l.start + (index + 0.5) * l.step);
  }

  private onPointerMove = (e: PointerEvent): void => {
    const l = this.layout;
    if (!l || l.count === 0) return;
    const x = this.localX(e);
    this.showStep(indexAt(l, x), x);
    if (this.dragging) this.select(timeAt(l, x));
  };

  private onPointerDown = (e: PointerEvent): void => {
    const l = this.layout;
    if (!l || l.count === 0 || !this.data?.selectable || e.button !== 0) return;
    this.dragging = true;
    this.plotBox.setPointerCapture?.(e.pointerId);
    this.select(timeAt(l, this.localX(e)));
  };

  private onPointerUp = (e: PointerEvent): void => {
    this.dragging = false;
    if (this.plotBox.hasPointerCapture?.(e.pointerId)) this.plotBox.releasePointerCapture(e.pointerId);
  };

  private onPointerLeave = (): void => {
    if (!this.dragging && this.shadowRoot?.activeElement !== this.plotBox) this.hover = undefined;
  };

  private onBlur = (): void => {
    this.hover = undefined;
  };

  private onKey = (e: KeyboardEvent): void => {
    const data = this.data;
    if (!data || !STEP_KEYS.includes(e.key)) {
      if (e.key === 'Escape') this.hover = undefined;
      return;
    }
    const count = stepCount(data);
    if (count === 0) return;
    e.preventDefault();
    const from = data.selectable ? this.selected : this.hover !== undefined ? data.start + this.hover * data.step : undefined;
    const at = stepTime(e.key as StepKey, from, data.start, data.step, count);
    this.showStep(indexOfTime({ start: data.start, step: data.step, count }, at));
    if (data.selectable) this.select(at);
  };

  /** Picks a time: whole seconds, as restores and previews take them. */
  private select(at: number): void {
    const t = Math.round(at / 1000) * 1000;
    if (t === this.selected) return;
    this.selected = t;
    this.dispatchEvent(new CustomEvent<TimeSelectDetail>('time-select', { detail: { at: t }, bubbles: true, composed: true }));
  }

  private pickMarker(e: Event, id: string): void {
    e.stopPropagation();
    this.dispatchEvent(new CustomEvent<MarkerSelectDetail>('marker-select', { detail: { id }, bubbles: true, composed: true }));
  }

  private markerKey(e: KeyboardEvent, id: string): void {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    this.pickMarker(e, id);
  }
}

/** About one y tick per 40 px. */
function tickTarget(height: number): number {
  return Math.max(2, Math.min(6, Math.floor((height - DEFAULT_MARGINS.top - DEFAULT_MARGINS.bottom) / 40)));
}
