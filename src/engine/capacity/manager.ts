// The one place operations go for capacity: each call computes the units DynamoDB charges,
// checks provisioned throughput (throwing ProvisionedThroughputExceededException before anything
// is written), takes the units from the buckets, records the metrics and returns the
// ConsumedCapacity member the request asked for.
import { encodedItemSize } from '../codec/item-codec';
import { encodeScalar, hashOfKey, partitionPrefix } from '../codec/key-codec';
import { DynamoDBError } from '../errors';
import type { Table } from '../table';
import type { Item } from '../types/attribute-value';
import { addConsumption, addIndexUnits, consumedCapacity, consumption, reportsCapacity, totalUnits, type Consumption } from './consumed';
import { hasIndexes, indexesOf, indexPartitionValue, writeImpact, type IndexInfo } from './indexes';
import { KeyCounter, OpCounter, Scope } from './metrics';
import { Throughput } from './throttle';
import { indexWriteUnits, readUnits, writeUnits } from './units';

export const TABLE_THROTTLE_MESSAGE =
  'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.';
export const GSI_THROTTLE_MESSAGE =
  'The level of configured provisioned throughput for one or more global secondary indexes of the table was exceeded. Consider increasing your provisioning level for the under-provisioned global secondary indexes with the UpdateTable API.';
export const INDEX_READ_THROTTLE_MESSAGE = 'The level of configured provisioned throughput for the index was exceeded';

/** Partition metrics are kept at this resolution (seconds per slot). */
export const PARTITION_RESOLUTION = 10;

export interface CapacityOptions {
  /** Throttle PROVISIONED tables (default true). */
  throttling?: boolean;
}

export interface CapacityHost {
  now(): number;
}

export interface CapacityRequest {
  ReturnConsumedCapacity?: string;
}

/**
 * Told every charge made while it is set (the endpoint's request recorder sets it around one
 * operation's synchronous run): a number is units on the base table alone. Whatever the request
 * asked for in ReturnConsumedCapacity, so the recorder sees the cost without the answer changing.
 */
export interface CapacitySink {
  charged(kind: 'read' | 'write', units: number | Consumption): void;
  /** A Query or Scan page's items returned and items evaluated (reported with its charge). */
  counted(count: number, scanned: number): void;
}

/**
 * Hot keys are counted exactly up to this many requests a second per table or index; above it,
 * one request in every (last second's requests / this) is counted, weighted to stand for the
 * others. Counting every key of a busy table cost more than the rest of a GetItem's accounting.
 */
const HOT_KEYS_EXACT_PER_SECOND = 2000;

/** Throughput, counters and hot keys of one table or one index. */
export class ResourceState {
  readonly throughput = new Throughput();
  readonly scope = new Scope(1);
  /** Per-partition counters, by partition number (sparse: only partitions that saw traffic). */
  readonly partitions: Array<Scope | undefined> = [];
  readonly hot = new KeyCounter();
  /** Sampling of hot-key counts: each request is counted with probability 1 / hotStride. */
  hotStride = 1;
  private hotSecond = -1;
  private hotRequests = 0;

  /**
   * Whether this request's key is counted (with weight `hotStride`). Random rather than every
   * n-th request: a workload that repeats with period n would otherwise always or never be seen.
   */
  sampleHot(second: number): boolean {
    if (second !== this.hotSecond) {
      this.hotStride = second === this.hotSecond + 1 ? Math.max(1, Math.floor(this.hotRequests / HOT_KEYS_EXACT_PER_SECOND)) : 1;
      this.hotSecond = second;
      this.hotRequests = 0;
    }
    this.hotRequests++;
    return this.hotStride === 1 || Math.random() * this.hotStride < 1;
  }

  partitionScope(p: number): Scope {
    return (this.partitions[p] ??= new Scope(PARTITION_RESOLUTION));
  }
}

export class TableState {
  readonly table = new ResourceState();
  readonly indexes = new Map<string, ResourceState>();
  readonly ops = new OpCounter();
  sizesAt = -Infinity;

