// What the explorer plots: per table, per index and per partition counters for the last hour,
// the hottest partition keys, requests and units per operation, and money estimates.
import { decodeNumberKey } from '../types/number';
import type { Table } from '../table';
import type { AttributeValue, ScalarType } from '../types/attribute-value';
import {
  HOURS_PER_MONTH, PRICE_SOURCE, TABLE_CLASSES, priceList, provisionedHourCost, requestCost, storageHourCost,
  type TableClass,
} from './cost';
import { indexesOf } from './indexes';
import type { CapacityManager, ResourceState } from './manager';
import { Scope, WINDOW_SECONDS, type KeyCounts, type Series, type Totals } from './metrics';
import { partitionRange } from './throttle';

export interface MetricsHost {
  now(): number;
  readonly region: string;
  readonly tables: ReadonlyMap<string, Table>;
}

export interface WindowOptions {
  /** Seconds back from now (default and maximum 3600). */
  window?: number;
  /** Seconds per point (default 1 for tables and indexes, 10 for partitions). */
  step?: number;
}

export interface ResourceMetrics {
  name: string;
  kind: 'TABLE' | 'GSI' | 'LSI';
  billingMode: 'PROVISIONED' | 'PAY_PER_REQUEST';
  /** Provisioned read/write capacity units (absent on on-demand tables and on LSIs). */
  provisioned?: { read: number; write: number };
  /** Units available in the burst buckets now (provisioned tables and GSIs, while throttling is on). */
  available?: { read: number; write: number };
  /** Simulated partitions (from the highest throughput ever provisioned and the size). */
  partitions: number;
  series: Series;
}

export interface TableMetrics extends ResourceMetrics {
  tableClass: TableClass;
  sizeBytes: number;
  itemCount: number;
  indexes: ResourceMetrics[];
}

export interface PartitionMetrics {
  partition: number;
  /** The 32-bit key-hash range [low, high) the partition owns. */
  hashRange: [number, number];
  series: Series;
}

export interface HotKey extends KeyCounts {
  /** The partition-key attribute and its value, as in a Key: {pk: {S: 'user#1'}}. */
  key: Record<string, AttributeValue>;
}

export interface MoneyPair {
  STANDARD: number;
  STANDARD_INFREQUENT_ACCESS: number;
}

export interface OperationMetrics extends Totals {
  operation: string;
  requests: number;
  throttled: number;
  /** Mean units per request (read and write). */
  meanReadUnits: number;
  meanWriteUnits: number;
  /** On-demand price of one average request, and of a million, per table class. */
  costPerRequest: MoneyPair;
  costPerMillion: MoneyPair;
  /** On-demand price of all of this window's requests of this operation. */
  cost: MoneyPair;
}

export interface CostBreakdown {
  requests: number;
  capacity: number;
  storage: number;
  total: number;
}

export interface CostEstimate {
  tableName: string;
  region: string;
  /** Prices of another region stood in (no price list for `region`). */
  regionFallback: boolean;
  currency: string;
  priceSource: string;
  /** Traffic measured over this many seconds, scaled to an hour. */
  window: number;
  usage: {
    /** Read/write request units consumed in the window (table and indexes). */
    readUnits: number;
    writeUnits: number;
    /** Storage billed: items plus 100 bytes each, table and indexes. */
    storageBytes: number;
    items: number;
    /** Capacity priced for provisioned mode: what is provisioned, or on an on-demand table the
     *  busiest second's consumption (table plus GSIs), at least one unit each. */
    provisionedRead: number;
    provisionedWrite: number;
  };
  /** Per hour, per table class, for each capacity mode. */
  perHour: Record<TableClass, { onDemand: CostBreakdown; provisioned: CostBreakdown }>;
  perMonth: Record<TableClass, { onDemand: CostBreakdown; provisioned: CostBreakdown }>;
  /** The table as configured (its mode and class), per hour and per month. */
  current: { billingMode: string; tableClass: TableClass; perHour: number; perMonth: number };
}

function windowOf(o: WindowOptions | undefined): number {
  return Math.min(WINDOW_SECONDS, Math.max(1, Math.floor(o?.window ?? WINDOW_SECONDS)));
}

function decodePartitionKey(key: string, type: ScalarType | undefined): AttributeValue {
  const end = key.indexOf('\x00\x00', 4);
  const raw = (end < 0 ? key.slice(4) : key.slice(4, end)).replace(/\x00\xff/g, '\x00');
  switch (type) {
    case 'N':
      return { N: decodeNumberKey(raw) };
    case 'B':
      return { B: Buffer.from(raw, 'latin1').toString('base64') };
    default:
      return { S: Buffer.from(raw, 'latin1').toString('utf8') };
  }
}

