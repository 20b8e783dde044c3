// The recorder's ring of finished requests, stored by column: numbers in typed arrays, the few
// strings (interned targets and User-Agents) and the rare objects (index units, an in-process
// call's input, an error's text) in plain arrays, bodies in the byte arenas. A finished request
// leaves no object of its own behind, so the thousands of records alive at once are not copied
// and promoted by every young-generation GC (an object per record was the recorder's main cost).
// A RequestRecord is built from a slot when asked for, then cached in the slot.
//
// Invariants: slots hold the last `size` records pushed, oldest at `start`; `ids` of the slots
// from oldest to newest increase; clearing or overwriting a slot drops its objects.
import { onDemandPrice } from '../../protocol/capacity';
import type { RecordedCapacity, RequestRecord, RequestStatus } from '../../protocol/request-record';
import { summarizeRequest, type RequestSummary } from '../../protocol/request-summary';
import type { ByteArena } from './arena';
import { EXPLORER_USER_AGENT, parseUserAgent } from './client';

/** What a finished request hands to the ring. */
export interface Finished {
  readonly time: number;
  readonly durationMs: number;
  readonly target: string | undefined;
  readonly userAgent: string | undefined;
  readonly explorer: boolean;
  readonly bodies: boolean;
  readonly requestBytes: number;
  readonly responseBytes: number;
  readonly httpStatus: number;
  readonly requestAt: number;
  readonly requestLength: number;
  readonly requestIsText: boolean;
  readonly requestTruncated: boolean;
  readonly responseAt: number;
  readonly responseLength: number;
  readonly responseTruncated: boolean;
  readonly hasCapacity: boolean;
  readonly read: number;
  readonly write: number;
  readonly count: number | undefined;
  readonly scannedCount: number | undefined;
  readonly indexes: Record<string, { read: number; write: number }> | undefined;
  readonly input: unknown;
  readonly summary: RequestSummary | undefined;
  readonly requestText: string | undefined;
  readonly responseText: string | undefined;
}

/** The rare members, kept in an object only when a request has one. */
interface Extra {
  indexes?: Record<string, { read: number; write: number }>;
  input?: unknown;
  summary?: RequestSummary;
  requestText?: string;
  responseText?: string;
}

const EXPLORER = 1;
const BODIES = 2;
const REQUEST_IS_TEXT = 4;
const REQUEST_TRUNCATED = 8;
const RESPONSE_TRUNCATED = 16;
const CHARGED = 32;

const STATUS_BY_ERROR: Record<string, RequestStatus> = {
  ConditionalCheckFailedException: 'conditional-check-failed',
  TransactionCanceledException: 'transaction-canceled',
  ProvisionedThroughputExceededException: 'throttled',
  ThrottlingException: 'throttled',
  RequestLimitExceeded: 'throttled',
  ResourceNotFoundException: 'not-found',
  ResourceInUseException: 'in-use',
};

/** The status an answer gets in the inspector, from its HTTP status and DynamoDB's exception name. */
export function statusOf(httpStatus: number, errorType: string | undefined): RequestStatus {
  if (httpStatus < 300) return 'ok';
  const known = errorType !== undefined ? STATUS_BY_ERROR[errorType] : undefined;
  if (known !== undefined) return known;
  return httpStatus < 500 ? 'validation' : 'error';
}

export class RecordRing {
  /** Slot of the oldest record. */
  private start = 0;
  size = 0;
  private readonly id: Float64Array;
  private readonly time: Float64Array;
  private readonly duration: Float64Array;
  private readonly read: Float64Array;
  private readonly write: Float64Array;
  /** NaN: none */
  private readonly count: Float64Array;
  private readonly scanned: Float64Array;
  private readonly requestAt: Float64Array;
  private readonly responseAt: Float64Array;
  private readonly requestBytes: Float64Array;
  private readonly responseBytes: Float64Array;
  private readonly requestLength: Int32Array;
  private readonly responseLength: Int32Array;
  private readonly httpStatus: Int32Array;
  private readonly flags: Int32Array;
  private readonly target: Array<string | undefined>;
  private readonly agent: Array<string | undefined>;
  private readonly extra: Array<Extra | undefined>;
  private readonly built: Array<RequestRecord | undefined>;

