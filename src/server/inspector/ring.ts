// The recorder's ring of finished requests: each slot's numbers side by side in one Float64Array,
// its few references (interned target and User-Agent, the rare extras such as index units, an
// in-process call's input, an error's text) side by side in one array, bodies in the byte arenas. A finished request
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

/**
 * What a finished request hands to the ring (its time and duration come as push's arguments:
 * kept as members of the request they would each be one more heap number per request).
 */
export interface Finished {
  readonly target: string | undefined;
  readonly userAgent: string | undefined;
  /** EXPLORER | BODIES | ... below */
  readonly flags: number;
  readonly requestBytes: number;
  readonly responseBytes: number;
  readonly httpStatus: number;
  /** Position in the request arena, or -1 */
  readonly requestAt: number;
  readonly requestLength: number;
  readonly responseAt: number;
  readonly responseLength: number;
  readonly read: number;
  readonly write: number;
  /** Query and Scan: items returned and evaluated (-1: none) */
  readonly count: number;
  readonly scanned: number;
  readonly extra: Extra | undefined;
}

/** The rare members, kept in an object only when a request has one. */
export interface Extra {
  indexes?: Record<string, { read: number; write: number }>;
  input?: unknown;
  summary?: RequestSummary;
  requestText?: string;
  responseText?: string;
}

export const EXPLORER = 1;
export const BODIES = 2;
export const REQUEST_IS_TEXT = 4;
export const REQUEST_TRUNCATED = 8;
export const RESPONSE_TRUNCATED = 16;
export const CHARGED = 32;

// A record's numbers lie together (one Float64Array, NUMBERS per slot) and its references
// together (one array, REFS per slot): recording a request writes two or three neighbouring cache
// lines, not one line in each of twenty columns.
const ID = 0;
const TIME = 1;
const DURATION = 2;
const READ = 3;
const WRITE = 4;
const COUNT = 5;
const SCANNED = 6;
const REQUEST_AT = 7;
const RESPONSE_AT = 8;
const REQUEST_BYTES = 9;
const RESPONSE_BYTES = 10;
const REQUEST_LENGTH = 11;
const RESPONSE_LENGTH = 12;
const HTTP_STATUS = 13;
const FLAGS = 14;
const NUMBERS = 16;
const TARGET = 0;
const AGENT = 1;
const EXTRA = 2;
const BUILT = 3;
const REFS = 4;

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
  // A body that never arrived (408) is no fault in what was sent.
  return httpStatus < 500 && httpStatus !== 408 ? 'validation' : 'error';
}

export class RecordRing {
  /** Slot of the oldest record. */
  private start = 0;
  size = 0;
  private readonly nums: Float64Array;
  private readonly refs: unknown[];

  constructor(readonly max: number) {
    this.nums = new Float64Array(max * NUMBERS);
    this.refs = new Array<unknown>(max * REFS).fill(undefined);
  }

  /**
   * Stores `f` as record `id`, which arrived at `time` (wall-clock ms) and was answered
   * `durationMs` later, dropping the oldest when full; returns its slot.
   */
  push(id: number, f: Finished, time: number, durationMs: number): number {
    let slot: number;
    if (this.size < this.max) slot = (this.start + this.size++) % this.max;
    else {
      slot = this.start;
      this.start = this.start + 1 === this.max ? 0 : this.start + 1;
    }
    const n = this.nums;
    const at = slot * NUMBERS;
    n[at + ID] = id;
    n[at + TIME] = time;
    n[at + DURATION] = durationMs;
    n[at + READ] = f.read;
    n[at + WRITE] = f.write;
    n[at + COUNT] = f.count;
    n[at + SCANNED] = f.scanned;
    n[at + REQUEST_AT] = f.requestAt;
    n[at + RESPONSE_AT] = f.responseAt;
    n[at + REQUEST_BYTES] = f.requestBytes;
    n[at + RESPONSE_BYTES] = f.responseBytes;
    n[at + REQUEST_LENGTH] = f.requestLength;
    n[at + RESPONSE_LENGTH] = f.responseLength;
    n[at + HTTP_STATUS] = f.httpStatus;
    n[at + FLAGS] = f.flags;
    const r = this.refs;
    const ref = slot * REFS;
    r[ref + TARGET] = f.target;
    r[ref + AGENT] = f.userAgent;
    r[ref + EXTRA] = f.extra;
    r[ref + BUILT] = undefined;
    return slot;
  }

  /** Stores an already built record (one brought back from a saved file) as the newest. */
  pushBuilt(record: RequestRecord): void {
    const slot = this.push(record.id, {
      target: undefined, userAgent: undefined, flags: 0,
      requestBytes: record.requestBytes, responseBytes: record.responseBytes, httpStatus: record.httpStatus,
      requestAt: -1, requestLength: 0, responseAt: -1, responseLength: 0, read: 0, write: 0, count: -1, scanned: -1, extra: undefined,
    }, record.time, record.durationMs);
    this.refs[slot * REFS + BUILT] = record;
  }

  /** The slot of the k-th newest record (0: the newest). */
  newest(k: number): number {
    return (this.start + this.size - 1 - k) % this.max;
  }