  index(name: string): ResourceState {
    let s = this.indexes.get(name);
    if (s === undefined) this.indexes.set(name, (s = new ResourceState()));
    return s;
  }
}

/** What a read touched. */
export interface ReadSpec {
  consistent: boolean;
  /** Bytes read, summed over the items and rounded once (GetItem, Query, Scan). */
  bytes: number;
  /** The encoded primary key or partition prefix read (its partition; its hot-key counter). */
  key?: string;
  /** A Scan page: the hash range it walked. */
  hashRange?: [number, number];
  /** A Query or Scan on a secondary index. */
  index?: string;
  /** Sizes of the table items an LSI query fetched for unprojected attributes (each its own read). */
  fetched?: number[];
  transactional?: boolean;
  /** A Query or Scan page: items returned and items evaluated, for the sink (the request recorder). */
  count?: number;
  scanned?: number;
}

interface Hit {
  state: ResourceState;
  /** The resource's encoded key or partition key (hash-prefixed), when the access targets one. */
  key: string | undefined;
  hashRange: [number, number] | undefined;
  units: number;
  /** Counted as a request on this resource (the table or the index queried), not just units. */
  request: boolean;
  gsi: IndexInfo | undefined;
  /** The partitions spent in, first..last (-1: none); filled in by `locate`. */
  first?: number;
  last?: number;
}

function throttleError(table: Table, gsi: IndexInfo | undefined, kind: 'read' | 'write', partition: boolean): DynamoDBError {
  const resource = gsi ? `${table.meta.arn}/index/${gsi.name}` : table.meta.arn;
  const reason = `${gsi ? 'Index' : 'Table'}${kind === 'read' ? 'Read' : 'Write'}${partition ? 'KeyRangeThroughputExceeded' : 'ProvisionedThroughputExceeded'}`;
  const message = gsi ? (kind === 'read' ? INDEX_READ_THROTTLE_MESSAGE : GSI_THROTTLE_MESSAGE) : TABLE_THROTTLE_MESSAGE;
  return new DynamoDBError('ProvisionedThroughputExceededException', message, { ThrottlingReasons: [{ reason, resource }] });
}

/**
 * What a charge came to: a number is units on the base table alone (the common single-item
 * request), which needs no Consumption unless the caller asked for ConsumedCapacity.
 */
type Charge = number | Consumption | DynamoDBError;

/**
 * An item access costed but not yet admitted or charged: `hits` undefined is the common access
 * with nothing to admit (the base table alone, `c` a number of units); otherwise `c` is a Consumption.
 */
interface Pending {
  op: string;
  table: Table;
  ts: TableState;
  kind: 'read' | 'write';
  hits: Hit[] | undefined;
  key: string | undefined;
  c: number | Consumption;
  now: number;
}

/** One access of `chargeTogether`: a read as `read` takes it, or a write as `tryWrite` takes it. */
export type TogetherAccess =
  | { kind: 'read'; op: string; table: Table; spec: ReadSpec }
  | { kind: 'write'; op: string; table: Table; key: string; oldEncoded: string | undefined; newItem: Item | undefined; newSize: number; transactional: boolean; failed: boolean };

function asConsumption(c: number | Consumption): Consumption {
  return typeof c === 'number' ? consumption(c) : c;
}

/** The partition a key (or partition prefix) falls in; one partition needs no hash. */
function partitionOfKey(t: Throughput, key: string): number {
  return t.partitions === 1 ? 0 : t.partitionOfHash(hashOfKey(key));
}

/** The partition-key part (hash ‖ escaped value ‖ terminator) of an encoded primary key. */
export function partitionKeyOf(key: string): string {
  const end = key.indexOf('\x00\x00', 4);
  return end < 0 ? key : key.slice(0, end + 2);
}

export class CapacityManager {
  readonly throttling: boolean;
  /** Set only while a recorded request runs; one test of it per charge otherwise. */
  sink: CapacitySink | undefined = undefined;
  private readonly states = new WeakMap<Table, TableState>();