function money(f: (cls: TableClass) => number): MoneyPair {
  return { STANDARD: f('STANDARD'), STANDARD_INFREQUENT_ACCESS: f('STANDARD_INFREQUENT_ACCESS') };
}

/** The metrics API (db.metrics). */
export class CapacityMetrics {
  constructor(
    private readonly host: MetricsHost,
    private readonly manager: CapacityManager,
  ) {}

  private lookup(name: string): Table {
    const t = this.host.tables.get(name);
    if (t === undefined) throw new Error(`No table named ${name}`);
    return t;
  }

  private nowSeconds(): number {
    return this.host.now() / 1000;
  }

  private resource(table: Table, kind: 'TABLE' | 'GSI' | 'LSI', name: string, state: ResourceState | undefined, read: number, write: number, o?: WindowOptions): ResourceMetrics {
    const now = this.host.now();
    const billingMode = table.meta.billingMode;
    const series = (state?.scope ?? emptyScope).series(Math.floor(now / 1000), windowOf(o), o?.step ?? 1);
    const out: ResourceMetrics = { name, kind, billingMode, partitions: kind === 'LSI' ? 0 : state?.throughput.partitions ?? 1, series };
    if (billingMode === 'PROVISIONED' && kind !== 'LSI') {
      out.provisioned = { read, write };
      const r = state?.throughput.bucket('read');
      const w = state?.throughput.bucket('write');
      if (this.manager.throttling && r && w) out.available = { read: r.available(now), write: w.available(now) };
    }
    return out;
  }

  /** Names of the tables. */
  tables(): string[] {
    return [...this.host.tables.keys()];
  }

  /** One table's counters for the window, with one entry per secondary index. */
  table(name: string, o?: WindowOptions): TableMetrics {
    const table = this.lookup(name);
    const ts = this.manager.state(table);
    const base = this.resource(table, 'TABLE', name, ts.table, table.meta.read, table.meta.write, o);
    const indexes = indexesOf(table, true).map((i) => this.resource(table, i.kind, i.name, ts.indexes.get(i.name), i.read, i.write, o));
    return { ...base, tableClass: table.meta.tableClass, sizeBytes: table.sizeBytes, itemCount: table.itemCount, indexes };
  }

  /** One secondary index's counters. */
  index(tableName: string, indexName: string, o?: WindowOptions): ResourceMetrics {
    const table = this.lookup(tableName);
    const info = indexesOf(table).find((i) => i.name === indexName);
    if (info === undefined) throw new Error(`Table ${tableName} has no index named ${indexName}`);
    const ts = this.manager.state(table);
    return this.resource(table, info.kind, info.name, ts.indexes.get(info.name), info.read, info.write, o);
  }

  /** Per-partition counters of a table (or of one of its GSIs), every partition listed. */
  partitions(tableName: string, o?: WindowOptions & { index?: string }): PartitionMetrics[] {
    const table = this.lookup(tableName);
    const ts = this.manager.state(table);
    const state = o?.index === undefined ? ts.table : ts.indexes.get(o.index);
    const count = state?.throughput.partitions ?? 1;
    const now = Math.floor(this.host.now() / 1000);
    const out: PartitionMetrics[] = [];
    for (let p = 0; p < count; p++) {
      const scope = state?.partitions[p] ?? emptyPartitionScope;
      out.push({ partition: p, hashRange: partitionRange(p, count), series: scope.series(now, windowOf(o), Math.max(10, o?.step ?? 10)) });
    }
    return out;
  }

  /** The partition keys with the most units (then throttles) in the window. */
  hotKeys(tableName: string, o?: { index?: string; window?: number; limit?: number }): HotKey[] {
    const table = this.lookup(tableName);
    const ts = this.manager.state(table);
    let attr = table.schema.partitionName;
    let type: ScalarType | undefined = table.schema.partitionType;
    let state: ResourceState | undefined = ts.table;
    if (o?.index !== undefined) {
      const info = indexesOf(table).find((i) => i.name === o.index);
      state = ts.indexes.get(o.index);
      if (info?.kind === 'GSI') {
        attr = info.partitionName ?? attr;
        type = info.partitionType;
      }
    }
    if (state === undefined) return [];
    return state.hot.top(this.nowSeconds(), windowOf(o), o?.limit ?? 10).map(([k, c]) => ({ key: { [attr]: decodePartitionKey(k, type) }, ...c }));
  }