  clear(): void {
    this.start = 0;
    this.size = 0;
    this.refs.fill(undefined);
  }

  /** A ring of `max` slots holding this ring's newest records, in order. */
  resized(max: number): RecordRing {
    const out = new RecordRing(max);
    const kept = Math.min(this.size, max);
    for (let k = kept - 1; k >= 0; k--) {
      const from = this.newest(k);
      const at = from * NUMBERS;
      const to = out.push(this.nums[at + ID]!, this.finishedAt(from), this.nums[at + TIME]!, this.nums[at + DURATION]!);
      out.refs[to * REFS + BUILT] = this.refs[from * REFS + BUILT];
    }
    return out;
  }

  private finishedAt(slot: number): Finished {
    const n = this.nums;
    const at = slot * NUMBERS;
    const ref = slot * REFS;
    return {
      target: this.refs[ref + TARGET] as string | undefined,
      userAgent: this.refs[ref + AGENT] as string | undefined,
      flags: n[at + FLAGS]!,
      requestBytes: n[at + REQUEST_BYTES]!,
      responseBytes: n[at + RESPONSE_BYTES]!,
      httpStatus: n[at + HTTP_STATUS]!,
      requestAt: n[at + REQUEST_AT]!,
      requestLength: n[at + REQUEST_LENGTH]!,
      responseAt: n[at + RESPONSE_AT]!,
      responseLength: n[at + RESPONSE_LENGTH]!,
      read: n[at + READ]!,
      write: n[at + WRITE]!,
      count: n[at + COUNT]!,
      scanned: n[at + SCANNED]!,
      extra: this.refs[ref + EXTRA] as Extra | undefined,
    };
  }

  /** The record in `slot`, built from its columns (and the arenas' bytes) once. */
  record(slot: number, requests: ByteArena, responses: ByteArena): RequestRecord {
    const cached = this.refs[slot * REFS + BUILT] as RequestRecord | undefined;
    if (cached !== undefined) return cached;
    const f = this.finishedAt(slot);
    const time = this.nums[slot * NUMBERS + TIME]!;
    const durationMs = this.nums[slot * NUMBERS + DURATION]!;
    const flags = f.flags;
    const x: Extra = f.extra ?? {};
    const t = f.target ?? '';
    const dot = t.indexOf('.');
    const operation = dot < 0 ? '' : t.slice(dot + 1);
    let input = x.input;
    let requestText = x.requestText;
    const stored = requests.get(f.requestAt, f.requestLength)?.toString('utf8');
    if (flags & REQUEST_IS_TEXT) requestText ??= stored;
    else if (input === undefined && stored !== undefined) {
      try {
        input = JSON.parse(stored);
      } catch {
        input = undefined;
      }
    }
    const responseText = x.responseText ?? (f.responseAt >= 0 ? responses.get(f.responseAt, f.responseLength)?.toString('utf8') : undefined);
    let response: unknown;
    if (responseText !== undefined && responseText !== '') {
      if (flags & RESPONSE_TRUNCATED) response = responseText;
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
    const summary = x.summary ?? summarizeRequest(operation, input);
    const ua = parseUserAgent(f.userAgent);
    const r: RequestRecord = {
      id: this.nums[slot * NUMBERS + ID]!,
      time,
      durationMs: Math.round(durationMs * 1000) / 1000,
      target: dot < 0 ? t : t.slice(0, dot),
      operation,
      summary: summary.summary,
      status: statusOf(f.httpStatus, errorType),
      httpStatus: f.httpStatus,
      requestBytes: f.requestBytes,
      responseBytes: f.responseBytes,
      client: { explorer: (flags & EXPLORER) !== 0 || (f.userAgent?.includes(EXPLORER_USER_AGENT) ?? false) },
    };
    if (summary.table !== undefined) r.table = summary.table;
    if (summary.tables !== undefined) r.tables = summary.tables;
    if (summary.index !== undefined) r.index = summary.index;
    if (errorType !== undefined) r.errorType = errorType;
    if (errorMessage !== undefined) r.errorMessage = errorMessage;
    if (flags & CHARGED) {
      const capacity: RecordedCapacity = { read: f.read, write: f.write };
      if (x.indexes !== undefined) capacity.indexes = x.indexes;
      r.capacity = capacity;
      r.costUsd = onDemandPrice(f.read, f.write);
    }
    if (f.count >= 0) r.count = f.count;
    if (f.scanned >= 0) r.scannedCount = f.scanned;
    if (f.userAgent !== undefined) r.client.userAgent = f.userAgent;
    if (ua.sdk !== undefined) r.client.sdk = ua.sdk;
    if (ua.sdkVersion !== undefined) r.client.sdkVersion = ua.sdkVersion;
    if (flags & BODIES) {
      if (requestText !== undefined) r.request = requestText;
      else if (input !== undefined) r.request = input;
      if (flags & REQUEST_TRUNCATED) r.requestTruncated = true;
      if (response !== undefined) r.response = response;
      if (flags & RESPONSE_TRUNCATED) r.responseTruncated = true;
    }
    // The record stands for the objects now: they are let go.
    this.refs[slot * REFS + EXTRA] = undefined;
    this.refs[slot * REFS + BUILT] = r;
    return r;
  }
}
