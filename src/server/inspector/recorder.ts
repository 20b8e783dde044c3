// The request inspector's recorder: a bounded ring of the most recent requests a database served,
// from its HTTP endpoint (both the fast lane and node:http) and from the explorer in process, with
// a subscription for the inspector panel.
//
// Cost: the endpoint's hot path copies the request's bytes (and, when bodies are kept, the answer's)
// into byte rings outside the heap (arena.ts) and keeps numbers: the units the engine charged and
// the items a Query or Scan counted (both reported through the capacity sink), sizes, times. The
// RequestRecord (summary, client, parsed JSON) is built from those the first time a subscriber or
// recent() asks for it, then kept. The rings hold REQUEST_ARENA_BYTES / RESPONSE_ARENA_BYTES: past that the oldest records lose
// their bodies (and, for requests, what the summary is made from) before they leave the ring.
//
// Invariants:
// - nothing is captured while `enabled` is false; `begin` returns undefined then;
// - the ring holds the last `capacity` finished requests, oldest dropped first, ids 1, 2, 3 ... in
//   the order they finished (each answer is recorded once, when it is handed to the connection);
// - no header but the User-Agent is read, so no Authorization, signature, access key or session
//   token can reach a record; request and answer bodies are what the client sent and was sent;
// - no body over `bodyBytes` is kept whole: its first `bodyBytes` bytes are kept, shown as text,
//   with requestTruncated / responseTruncated set;
// - finished requests are stored by column in ring.ts, no object of their own kept alive;
// - consumed capacity is what the engine charged during the request's synchronous run, whatever
//   ReturnConsumedCapacity said (the answer itself is untouched).
import { RECORDER_DEFAULTS, type RequestRecord } from '../../protocol/request-record';
import { summarizeRequest } from '../../protocol/request-summary';
import type { Consumption, CapacitySink } from '../../engine/capacity';
import { bodyText, type JsonBody } from '../../engine/results';
import type { Reply } from '../fast-lane';
import { lastWritten } from '../respond';
import { errorBody, fromEngineError, INTERNAL_SERVER_ERROR } from '../wire-errors';
import { ByteArena } from './arena';
import { BODIES, CHARGED, EXPLORER, RecordRing, REQUEST_IS_TEXT, REQUEST_TRUNCATED, RESPONSE_TRUNCATED, type Extra, type Finished } from './ring';

/** Bytes of recent request bodies kept (each at most the body cap): 8 MiB, about 25,000 requests of 300 bytes. */
export const REQUEST_ARENA_BYTES = 8 * 1024 * 1024;
/** Bytes of recent answers kept when bodies are recorded: 10,000 answers of 1.6 KB, or 1,000 cut at 16 KB. */
export const RESPONSE_ARENA_BYTES = 16 * 1024 * 1024;

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

export { statusOf } from './ring';

/** At most this much of the newest records is saved across a window reload (a few thousand with bodies). */
export const SAVED_BYTES = 16 * 1024 * 1024;

function isRecord(r: unknown): r is RequestRecord {
  if (typeof r !== 'object' || r === null) return false;
  const x = r as Partial<RequestRecord>;
  return (
    typeof x.id === 'number' && Number.isSafeInteger(x.id) && x.id > 0 &&
    typeof x.time === 'number' && typeof x.durationMs === 'number' && typeof x.operation === 'string' && typeof x.target === 'string' &&
    typeof x.summary === 'string' && typeof x.status === 'string' && typeof x.httpStatus === 'number' &&
    typeof x.requestBytes === 'number' && typeof x.responseBytes === 'number' && typeof x.client === 'object' && x.client !== null
  );
}

/** UTF-8 bytes of a body as it goes on the wire. */
function byteLengthOf(json: JsonBody): number {
  if (typeof json === 'string') return Buffer.byteLength(json, 'utf8');
  let n = 0;
  for (const piece of json) n += typeof piece === 'string' ? Buffer.byteLength(piece, 'utf8') : piece.length;
  return n;
}

/** A fresh copy of a string's first characters: a slice of a large string would keep all of it alive. */
function prefixCopy(text: string, length: number): string {
  return Buffer.from(text.slice(0, length), 'utf8').toString('utf8');
}


/**
 * One request from its body's arrival to its answer, then kept in the ring until built or dropped.
 * It is also the Reply the request is answered through (no wrapper object per request). Its
 * members are numbers and few: it is made for every request recorded; what is rare lives in `extra`.
 */
export class PendingRequest implements CapacitySink, Reply, Finished {
  /** Request bytes in the recorder's request arena (-1: none), and the answer's in its response arena. */
  requestAt = -1;
  requestLength = 0;
  responseAt = -1;
  responseLength = 0;
  httpStatus = 0;
  responseBytes = 0;
  read = 0;
  write = 0;
  count = -1;
  scanned = -1;
  /** EXPLORER | BODIES | REQUEST_IS_TEXT | ... (ring.ts) */
  flags: number;
  /** The parsed input of an in-process call, texts cut at the cap, per-index units: rare, so apart. */
  extra: Extra | undefined = undefined;
  private inner: Reply | undefined = undefined;