  /** Requests and units per operation in the window, with on-demand prices per request. */
  operations(tableName: string, o?: { window?: number }): OperationMetrics[] {
    const table = this.lookup(tableName);
    const ts = this.manager.state(table);
    const prices = priceList(this.host.region).classes;
    const out: OperationMetrics[] = [];
    for (const [operation, c] of ts.ops.totals(this.nowSeconds(), windowOf(o))) {
      const n = Math.max(1, c.requests);
      out.push({
        operation,
        requests: c.requests,
        throttled: c.throttled,
        readUnits: c.readUnits,
        writeUnits: c.writeUnits,
        readRequests: c.readUnits > 0 ? c.requests : 0,
        writeRequests: c.writeUnits > 0 ? c.requests : 0,
        throttledReads: 0,
        throttledWrites: 0,
        meanReadUnits: c.readUnits / n,
        meanWriteUnits: c.writeUnits / n,
        costPerRequest: money((cls) => requestCost(c.readUnits / n, c.writeUnits / n, prices[cls])),
        costPerMillion: money((cls) => requestCost(c.readUnits / n, c.writeUnits / n, prices[cls]) * 1e6),
        cost: money((cls) => requestCost(c.readUnits, c.writeUnits, prices[cls])),
      });
    }
    return out.sort((a, b) => b.requests - a.requests);
  }

  /** On-demand price of one request's units (a response's ConsumedCapacity, say). */
  requestCost(readUnits: number, writeUnits: number, tableClass: TableClass = 'STANDARD', region = this.host.region): number {
    return requestCost(readUnits, writeUnits, priceList(region).classes[tableClass]);
  }

  /**
   * Money per hour and per month for the table in both capacity modes and both table classes:
   * on-demand prices the window's traffic scaled to an hour, provisioned prices the provisioned
   * capacity (or, for an on-demand table, its busiest second), both add storage.
   */
  cost(tableName: string, o?: { window?: number; region?: string }): CostEstimate {
    const table = this.lookup(tableName);
    const ts = this.manager.state(table);
    const window = windowOf(o);
    const now = Math.floor(this.host.now() / 1000);
    const list = priceList(o?.region ?? this.host.region);
    const infos = indexesOf(table, true);
    const tableSeries = ts.table.scope.series(now, window, window);
    let readUnits = tableSeries.readUnits;
    let writeUnits = tableSeries.writeUnits;
    let storageBytes = table.sizeBytes;
    let items = table.itemCount;
    let peakRead = tableSeries.peakReadUnits;
    let peakWrite = tableSeries.peakWriteUnits;
    let provisionedRead = table.meta.read;
    let provisionedWrite = table.meta.write;
    for (const info of infos) {
      storageBytes += info.sizeBytes;
      items += info.itemCount;
      const s = ts.indexes.get(info.name)?.scope.series(now, window, window);
      if (info.kind === 'GSI') {
        provisionedRead += info.read;
        provisionedWrite += info.write;
        if (s) {
          readUnits += s.readUnits;
          writeUnits += s.writeUnits;
          peakRead += s.peakReadUnits;
          peakWrite += s.peakWriteUnits;
        }
      }
    }
    const provisioned = table.meta.billingMode === 'PROVISIONED';
    if (!provisioned) {
      const gsis = Math.max(0, infos.filter((i) => i.kind === 'GSI').length);
      provisionedRead = Math.max(1 + gsis, Math.ceil(peakRead));
      provisionedWrite = Math.max(1 + gsis, Math.ceil(peakWrite));
    }
    const scale = 3600 / window;
    const perHour = {} as CostEstimate['perHour'];
    const perMonth = {} as CostEstimate['perMonth'];
    for (const cls of TABLE_CLASSES) {
      const p = list.classes[cls];
      const storage = storageHourCost(storageBytes, items, p);
      const requests = requestCost(readUnits, writeUnits, p) * scale;
      const capacity = provisionedHourCost(provisionedRead, provisionedWrite, p);
      const onDemand = { requests, capacity: 0, storage, total: requests + storage };
      const prov = { requests: 0, capacity, storage, total: capacity + storage };
      perHour[cls] = { onDemand, provisioned: prov };
      const m = (b: CostBreakdown): CostBreakdown => ({
        requests: b.requests * HOURS_PER_MONTH,
        capacity: b.capacity * HOURS_PER_MONTH,
        storage: b.storage * HOURS_PER_MONTH,
        total: b.total * HOURS_PER_MONTH,
      });
      perMonth[cls] = { onDemand: m(onDemand), provisioned: m(prov) };
    }
    const cls = table.meta.tableClass;
    const currentHour = provisioned ? perHour[cls].provisioned.total : perHour[cls].onDemand.total;
    return {
      tableName,
      region: list.region,
      regionFallback: list.fallback,
      currency: list.currency,
      priceSource: PRICE_SOURCE,
      window,
      usage: { readUnits, writeUnits, storageBytes: storageBytes + items * 100, items, provisionedRead, provisionedWrite },
      perHour,
      perMonth,
      current: { billingMode: table.meta.billingMode, tableClass: cls, perHour: currentHour, perMonth: currentHour * HOURS_PER_MONTH },
    };
  }
}

const emptyScope = new Scope(1);
const emptyPartitionScope = new Scope(10);
