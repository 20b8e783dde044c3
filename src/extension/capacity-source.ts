// Reads the workspace engine's capacity counters (db.metrics) for the capacity panel and the
// throttling status item, in the panel protocol's shapes (src/protocol/capacity-view.ts).
//
// Only the embedded engine keeps such counters: a remote service's live in CloudWatch (out of
// scope) and a database shared with another process keeps them in that process. `metricsOf`
// says which connections have them; everything else here is pure over the engine's API, so the
// tests run it against a real engine.

import type { AttributeValue } from '../protocol/dynamo-json';
import {
  windowSpec, type CapacitySnapshot, type CapacityWindowId, type CostBreakdown, type CostClass, type CostView, type DescribedCapacity, type HotKeyRow,
  type ResourceCapacity, type ResourceRef,
} from '../protocol/capacity-view';
// pure price rules (a JSON price list and arithmetic), shared with the engine's own estimate
import { HOURS_PER_MONTH, PRICE_SOURCE, STORAGE_OVERHEAD_BYTES_PER_ITEM, TABLE_CLASSES, priceList, provisionedHourCost, storageHourCost } from '../engine/capacity/cost';
import { ConnectionError, type Connection } from './connection';
// type-only: this file stays free of 'vscode', so Node tests run it against a real engine
import type { EmbeddedDatabase } from './workspace-db';

/** The part of the engine's metrics API the extension reads. */
export type MetricsSource = NonNullable<EmbeddedDatabase['metrics']>;

/** The connection's capacity counters, or why it has none (a sentence for the panel). */
export function metricsOf(connection: Connection): { metrics: MetricsSource; since?: number } | { reason: string } {
  // EmbeddedConnection.metrics and .openedAt; the other connections have no such members
  const embedded = connection.kind === 'workspace' ? (connection as { metrics?: MetricsSource; openedAt?: number }) : undefined;
  if (embedded?.metrics) return { metrics: embedded.metrics, since: embedded.openedAt };
  if (connection.kind === 'shared')
    return {
      reason: `${connection.label}'s database is open in another process (another VS Code window or the CLI), which keeps its capacity counters. Open this panel in that window.`,
    };
  return {
    reason: `Capacity charts need the workspace database: they read the counters it keeps of every request. ${connection.label} is a remote connection, whose metrics live in CloudWatch, which this panel does not read.`,
  };
}

function notFound(what: string): ConnectionError {
  return new ConnectionError('ResourceNotFoundException', `Requested resource not found: ${what} not found`);
}

/** A partition-key value as a person reads it. */
export function keyText(value: AttributeValue | undefined): string {
  if (!value) return '';
  if ('S' in value) return value.S;
  if ('N' in value) return value.N;
  if ('B' in value) return `<binary ${value.B}>`;
  return JSON.stringify(value);
}

/**
 * One table's (or index's) figures over the chosen window: consumed units per second, throttled
 * requests per step, the hottest partition keys, and the table's cost estimate. `countingSince`:
 * when the engine's counters began (they are kept in memory from the open).
 */