  constructor(
    private readonly host: CapacityHost,
    options: CapacityOptions = {},
  ) {
    this.throttling = options.throttling !== false;
  }

  /** The capacity state of `table`, brought up to its current throughput and size. */
  state(table: Table, now = this.host.now()): TableState {
    let s = this.states.get(table);
    if (s === undefined) this.states.set(table, (s = new TableState()));
    const m = table.meta;
    const provisioned = m.billingMode === 'PROVISIONED';
    s.table.throughput.sync(provisioned, m.read, m.write, table.sizeBytes, now);
    if (hasIndexes(table)) {
      // Index sizes (they size GSI partitions) are looked up at most once a second.
      const fresh = now - s.sizesAt >= 1000;
      if (fresh) s.sizesAt = now;
      for (const info of indexesOf(table, fresh)) {
        if (info.kind === 'GSI') s.index(info.name).throughput.sync(provisioned, info.read, info.write, info.sizeBytes, now);
      }
    }
    return s;
  }

  /**
   * A PutItem, UpdateItem or DeleteItem about to be applied: `oldEncoded` is the stored item (if
   * any), `newItem`/`newSize` the item written (undefined/0 for a delete). Throws
   * ProvisionedThroughputExceededException when the table, a partition or an affected GSI has no
   * capacity left; otherwise charges and returns the ConsumedCapacity the request asked for.
   */
  write(
    op: string,
    req: CapacityRequest,
    table: Table,
    key: string,
    oldEncoded: string | undefined,
    newItem: Item | undefined,
    newSize: number,
    transactional = false,
  ): Record<string, unknown> | undefined {
    const c = this.chargeWrite(op, table, key, oldEncoded, newItem, newSize, false, transactional);
    if (c instanceof DynamoDBError) throw c;
    if (this.sink !== undefined) this.sink.charged('write', c);
    return this.reported(req, table, c, 'write', transactional);
  }

  /** As `write`, for one request of a batch: a throttle comes back as the error instead of thrown. */
  tryWrite(op: string, table: Table, key: string, oldEncoded: string | undefined, newItem: Item | undefined, newSize: number, transactional = false, failed = false): Consumption | DynamoDBError {
    const c = this.chargeWrite(op, table, key, oldEncoded, newItem, newSize, failed, transactional);
    if (c instanceof DynamoDBError) return c;
    if (this.sink !== undefined) this.sink.charged('write', c);
    return asConsumption(c);
  }

  /**
   * A conditional write whose condition failed: DynamoDB still charges the table for the stored
   * item (at least one unit), and a throttled table answers with the throttle, not the condition.
   */
  conditionFailed(op: string, table: Table, key: string, oldEncoded: string | undefined, transactional = false): void {
    const c = this.chargeWrite(op, table, key, oldEncoded, undefined, 0, true, transactional);
    if (c instanceof DynamoDBError) throw c;
    if (this.sink !== undefined) this.sink.charged('write', c);
  }

  /** A read that has been served: throws when throttled, else charges and returns ConsumedCapacity. */
  read(op: string, req: CapacityRequest, table: Table, spec: ReadSpec): Record<string, unknown> | undefined {
    const c = this.chargeRead(op, table, spec);
    if (c instanceof DynamoDBError) throw c;
    if (this.sink !== undefined) {
      this.sink.charged('read', c);
      if (spec.scanned !== undefined) this.sink.counted(spec.count ?? 0, spec.scanned);
    }
    return this.reported(req, table, c, 'read', spec.transactional);
  }

  /** As `read`, for one key of a BatchGetItem. */
  tryRead(op: string, table: Table, spec: ReadSpec): Consumption | DynamoDBError {
    const c = this.chargeRead(op, table, spec);
    if (c instanceof DynamoDBError) return c;
    if (this.sink !== undefined) this.sink.charged('read', c);
    return asConsumption(c);
  }