  constructor(readonly max: number) {
    const f = (): Float64Array => new Float64Array(max);
    const i = (): Int32Array => new Int32Array(max);
    this.id = f();
    this.time = f();
    this.duration = f();
    this.read = f();
    this.write = f();
    this.count = f();
    this.scanned = f();
    this.requestAt = f();
    this.responseAt = f();
    this.requestBytes = f();
    this.responseBytes = f();
    this.requestLength = i();
    this.responseLength = i();
    this.httpStatus = i();
    this.flags = i();
    this.target = new Array<string | undefined>(max).fill(undefined);
    this.agent = new Array<string | undefined>(max).fill(undefined);
    this.extra = new Array<Extra | undefined>(max).fill(undefined);
    this.built = new Array<RequestRecord | undefined>(max).fill(undefined);
  }

  /** Stores `f` as record `id`, dropping the oldest when full; returns its slot. */
  push(id: number, f: Finished): number {
    let slot: number;
    if (this.size < this.max) slot = (this.start + this.size++) % this.max;
    else {
      slot = this.start;
      this.start = this.start + 1 === this.max ? 0 : this.start + 1;
    }
    this.id[slot] = id;
    this.time[slot] = f.time;
    this.duration[slot] = f.durationMs;
    this.read[slot] = f.read;
    this.write[slot] = f.write;
    this.count[slot] = f.count ?? NaN;
    this.scanned[slot] = f.scannedCount ?? NaN;
    this.requestAt[slot] = f.requestAt;
    this.responseAt[slot] = f.responseAt;
    this.requestBytes[slot] = f.requestBytes;
    this.responseBytes[slot] = f.responseBytes;
    this.requestLength[slot] = f.requestLength;
    this.responseLength[slot] = f.responseLength;
    this.httpStatus[slot] = f.httpStatus;
    this.flags[slot] =
      (f.explorer ? EXPLORER : 0) |
      (f.bodies ? BODIES : 0) |
      (f.requestIsText ? REQUEST_IS_TEXT : 0) |
      (f.requestTruncated ? REQUEST_TRUNCATED : 0) |
      (f.responseTruncated ? RESPONSE_TRUNCATED : 0) |
      (f.hasCapacity ? CHARGED : 0);
    this.target[slot] = f.target;
    this.agent[slot] = f.userAgent;
    let extra: Extra | undefined;
    if (f.indexes !== undefined || f.input !== undefined || f.summary !== undefined || f.requestText !== undefined || f.responseText !== undefined) {
      extra = {};
      if (f.indexes !== undefined) extra.indexes = f.indexes;
      if (f.input !== undefined) extra.input = f.input;
      if (f.summary !== undefined) extra.summary = f.summary;
      if (f.requestText !== undefined) extra.requestText = f.requestText;
      if (f.responseText !== undefined) extra.responseText = f.responseText;
    }
    this.extra[slot] = extra;
    this.built[slot] = undefined;
    return slot;
  }

  /** The slot of the k-th newest record (0: the newest). */
  newest(k: number): number {
    return (this.start + this.size - 1 - k) % this.max;
  }

  clear(): void {
    this.start = 0;
    this.size = 0;
    this.target.fill(undefined);
    this.agent.fill(undefined);
    this.extra.fill(undefined);
    this.built.fill(undefined);
  }

  /** A ring of `max` slots holding this ring's newest records, in order. */
  resized(max: number): RecordRing {
    const out = new RecordRing(max);
    const kept = Math.min(this.size, max);
    for (let k = kept - 1; k >= 0; k--) {
      const from = this.newest(k);
      const to = out.push(this.id[from]!, this.finishedAt(from));
      out.built[to] = this.built[from];
    }
    return out;
  }

  private finishedAt(slot: number): Finished {
    const flags = this.flags[slot]!;
    const extra = this.extra[slot];
    const count = this.count[slot]!;
    const scanned = this.scanned[slot]!;
    return {
      time: this.time[slot]!,
      durationMs: this.duration[slot]!,
      target: this.target[slot],
      userAgent: this.agent[slot],
      explorer: (flags & EXPLORER) !== 0,
      bodies: (flags & BODIES) !== 0,
      requestBytes: this.requestBytes[slot]!,
      responseBytes: this.responseBytes[slot]!,
      httpStatus: this.httpStatus[slot]!,
      requestAt: this.requestAt[slot]!,
      requestLength: this.requestLength[slot]!,
      requestIsText: (flags & REQUEST_IS_TEXT) !== 0,
      requestTruncated: (flags & REQUEST_TRUNCATED) !== 0,
      responseAt: this.responseAt[slot]!,
      responseLength: this.responseLength[slot]!,
      responseTruncated: (flags & RESPONSE_TRUNCATED) !== 0,
      hasCapacity: (flags & CHARGED) !== 0,
      read: this.read[slot]!,
      write: this.write[slot]!,
      count: Number.isNaN(count) ? undefined : count,
      scannedCount: Number.isNaN(scanned) ? undefined : scanned,
      indexes: extra?.indexes,
      input: extra?.input,
      summary: extra?.summary,
      requestText: extra?.requestText,
      responseText: extra?.responseText,
    };
  }

