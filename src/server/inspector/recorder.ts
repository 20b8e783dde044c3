// The request inspector's recorder: a bounded ring of the most recent requests a database served,
// from its HTTP endpoint (both the fast lane and node:http) and from the explorer in process, with
// a subscription for the inspector panel.
//
// Cost: the endpoint's hot path copies the request's bytes (and, when bodies are kept, the answer's)
// into byte rings outside the heap (arena.ts) and keeps numbers: the units the engine charged,
// Count/ScannedCount off the answer's tail, sizes, times. The RequestRecord (summary, client,
// parsed JSON) is built from those the first time a subscriber or recent() asks for it, then kept.
// The rings hold REQUEST_ARENA_BYTES / RESPONSE_ARENA_BYTES: past that the oldest records lose
// their bodies (and, for requests, what the summary is made from) before they leave the ring.
//
// Invariants:
// - nothing is captured while `enabled` is false; `begin` returns undefined then;
// - the ring holds the last `capacity` finished requests, oldest dropped first, ids 1, 2, 3 ... in
//   the order they finished (each answer is recorded once, when it is handed to the connection);
// - no header but the User-Agent is read, so no Authorization, signature, access key or session
//   token can reach a record; request and answer bodies are what the client sent and was sent;
// - no body over `bodyBytes` is kept whole: its first `bodyBytes` characters are kept as a string,
//   with requestTruncated / responseTruncated set;
// - consumed capacity is what the engine charged during the request's synchronous run, whatever
//   ReturnConsumedCapacity said (the answer itself is untouched).
import { onDemandPrice } from '../../protocol/capacity';
import { RECORDER_DEFAULTS, type RecordedCapacity, type RequestRecord, type RequestStatus } from '../../protocol/request-record';
import { summarizeRequest, type RequestSummary } from '../../protocol/request-summary';
import type { Consumption, CapacitySink } from '../../engine/capacity';
import type { JsonBody } from '../../engine/results';
import type { Reply } from '../fast-lane';
import { lastWritten } from '../respond';
import { errorBody, fromEngineError, INTERNAL_SERVER_ERROR } from '../wire-errors';
import { ByteArena } from './arena';
import { EXPLORER_USER_AGENT, parseUserAgent, userAgentOf } from './client';

/** Bytes of recent request bodies kept (each at most the body cap): 16 MiB, about 50,000 requests of 300 bytes. */
export const REQUEST_ARENA_BYTES = 16 * 1024 * 1024;
/** Bytes of recent answers kept when bodies are recorded. */
export const RESPONSE_ARENA_BYTES = 32 * 1024 * 1024;

export interface RecorderOptions {
  /** default true */
  enabled?: boolean;
  /** records kept (default RECORDER_DEFAULTS.capacity) */
  capacity?: number;
  /** keep request and answer JSON (default true) */
  bodies?: boolean;
  /** longest body kept whole, in bytes (default RECORDER_DEFAULTS.bodyBytes) */
  bodyBytes?: number;
  /** sizes of the byte rings bodies are kept in (defaults REQUEST_ARENA_BYTES, RESPONSE_ARENA_BYTES) */
  requestArenaBytes?: number;
  responseArenaBytes?: number;
}

/** Where the engine reports the units it charges (src/engine/capacity CapacityManager.sink). */
export interface CapacityTap {
  sink: CapacitySink | undefined;
}

/** What the inspector panel uses: read, watch, clear and configure the recorder. */
export interface RequestLog {
  recent(limit?: number): RequestRecord[];
  subscribe(listener: (record: RequestRecord) => void): () => void;
  clear(): void;
  enabled: boolean;
  bodies: boolean;
  capacity: number;
  readonly size: number;
}

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

/** UTF-8 bytes of a body as it goes on the wire. */
function byteLengthOf(json: JsonBody): number {
  if (typeof json === 'string') return Buffer.byteLength(json, 'utf8');
  let n = 0;
  for (const piece of json) n += typeof piece === 'string' ? Buffer.byteLength(piece, 'utf8') : piece.length;
  return n;
}

/**
 * A top-level number member ("Count":12) read off the end of an answer: Query and Scan write it
 * after their Items, so searching backwards finds it after the short tail. An item attribute of
 * the same name has an object value, and a quote inside a string is escaped, so only the
 * top-level member matches `"Name":<digit>`.
 */