  private reported(req: CapacityRequest, table: Table, c: number | Consumption, kind: 'read' | 'write', transactional: boolean | undefined): Record<string, unknown> | undefined {
    const mode = req.ReturnConsumedCapacity;
    return reportsCapacity(mode) ? consumedCapacity(mode, table.name, asConsumption(c), { kind, transactional }) : undefined;
  }

  /** Whether requests on `table` go through admission. */
  private throttles(table: Table): boolean {
    return this.throttling && table.meta.billingMode === 'PROVISIONED';
  }

  private chargeRead(op: string, table: Table, spec: ReadSpec): Charge {
    return this.settle(this.planRead(op, table, spec));
  }

  /** What a read will cost and which buckets it touches; nothing is admitted or charged yet. */
  private planRead(op: string, table: Table, spec: ReadSpec): Pending {
    const now = this.host.now();
    const ts = this.state(table, now);
    if (spec.index === undefined && spec.hashRange === undefined && !this.throttles(table)) {
      return { op, table, ts, kind: 'read', hits: undefined, key: spec.key, c: readUnits(spec.bytes, spec.consistent, spec.transactional), now };
    }
    const hits: Hit[] = [];
    let c: Consumption;
    if (spec.index !== undefined) {
      const info = indexesOf(table).find((i) => i.name === spec.index);
      const units = readUnits(spec.bytes, spec.consistent, spec.transactional);
      let fetched = 0;
      for (const size of spec.fetched ?? []) fetched += readUnits(size, spec.consistent, spec.transactional);
      c = consumption(fetched);
      addIndexUnits(c, info?.kind ?? 'GSI', spec.index, units);
      if (info?.kind === 'LSI' || info === undefined) {
        // An LSI lives in the table's partitions and spends the table's throughput.
        hits.push({ state: ts.table, key: spec.key, hashRange: spec.hashRange, units: units + fetched, request: true, gsi: undefined });
        if (info) hits.push({ state: ts.index(info.name), key: undefined, hashRange: undefined, units, request: true, gsi: undefined });
      } else {
        hits.push({ state: ts.index(info.name), key: spec.key, hashRange: spec.hashRange, units, request: true, gsi: info });
      }
    } else {
      c = consumption(readUnits(spec.bytes, spec.consistent, spec.transactional));
      hits.push({ state: ts.table, key: spec.key, hashRange: spec.hashRange, units: c.table, request: true, gsi: undefined });
    }
    return { op, table, ts, kind: 'read', hits, key: spec.key, c, now };
  }

  private chargeWrite(
    op: string,
    table: Table,
    key: string,
    oldEncoded: string | undefined,
    newItem: Item | undefined,
    newSize: number,
    failed: boolean,
    transactional: boolean,
  ): Charge {
    return this.settle(this.planWrite(op, table, key, oldEncoded, newItem, newSize, failed, transactional));
  }

