// The capacity panel's pure state: what a snapshot turns into on screen (the three charts' data,
// the summary line, the cost grid) and what the page keeps across a reload. No DOM, no host:
// test/webview/capacity-view.test.ts runs it in Node.
import type { CapacitySnapshot, CapacityWindowId, CostBreakdown, CostClass, CostView, DescribedCapacity, ResourceCapacity } from '../../src/protocol/capacity-view';
import { formatBytes, formatDollars, formatEstimate, formatUnits } from '../../src/protocol/capacity';
import type { TimeChartData } from '../shared/components/time-chart-model';

/** What the page saves with setState (and the registry hands back after a reload). */
export interface CapacityViewState {
  index?: string;
  windowId: CapacityWindowId;
}

export interface CapacityCharts {
  reads: TimeChartData;
  writes: TimeChartData;
  throttles: TimeChartData;
}

function stepText(ms: number): string {
  const s = ms / 1000;
  return s === 1 ? 'second' : `${s} s`;
}

const CONSUMED = {
  read: { yLabel: 'Read capacity units per second', unit: 'RCU', id: 'reads', label: 'Consumed reads', color: '--vscode-charts-blue' },
  write: { yLabel: 'Write capacity units per second', unit: 'WCU', id: 'writes', label: 'Consumed writes', color: '--vscode-charts-purple' },
} as const;

/** The three charts of a snapshot: consumed reads and writes against provisioned, and throttles. */
export function chartsOf(s: CapacitySnapshot): CapacityCharts {
  const { start, step } = s.series;
  const consumed = (kind: 'read' | 'write', values: number[]): TimeChartData => {
    const c = CONSUMED[kind];
    const provisioned = s.provisioned?.[kind];
    return {
      start,
      step,
      yLabel: c.yLabel,
      unit: `${c.unit}/s`,
      series: [{ id: c.id, label: c.label, values, kind: 'area', color: c.color }],
      thresholds: provisioned === undefined ? [] : [{ value: provisioned, label: `Provisioned ${formatUnits(provisioned)} ${c.unit}` }],
    };
  };
  return {
    reads: consumed('read', s.series.readUnits),
    writes: consumed('write', s.series.writeUnits),
    throttles: {
      start,
      step,
      yLabel: `Throttled requests per ${stepText(step)}`,
      unit: 'requests',
      series: [
        { id: 'throttledReads', label: 'Throttled reads', values: s.series.throttledReads, kind: 'bar', stack: 'throttled', color: '--vscode-charts-yellow' },
        { id: 'throttledWrites', label: 'Throttled writes', values: s.series.throttledWrites, kind: 'bar', stack: 'throttled', color: '--vscode-charts-red' },
      ],
    },
  };
}

/** One line under the title: mode, capacity, partitions, what throttled. */
export function summaryOf(s: CapacitySnapshot): string {
  const parts: string[] = [];
  const what = s.resource.kind === 'TABLE' ? 'Table' : `${s.resource.kind} ${s.resource.name}`;
  if (s.resource.kind === 'LSI') parts.push(`${what}: shares the table's capacity`);
  else if (s.provisioned) parts.push(`${what}: provisioned ${formatUnits(s.provisioned.read)} RCU, ${formatUnits(s.provisioned.write)} WCU`);
  else parts.push(`${what}: on-demand`);
  // a bucket may go into debt (a request takes its real units once admitted): none left is 0
  const left = (v: number) => formatUnits(Math.max(0, Math.round(v * 10) / 10));
  if (s.available) parts.push(`burst left ${left(s.available.read)} RCU, ${left(s.available.write)} WCU`);
  if (s.partitions > 0) parts.push(`${s.partitions} partition${s.partitions === 1 ? '' : 's'}`);
  const throttled = s.totals.throttledReads + s.totals.throttledWrites;
  parts.push(throttled ? `${throttled.toLocaleString('en-US')} throttled request${throttled === 1 ? '' : 's'} in the window` : 'no throttling in the window');
  return parts.join(' · ');
}

export const COST_CLASSES: { id: CostClass; label: string }[] = [
  { id: 'STANDARD', label: 'Standard' },
  { id: 'STANDARD_INFREQUENT_ACCESS', label: 'Standard-IA' },
];

export interface CostCell {
  total: string;
  /** The parts, as the hover hint lists them. */
  detail: string;
  /** The table is configured this way. */
  current: boolean;
  /** The lowest of the figures that could be estimated. */
  cheapest: boolean;
  /** Needs traffic nobody counted: `total` says so in words, `detail` has what is known. */
  unknown: boolean;
}

export interface CostRow {
  mode: 'onDemand' | 'provisioned';
  label: string;
  /** How the figures of this mode were worked out. */
  basis: string;
  cells: Record<CostClass, CostCell>;
}

function breakdownText(b: CostBreakdown): string {
  const parts = [];
  if (b.requests) parts.push(`requests ${formatEstimate(b.requests)}`);
  if (b.capacity) parts.push(`capacity ${formatEstimate(b.capacity)}`);
  parts.push(`storage ${formatEstimate(b.storage)}`);
  return `${formatEstimate(b.total)} a month: ${parts.join(' + ')}`;
}