export function tailNumber(text: string, name: string): number | undefined {
  const needle = `"${name}":`;
  for (let at = text.lastIndexOf(needle); at >= 0; at = at === 0 ? -1 : text.lastIndexOf(needle, at - 1)) {
    const c = text.charCodeAt(at + needle.length);
    if (c < 48 || c > 57) continue;
    let backslashes = 0;
    for (let k = at - 1; k >= 0 && text.charCodeAt(k) === 92; k--) backslashes++;
    if (backslashes % 2 === 1) continue;
    let end = at + needle.length;
    while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
    return Number(text.slice(at + needle.length, end));
  }
  return undefined;
}

/** A fresh copy of a string's first characters: a slice of a large string would keep all of it alive. */
function prefixCopy(text: string, length: number): string {
  return Buffer.from(text.slice(0, length), 'utf8').toString('utf8');
}

function textOf(json: JsonBody): string {
  if (typeof json === 'string') return json;
  let out = '';
  for (const piece of json) out += typeof piece === 'string' ? piece : piece.toString('utf8');
  return out;
}

/**
 * One request from its body's arrival to its answer, then kept in the ring until built or dropped.
 * It is also the Reply the request is answered through (no wrapper object per request).
 */
export class PendingRequest implements CapacitySink, Reply {
  id = 0;
  readonly time = Date.now();
  private readonly started = performance.now();
  durationMs = 0;
  /** The parsed request (in-process calls), or its bytes (HTTP: parsed only if the record is built). */
  private input: unknown = undefined;
  /** Request bytes in the recorder's request arena (-1: none), and the answer's in its response arena. */
  private requestAt = -1;
  private requestLength = 0;
  /** The stored request bytes are text to show as is (a body that was not JSON, or one cut at the cap). */
  private requestIsText = false;
  private responseAt = -1;
  private responseLength = 0;
  private inner: Reply | undefined = undefined;
  private requestText: string | undefined = undefined;
  private requestTruncated = false;
  private summary: RequestSummary | undefined = undefined;
  private httpStatus = 0;
  private responseBytes = 0;
  private responseText: string | undefined = undefined;
  private responseTruncated = false;
  private count: number | undefined = undefined;
  private scannedCount: number | undefined = undefined;
  private charged_ = false;
  private read = 0;
  private write = 0;
  private indexes: Record<string, { read: number; write: number }> | undefined = undefined;
  private finished = false;
  private built: RequestRecord | undefined = undefined;

  constructor(
    private readonly recorder: RequestRecorder,
    /** X-Amz-Target as sent: split into service and operation only when the record is built */
    private readonly target: string | undefined,
    private readonly requestBytes: number,
    private readonly userAgent: string | undefined,
    private readonly explorer: boolean,
    private readonly bodies: boolean,
    private readonly cap: number,
  ) {}

  /** The operation the target names ('' without one). */
  get operation(): string {
    const t = this.target ?? '';
    const dot = t.indexOf('.');
    return dot < 0 ? '' : t.slice(dot + 1);
  }

  private get service(): string {
    const t = this.target ?? '';
    const dot = t.indexOf('.');
    return dot < 0 ? t : t.slice(0, dot);
  }

  /** The parsed request: kept by reference when its body is within the cap, else summarised now and cut. */
  parsed(input: unknown, body: Buffer | undefined): void {
    if (this.requestBytes <= this.cap) {
      if (body === undefined) this.input = input;
      else {
        this.requestAt = this.recorder.requestArena.put(body);
        this.requestLength = body.length;
      }
      return;
    }
    this.summary = summarizeRequest(this.operation, input);
    if (this.bodies) {
      if (body !== undefined) this.storeText(body);
      else this.requestText = prefixCopy(JSON.stringify(input), this.cap);
      this.requestTruncated = true;
    }
  }

  /** A body that is not a JSON object: kept as text (cut to the cap) so the inspector shows what was sent. */
  unparsed(body: Buffer): void {
    if (!this.bodies) return;
    this.storeText(body);
    this.requestTruncated = body.length > this.cap;
  }

