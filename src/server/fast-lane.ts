// The common request served without node:http's machinery. Every AWS SDK sends a DynamoDB call
// as a POST with a Content-Length over a kept-alive HTTP/1.1 connection; such requests are
// parsed straight off the socket and answered with one write of head and body together. Per
// request node:http builds an IncomingMessage and a ServerResponse, runs both through its stream
// machinery and formats the head header by header: about half of the server's CPU per GetItem.
//
// Anything else (a GET health check, an OPTIONS preflight, a chunked or compressed body,
// Expect: 100-continue, HTTP/1.0, an oversized body or a head this parser does not accept) hands
// the connection to the node:http server for the rest of its life, with the bytes already read
// put back, so every unusual case keeps node:http's behaviour. That includes every framing
// question: a head with a bare CR or LF, a control byte, a header name that is not a token, a
// Content-Length that is not plain digits within the size limit, or two of them, goes to
// node:http whole, and node:http refuses it with 400 and closes the connection. So both paths
// always agree on where a request ends (test/server/framing.test.ts checks this on random bytes).
//
// Slow clients: a request's head must arrive within headerTimeoutMs of its first byte and its body
// within bodyTimeoutMs of the end of the head (408, then close), and bytes held for incomplete
// requests count against a budget shared with node:http's path (503, then close). The timer is
// armed only while a request is incomplete, so the usual single-packet request costs nothing.
import { STATUS_CODES, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { crc32 } from 'node:zlib';
import type { JsonBody } from '../engine/results';
import type { BodyBudget } from './budget';
import { Media, RequestHeaders, RESPONSE_CONTENT_TYPE } from './headers';
import { KEEP_ALIVE_TIMEOUT_MS } from './limits';
import { nextRequestId } from './request-id';
import { corsGrant, lastWritten } from './respond';
import { BODY_TIMED_OUT, errorBody, OVERLOADED, type WireError } from './wire-errors';

/** Where one answer goes: a node:http response, or a slot of a fast-lane connection. */
export interface Reply {
  readonly sent: boolean;
  /**
   * `cors` is the origin to grant (Access-Control-Allow-Origin), if any. Returns the body's length
   * in bytes when it was written (the request recorder reads it rather than measuring the text again).
   */
  send(status: number, contentType: string, json: JsonBody, cors: string | undefined): number | void;
}

export interface FastLaneOptions {
  /** Takes connections this lane hands over. */
  http: HttpServer;
  maxRequestBytes: number;
  isClosing(): boolean;
  headerTimeoutMs: number;
  bodyTimeoutMs: number;
  budget: BodyBudget;
  /** Hand every connection to node:http at once (tests compare the two paths). */
  direct?: boolean;
  /** A request refused after its head was read (408 at the body's deadline, 503 over the budget): for the request recorder. */
  refused?(h: RequestHeaders, err: WireError): void;
  /** A complete request: headers, request target, body, and the local port it came in on. */
  request(h: RequestHeaders, url: string, body: Buffer, reply: Reply, port: number): void;
}

/** What node:http says on a connection it keeps open (clients read the timeout from it). */
const KEEP_ALIVE = `Connection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(KEEP_ALIVE_TIMEOUT_MS / 1000)}\r\n`;

/** Node's default limit on the size of a request head. */
const MAX_HEAD_BYTES = 16 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');

/** The answer to a head or body that is too slow, on either path (node:http's sends it at its deadlines too). */
export const TIMED_OUT = Buffer.from('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', 'latin1');

/**
 * The only heads this lane reads itself: `POST <target> HTTP/1.1`, then lines `<token>:<value>`,
 * each after a CRLF; no control byte but tab in a value, no bare CR or LF, no space in a name (so
 * no obsolete line folding). One anchored pass, cheaper than checking the parts one by one; any
 * other head goes to node:http, which decides (and refuses what is malformed).
 */
const HEAD = /^POST [!-~]+ HTTP\/1\.1(?:\r\n[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[\t\x20-\x7e\x80-\xff]*)*$/;

/** The CORS grant to an allowed origin, as head lines. */
function corsHeaders(origin: string): string {
  const pairs = corsGrant(origin);
  let out = '';
  for (let i = 0; i < pairs.length; i += 2) out += `${pairs[i]}: ${pairs[i + 1]}\r\n`;
  return out;
}
let dateSecond = -1;
let dateText = '';
/** The Date header, formatted once a second. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

/** Slack after the body's UTF-16 length: whether a piece fit is then told by a write that stopped short of the end. */
const BODY_SLACK = 8;

/**
 * The body's UTF-8 bytes at `room` of a buffer with room before them for the head. The text is
 * written once, piece by piece, into a buffer of its UTF-16 length plus a little (enough for
 * ASCII, which almost every answer is): measuring it first with Buffer.byteLength was a second
 * pass over up to a megabyte. When a piece has more bytes than that leaves room for, the rest is
 * measured exactly and written into a buffer of the exact length.
 */
function bodyBuffer(body: JsonBody, room: number): { out: Buffer; bodyLength: number } {
  const pieces = typeof body === 'string' ? [body] : body;
  let units = 0;
  for (let i = 0; i < pieces.length; i++) units += pieces[i].length;
  if (units === 0) return { out: Buffer.allocUnsafe(room), bodyLength: 0 };
  let out = Buffer.allocUnsafe(room + units + BODY_SLACK);
  let pos = room;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i];
    const capacity = out.length - pos;
    if (typeof piece !== 'string') {
      // Bytes (a GetRecords page) were counted at their exact length: they fit unless text before them took more bytes than units.
      if (piece.length <= capacity) {
        out.set(piece, pos);
        pos += piece.length;
        continue;
      }
    } else {
      const written = out.utf8Write(piece, pos);
      // Every character takes at most 4 bytes: a write that left more room than that wrote all of them.
      if (written < capacity - 3) {
        pos += written;
        continue;
      }
    }
    let rest = 0;
    for (let k = i; k < pieces.length; k++) rest += Buffer.byteLength(pieces[k], 'utf8');
    const exact = Buffer.allocUnsafe(pos + rest);
    out.copy(exact, 0, 0, pos);
    out = exact;
    for (let k = i; k < pieces.length; k++) {
      const p = pieces[k];
      pos += typeof p === 'string' ? out.utf8Write(p, pos) : p.copy(out, pos);
    }
    break;
  }
  return { out, bodyLength: pos - room };
}