/** The request prices of a class, as a person reads them. */
function requestPriceText(c: CostView, cls: CostClass): string | undefined {
  const p = c.requestPrices?.[cls];
  return p && `${formatDollars(p.readPerMillion)} per million read and ${formatDollars(p.writePerMillion)} per million write request units`;
}

/**
 * The 2 × 2 grid of monthly estimates: on-demand and provisioned, Standard and Standard-IA. A mode
 * the view cannot estimate (no traffic counted) says so in each cell; its hover keeps the storage
 * and, for on-demand, the unit prices, and it is never called the cheapest.
 */
export function costRows(c: CostView): CostRow[] {
  const modes = [
    {
      mode: 'onDemand' as const,
      label: 'On-demand',
      basis: `the last ${windowText(c.window)}'s ${formatUnits(round1(c.readUnits))} read and ${formatUnits(round1(c.writeUnits))} write request units, kept up all month`,
      billing: 'PAY_PER_REQUEST',
    },
    {
      mode: 'provisioned' as const,
      label: 'Provisioned',
      basis: `${formatUnits(c.provisionedRead)} RCU and ${formatUnits(c.provisionedWrite)} WCU${c.current.billingMode === 'PROVISIONED' ? ' as provisioned' : ', the busiest second of the window'}, billed every hour`,
      billing: 'PROVISIONED',
    },
  ];
  let cheapest = Infinity;
  for (const m of modes) if (!c.unknown?.[m.mode]) for (const cls of COST_CLASSES) cheapest = Math.min(cheapest, c.perMonth[cls.id][m.mode].total);
  return modes.map((m) => {
    const why = c.unknown?.[m.mode];
    const cells = {} as Record<CostClass, CostCell>;
    for (const cls of COST_CLASSES) {
      const b = c.perMonth[cls.id][m.mode];
      const prices = m.mode === 'onDemand' ? requestPriceText(c, cls.id) : undefined;
      cells[cls.id] = {
        total: why ? 'depends on traffic' : formatEstimate(b.total),
        detail: why ? `storage ${formatEstimate(b.storage)} a month, plus ${prices ?? 'the capacity its traffic needs'}` : breakdownText(b),
        current: c.current.billingMode === m.billing && c.current.tableClass === cls.id,
        cheapest: !why && b.total === cheapest,
        unknown: why !== undefined,
      };
    }
    return { mode: m.mode, label: m.label, basis: why ?? m.basis, cells };
  });
}

/** One line over a described table's figures: mode, class, what it is billed a month as configured. */
export function describedSummary(d: DescribedCapacity): string {
  const cls = COST_CLASSES.find((c) => c.id === d.tableClass)!.label;
  const mode = d.billingMode === 'PROVISIONED' ? 'provisioned' : 'on-demand';
  const month = d.billingMode === 'PROVISIONED' ? `${formatEstimate(d.cost.current.perMonth)} a month as configured` : `storage ${formatEstimate(d.cost.current.perMonth)} a month, plus its requests`;
  return `From DescribeTable: ${mode}, ${cls} table class · ${month}`;
}

/** One row of the per-resource grid: its configured capacity, size and the month that capacity costs. */
export interface ResourceRow {
  name: string;
  kind: string;
  capacity: string;
  size: string;
  month: Record<CostClass, string>;
}

/** The table and each index side by side, as DescribeTable states them. */
export function resourceRows(resources: readonly ResourceCapacity[]): ResourceRow[] {
  return resources.map((r) => {
    const capacity = r.provisioned
      ? `${formatUnits(r.provisioned.read)} RCU, ${formatUnits(r.provisioned.write)} WCU`
      : r.kind === 'LSI'
        ? "the table's"
        : 'on-demand';
    const month = {} as Record<CostClass, string>;
    for (const cls of COST_CLASSES) {
      const m = r.capacityPerMonth?.[cls.id];
      month[cls.id] = m !== undefined ? formatEstimate(m) : r.kind === 'LSI' ? 'in the table' : 'per request';
    }
    const items = `${r.itemCount.toLocaleString('en-US')} item${r.itemCount === 1 ? '' : 's'}`;
    return { name: r.name, kind: r.kind === 'TABLE' ? 'Table' : r.kind, capacity, size: `${formatBytes(r.sizeBytes)}, ${items}`, month };
  });
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

export function windowText(seconds: number): string {
  if (seconds % 3600 === 0) return seconds === 3600 ? 'hour' : `${seconds / 3600} hours`;
  if (seconds % 60 === 0) return seconds === 60 ? 'minute' : `${seconds / 60} minutes`;
  return `${seconds} seconds`;
}

/** The footnote under the cost grid: prices, region, what is left out. */
export function costFootnote(c: CostView): string {
  const region = c.regionFallback ? `${c.region} prices (no price list for this region)` : `${c.region} list prices`;
  const perRequest = c.unknown?.onDemand && c.requestPrices
    ? ` On-demand requests cost ${COST_CLASSES.map((cls) => `${requestPriceText(c, cls.id)} (${cls.label})`).join('; ')}.`
    : '';
  return `Estimates at ${region} in ${c.currency}; a month is 730 hours; storage counts 100 bytes more per item, as DynamoDB bills it; before the free tier and reserved capacity.${perRequest}`;
}