  private storeText(body: Buffer): void {
    this.requestAt = this.recorder.requestArena.put(body, this.cap);
    this.requestLength = Math.min(body.length, this.cap);
    this.requestIsText = true;
  }

  charged(kind: 'read' | 'write', units: number | Consumption): void {
    this.charged_ = true;
    if (typeof units === 'number') {
      if (kind === 'read') this.read += units;
      else this.write += units;
      return;
    }
    let total = units.table;
    for (const map of [units.gsi, units.lsi]) {
      if (map === undefined) continue;
      for (const name in map) {
        const u = map[name]!;
        total += u;
        const entry = ((this.indexes ??= {})[name] ??= { read: 0, write: 0 });
        entry[kind] += u;
      }
    }
    if (kind === 'read') this.read += total;
    else this.write += total;
  }

  /** The answer, as it is handed to the connection. Records the request once. */
  finish(httpStatus: number, json: JsonBody, bytes?: number | void, written?: Buffer, writtenAt = 0): void {
    if (this.finished) return;
    this.finished = true;
    this.durationMs = performance.now() - this.started;
    this.httpStatus = httpStatus;
    this.responseBytes = typeof bytes === 'number' ? bytes : byteLengthOf(json);
    const ok = httpStatus < 300;
    const t = this.target;
    if (ok && typeof json === 'string' && t !== undefined && (t.endsWith('.Query') || t.endsWith('.Scan'))) {
      this.count = tailNumber(json, 'Count');
      this.scannedCount = tailNumber(json, 'ScannedCount');
    }
    // An error's text is small and needed for its status; an answer's only when bodies are kept.
    if (!ok) {
      if (this.responseBytes <= this.cap) this.responseText = textOf(json);
      else if (this.bodies) {
        this.responseText = prefixCopy(textOf(json), this.cap);
        this.responseTruncated = true;
      }
    } else if (this.bodies && this.responseBytes > 0) {
      const arena = this.recorder.responseArena;
      if (written !== undefined) {
        this.responseLength = Math.min(this.responseBytes, this.cap);
        this.responseAt = arena.putRange(written, writtenAt, this.responseLength);
      } else if (typeof json === 'string') {
        const put = arena.putText(json, this.cap, this.responseBytes);
        if (put !== -1) [this.responseAt, this.responseLength] = put;
      } else {
        const bytes = Buffer.from(textOf(json), 'utf8');
        this.responseAt = arena.put(bytes, this.cap);
        this.responseLength = Math.min(bytes.length, this.cap);
      }
      this.responseTruncated = this.responseBytes > this.cap;
    }
    this.recorder.add(this);
  }

  /** This request as the Reply to answer it through: the answer goes to `reply` and is recorded. */
  through(reply: Reply): Reply {
    this.inner = reply;
    return this;
  }

  /** Once answered, the connection's reply is let go (a record must not keep a connection alive). */
  get sent(): boolean {
    return this.inner === undefined || this.inner.sent;
  }

  send(status: number, contentType: string, json: JsonBody, cors: string | undefined): number | void {
    const inner = this.inner;
    if (inner === undefined) return;
    if (inner.sent) return inner.send(status, contentType, json, cors);
    lastWritten.bytes = undefined;
    const bytes = inner.send(status, contentType, json, cors);
    this.inner = undefined;
    // The answer's bytes as just written, when they were (not when an outbox holds it for later).
    const written = lastWritten.bytes !== undefined && lastWritten.length === bytes ? lastWritten.bytes : undefined;
    this.finish(status, json, bytes, written, lastWritten.start);
    return bytes;
  }