  constructor(
    private readonly recorder: RequestRecorder,
    /** performance.now() when its body had arrived */
    readonly started: number,
    /** X-Amz-Target as sent (interned): split into service and operation only when the record is built */
    readonly target: string | undefined,
    readonly requestBytes: number,
    readonly userAgent: string | undefined,
    flags: number,
  ) {
    this.flags = flags;
  }

  private get bodies(): boolean {
    return (this.flags & BODIES) !== 0;
  }

  /** The operation the target names ('' without one). */
  get operation(): string {
    const t = this.target ?? '';
    const dot = t.indexOf('.');
    return dot < 0 ? '' : t.slice(dot + 1);
  }

  /** The parsed request: kept by reference when its body is within the cap, else summarised now and cut. */
  parsed(input: unknown, body: Buffer | undefined): void {
    const cap = this.recorder.bodyBytes;
    if (this.requestBytes <= cap) {
      if (body === undefined) (this.extra ??= {}).input = input;
      else {
        this.requestAt = this.recorder.requestArena.put(body);
        this.requestLength = body.length;
      }
      return;
    }
    (this.extra ??= {}).summary = summarizeRequest(this.operation, input);
    if (this.bodies) {
      if (body !== undefined) this.storeText(body);
      else this.extra.requestText = prefixCopy(JSON.stringify(input), cap);
      this.flags |= REQUEST_TRUNCATED;
    }
  }

  /** A body that is not a JSON object: kept as text (cut to the cap) so the inspector shows what was sent. */
  unparsed(body: Buffer): void {
    if (!this.bodies) return;
    this.storeText(body);
    if (body.length > this.recorder.bodyBytes) this.flags |= REQUEST_TRUNCATED;
  }

  private storeText(body: Buffer): void {
    const cap = this.recorder.bodyBytes;
    this.requestAt = this.recorder.requestArena.put(body, cap);
    this.requestLength = Math.min(body.length, cap);
    this.flags |= REQUEST_IS_TEXT;
  }

  charged(kind: 'read' | 'write', units: number | Consumption): void {
    this.flags |= CHARGED;
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
        const entry = (((this.extra ??= {}).indexes ??= {})[name] ??= { read: 0, write: 0 });
        entry[kind] += u;
      }
    }
    if (kind === 'read') this.read += total;
    else this.write += total;
  }

  counted(count: number, scanned: number): void {
    this.count = (this.count < 0 ? 0 : this.count) + count;
    this.scanned = (this.scanned < 0 ? 0 : this.scanned) + scanned;
  }

  /** The answer, as it is handed to the connection. Records the request once. */
  finish(httpStatus: number, json: JsonBody, bytes?: number | void, written?: Buffer): void {
    if (this.httpStatus !== 0) return;
    const ended = performance.now();
    this.httpStatus = httpStatus;
    this.responseBytes = typeof bytes === 'number' ? bytes : byteLengthOf(json);
    const ok = httpStatus < 300;
    const cap = this.recorder.bodyBytes;
    // An error's text is small and needed for its status; an answer's only when bodies are kept.
    if (!ok) {
      if (this.responseBytes <= cap) (this.extra ??= {}).responseText = bodyText(json);
      else if (this.bodies) {
        (this.extra ??= {}).responseText = prefixCopy(bodyText(json), cap);
        this.flags |= RESPONSE_TRUNCATED;
      }
    } else if (this.bodies && this.responseBytes > 0) {
      const arena = this.recorder.responseArena;
      if (written !== undefined) {
        this.responseLength = Math.min(this.responseBytes, cap);
        this.responseAt = arena.putRange(written, 0, this.responseLength);
      } else if (typeof json === 'string') {
        const put = arena.putText(json, cap, this.responseBytes);
        if (put !== -1) [this.responseAt, this.responseLength] = put;
      } else {
        const text = Buffer.from(bodyText(json), 'utf8');
        this.responseAt = arena.put(text, cap);
        this.responseLength = Math.min(text.length, cap);
      }
      if (this.responseBytes > cap) this.flags |= RESPONSE_TRUNCATED;
    }
    this.recorder.add(this, ended);
  }

  /** This request as the Reply to answer it through: the answer goes to `reply` and is recorded. */
  through(reply: Reply): Reply {
    this.inner = reply;
    return this;
  }

  /**
   * Every answer to the request goes through here once `through` was called, so it is sent once
   * the connection's reply is let go (a record must not keep a connection alive).
   */
  get sent(): boolean {
    return this.inner === undefined;
  }

  send(status: number, contentType: string, json: JsonBody, cors: string | undefined): number | void {
    const inner = this.inner;
    if (inner === undefined) return;
    this.inner = undefined;
    lastWritten.body = undefined;
    const bytes = inner.send(status, contentType, json, cors);
    // The answer's bytes as just written, when they were (not when an outbox holds it for later).
    const body = lastWritten.body as Buffer | undefined; // set again by inner.send
    const written = body !== undefined && body.length === bytes ? body : undefined;
    this.finish(status, json, bytes, written);
    return bytes;
  }
}