/** Head and body in one buffer, the CRC32 computed over the body bytes where they lie. */
export function responseBytes(status: number, contentType: string, json: JsonBody, cors: string | undefined, close: boolean): Buffer {
  const start =
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\nx-amzn-RequestId: ${nextRequestId()}\r\nContent-Type: ${contentType}\r\n` +
    `Content-Length: `;
  const end = `\r\nDate: ${httpDate()}\r\n${cors !== undefined ? corsHeaders(cors) : ''}${close ? 'Connection: close\r\n' : KEEP_ALIVE}x-amz-crc32: `;
  // The body is written first, after room for the longest possible head, checksummed in place,
  // and the head of the actual lengths is then written right before it, so the body (up to a
  // megabyte of GetRecords or Scan) is never moved.
  const room = start.length + end.length + 2 * 10 + 4; // two lengths of up to 10 digits, then CRLF CRLF
  const { out, bodyLength } = bodyBuffer(json, room);
  const body = out.subarray(room, room + bodyLength);
  lastWritten.body = body;
  const head = start + bodyLength + end + crc32(body) + '\r\n\r\n';
  const headStart = room - head.length;
  out.latin1Write(head, headStart);
  return out.subarray(headStart, room + bodyLength);
}

interface Head {
  h: RequestHeaders;
  url: string;
  /** Offset of the body in the buffer. */
  bodyStart: number;
  close: boolean;
}

/**
 * The request head that ends at `end` (the offset of CRLFCRLF), if it is one this lane serves;
 * undefined hands the connection to node:http.
 */
function parseHead(buf: Buffer, end: number, maxBytes: number): Head | undefined {
  const text = buf.latin1Slice(0, end);
  if (!HEAD.test(text)) return undefined;
  const lineEnd = text.indexOf('\r\n');
  const requestLine = lineEnd < 0 ? text : text.slice(0, lineEnd);
  const url = requestLine.slice(5, requestLine.length - 9);
  const raw: string[] = [];
  let close = false;
  let lengths = 0;
  for (let at = lineEnd < 0 ? text.length : lineEnd + 2; at < text.length; ) {
    let next = text.indexOf('\r\n', at);
    if (next < 0) next = text.length;
    // HEAD guarantees a token name and a colon on every line.
    const colon = text.indexOf(':', at);
    const name = text.slice(at, colon);
    const value = text.slice(colon + 1, next).trim();
    switch (name.length) {
      case 6:
        if (name.toLowerCase() === 'expect') return undefined;
        break;
      case 7:
        if (name.toLowerCase() === 'upgrade') return undefined;
        break;
      case 10:
        if (name.toLowerCase() === 'connection' && /(^|,)\s*close\s*(,|$)/i.test(value)) close = true;
        break;
      case 14:
        if (name.toLowerCase() === 'content-length') {
          // Not plain digits, or more than the limit: node:http answers (400, or 413 for a length it can frame).
          if (!/^\d+$/.test(value) || value.length > 15 || Number(value) > maxBytes) return undefined;
          lengths++;
        }
        break;
    }
    raw.push(name, value);
    at = next + 2;
  }
  const h = new RequestHeaders(raw);
  if (lengths > 1 || h.chunked || h.compression !== undefined || h.badLength) return undefined;
  if (h.bodyNotJson) return undefined;
  return { h, url, bodyStart: end + 4, close };
}

/** Whether an LF not preceded by CR occurs at or after `from`. */
function hasBareLf(buf: Buffer, from: number): boolean {
  for (let at = buf.indexOf(10, from); at >= 0; at = buf.indexOf(10, at + 1)) if (at === 0 || buf[at - 1] !== 13) return true;
  return false;
}

/** Whether a fully read request is still unanswered (one cut off by a framing error never will be). */
function awaitsAnswer(requests: Set<IncomingMessage>): boolean {
  for (const req of requests) if (req.complete) return true;
  return false;
}

/** One connection served by the fast lane until it closes or is handed over. */
class Connection {
  /** Bytes read and not yet consumed, as received (joined only when needed). */
  private chunks: Buffer[] = [];
  private size = 0;
  /** Where the search for the end of the head resumes. */
  private scanned = 0;
  /** A head whose body has not fully arrived. */
  private head: Head | undefined;
  /** Answers in request order; undefined until ready. */
  private slots: Array<Buffer | undefined> = [];
  private first = 0;
  /** The client asked to close, or the server is closing: no more requests are read. */
  private ending = false;
  private handOffPending = false;
  private done = false;
  /** Bytes of `size` reserved in the shared budget. */
  private charged = 0;
  /** Armed while a request is incomplete: for its head, then for its body. */
  private deadline: NodeJS.Timeout | undefined;
  private deadlineForBody = false;
  private readonly port: number;

  constructor(
    private readonly socket: Socket,
    private readonly lane: FastLaneOptions,
    private readonly release: (c: Connection) => void,
    private readonly handedOver: (s: Socket) => void,
  ) {
    this.port = socket.localPort ?? 0;
    socket.setNoDelay(true);
    socket.setTimeout(KEEP_ALIVE_TIMEOUT_MS);
    socket.on('data', this.onData);
    socket.on('timeout', this.onTimeout);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  /** No request in progress: safe to close when the server shuts down. */
  get idle(): boolean {
    return this.size === 0 && this.first === this.slots.length;
  }

  /** The server is closing: idle connections end now, busy ones after their answers. */
  shutDown(): void {
    this.ending = true;
    if (this.idle) this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.ending || this.done) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    this.parse();
  };

  /** Brings the budget and the deadline in line with what is held after parsing. */
  private account(): void {
    const { budget } = this.lane;
    if (this.size > this.charged) {
      if (!budget.take(this.size - this.charged)) {
        if (this.head !== undefined) this.lane.refused?.(this.head.h, OVERLOADED);
        this.refuse(responseBytes(OVERLOADED.status, RESPONSE_CONTENT_TYPE[Media.AmzJson10]!, errorBody(OVERLOADED), undefined, true));
        return;
      }
    } else {
      budget.give(this.charged - this.size);
    }
    this.charged = this.size;
    if (this.size === 0) {
      this.clearDeadline();
      return;
    }
    const forBody = this.head !== undefined;
    if (this.deadline !== undefined && this.deadlineForBody === forBody) return;
    this.clearDeadline();
    this.deadlineForBody = forBody;
    this.deadline = setTimeout(this.onDeadline, forBody ? this.lane.bodyTimeoutMs : this.lane.headerTimeoutMs);
    this.deadline.unref();
  }

  private clearDeadline(): void {
    if (this.deadline !== undefined) {
      clearTimeout(this.deadline);
      this.deadline = undefined;
    }
  }

  private readonly onDeadline = (): void => {
    this.deadline = undefined;
    if (this.head !== undefined) this.lane.refused?.(this.head.h, BODY_TIMED_OUT);
    this.refuse(TIMED_OUT);
  };

  /** Ends the connection with `answer` once earlier answers are out (or at once, dropping them). */
  private refuse(answer: Buffer): void {
    this.ending = true;
    this.chunks = [];
    this.size = 0;
    this.head = undefined;
    this.lane.budget.give(this.charged);
    this.charged = 0;
    this.clearDeadline();
    if (this.first === this.slots.length) this.socket.end(answer);
    else this.socket.destroy();
  }

  private readonly onTimeout = (): void => {
    // Idle keep-alive connections and heads that never complete are dropped, as node:http does.
    if (this.first === this.slots.length) this.socket.destroy();
  };

  private readonly onError = (): void => {
    this.socket.destroy();
  };

  private readonly onClose = (): void => {
    this.done = true;
    this.clearDeadline();
    this.lane.budget.give(this.charged);
    this.charged = 0;
    this.release(this);
  };

  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.size)];
    return this.chunks[0]!;
  }

  private parse(): void {
    this.parseRequests();
    if (this.size !== this.charged && !this.done && !this.handOffPending) this.account();
  }

  private parseRequests(): void {
    while (this.size > 0 && !this.ending && !this.handOffPending) {
      let head = this.head;
      if (head === undefined) {
        const buf = this.joined();
        const end = buf.indexOf(HEAD_END, Math.max(0, this.scanned - 3));
        if (end < 0) {
          // A head with bare LFs never shows CRLFCRLF: node:http refuses it now rather than at the deadline.
          if (buf.length > MAX_HEAD_BYTES || hasBareLf(buf, this.scanned)) this.handOff();
          else this.scanned = buf.length;
          return;
        }
        head = parseHead(buf, end, this.lane.maxRequestBytes);
        if (head === undefined) {
          this.handOff();
          return;
        }
        this.head = head;
      }
      const total = head.bodyStart + Math.max(0, head.h.contentLength);
      if (this.size < total) return;
      const buf = this.joined();
      const body = buf.subarray(head.bodyStart, total);
      if (total === buf.length) this.chunks = [];
      else this.chunks = [buf.subarray(total)];
      this.size -= total;
      this.scanned = 0;
      this.head = undefined;
      // A request completed: any bytes after it start a new one, with deadlines of its own.
      if (this.deadline !== undefined) this.clearDeadline();
      if (head.close) this.ending = true;
      const slot = this.slots.length;
      this.slots.push(undefined);
      this.lane.request(head.h, head.url, body, this.replyFor(slot), this.port);
    }
  }

  private replyFor(slot: number): Reply {
    let sent = false;
    return {
      get sent() {
        return sent;
      },
      send: (status, contentType, json, cors) => {
        if (sent) return;
        sent = true;
        this.answer(slot, responseBytes(status, contentType, json, cors, this.ending || this.lane.isClosing()));
        return lastWritten.body!.length;
      },
    };
  }

  /** Answers leave in request order, whatever order the engine finishes them in. */
  private answer(slot: number, bytes: Buffer): void {
    if (this.done) return;
    this.slots[slot] = bytes;
    while (this.first < this.slots.length && this.slots[this.first] !== undefined) {
      const out = this.slots[this.first]!;
      this.slots[this.first++] = undefined;
      this.socket.write(out);
    }
    if (this.first === this.slots.length) {
      this.slots = [];
      this.first = 0;
      if (this.ending || this.lane.isClosing()) this.socket.end();
      else if (this.handOffPending) this.handOff();
      else if (this.size > 0) this.parse();
    }
  }

  /** Gives the connection, and the bytes read but not served, to node:http. */
  private handOff(): void {
    if (this.first < this.slots.length) {
      // Earlier requests are still being answered here: node:http takes over after them.
      this.handOffPending = true;
      this.socket.pause();
      return;
    }
    this.done = true;
    const socket = this.socket;
    socket.pause();
    socket.off('data', this.onData);
    socket.off('timeout', this.onTimeout);
    socket.off('error', this.onError);
    socket.off('close', this.onClose);
    socket.setTimeout(0);
    this.clearDeadline();
    this.lane.budget.give(this.charged);
    this.charged = 0;
    this.release(this);
    if (this.size > 0) socket.unshift(this.joined());
    this.chunks = [];
    this.size = 0;
    this.handedOver(socket);
    this.lane.http.emit('connection', socket);
    socket.resume();
  }
}

/**
 * Serves connections of a net.Server; tracks them, and those handed to node:http (which tracks
 * only connections it accepted itself), so that closing the server can end the idle ones.
 */
export class FastLane {
  private readonly connections = new Set<Connection>();
  /** Connections node:http serves, with their unanswered requests. */
  private readonly handedOver = new Map<Socket, Set<IncomingMessage>>();
  /** What to do on a handed-over connection once its unanswered requests are answered. */
  private readonly whenAnswered = new Map<Socket, () => void>();
  private closing = false;

  constructor(private readonly options: FastLaneOptions) {
    options.http.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const socket = req.socket;
      const active = this.handedOver.get(socket);
      if (active === undefined) return;
      active.add(req);
      res.once('close', () => {
        active.delete(req);
        const then = this.whenAnswered.get(socket);
        if (then !== undefined) {
          if (!awaitsAnswer(active)) {
            this.whenAnswered.delete(socket);
            then();
          }
        } else if (active.size === 0 && this.closing) socket.end();
      });
    });
  }

  /**
   * Runs `then` once every request node:http has read on `socket` is answered, so that a last
   * word on the connection (400 for a framing error, 408 at a deadline) comes after the answers
   * to the requests before it, in order, as on the fast lane.
   */
  afterAnswers(socket: Socket, then: () => void): void {
    const active = this.handedOver.get(socket);
    if (active === undefined || !awaitsAnswer(active)) then();
    else this.whenAnswered.set(socket, then);
  }

  readonly accept = (socket: Socket): void => {
    if (this.options.direct) {
      this.track(socket);
      this.options.http.emit('connection', socket);
      return;
    }
    this.connections.add(new Connection(socket, this.options, (c) => this.connections.delete(c), (s) => this.track(s)));
  };

  /** Counts `socket` among the connections node:http serves, until it closes. */
  private track(socket: Socket): void {
    this.handedOver.set(socket, new Set());
    socket.once('close', () => {
      this.handedOver.delete(socket);
      this.whenAnswered.delete(socket);
    });
  }

  /** Ends idle connections now and the others once their answers are out. */
  shutDown(): void {
    this.closing = true;
    for (const c of this.connections) c.shutDown();
    for (const [socket, active] of this.handedOver) if (active.size === 0) socket.end();
  }

  destroyAll(): void {
    for (const c of this.connections) c.destroy();
    for (const socket of this.handedOver.keys()) socket.destroy();
  }
}