export function capacitySnapshot(
  metrics: MetricsSource,
  tableName: string,
  index: string | undefined,
  windowId: CapacityWindowId,
  now = Date.now(),
  countingSince?: number,
): CapacitySnapshot {
  if (!metrics.tables().includes(tableName)) throw notFound(`Table: ${tableName}`);
  const { window, step } = windowSpec(windowId);
  const table = metrics.table(tableName, { window, step });
  const resource = index === undefined ? table : table.indexes.find((i) => i.name === index);
  if (!resource) throw notFound(`Index: ${index} of table ${tableName}`);
  const s = resource.series;
  const perSecond = (values: number[]) => values.map((v) => v / s.step);
  const hot = metrics.hotKeys(tableName, { index, window, limit: 10 });
  const cost = metrics.cost(tableName, { window });
  const hotKeys: HotKeyRow[] = hot.map((h) => {
    const [attribute, value] = Object.entries(h.key)[0] ?? ['', undefined];
    return { key: keyText(value), attribute, readUnits: h.readUnits, writeUnits: h.writeUnits, requests: h.requests, throttled: h.throttled };
  });
  const indexes: ResourceRef[] = table.indexes.map((i) => ({ name: i.name, kind: i.kind }));
  return {
    tableName,
    resource: { name: resource.name, kind: resource.kind },
    indexes,
    billingMode: resource.billingMode,
    provisioned: resource.provisioned,
    available: resource.available,
    partitions: resource.partitions,
    series: {
      start: s.start * 1000,
      step: s.step * 1000,
      readUnits: perSecond(s.points.readUnits),
      writeUnits: perSecond(s.points.writeUnits),
      throttledReads: s.points.throttledReads,
      throttledWrites: s.points.throttledWrites,
    },
    totals: {
      readUnits: s.readUnits,
      writeUnits: s.writeUnits,
      throttledReads: s.throttledReads,
      throttledWrites: s.throttledWrites,
      peakReadUnits: s.peakReadUnits,
      peakWriteUnits: s.peakWriteUnits,
    },
    hotKeys,
    cost: {
      region: cost.region,
      regionFallback: cost.regionFallback,
      currency: cost.currency,
      priceSource: cost.priceSource,
      window: cost.window,
      readUnits: cost.usage.readUnits,
      writeUnits: cost.usage.writeUnits,
      storageBytes: cost.usage.storageBytes,
      provisionedRead: cost.usage.provisionedRead,
      provisionedWrite: cost.usage.provisionedWrite,
      perMonth: cost.perMonth,
      current: { billingMode: cost.current.billingMode, tableClass: cost.current.tableClass, perMonth: cost.current.perMonth },
    },
    at: now,
    // only worth saying where the window reaches back before the counters began
    countingSince: countingSince !== undefined && countingSince > s.start * 1000 ? countingSince : undefined,
  };
}

/** DescribeTable's answer, as far as the estimate reads it (numbers may be missing on other services). */
interface DescribedTable {
  TableName?: string;
  BillingModeSummary?: { BillingMode?: string };
  ProvisionedThroughput?: { ReadCapacityUnits?: number; WriteCapacityUnits?: number };
  TableSizeBytes?: number;
  ItemCount?: number;
  TableClassSummary?: { TableClass?: string };
  GlobalSecondaryIndexes?: { IndexName?: string; ProvisionedThroughput?: { ReadCapacityUnits?: number; WriteCapacityUnits?: number }; IndexSizeBytes?: number; ItemCount?: number }[];
  LocalSecondaryIndexes?: { IndexName?: string; IndexSizeBytes?: number; ItemCount?: number }[];
}

const ON_DEMAND_UNKNOWN =
  'billed per request: what the table is sent, which the service reports through CloudWatch, and this panel does not read CloudWatch';
const PROVISIONED_UNKNOWN = 'the table is on-demand, so it has no provisioned capacity to price: that would be sized to its traffic';

/**
 * The month a table costs as DescribeTable states it: each resource's provisioned capacity in
 * both table classes, and storage from the reported sizes (with DynamoDB's per-item overhead, as
 * the engine's estimate counts it). Traffic is unknown here, so on-demand requests are priced per
 * million only, and an on-demand table's provisioned alternative is left unknown too.
 */