  /** The record, built once. */
  record(): RequestRecord {
    if (this.built !== undefined) return this.built;
    const stored = this.recorder.requestArena.get(this.requestAt, this.requestLength)?.toString('utf8');
    if (this.requestIsText) this.requestText = stored;
    else if (this.input === undefined && stored !== undefined) {
      try {
        this.input = JSON.parse(stored);
      } catch {
        this.input = undefined;
      }
    }
    if (this.responseAt >= 0) this.responseText = this.recorder.responseArena.get(this.responseAt, this.responseLength)?.toString('utf8');
    const operation = this.operation;
    const summary = this.summary ?? summarizeRequest(operation, this.input);
    let response: unknown;
    let errorType: string | undefined;
    let errorMessage: string | undefined;
    if (this.responseText !== undefined && !this.responseTruncated && this.responseText !== '') {
      try {
        response = JSON.parse(this.responseText);
      } catch {
        response = this.responseText;
      }
    } else if (this.responseText !== undefined && this.responseTruncated) response = this.responseText;
    if (this.httpStatus >= 300 && typeof response === 'object' && response !== null) {
      const e = response as { __type?: unknown; message?: unknown; Message?: unknown };
      if (typeof e.__type === 'string') errorType = e.__type.slice(e.__type.lastIndexOf('#') + 1);
      const m = e.message ?? e.Message;
      if (typeof m === 'string') errorMessage = m;
    }
    const ua = parseUserAgent(this.userAgent);
    const r: RequestRecord = {
      id: this.id,
      time: this.time,
      durationMs: Math.round(this.durationMs * 1000) / 1000,
      target: this.service,
      operation,
      summary: summary.summary,
      status: statusOf(this.httpStatus, errorType),
      httpStatus: this.httpStatus,
      requestBytes: this.requestBytes,
      responseBytes: this.responseBytes,
      client: { explorer: this.explorer || (this.userAgent?.includes(EXPLORER_USER_AGENT) ?? false) },
    };
    if (summary.table !== undefined) r.table = summary.table;
    if (summary.tables !== undefined) r.tables = summary.tables;
    if (summary.index !== undefined) r.index = summary.index;
    if (errorType !== undefined) r.errorType = errorType;
    if (errorMessage !== undefined) r.errorMessage = errorMessage;
    if (this.charged_) {
      const capacity: RecordedCapacity = { read: this.read, write: this.write };
      if (this.indexes !== undefined) capacity.indexes = this.indexes;
      r.capacity = capacity;
      r.costUsd = onDemandPrice(this.read, this.write);
    }
    if (this.count !== undefined) r.count = this.count;
    if (this.scannedCount !== undefined) r.scannedCount = this.scannedCount;
    if (this.userAgent !== undefined) r.client.userAgent = this.userAgent;
    if (ua.sdk !== undefined) r.client.sdk = ua.sdk;
    if (ua.sdkVersion !== undefined) r.client.sdkVersion = ua.sdkVersion;
    if (this.bodies) {
      if (this.requestText !== undefined) r.request = this.requestText;
      else if (this.input !== undefined) r.request = this.input;
      if (this.requestTruncated) r.requestTruncated = true;
      if (response !== undefined) r.response = response;
      if (this.responseTruncated) r.responseTruncated = true;
    }
    // The references are not needed once the record exists.
    this.input = undefined;
    this.inner = undefined;
    this.requestText = undefined;
    this.responseText = undefined;
    this.built = r;
    return r;
  }
}

export class RequestRecorder implements RequestLog {
  private ring: PendingRequest[] = [];
  /** The oldest record's slot once the ring is full. */
  private start = 0;
  private max: number;
  private nextId = 1;
  private readonly listeners = new Set<(record: RequestRecord) => void>();
  enabled: boolean;
  bodies: boolean;
  bodyBytes: number;
  /** Allocated on first use: a recorder that never records holds no bytes. */
  readonly requestArena: ByteArena;
  readonly responseArena: ByteArena;

  constructor(options: RecorderOptions = {}) {
    this.enabled = options.enabled ?? true;
    this.bodies = options.bodies ?? true;
    this.bodyBytes = Math.max(0, options.bodyBytes ?? RECORDER_DEFAULTS.bodyBytes);
    this.max = RequestRecorder.validCapacity(options.capacity);
    this.requestArena = new ByteArena(options.requestArenaBytes ?? REQUEST_ARENA_BYTES);
    this.responseArena = new ByteArena(options.responseArenaBytes ?? RESPONSE_ARENA_BYTES);
  }

  private static validCapacity(n: number | undefined): number {
    return n === undefined || !Number.isFinite(n) ? RECORDER_DEFAULTS.capacity : Math.max(1, Math.floor(n));
  }

  /** Records kept at most; lowering it drops the oldest at once. */
  get capacity(): number {
    return this.max;
  }

