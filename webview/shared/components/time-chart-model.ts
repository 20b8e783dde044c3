// The pure half of <dw-time-chart> (time-chart.ts): its data types, the scales from times and
// values to pixels, tick placement, stacking, hit-testing and keyboard stepping. No DOM here, so
// Node tests run all of it (test/webview/time-chart.test.ts).
//
// Geometry: the data's `count = max(values.length)` steps cover [start, start + count * step);
// step i is the band [start + i*step, start + (i+1)*step). A bar fills its band, a line or area
// point sits at the band's middle, and band, markers, thresholds and the selection are placed by
// their own times and values on the same scales. Times are epoch milliseconds throughout; ticks
// and labels are in the local time zone, aligned to its whole minutes, hours and days.

export interface TimeSeries {
  id: string;
  label: string;
  /** One value per step from `start` (null: no data for that step). */
  values: (number | null)[];
  kind: 'bar' | 'line' | 'area';
  /** Series with the same stack id pile up, in the order given. */
  stack?: string;
  /** A `--vscode-charts-*` variable name (with or without the leading `--vscode-`). */
  color: string;
  /** This series' unit where it differs from the chart's (throttled requests on a units chart). */
  unit?: string;
}

export interface ChartBand {
  from: number;
  to: number;
  label: string;
}

export interface ChartMarker {
  at: number;
  label: string;
  /** A codicon name (without `codicon-`), shown in the tooltip and the data table. */
  icon?: string;
  id: string;
}

export interface ChartThreshold {
  value: number;
  label: string;
}

export interface TimeChartData {
  /** Epoch ms of values[0]. */
  start: number;
  /** Milliseconds per step. */
  step: number;
  series: TimeSeries[];
  yLabel: string;
  /** Appended to figures in the tooltip and the table ("WCU/s"). */
  unit?: string;
  band?: ChartBand;
  markers?: ChartMarker[];
  thresholds?: ChartThreshold[];
  /** Whether clicks, drags and keys pick a time (`time-select` events). */
  selectable?: boolean;
}