export function describedCapacity(table: DescribedTable, region?: string): DescribedCapacity {
  const list = priceList(region);
  // DynamoDB leaves BillingModeSummary out of tables that were always provisioned
  const billingMode = table.BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST' ? 'PAY_PER_REQUEST' : 'PROVISIONED';
  const tableClass: CostClass = table.TableClassSummary?.TableClass === 'STANDARD_INFREQUENT_ACCESS' ? 'STANDARD_INFREQUENT_ACCESS' : 'STANDARD';
  const provisioned = billingMode === 'PROVISIONED';
  const monthOf = (read: number, write: number) =>
    Object.fromEntries(TABLE_CLASSES.map((c) => [c, provisionedHourCost(read, write, list.classes[c]) * HOURS_PER_MONTH])) as Record<CostClass, number>;
  const resource = (name: string, kind: ResourceCapacity['kind'], t: DescribedTable['ProvisionedThroughput'] | undefined, sizeBytes = 0, itemCount = 0): ResourceCapacity => {
    const p = provisioned && kind !== 'LSI' ? { read: t?.ReadCapacityUnits ?? 0, write: t?.WriteCapacityUnits ?? 0 } : undefined;
    return { name, kind, provisioned: p, sizeBytes, itemCount, capacityPerMonth: p ? monthOf(p.read, p.write) : undefined };
  };
  const resources = [
    resource(table.TableName ?? '', 'TABLE', table.ProvisionedThroughput, table.TableSizeBytes, table.ItemCount),
    ...(table.GlobalSecondaryIndexes ?? []).map((i) => resource(i.IndexName ?? '', 'GSI', i.ProvisionedThroughput, i.IndexSizeBytes, i.ItemCount)),
    ...(table.LocalSecondaryIndexes ?? []).map((i) => resource(i.IndexName ?? '', 'LSI', undefined, i.IndexSizeBytes, i.ItemCount)),
  ];
  const sum = (f: (r: ResourceCapacity) => number) => resources.reduce((n, r) => n + f(r), 0);
  const bytes = sum((r) => r.sizeBytes);
  const items = sum((r) => r.itemCount);
  const provisionedRead = sum((r) => r.provisioned?.read ?? 0);
  const provisionedWrite = sum((r) => r.provisioned?.write ?? 0);
  const perMonth = {} as CostView['perMonth'];
  const requestPrices = {} as NonNullable<CostView['requestPrices']>;
  for (const cls of TABLE_CLASSES) {
    const p = list.classes[cls];
    const storage = storageHourCost(bytes, items, p) * HOURS_PER_MONTH;
    const capacity = provisioned ? provisionedHourCost(provisionedRead, provisionedWrite, p) * HOURS_PER_MONTH : 0;
    const onDemand: CostBreakdown = { requests: 0, capacity: 0, storage, total: storage };
    perMonth[cls] = { onDemand, provisioned: { requests: 0, capacity, storage, total: capacity + storage } };
    requestPrices[cls] = { readPerMillion: p.readRequestUnitsPerMillion, writePerMillion: p.writeRequestUnitsPerMillion };
  }
  const cost: CostView = {
    region: list.region,
    regionFallback: list.fallback,
    currency: list.currency,
    priceSource: PRICE_SOURCE,
    window: 0,
    readUnits: 0,
    writeUnits: 0,
    storageBytes: bytes + items * STORAGE_OVERHEAD_BYTES_PER_ITEM,
    provisionedRead,
    provisionedWrite,
    perMonth,
    current: { billingMode, tableClass, perMonth: provisioned ? perMonth[tableClass].provisioned.total : perMonth[tableClass].onDemand.total },
    unknown: provisioned ? { onDemand: ON_DEMAND_UNKNOWN } : { onDemand: ON_DEMAND_UNKNOWN, provisioned: PROVISIONED_UNKNOWN },
    requestPrices,
  };
  return { billingMode, tableClass, resources, cost };
}

/** How long a throttle keeps the status-bar warning up after it happened. */
export const THROTTLE_WINDOW_SECONDS = 10;

/** Tables with throttled requests (table or any index) in the last `window` seconds, most first. */
export function throttledTables(metrics: MetricsSource, window = THROTTLE_WINDOW_SECONDS): { table: string; throttled: number }[] {
  const out: { table: string; throttled: number }[] = [];
  for (const name of metrics.tables()) {
    let t: ReturnType<MetricsSource['table']>;
    try {
      t = metrics.table(name, { window, step: window });
    } catch {
      continue; // deleted between the listing and the read
    }
    const throttled = [t, ...t.indexes].reduce((n, r) => n + r.series.throttledReads + r.series.throttledWrites, 0);
    if (throttled > 0) out.push({ table: name, throttled });
  }
  return out.sort((a, b) => b.throttled - a.throttled || a.table.localeCompare(b.table));
}

/** A table that throttled lately, and the database it is in. */
export interface ThrottledTable {
  connectionId: string;
  connectionLabel: string;
  table: string;
  throttled: number;
}

/**
 * The status item's words for the tables that throttle now (the most throttled first): its text,
 * one line per table for the hover, and the table a click opens. Undefined when none throttles.
 */
export function throttleSummary(tables: readonly ThrottledTable[]): { text: string; lines: string[]; open: ThrottledTable } | undefined {
  const first = tables[0];
  if (!first) return undefined;
  const more = tables.length - 1;
  return {
    text: `$(warning) ${first.table} throttled${more ? ` (+${more} more)` : ''}`,
    lines: tables.map((t) => `${t.table} (${t.connectionLabel}): ${t.throttled.toLocaleString('en-US')} throttled request${t.throttled === 1 ? '' : 's'} in the last ${THROTTLE_WINDOW_SECONDS} s`),
    open: first,
  };
}
