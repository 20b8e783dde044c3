// Counters kept for the last hour, in fixed ring buffers that cost nothing to age: each slot
// carries the time it belongs to and is cleared when reused.
//   Scope       consumed read/write units, read/write requests and throttled reads/writes, per
//               slot (1 s for tables and indexes, 10 s for partitions)
//   KeyCounter  units and throttles per partition-key value, per minute (the hottest keys)
//   OpCounter   requests and units per operation name, per minute (cost per operation)

export const WINDOW_SECONDS = 3600;

export interface Totals {
  readUnits: number;
  writeUnits: number;
  readRequests: number;
  writeRequests: number;
  throttledReads: number;
  throttledWrites: number;
}

export interface Series extends Totals {
  /** Epoch second of the first step. */
  start: number;
  /** Seconds per step; each value is the sum over its step (divide by `step` for a rate). */
  step: number;
  points: {
    readUnits: number[];
    writeUnits: number[];
    readRequests: number[];
    writeRequests: number[];
    throttledReads: number[];
    throttledWrites: number[];
  };
  /** The busiest second's (or step's, when coarser than a second) units in the window. */
  peakReadUnits: number;
  peakWriteUnits: number;
}

const FIELDS = ['readUnits', 'writeUnits', 'readRequests', 'writeRequests', 'throttledReads', 'throttledWrites'] as const;
type Field = (typeof FIELDS)[number];

export class Scope {
  private readonly slots: number;
  private readonly stamps: Float64Array;
  private readonly data: Record<Field, Float32Array>;
  /** The slot of the last second recorded: requests come in runs within one second. */
  private lastSecond = NaN;
  private lastSlot = 0;

  constructor(readonly resolution = 1) {
    this.slots = Math.ceil(WINDOW_SECONDS / resolution);
    this.stamps = new Float64Array(this.slots).fill(-1);
    this.data = {} as Record<Field, Float32Array>;
    for (const f of FIELDS) this.data[f] = new Float32Array(this.slots);
  }

  private slot(second: number): number {
    // Only this method restamps slots, so the cached slot stays the second's until it moves on.
    if (second === this.lastSecond) return this.lastSlot;
    const t = Math.floor(second / this.resolution);
    const i = t % this.slots;
    if (this.stamps[i] !== t) {
      this.stamps[i] = t;
      for (const f of FIELDS) this.data[f][i] = 0;
    }
    this.lastSecond = second;
    this.lastSlot = i;
    return i;
  }

  /** Records one request at `second`: its units, or a throttle. */
  record(second: number, kind: 'read' | 'write', units: number, throttled: boolean): void {
    const i = this.slot(second);
    if (kind === 'read') {
      if (throttled) this.data.throttledReads[i]! += 1;
      else {
        this.data.readRequests[i]! += 1;
        this.data.readUnits[i]! += units;
      }
    } else if (throttled) this.data.throttledWrites[i]! += 1;
    else {
      this.data.writeRequests[i]! += 1;
      this.data.writeUnits[i]! += units;
    }
  }

  /** Adds units without counting a request (the index arms of a base-table write, say). */
  addUnits(second: number, kind: 'read' | 'write', units: number): void {
    const i = this.slot(second);
    this.data[kind === 'read' ? 'readUnits' : 'writeUnits'][i]! += units;
  }

  private value(f: Field, t: number): number {
    const i = t % this.slots;
    return this.stamps[i] === t ? this.data[f][i]! : 0;
  }

  totals(now: number, window: number): Totals {
    return this.series(now, window, window);
  }

  /** Values for the `window` seconds ending at `now` (inclusive), summed per `step`. */
  series(now: number, window = WINDOW_SECONDS, step = this.resolution): Series {
    window = Math.min(WINDOW_SECONDS, Math.max(this.resolution, window));
    step = Math.max(this.resolution, Math.round(step / this.resolution) * this.resolution);
    const endT = Math.floor(now / this.resolution);
    const count = Math.ceil(window / this.resolution);
    const firstT = endT - count + 1;
    const perStep = step / this.resolution;
    const steps = Math.ceil(count / perStep);
    const points = {} as Series['points'];
    const totals = {} as Totals;
    for (const f of FIELDS) {
      points[f] = new Array<number>(steps).fill(0);
      totals[f] = 0;
    }
    let peakRead = 0;
    let peakWrite = 0;
    for (let k = 0; k < count; k++) {
      const t = firstT + k;
      const s = Math.floor(k / perStep);
      for (const f of FIELDS) {
        const v = this.value(f, t);
        if (v !== 0) {
          points[f][s]! += v;
          totals[f] += v;
        }
      }
      peakRead = Math.max(peakRead, this.value('readUnits', t));
      peakWrite = Math.max(peakWrite, this.value('writeUnits', t));
    }
    return { start: firstT * this.resolution, step, points, ...totals, peakReadUnits: peakRead, peakWriteUnits: peakWrite };
  }
}

export interface KeyCounts {
  readUnits: number;
  writeUnits: number;
  requests: number;
  throttled: number;
}