export interface Margins {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export const DEFAULT_MARGINS: Margins = { top: 16, right: 16, bottom: 22, left: 44 };

/** Where the plot lies in the SVG and what it shows. */
export interface Layout {
  width: number;
  height: number;
  margins: Margins;
  start: number;
  step: number;
  count: number;
  /** The value at the plot's top edge (the bottom is 0). */
  yMax: number;
}

export function stepCount(data: TimeChartData): number {
  return data.series.reduce((n, s) => Math.max(n, s.values.length), 0);
}

export function plotLeft(l: Layout): number {
  return l.margins.left;
}
export function plotRight(l: Layout): number {
  return Math.max(l.margins.left + 1, l.width - l.margins.right);
}
export function plotTop(l: Layout): number {
  return l.margins.top;
}
export function plotBottom(l: Layout): number {
  return Math.max(l.margins.top + 1, l.height - l.margins.bottom);
}

export function endTime(l: Pick<Layout, 'start' | 'step' | 'count'>): number {
  return l.start + Math.max(1, l.count) * l.step;
}

/** x of a time (not clamped: a marker outside the data lies outside the plot). */
export function xOf(l: Layout, t: number): number {
  const span = endTime(l) - l.start;
  return plotLeft(l) + ((t - l.start) / span) * (plotRight(l) - plotLeft(l));
}

/** y of a value, 0 at the plot's bottom edge. */
export function yOf(l: Layout, v: number): number {
  const top = plotTop(l);
  const bottom = plotBottom(l);
  return bottom - (l.yMax > 0 ? v / l.yMax : 0) * (bottom - top);
}

/** The time under x, clamped to the data's span. */
export function timeAt(l: Layout, x: number): number {
  const f = (x - plotLeft(l)) / (plotRight(l) - plotLeft(l));
  const t = l.start + Math.min(1, Math.max(0, f)) * (endTime(l) - l.start);
  return Math.min(t, endTime(l) - 1);
}

/** The step under x (hit-testing for the hover figures), clamped to the data. */
export function indexAt(l: Layout, x: number): number {
  if (l.count <= 0) return 0;
  return Math.min(l.count - 1, Math.max(0, Math.floor((timeAt(l, x) - l.start) / l.step)));
}

/** The step a time falls in, or -1 outside the data. */
export function indexOfTime(l: Pick<Layout, 'start' | 'step' | 'count'>, t: number): number {
  const i = Math.floor((t - l.start) / l.step);
  return i >= 0 && i < l.count ? i : -1;
}

/** Ticks at 1, 2 or 5 times a power of ten, covering [0, max]; `max` is rounded up to the last tick. */
export function niceTicks(max: number, target = 5): { ticks: number[]; max: number } {
  if (!(max > 0) || !Number.isFinite(max)) return { ticks: [0, 1], max: 1 };
  const raw = max / Math.max(1, target);
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  const step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
  const top = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  // built by multiplication, so 0.1 + 0.2 never shows as 0.30000000000000004
  for (let i = 0; i * step <= top + step * 1e-9; i++) ticks.push(Number((i * step).toPrecision(12)));
  return { ticks, max: ticks[ticks.length - 1]! };
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Tick intervals a person reads at a glance: whole seconds, minutes, hours and days. */
export const TIME_INTERVALS = [
  SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND,
  MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY,
];

/** Offset of local time from UTC at t, in ms (UTC+1 gives 3,600,000). */
function localOffset(t: number): number {
  return -new Date(t).getTimezoneOffset() * MINUTE;
}

/**
 * Tick times within [from, to] at the smallest interval that gives at most `target` ticks, aligned
 * to local time: every 10 minutes falls on :00, :10..., every 6 hours on local 00:00, 06:00...,
 * days on local midnight.
 */
export function timeTicks(from: number, to: number, target = 6): { ticks: number[]; interval: number } {
  if (!(to > from)) return { ticks: [from], interval: SECOND };
  const span = to - from;
  const interval = TIME_INTERVALS.find((iv) => span / iv <= Math.max(1, target)) ?? TIME_INTERVALS[TIME_INTERVALS.length - 1]!;
  const ticks: number[] = [];
  if (interval >= DAY) {
    const d = new Date(from);
    d.setHours(0, 0, 0, 0);
    if (d.getTime() < from) d.setDate(d.getDate() + 1);
    const days = interval / DAY;
    // a week's ticks still land on midnights; stepping by calendar days keeps DST days right
    while (d.getTime() <= to) {
      ticks.push(d.getTime());
      d.setDate(d.getDate() + days);
    }
  } else {
    const offset = localOffset(from);
    for (let t = Math.ceil((from + offset) / interval) * interval - offset; t <= to; t += interval) ticks.push(t);
  }
  return { ticks, interval };
}

/** A tick's label in local time: "14:05", "14:05:30" below a minute's spacing, "Dec 6" from a day. */
export function tickLabel(t: number, interval: number, locale?: string): string {
  const d = new Date(t);
  if (interval >= DAY) return d.toLocaleDateString(locale, { month: 'short', day: 'numeric' });
  return d.toLocaleTimeString(locale, interval < MINUTE ? { hour: '2-digit', minute: '2-digit', second: '2-digit' } : { hour: '2-digit', minute: '2-digit' });
}

/** The exact local time of a step or a pick, for tooltips and the data table. */
export function timeLabel(t: number, locale?: string): string {
  return new Date(t).toLocaleString(locale, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** A figure as the tooltip writes it: up to three decimals, grouped thousands. */
export function formatValue(v: number | null | undefined, unit?: string, locale?: string): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const text = v.toLocaleString(locale, { maximumFractionDigits: Math.abs(v) >= 100 ? 1 : 3 });
  return unit ? `${text} ${unit}` : text;
}

/** A y-axis label: short ("1.5k"). */
export function axisValue(v: number, locale?: string): string {
  return v.toLocaleString(locale, { notation: 'compact', maximumFractionDigits: 2 });
}

/** Per series, per step: the [base, top] it covers (null where the series has no value). */
export type Stacked = ([number, number] | null)[][];

/** Piles series of one stack id on each other, in the order given; others start at 0. */
export function stackSeries(series: readonly TimeSeries[], count: number): Stacked {
  const bases = new Map<string, number[]>();
  return series.map((s) => {
    const base = s.stack === undefined ? undefined : (bases.get(s.stack) ?? new Array<number>(count).fill(0));
    if (s.stack !== undefined && base) bases.set(s.stack, base);
    const out: ([number, number] | null)[] = [];
    for (let i = 0; i < count; i++) {
      const v = s.values[i];
      if (v === null || v === undefined || !Number.isFinite(v)) {
        out.push(null);
        continue;
      }
      const b = base ? base[i]! : 0;
      out.push([b, b + v]);
      if (base) base[i] = b + v;
    }
    return out;
  });
}

/** The highest value drawn (stacks and thresholds included), never below 0. */
export function highest(stacked: Stacked, thresholds: readonly ChartThreshold[] = []): number {
  let max = 0;
  for (const s of stacked) for (const p of s) if (p) max = Math.max(max, p[1], p[0]);
  for (const t of thresholds) if (Number.isFinite(t.value)) max = Math.max(max, t.value);
  return max;
}

/** SVG path of a line through each run of non-null points (a gap breaks the line). */
export function linePath(l: Layout, points: readonly ([number, number] | null)[]): string {
  let d = '';
  let open = false;
  points.forEach((p, i) => {
    if (!p) {
      open = false;
      return;
    }
    const x = xOf(l, l.start + (i + 0.5) * l.step);
    d += `${open ? 'L' : 'M'}${round(x)},${round(yOf(l, p[1]))}`;
    open = true;
  });
  return d;
}

/** SVG path of an area from each run's bases up to its tops. */
export function areaPath(l: Layout, points: readonly ([number, number] | null)[]): string {
  let d = '';
  let run: number[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const xs = run.map((i) => xOf(l, l.start + (i + 0.5) * l.step));
    d += run.map((i, k) => `${k ? 'L' : 'M'}${round(xs[k]!)},${round(yOf(l, points[i]![1]))}`).join('');
    for (let k = run.length - 1; k >= 0; k--) d += `L${round(xs[k]!)},${round(yOf(l, points[run[k]!]![0]))}`;
    d += 'Z';
    run = [];
  };
  points.forEach((p, i) => (p ? run.push(i) : flush()));
  flush();
  return d;
}

/** SVG path of one rectangle per non-zero step, filling most of its band. */
export function barPath(l: Layout, points: readonly ([number, number] | null)[]): string {
  const band = (plotRight(l) - plotLeft(l)) / Math.max(1, l.count);
  const gap = band > 4 ? band * 0.15 : 0;
  const w = Math.max(0.5, band - gap);
  let d = '';
  points.forEach((p, i) => {
    if (!p || p[1] === p[0]) return;
    const x = plotLeft(l) + i * band + gap / 2;
    const y0 = yOf(l, p[0]);
    const y1 = yOf(l, p[1]);
    // at least a pixel tall, so one throttled request among thousands still shows
    const top = Math.min(y1, y0 - 1);
    d += `M${round(x)},${round(y0)}V${round(top)}h${round(w)}V${round(y0)}Z`;
  });
  return d;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

export type StepKey = 'ArrowLeft' | 'ArrowRight' | 'Home' | 'End' | 'PageUp' | 'PageDown';
export const STEP_KEYS: readonly string[] = ['ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown'];

/**
 * The time a key moves to from `at` (undefined: from nothing picked yet, which starts at the end
 * for Left/PageDown and the start for Right/PageUp), snapped to step starts: a pick between two
 * steps goes to the nearer start on its side first. PageUp/PageDown move 10 steps, as a slider's
 * do (PageUp forward in time). Clamped to the data.
 */
export function stepTime(key: StepKey, at: number | undefined, start: number, step: number, count: number): number {
  const last = Math.max(0, count - 1);
  const clamp = (i: number) => start + Math.min(last, Math.max(0, i)) * step;
  if (key === 'Home') return clamp(0);
  if (key === 'End') return clamp(last);
  const forward = key === 'ArrowRight' || key === 'PageUp';
  const n = key.startsWith('Page') ? 10 : 1;
  if (at === undefined) return clamp(forward ? n - 1 : last - (n - 1));
  const pos = (at - start) / step;
  const onStep = Math.abs(pos - Math.round(pos)) < 1e-9;
  if (forward) return clamp((onStep ? Math.round(pos) : Math.ceil(pos) - 1) + n);
  return clamp((onStep ? Math.round(pos) : Math.floor(pos) + 1) - n);
}

/** The figures of one step, as the tooltip and the data table list them. */
export interface StepFigures {
  at: number;
  rows: { id: string; label: string; color: string; value: number | null; unit?: string }[];
  markers: ChartMarker[];
}

export function figuresAt(data: TimeChartData, index: number): StepFigures {
  const at = data.start + index * data.step;
  return {
    at,
    rows: data.series.map((s) => ({ id: s.id, label: s.label, color: s.color, value: s.values[index] ?? null, unit: s.unit })),
    markers: (data.markers ?? []).filter((m) => m.at >= at && m.at < at + data.step),
  };
}

/** `var(--vscode-charts-red)` from '--vscode-charts-red' or 'charts-red'. */
export function colorVar(color: string): string {
  return `var(${color.startsWith('--') ? color : `--vscode-${color}`})`;
}

/**
 * The chart in one sentence or three, for its aria-label: the span, then per series its highest
 * and latest figure, the thresholds, the band and how many markers.
 */
export function summarize(data: TimeChartData, locale?: string): string {
  const count = stepCount(data);
  if (count === 0) return `${data.yLabel}: no data`;
  const end = data.start + count * data.step;
  const parts = [`${data.yLabel} from ${timeLabel(data.start, locale)} to ${timeLabel(end, locale)}.`];
  for (const s of data.series) {
    let max: number | null = null;
    let maxAt = 0;
    let latest: number | null = null;
    s.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) return;
      latest = v;
      if (max === null || v > max) {
        max = v;
        maxAt = i;
      }
    });
    parts.push(
      max === null
        ? `${s.label}: no data.`
        : `${s.label}: highest ${formatValue(max, s.unit ?? data.unit, locale)} at ${timeLabel(data.start + maxAt * data.step, locale)}, latest ${formatValue(latest, s.unit ?? data.unit, locale)}.`,
    );
  }
  for (const t of data.thresholds ?? []) parts.push(`${t.label}: ${formatValue(t.value, data.unit, locale)}.`);
  if (data.band) parts.push(`${data.band.label}: ${timeLabel(data.band.from, locale)} to ${timeLabel(data.band.to, locale)}.`);
  if (data.markers?.length) parts.push(`${data.markers.length} marker${data.markers.length === 1 ? '' : 's'}.`);
  return parts.join(' ');
}
