// Reads the workspace engine's capacity counters (db.metrics) for the capacity panel and the
// throttling status item, in the panel protocol's shapes (src/protocol/capacity-view.ts).
//
// Only the embedded engine keeps such counters: a remote service's live in CloudWatch (out of
// scope) and a database shared with another process keeps them in that process. `metricsOf`
// says which connections have them; everything else here is pure over the engine's API, so the
// tests run it against a real engine.

import type { AttributeValue } from '../protocol/dynamo-json';
import { windowSpec, type CapacitySnapshot, type CapacityWindowId, type HotKeyRow, type ResourceRef } from '../protocol/capacity-view';
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