export class RequestRecorder implements RequestLog {
  /** Made on the first record: a recorder that never records holds no columns. */
  private ring: RecordRing | undefined;
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
    this.ring = this.ring?.resized(max);
    this.max = max;
  }

  get size(): number {
    return this.ring?.size ?? 0;
  }

  /**
   * A request whose body has arrived (undefined while recording is off), with its target and
   * User-Agent headers: the only headers a record is made from.
   */
  begin(target: string | undefined, userAgent: string | undefined, requestBytes: number, explorer = false): PendingRequest | undefined {
    if (!this.enabled) return undefined;
    let agent = userAgent;
    // A client sends the same User-Agent every time: comparing with the last costs less than hashing.
    if (agent !== undefined) agent = agent === this.lastAgent ? this.lastAgent : (this.lastAgent = this.intern(agent));
    if (target !== undefined) target = target === this.lastTarget ? this.lastTarget : (this.lastTarget = this.intern(target));
    return new PendingRequest(this, performance.now(), target, requestBytes, agent, (explorer ? EXPLORER : 0) | (this.bodies ? BODIES : 0));
  }

  private clockOffset = 0;
  private clockAt = -Infinity;

  /**
   * Wall-clock milliseconds at `at`, a performance.now() reading, without asking the system clock
   * for every request: the offset between the two clocks is taken again once `now` (a recent
   * reading) is a second past the last time, which also follows a wall clock that was set or a
   * machine that slept. The offset is taken from two readings made together: `now` may be some
   * way back (the first answer recorded waits for the byte rings to be allocated).
   */
  private wallClock(at: number, now: number): number {
    if (now - this.clockAt >= 1000) {
      const monotonic = performance.now();
      this.clockOffset = Date.now() - monotonic;
      this.clockAt = monotonic;
    }
    return Math.round(this.clockOffset + at);
  }

  /** Targets and User-Agents seen, each kept once: a client sends the same few every time. */
  private readonly agents = new Map<string, string>();
  private lastAgent: string | undefined;
  private lastTarget: string | undefined;

  /**
   * One shared copy of a header value. The header's own string is a slice of the whole request
   * head (Authorization included): keeping it would keep the head alive for as long as the record.
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

  /** Called by a request when it is answered, at `ended` (performance.now()). */
  add(p: PendingRequest, ended: number): void {
    const ring = (this.ring ??= new RecordRing(this.max));
    const slot = ring.push(this.nextId++, p, this.wallClock(p.started, ended), ended - p.started);
    if (this.listeners.size === 0) return;
    const record = ring.record(slot, this.requestArena, this.responseArena);
    for (const listener of this.listeners) {
      try {
        listener(record);
      } catch {
        // one failing subscriber must not stop the others, or the request
      }
    }
  }

  /** The most recent records, newest first (at most `limit`). */
  recent(limit = Infinity): RequestRecord[] {
    const out: RequestRecord[] = [];
    const ring = this.ring;
    if (ring === undefined) return out;
    for (let k = 0; k < ring.size && out.length < limit; k++) out.push(ring.record(ring.newest(k), this.requestArena, this.responseArena));
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
    this.ring?.clear();
  }

  /**
   * The newest records as the text of a file (`{"version":1,"savedAt":ms,"records":[newest first]}`), at most
   * about `maxBytes` of it: what a window reload hands to the next recorder through `restore`.
   */
  saved(maxBytes = SAVED_BYTES): string {
    const parts: string[] = [];
    let bytes = 0;
    for (const r of this.recent(this.max)) {
      const text = JSON.stringify(r);
      bytes += text.length + 1;
      if (bytes > maxBytes) break;
      parts.push(text);
    }
    return `{"version":1,"savedAt":${Date.now()},"records":[${parts.join(',')}]}`;
  }

  /**
   * Brings back records `saved` wrote (newest first), older than anything recorded since: they
   * keep their ids, and ids go on from the largest. Anything that is not such a record is skipped;
   * so is a file saved more than `maxAgeMs` ago (a reload brings records back, a new day does not).
   */
  restore(text: string, maxAgeMs = Infinity): number {
    let records: unknown;
    try {
      const file = JSON.parse(text) as { version?: unknown; savedAt?: unknown; records?: unknown };
      if (file.version !== 1 || typeof file.savedAt !== 'number' || !(Date.now() - file.savedAt <= maxAgeMs)) return 0;
      records = file.records;
    } catch {
      return 0;
    }
    if (!Array.isArray(records)) return 0;
    const valid = records.filter(isRecord).slice(0, this.max);
    // Oldest first, and before what is already here: the ring is rebuilt in that order.
    const current = this.recent(this.max).reverse();
    const all = [...valid.reverse(), ...current].slice(-this.max);
    const ring = new RecordRing(this.max);
    let next = 1;
    for (const r of all) {
      // Ids must grow from oldest to newest: records made before the restore are numbered on.
      if (r.id < next) r.id = next;
      next = r.id + 1;
      ring.pushBuilt(r);
    }
    this.ring = ring;
    this.nextId = Math.max(this.nextId, next);
    return valid.length;
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
