// Messages of the capacity & cost panel (webview/capacity): one table's (or one of its indexes')
// consumed and provisioned capacity, throttled requests and hottest partition keys over a recent
// window, and what the table would cost a month in each capacity mode and table class.
//
// Figures come from the workspace engine's counters (db.metrics); a remote or shared connection
// has none to give, and the panel says so (`unavailable`). A remote connection's answer still
// carries what DescribeTable states (`described`): each resource's provisioned capacity and size,
// and the month they cost; what traffic would cost is left unknown, said in words, never guessed. Rates are per second: each step's sum
// divided by the step's seconds; throttled requests are counts per step.
/** The windows the panel offers: seconds back from now, and seconds per step. */
export const CAPACITY_WINDOWS = [
  { id: '5m', label: '5 minutes', window: 300, step: 1 },
  { id: '15m', label: '15 minutes', window: 900, step: 5 },
  { id: '1h', label: '1 hour', window: 3600, step: 10 },
] as const;
export type CapacityWindowId = (typeof CAPACITY_WINDOWS)[number]['id'];
export const DEFAULT_WINDOW: CapacityWindowId = '1h';

export function windowSpec(id: string | undefined): (typeof CAPACITY_WINDOWS)[number] {
  return CAPACITY_WINDOWS.find((w) => w.id === id) ?? CAPACITY_WINDOWS.find((w) => w.id === DEFAULT_WINDOW)!;
}

/** Live refresh period of a visible panel. */
export const REFRESH_MS = 3000;
/**
 * Refresh period of a panel without charts (a remote table's DescribeTable figures): the
 * configuration changes rarely, and each refresh is a control-plane call to the service.
 */
export const DESCRIBED_REFRESH_MS = 30_000;

export interface CapacityTarget {
  connectionId: string;
  tableName: string;
  /** A secondary index of the table; undefined: the table itself. */
  index?: string;
}

export interface ResourceRef {
  name: string;
  kind: 'TABLE' | 'GSI' | 'LSI';
}

export interface CapacitySeries {
  /** Epoch ms of the first step. */
  start: number;
  /** Milliseconds per step. */
  step: number;
  /** Consumed units per second, per step. */
  readUnits: number[];
  writeUnits: number[];
  /** Throttled requests per step. */
  throttledReads: number[];
  throttledWrites: number[];
}

export interface HotKeyRow {
  /** The partition-key value as a person reads it: `user#1`, `42`. */
  key: string;
  attribute: string;
  readUnits: number;
  writeUnits: number;
  requests: number;
  throttled: number;
}

export interface CostBreakdown {
  requests: number;
  capacity: number;
  storage: number;
  total: number;
}

export type CostClass = 'STANDARD' | 'STANDARD_INFREQUENT_ACCESS';

export interface CostView {
  region: string;
  regionFallback: boolean;
  currency: string;
  priceSource: string;
  /** Seconds of traffic the on-demand figures scale up from. */
  window: number;
  readUnits: number;
  writeUnits: number;
  storageBytes: number;
  provisionedRead: number;
  provisionedWrite: number;
  perMonth: Record<CostClass, { onDemand: CostBreakdown; provisioned: CostBreakdown }>;
  current: { billingMode: string; tableClass: CostClass; perMonth: number };
  /**
   * Modes whose figures would need traffic nobody here counted, with why (a sentence); their
   * breakdowns then hold the storage alone. Absent: every figure is estimated.
   */
  unknown?: Partial<Record<CostMode, string>>;
  /** Unit prices of on-demand requests, USD per million, shown where on-demand is unknown. */
  requestPrices?: Record<CostClass, { readPerMillion: number; writePerMillion: number }>;
}

export type CostMode = 'onDemand' | 'provisioned';

/** One resource's capacity as DescribeTable states it, and the month its provisioned capacity costs. */
export interface ResourceCapacity {
  name: string;
  kind: 'TABLE' | 'GSI' | 'LSI';
  /** Undefined: on-demand, or an LSI (it uses the table's capacity). */
  provisioned?: { read: number; write: number };
  sizeBytes: number;
  itemCount: number;
  /** Its provisioned capacity a month, in each table class; undefined where it has none of its own. */
  capacityPerMonth?: Record<CostClass, number>;
}

/** What a connection without counters can still show: the table's configuration and its price. */
export interface DescribedCapacity {
  billingMode: 'PROVISIONED' | 'PAY_PER_REQUEST';
  tableClass: CostClass;
  /** The table first, then its global and local indexes. */
  resources: ResourceCapacity[];
  cost: CostView;
}

export interface CapacitySnapshot {
  tableName: string;
  resource: ResourceRef;
  /** The table's indexes, for the picker. */
  indexes: ResourceRef[];
  billingMode: 'PROVISIONED' | 'PAY_PER_REQUEST';
  provisioned?: { read: number; write: number };
  /** Burst units left now (provisioned resources while throttling is on). */
  available?: { read: number; write: number };
  partitions: number;
  series: CapacitySeries;
  totals: { readUnits: number; writeUnits: number; throttledReads: number; throttledWrites: number; peakReadUnits: number; peakWriteUnits: number };
  hotKeys: HotKeyRow[];
  /** Always the table's (an index has no bill of its own). */
  cost: CostView;
  /** Epoch ms the figures were read at. */
  at: number;
  /** When the counters began (the database opened), where that is inside the window: before it nothing was counted. */
  countingSince?: number;
}

export type CapacityResult =
  | { available: true; snapshot: CapacitySnapshot }
  | { available: false; reason: string; connectionLabel: string; described?: DescribedCapacity };

export interface CapacitySession {
  target: CapacityTarget;
  connectionLabel: string;
  windowId: CapacityWindowId;
}

/** webview -> host requests: method -> [params, result] */
export type CapacityRequests = {
  ready: [void, CapacitySession];
  snapshot: [{ index?: string; windowId: CapacityWindowId }, CapacityResult];
};

/** host -> webview notifications */
export type CapacityHostNotifications = {
  /** Show this index (or the table: undefined), as when the panel is opened again for it. */
  focus: { index?: string };
};

/** webview -> host notifications */
export type CapacityViewNotifications = {
  /** What the page shows, so a reloaded window brings it back. */
  viewState: { index?: string; windowId: CapacityWindowId };
};