/**
 * At most this many keys are tracked per minute. When the map is full, a new key is counted as
 * a miss; every KEYS_PER_MINUTE misses one pass raises the minute's floor and drops keys seen
 * no more often than it (lossy counting). Keys that recur stay; a stream of distinct keys costs
 * one pass per KEYS_PER_MINUTE requests instead of one per request.
 */
const KEYS_PER_MINUTE = 256;

interface MinuteKeys {
  minute: number;
  keys: Map<string, KeyCounts>;
  misses: number;
  floor: number;
}

function prune(m: MinuteKeys): void {
  m.misses = 0;
  m.floor++;
  for (const [k, c] of m.keys) if (c.requests + c.throttled <= m.floor) m.keys.delete(k);
}

export class KeyCounter {
  private readonly minutes: Array<MinuteKeys | undefined> = new Array(60);

  /** `weight` > 1: one sampled request standing for that many (see ResourceState.sampleHot). */
  record(second: number, key: string, kind: 'read' | 'write', units: number, throttled: boolean, weight = 1): void {
    const minute = Math.floor(second / 60);
    const i = minute % 60;
    let m = this.minutes[i];
    if (m === undefined || m.minute !== minute) this.minutes[i] = m = { minute, keys: new Map(), misses: 0, floor: 0 };
    let c = m.keys.get(key);
    if (c === undefined) {
      if (m.keys.size >= KEYS_PER_MINUTE) {
        if (++m.misses < KEYS_PER_MINUTE) return;
        prune(m);
        if (m.keys.size >= KEYS_PER_MINUTE) return;
      }
      c = { readUnits: 0, writeUnits: 0, requests: 0, throttled: 0 };
      m.keys.set(key, c);
    }
    if (throttled) c.throttled += weight;
    else {
      c.requests += weight;
      if (kind === 'read') c.readUnits += units * weight;
      else c.writeUnits += units * weight;
    }
  }

  /** Keys over the last `window` seconds, busiest (units, then throttles) first. */
  top(now: number, window: number, limit: number): Array<[string, KeyCounts]> {
    return [...sumMinutes(this.minutes, (m) => m.keys, now, window)]
      .sort((a, b) => b[1].readUnits + b[1].writeUnits - (a[1].readUnits + a[1].writeUnits) || b[1].throttled - a[1].throttled)
      .slice(0, limit);
  }
}

/** Sums per-minute counts by name over the minutes that overlap the `window` seconds ending at `now`. */
function sumMinutes<M extends { minute: number }>(
  minutes: ReadonlyArray<M | undefined>,
  countsOf: (m: M) => Map<string, KeyCounts>,
  now: number,
  window: number,
): Map<string, KeyCounts> {
  const last = Math.floor(now / 60);
  const first = Math.floor((now - Math.min(window, WINDOW_SECONDS) + 1) / 60);
  const out = new Map<string, KeyCounts>();
  for (const m of minutes) {
    if (m === undefined || m.minute < first || m.minute > last) continue;
    for (const [name, c] of countsOf(m)) {
      const t = out.get(name);
      if (t === undefined) out.set(name, { ...c });
      else {
        t.readUnits += c.readUnits;
        t.writeUnits += c.writeUnits;
        t.requests += c.requests;
        t.throttled += c.throttled;
      }
    }
  }
  return out;
}

export interface OpCounts {
  requests: number;
  readUnits: number;
  writeUnits: number;
  throttled: number;
}

interface MinuteOps {
  minute: number;
  ops: Map<string, OpCounts>;
}

export class OpCounter {
  private readonly minutes: Array<MinuteOps | undefined> = new Array(60);
  /**
   * The counts the last request went to, with its second and operation: a run of one operation
   * within a second (the usual traffic) skips the minute and name lookups.
   */
  private lastSecond = NaN;
  private lastOp = '';
  private lastMinute: MinuteOps | undefined;
  private lastCounts: OpCounts | undefined;

  record(second: number, op: string, readUnits: number, writeUnits: number, throttled: boolean): void {
    let c = this.lastCounts;
    if (second !== this.lastSecond || op !== this.lastOp || c === undefined) {
      let m = this.lastMinute;
      const minute = Math.floor(second / 60);
      // Only this method replaces minutes, so the last one is still in the ring while current.
      if (m === undefined || m.minute !== minute) {
        const i = minute % 60;
        m = this.minutes[i];
        if (m === undefined || m.minute !== minute) this.minutes[i] = m = { minute, ops: new Map() };
      }
      c = m.ops.get(op);
      if (c === undefined) m.ops.set(op, (c = { requests: 0, readUnits: 0, writeUnits: 0, throttled: 0 }));
      this.lastSecond = second;
      this.lastOp = op;
      this.lastMinute = m;
      this.lastCounts = c;
    }
    if (throttled) c.throttled++;
    else {
      c.requests++;
      c.readUnits += readUnits;
      c.writeUnits += writeUnits;
    }
  }

  totals(now: number, window: number): Map<string, OpCounts> {
    return sumMinutes(this.minutes, (m) => m.ops, now, window);
  }
}