  /** What a write will cost and which buckets it touches; nothing is admitted or charged yet. */
  private planWrite(
    op: string,
    table: Table,
    key: string,
    oldEncoded: string | undefined,
    newItem: Item | undefined,
    newSize: number,
    failed: boolean,
    transactional: boolean,
  ): Pending {
    const now = this.host.now();
    const ts = this.state(table, now);
    const oldSize = oldEncoded === undefined ? 0 : encodedItemSize(oldEncoded);
    const units = writeUnits(failed ? oldSize : Math.max(oldSize, newSize), transactional);
    if ((failed || !hasIndexes(table)) && !this.throttles(table)) {
      return { op, table, ts, kind: 'write', hits: undefined, key, c: units, now };
    }
    const c = consumption(units);
    const hits: Hit[] = [];
    const tableHit: Hit = { state: ts.table, key, hashRange: undefined, units: c.table, request: true, gsi: undefined };
    hits.push(tableHit);
    if (!failed && hasIndexes(table)) {
      const oldItem = oldEncoded === undefined ? undefined : table.codec.decode(oldEncoded);
      const infos = indexesOf(table);
      for (const imp of writeImpact(table, oldItem, newItem)) {
        const units = indexWriteUnits(imp.oldSize, imp.newSize, imp.keyChanged);
        if (units <= 0) continue;
        addIndexUnits(c, imp.kind, imp.indexName, units);
        const info = infos.find((i) => i.name === imp.indexName);
        const state = ts.index(imp.indexName);
        if (imp.kind === 'LSI' || info === undefined || info.kind === 'LSI') {
          // LSI writes spend the table's throughput, in the item's own partition.
          tableHit.units += units;
          hits.push({ state, key: undefined, hashRange: undefined, units, request: false, gsi: undefined });
          continue;
        }
        // A GSI entry lives in the GSI's partition for its own key: a moved or removed entry
        // charges the old key's partition, a new or updated one the new key's.
        const type = info.partitionType;
        const keyString = (item: Item | undefined): string | undefined => {
          const v = indexPartitionValue(info, item);
          return v === undefined || type === undefined ? undefined : partitionPrefix(encodeScalar(type, v));
        };
        const oldKey = imp.oldSize > 0 ? keyString(oldItem) : undefined;
        const newKey = imp.newSize > 0 ? keyString(newItem) : undefined;
        if (oldKey !== undefined && newKey !== undefined && oldKey !== newKey) {
          hits.push({ state, key: oldKey, hashRange: undefined, units: writeUnits(imp.oldSize), request: false, gsi: info });
          hits.push({ state, key: newKey, hashRange: undefined, units: units - writeUnits(imp.oldSize), request: false, gsi: info });
        } else {
          hits.push({ state, key: newKey ?? oldKey, hashRange: undefined, units, request: false, gsi: info });
        }
      }
    }
    return { op, table, ts, kind: 'write', hits, key, c, now };
  }

  /**
   * Item accesses that stand or fall together (the actions of one transaction): every bucket any
   * of them touches must admit before any is charged, so a throttled action leaves the others
   * uncharged. Each entry is the access's Consumption, or its throttle; when any entry is a
   * throttle, nothing was charged (the throttles are counted).
   */
  chargeTogether(accesses: readonly TogetherAccess[]): (Consumption | DynamoDBError)[] {
    const pending = accesses.map((a) =>
      a.kind === 'read'
        ? this.planRead(a.op, a.table, a.spec)
        : this.planWrite(a.op, a.table, a.key, a.oldEncoded, a.newItem, a.newSize, a.failed, a.transactional),
    );
    const refused = pending.map((p) => this.admit(p));
    if (refused.some((r) => r !== undefined)) return refused.map((r) => r ?? consumption());
    return pending.map((p) => {
      const c = this.settle(p) as number | Consumption;
      // the request inspector's recorder hears transactional charges as it hears single ones
      if (this.sink !== undefined) this.sink.charged(p.kind, c);
      return asConsumption(c);
    });
  }

  /** Admission then the charge: the throttle, or what was charged. */
  private settle(p: Pending): Charge {
    if (p.hits === undefined) {
      this.chargeTable(p.op, p.ts, p.kind, p.key, p.c as number, p.now);
      return p.c;
    }
    return this.admit(p) ?? this.apply(p);
  }

  /** Whether every bucket `p` touches admits it (the throttle, counted, if one does not). */
  private admit(p: Pending): DynamoDBError | undefined {
    if (p.hits === undefined) return undefined;
    const { op, table, ts, kind, hits, now } = p;
    const second = Math.floor(now / 1000);
    for (const h of hits) this.locate(h);
    if (!this.throttles(table)) return undefined;
    for (const h of hits) {
      const t = h.state.throughput;
      const bucket = h.gsi === undefined && h.state !== ts.table ? undefined : t.bucket(kind);
      if (bucket === undefined) continue; // an LSI's own counters: its units are in the table's hit
      if (!bucket.admits(now)) return this.throttled(op, table, ts, kind, hits, h, false, second);
      for (let p = h.first!; p >= 0 && p <= h.last!; p++) {
        if (!t.partitionBucket(p, kind, now).admits(now)) return this.throttled(op, table, ts, kind, hits, h, true, second);
      }
    }
    return undefined;
  }