  set capacity(n: number) {
    const max = RequestRecorder.validCapacity(n);
    if (max === this.max) return;
    const kept = this.ordered().slice(-max);
    this.ring = kept;
    this.start = 0;
    this.max = max;
  }

  get size(): number {
    return this.ring.length;
  }

  /**
   * A request whose body has arrived (undefined while recording is off). `raw` are its headers as
   * name/value pairs: only the User-Agent is read from them.
   */
  begin(target: string | undefined, raw: readonly string[] | undefined, requestBytes: number, explorer = false): PendingRequest | undefined {
    if (!this.enabled) return undefined;
    const agent = raw === undefined ? undefined : userAgentOf(raw);
    return new PendingRequest(this, target, requestBytes, agent === undefined ? undefined : this.intern(agent), explorer, this.bodies, this.bodyBytes);
  }

  /** User-Agents seen, each kept once: a client sends the same one every time. */
  private readonly agents = new Map<string, string>();

  /**
   * One shared copy of a User-Agent. The header's own string is a slice of the whole request head
   * (Authorization included): keeping it would keep the head alive in memory for as long as the record.
   */
  private intern(agent: string): string {
    let kept = this.agents.get(agent);
    if (kept === undefined) {
      if (this.agents.size >= 256) this.agents.clear();
      kept = Buffer.from(agent, 'latin1').toString('latin1');
      this.agents.set(kept, kept);
    }
    return kept;
  }

  /** Called by a request when it is answered. */
  add(p: PendingRequest): void {
    p.id = this.nextId++;
    if (this.ring.length < this.max) this.ring.push(p);
    else {
      this.ring[this.start] = p;
      this.start = this.start + 1 === this.max ? 0 : this.start + 1;
    }
    if (this.listeners.size === 0) return;
    const record = p.record();
    for (const listener of this.listeners) {
      try {
        listener(record);
      } catch {
        // one failing subscriber must not stop the others, or the request
      }
    }
  }

  /** Oldest first. */
  private ordered(): PendingRequest[] {
    return this.start === 0 ? this.ring.slice() : this.ring.slice(this.start).concat(this.ring.slice(0, this.start));
  }

  /** The most recent records, newest first (at most `limit`). */
  recent(limit = Infinity): RequestRecord[] {
    const out: RequestRecord[] = [];
    const n = this.ring.length;
    for (let k = 0; k < n && out.length < limit; k++) {
      // newest is just before `start` (or last, while the ring is filling)
      const slot = (this.start - 1 - k + 2 * n) % n;
      out.push(this.ring[slot]!.record());
    }
    return out;
  }

  /** Calls `listener` with each new record as it is recorded; returns the unsubscribe. */
  subscribe(listener: (record: RequestRecord) => void): () => void {
    const wrapped = (r: RequestRecord): void => listener(r);
    this.listeners.add(wrapped);
    return () => {
      this.listeners.delete(wrapped);
    };
  }

  clear(): void {
    this.ring = [];
    this.start = 0;
  }

  /**
   * Records a call made in process (the explorer's own requests): `run` performs it; the engine's
   * charges during its synchronous part are taken from `tap`. The caller gets `run`'s result or
   * error unchanged.
   */
  async track<T>(target: string, operation: string, input: unknown, run: () => Promise<T>, tap?: CapacityTap): Promise<T> {
    if (!this.enabled) return run();
    let text: string;
    try {
      text = JSON.stringify(input) ?? '';
    } catch {
      text = '';
    }
    const p = this.begin(`${target}.${operation}`, undefined, Buffer.byteLength(text, 'utf8'), true)!;
    p.parsed(input, undefined);
    let pending: Promise<T>;
    if (tap !== undefined) tap.sink = p;
    try {
      pending = run();
    } catch (err) {
      pending = Promise.reject(err);
    } finally {
      if (tap !== undefined) tap.sink = undefined;
    }
    try {
      const result = await pending;
      let json = '';
      try {
        json = result === undefined ? '' : (JSON.stringify(result) ?? '');
      } catch {
        json = '';
      }
      p.finish(200, json);
      return result;
    } catch (err) {
      const wire = fromEngineError(err) ?? INTERNAL_SERVER_ERROR;
      p.finish(wire.status, errorBody(wire));
      throw err;
    }
  }
}