  /** The record in `slot`, built from its columns (and the arenas' bytes) once. */
  record(slot: number, requests: ByteArena, responses: ByteArena): RequestRecord {
    const cached = this.built[slot];
    if (cached !== undefined) return cached;
    const f = this.finishedAt(slot);
    const t = f.target ?? '';
    const dot = t.indexOf('.');
    const operation = dot < 0 ? '' : t.slice(dot + 1);
    let input = f.input;
    let requestText = f.requestText;
    const stored = requests.get(f.requestAt, f.requestLength)?.toString('utf8');
    if (f.requestIsText) requestText ??= stored;
    else if (input === undefined && stored !== undefined) {
      try {
        input = JSON.parse(stored);
      } catch {
        input = undefined;
      }
    }
    const responseText = f.responseText ?? (f.responseAt >= 0 ? responses.get(f.responseAt, f.responseLength)?.toString('utf8') : undefined);
    let response: unknown;
    if (responseText !== undefined && responseText !== '') {
      if (f.responseTruncated) response = responseText;
      else {
        try {
          response = JSON.parse(responseText);
        } catch {
          response = responseText;
        }
      }
    }
    let errorType: string | undefined;
    let errorMessage: string | undefined;
    if (f.httpStatus >= 300 && typeof response === 'object' && response !== null) {
      const e = response as { __type?: unknown; message?: unknown; Message?: unknown };
      if (typeof e.__type === 'string') errorType = e.__type.slice(e.__type.lastIndexOf('#') + 1);
      const m = e.message ?? e.Message;
      if (typeof m === 'string') errorMessage = m;
    }
    const summary = f.summary ?? summarizeRequest(operation, input);
    const ua = parseUserAgent(f.userAgent);
    const r: RequestRecord = {
      id: this.id[slot]!,
      time: f.time,
      durationMs: Math.round(f.durationMs * 1000) / 1000,
      target: dot < 0 ? t : t.slice(0, dot),
      operation,
      summary: summary.summary,
      status: statusOf(f.httpStatus, errorType),
      httpStatus: f.httpStatus,
      requestBytes: f.requestBytes,
      responseBytes: f.responseBytes,
      client: { explorer: f.explorer || (f.userAgent?.includes(EXPLORER_USER_AGENT) ?? false) },
    };
    if (summary.table !== undefined) r.table = summary.table;
    if (summary.tables !== undefined) r.tables = summary.tables;
    if (summary.index !== undefined) r.index = summary.index;
    if (errorType !== undefined) r.errorType = errorType;
    if (errorMessage !== undefined) r.errorMessage = errorMessage;
    if (f.hasCapacity) {
      const capacity: RecordedCapacity = { read: f.read, write: f.write };
      if (f.indexes !== undefined) capacity.indexes = f.indexes;
      r.capacity = capacity;
      r.costUsd = onDemandPrice(f.read, f.write);
    }
    if (f.count !== undefined) r.count = f.count;
    if (f.scannedCount !== undefined) r.scannedCount = f.scannedCount;
    if (f.userAgent !== undefined) r.client.userAgent = f.userAgent;
    if (ua.sdk !== undefined) r.client.sdk = ua.sdk;
    if (ua.sdkVersion !== undefined) r.client.sdkVersion = ua.sdkVersion;
    if (f.bodies) {
      if (requestText !== undefined) r.request = requestText;
      else if (input !== undefined) r.request = input;
      if (f.requestTruncated) r.requestTruncated = true;
      if (response !== undefined) r.response = response;
      if (f.responseTruncated) r.responseTruncated = true;
    }
    // The record stands for the objects now: they are let go.
    this.extra[slot] = undefined;
    this.built[slot] = r;
    return r;
  }
}