  /** The charge and the counters of an admitted access. */
  private apply(p: Pending): Consumption {
    const { op, table, ts, kind, now } = p;
    const hits = p.hits!;
    const c = p.c as Consumption;
    const second = Math.floor(now / 1000);
    if (this.throttles(table)) {
      for (const h of hits) {
        const t = h.state.throughput;
        const bucket = h.gsi === undefined && h.state !== ts.table ? undefined : t.bucket(kind);
        if (bucket === undefined) continue;
        bucket.take(h.units);
        const share = h.units / (h.last! - h.first! + 1);
        for (let p = h.first!; p >= 0 && p <= h.last!; p++) t.partitionBucket(p, kind, now).take(share);
      }
    }
    for (const h of hits) this.count(h.state, kind, h.units, h.first!, h.last!, h.key, h.request, second);
    this.countOp(ts, op, kind, totalUnits(c), second);
    return c;
  }

  /**
   * The common request: the base table alone, with nothing to admit (on-demand, or throttling
   * off). The same counters as `apply`, without building hits.
   */
  private chargeTable(op: string, ts: TableState, kind: 'read' | 'write', key: string | undefined, units: number, now: number): void {
    const second = Math.floor(now / 1000);
    const p = key === undefined ? -1 : partitionOfKey(ts.table.throughput, key);
    this.count(ts.table, kind, units, p, p, key, true, second);
    this.countOp(ts, op, kind, units, second);
  }

  /**
   * Counts a resource's part of an admitted request: its units (and the request, when it is the
   * resource the request addressed), split evenly over partitions first..last, and its hot key.
   */
  private count(state: ResourceState, kind: 'read' | 'write', units: number, first: number, last: number, key: string | undefined, request: boolean, second: number): void {
    if (request) state.scope.record(second, kind, units, false);
    else state.scope.addUnits(second, kind, units);
    const share = units / (last - first + 1);
    for (let p = first; p >= 0 && p <= last; p++) {
      if (request) state.partitionScope(p).record(second, kind, share, false);
      else state.partitionScope(p).addUnits(second, kind, share);
    }
    if (key !== undefined && state.sampleHot(second)) state.hot.record(second, partitionKeyOf(key), kind, units, false, state.hotStride);
  }

  private countOp(ts: TableState, op: string, kind: 'read' | 'write', total: number, second: number): void {
    ts.ops.record(second, op, kind === 'read' ? total : 0, kind === 'write' ? total : 0, false);
  }

  private throttled(op: string, table: Table, ts: TableState, kind: 'read' | 'write', hits: Hit[], culprit: Hit, partition: boolean, second: number): DynamoDBError {
    // The request counts as throttled on the table (or the index it read), and on a GSI that refused it.
    const count = (h: Hit) => {
      h.state.scope.record(second, kind, 0, true);
      for (let p = h.first!; p >= 0 && p <= h.last!; p++) h.state.partitionScope(p).record(second, kind, 0, true);
      if (h.key !== undefined) h.state.hot.record(second, partitionKeyOf(h.key), kind, 0, true);
    };
    count(hits[0]!);
    if (culprit !== hits[0]) count(culprit);
    ts.ops.record(second, op, 0, 0, true);
    return throttleError(table, culprit.gsi, kind, partition);
  }

  /** The partitions an access spends in: its key's, or those a Scan page's hash range spans. */
  private locate(h: Hit): void {
    const t = h.state.throughput;
    if (h.key !== undefined) h.first = h.last = partitionOfKey(t, h.key);
    else if (h.hashRange !== undefined) {
      h.first = t.partitionOfHash(h.hashRange[0]);
      h.last = t.partitionOfHash(Math.max(h.hashRange[0], h.hashRange[1] - 1));
    } else h.first = h.last = -1;
  }
}

export { addConsumption, consumedCapacity, consumption, type Consumption };
