// The DynamoDB JSON protocol (awsJson1_0) over HTTP/1.1 on node:http.
//
//   POST /  X-Amz-Target: DynamoDB_20120810.<Op> | DynamoDBStreams_20120810.<Op>
//           Content-Type: application/x-amz-json-1.0 (also 1.1 and application/json)
//   GET  *  health check, answered like DynamoDB's endpoint
//
// The listener is a net.Server: the usual request (POST with a Content-Length over HTTP/1.1) is
// read and answered by the fast lane (fast-lane.ts) without node:http; any other request hands
// its connection to a node:http server, which serves it from then on. Both feed the same
// dispatch below, which answers through a Reply.
//
// Before any request runs, on both paths: the access policy (access.ts: Host and Origin), then
// the optional `authorize` hook (where a signature verifier plugs in), then the body must be
// UTF-8 JSON. Framing errors close the connection; slow or memory-hungry clients are cut off
// (limits.ts gives the defaults).
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { isUtf8 } from 'node:buffer';
import { gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { AccessPolicy } from './access';
import { BodyBudget } from './budget';
import { FastLane, TIMED_OUT, type Reply } from './fast-lane';
import { hasQueryAuth, Media, RequestHeaders, RESPONSE_CONTENT_TYPE, type Compression } from './headers';
import {
  BODY_TIMEOUT_MS,
  DEFAULT_REGION,
  DISCARD_TIMEOUT_MS,
  HEADER_TIMEOUT_MS,
  KEEP_ALIVE_TIMEOUT_MS,
  MAX_CONNECTIONS,
  MAX_PENDING_BODY_BYTES,
  MAX_REQUEST_BYTES,
} from './limits';
import type { JsonBody } from '../engine/results';
import type { CapacityTap, PendingRequest, RequestRecorder } from './inspector/recorder';
import { sendError, sendHealth, sendJson, sendNotFound, sendPreflight } from './respond';
import { routeOf, type Route } from './targets';
import {
  BAD_CONTENT_LENGTH,
  errorBody,
  fromEngineError,
  INTERNAL_SERVER_ERROR,
  MISSING_AUTHENTICATION_TOKEN,
  OVERLOADED,
  BODY_TIMED_OUT,
  REQUEST_TOO_LARGE,
  SERIALIZATION,
  SERIALIZATION_LIST,
  SERIALIZATION_SCALAR,
  SERIALIZATION_UTF8,
  UNKNOWN_OPERATION,
  type WireError,
} from './wire-errors';

/** Anything that executes operations given as (name, JSON-shaped input): the engine's Database. */
export interface Executor {
  execute(operation: string, input: unknown): Promise<unknown>;
  /** When present, resolves to the result's JSON text directly (the engine writes items from their encoding). */
  executeJson?(operation: string, input: unknown): Promise<string>;
  /** When present, as executeJson but the text may come in pieces (JsonBody), preferred over executeJson. */
  executeBody?(operation: string, input: unknown): Promise<JsonBody>;
}

/** The engine as the server sees it. `streams` serves DynamoDBStreams_20120810 when present. */
export interface Engine extends Executor {
  readonly streams?: Executor;
  /** Where the engine reports the units each request is charged (the request recorder reads them). */
  readonly capacity?: CapacityTap;
}

export interface ServerOptions {
  db: Engine;
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Default 8000; 0 picks a free port. */
  port?: number;
  /** Region named by the health check. Default us-east-1. */
  region?: string;
  /** Largest accepted request body. Default 16 MiB, as DynamoDB. */
  maxRequestBytes?: number;
  /** Called with unexpected (non-DynamoDB) errors; they are answered with 500 InternalServerError. Default: stderr. */
  onInternalError?: (err: unknown, operation: string | undefined) => void;
  /**
   * Write the answers that the engine produced during one event-loop turn together, after the
   * turn's I/O (setImmediate), rather than each at once. Under concurrent load this answers many
   * connections per turn instead of one, for markedly fewer turns and less CPU per request; the
   * added latency is one hop to the same turn's check phase. Default true.
   */
  batchResponses?: boolean;
  /** Host names accepted besides localhost, 127.0.0.1, [::1] and the bound address (always with the served port). */
  allowedHosts?: readonly string[];
  /** Origins (e.g. http://localhost:5173) whose web pages may call the endpoint. Default none: requests with any Origin get 403. */
  allowedOrigins?: readonly string[];
  /** The whole request head must arrive within this many ms of its first byte. Default 10 s. */
  headerTimeoutMs?: number;
  /** The whole body must arrive within this many ms after its head. Default 30 s. */
  bodyTimeoutMs?: number;
  /** Connections open at once; more are closed as they arrive. Default 1,000. */
  maxConnections?: number;
  /** Bytes held by partially received requests across all connections. Default 64 MiB. */
  maxPendingBodyBytes?: number;
  /**
   * Called for every request that passed the access policy and names an operation, before it runs:
   * the hook for a request signature verifier (SigV4). Returns the error to answer, or undefined
   * to let the request run, or a promise of either. Default: none (any credentials are accepted).
   */
  authorize?: (request: AuthorizeRequest) => WireError | undefined | Promise<WireError | undefined>;
  /** false: node:http serves every connection (tests compare the two paths). Default true. */
  fastLane?: boolean;
  /** Keeps the recent requests for the request inspector (src/server/inspector); none by default. */
  recorder?: RequestRecorder;
}

/** What an authorizer sees of a request. */
export interface AuthorizeRequest {
  readonly method: string;
  /** The request target, path and query as sent. */
  readonly url: string;
  /** Parsed protocol headers; `headers.raw` has every header, name then value. */
  readonly headers: RequestHeaders;
  /** The body as sent, before a Content-Encoding is undone: what a signature covers. */
  readonly body: Buffer;
}

export interface RunningServer {
  /** A URL that reaches the endpoint from this machine, e.g. http://127.0.0.1:8000 (loopback when bound to a wildcard). */
  readonly url: string;
  /** The address as bound, e.g. http://0.0.0.0:8000 (equal to `url` unless bound to a wildcard). */
  readonly bindUrl: string;
  readonly host: string;
  readonly port: number;
  readonly server: Server;
  /** Bytes now held by partially received requests (bounded by maxPendingBodyBytes). */
  readonly pendingBodyBytes: number;
  /** Stops accepting, lets in-flight requests finish (at most `graceMs`), closes every connection. */
  close(graceMs?: number): Promise<void>;
}

/**
 * A compressed request body, inflated up to `maxBytes` (past it zlib throws ERR_BUFFER_TOO_LARGE).
 * "deflate" is zlib-wrapped per HTTP, but some clients send the raw stream: a valid zlib header
 * (RFC 1950: method 8, header checksum a multiple of 31) tells which.
 */
function decompress(compression: Compression, body: Buffer, maxBytes: number): Buffer {
  const options = { maxOutputLength: maxBytes };
  if (compression === 'gzip') return gunzipSync(body, options);
  const zlibWrapped = body.length >= 2 && (body[0]! & 0x0f) === 8 && ((body[0]! << 8) | body[1]!) % 31 === 0;
  return zlibWrapped ? inflateSync(body, options) : inflateRawSync(body, options);
}

/** Operations whose successful answer has an empty body in DynamoDB. */
const EMPTY_BODY_OPERATIONS = new Set(['TagResource', 'UntagResource']);

function defaultInternalError(err: unknown, operation: string | undefined): void {
  process.stderr.write(`dynamo-workspace: internal error${operation ? ` in ${operation}` : ''}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function noop(): void {}

/** Connections whose current request was answered before its body was read (413): no second answer. */
const answeredEarly = new WeakSet<Socket>();

const BAD_REQUEST_RESPONSE = 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n';

/** Answers queued during one event-loop turn, written together in its check phase. */
class Outbox {
  constructor(private readonly onError: (err: unknown) => void) {}

  private replies: Reply[] = [];
  private status: number[] = [];
  private contentType: string[] = [];
  private json: JsonBody[] = [];
  private cors: Array<string | undefined> = [];
  private scheduled = false;
  private readonly flushBound = (): void => this.flush();

  push(reply: Reply, status: number, contentType: string, json: JsonBody, cors: string | undefined): void {
    this.replies.push(reply);
    this.status.push(status);
    this.contentType.push(contentType);
    this.json.push(json);
    this.cors.push(cors);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushBound);
    }
  }

  private flush(): void {
    const { replies, status, contentType, json, cors } = this;
    this.replies = [];
    this.status = [];
    this.contentType = [];
    this.json = [];
    this.cors = [];
    this.scheduled = false;
    for (let i = 0; i < replies.length; i++) {
      try {
        replies[i]!.send(status[i]!, contentType[i]!, json[i]!, cors[i]!);
      } catch (err) {
        try {
          this.onError(err);
        } catch {
          // keep flushing the others
        }
      }
    }
  }
}

/** A node:http response as a Reply. */
function httpReply(res: ServerResponse, isClosing: () => boolean): Reply {
  return {
    get sent() {
      return res.headersSent;
    },
    send(status, contentType, json, cors) {
      return sendJson(res, status, contentType, json, cors, isClosing());
    },
  };
}

interface Handlers {
  /** node:http's request listener. */
  http(req: IncomingMessage, res: ServerResponse): void;
  /** A complete request read by the fast lane. */
  request(h: RequestHeaders, url: string, body: Buffer, reply: Reply, port: number): void;
  budget: BodyBudget;
  /** A request the fast lane refused after reading its head (408, 503): recorded. */
  refused(h: RequestHeaders, err: WireError): void;
}

/** Creates the request listener; exported so tests can mount it on their own server. */
export function createHandler(options: ServerOptions, isClosing: () => boolean = () => false): (req: IncomingMessage, res: ServerResponse) => void {
  return createHandlers(options, isClosing).http;
}

function createHandlers(options: ServerOptions, isClosing: () => boolean): Handlers {
  const db = options.db;
  const region = options.region ?? DEFAULT_REGION;
  const maxBytes = options.maxRequestBytes ?? MAX_REQUEST_BYTES;
  const onInternalError = options.onInternalError ?? defaultInternalError;
  const outbox = options.batchResponses === false ? undefined : new Outbox((err) => onInternalError(err, undefined));
  const access = new AccessPolicy({ host: options.host ?? '127.0.0.1', allowedHosts: options.allowedHosts, allowedOrigins: options.allowedOrigins });
  const authorize = options.authorize;
  const budget = new BodyBudget(options.maxPendingBodyBytes ?? MAX_PENDING_BODY_BYTES);
  const bodyTimeoutMs = options.bodyTimeoutMs ?? BODY_TIMEOUT_MS;
  const recorder = options.recorder;

  function answer(reply: Reply, status: number, contentType: string, json: JsonBody, cors: string | undefined): void {
    if (outbox) outbox.push(reply, status, contentType, json, cors);
    else reply.send(status, contentType, json, cors);
  }

  /** A request refused before it reached dispatch (node:http's path): recorded with its answer. */
  function recordRefused(h: RequestHeaders, err: WireError, requestBytes: number): void {
    if (recorder !== undefined && recorder.enabled) recorder.begin(h.target, h.userAgent, requestBytes)?.finish(err.status, errorBody(err));
  }

  function answerError(reply: Reply, err: WireError, contentType: string, cors: string | undefined): void {
    reply.send(err.status, contentType, errorBody(err), cors);
  }

  function fail(reply: Reply, err: unknown, operation: string, contentType: string, cors: string | undefined): void {
    let wire = fromEngineError(err);
    if (wire === undefined) {
      try {
        onInternalError(err, operation);
      } catch {
        // a failing logger must not take the server down
      }
      wire = INTERNAL_SERVER_ERROR;
    }
    if (reply.sent) return;
    answer(reply, wire.status, contentType, errorBody(wire), cors);
  }

  /** Runs a complete request that passed the access policy; `cors` is the origin to grant, if any. */
  function dispatch(h: RequestHeaders, url: string, body: Buffer, reply: Reply, sentBody: Buffer, rec: PendingRequest | undefined): void {
    const contentType = RESPONSE_CONTENT_TYPE[h.media]!;
    const cors = h.origin;
    let input: unknown;
    if (body.length === 0) {
      input = {};
    } else {
      // JSON.parse would read invalid bytes as U+FFFD and store them; DynamoDB refuses the request.
      if (!isUtf8(body)) {
        rec?.unparsed(body);
        answerError(reply, SERIALIZATION_UTF8, contentType, cors);
        return;
      }
      try {
        input = JSON.parse(body.toString('utf8'));
      } catch {
        rec?.unparsed(body);
        answerError(reply, SERIALIZATION, contentType, cors);
        return;
      }
      if (typeof input !== 'object' || input === null) {
        rec?.unparsed(body);
        answerError(reply, SERIALIZATION_SCALAR, contentType, cors);
        return;
      }
      if (Array.isArray(input)) {
        rec?.unparsed(body);
        answerError(reply, SERIALIZATION_LIST, contentType, cors);
        return;
      }
    }
    if (rec !== undefined) rec.parsed(input, body);
    const route = routeOf(h.target);
    if (route === undefined) {
      answerError(reply, UNKNOWN_OPERATION, contentType, cors);
      return;
    }
    if (!h.authorized && !hasQueryAuth(url)) {
      answerError(reply, MISSING_AUTHENTICATION_TOKEN, contentType, cors);
      return;
    }
    if (authorize !== undefined) {
      const verdict = authorize({ method: 'POST', url, headers: h, body: sentBody });
      if (verdict instanceof Promise) {
        // A verifier may compute asynchronously (the AWS SDK's signer does): run once it has decided.
        verdict.then(
          (refused) => {
            if (refused !== undefined) answerError(reply, refused, contentType, cors);
            else execute(route, input, reply, contentType, cors, rec);
          },
          (err: unknown) => fail(reply, err, route.operation, contentType, cors),
        );
        return;
      }
      if (verdict !== undefined) {
        answerError(reply, verdict, contentType, cors);
        return;
      }
    }
    execute(route, input, reply, contentType, cors, rec);
  }

  /** Runs an operation that passed every check and answers with its result. */
  function execute(route: Route, input: unknown, reply: Reply, contentType: string, cors: string | undefined, rec: PendingRequest | undefined): void {
    const executor = route.service === 'dynamodb' ? db : db.streams;
    if (executor === undefined) {
      answerError(reply, UNKNOWN_OPERATION, contentType, cors);
      return;
    }
    const operation = route.operation;
    let pending: Promise<unknown>;
    const asBody = executor.executeBody !== undefined;
    const asText = asBody || executor.executeJson !== undefined;
    // The engine charges capacity during the operation's synchronous run: the recorder listens only then.
    const tap = rec !== undefined && executor === db ? db.capacity : undefined;
    if (tap !== undefined) tap.sink = rec;
    try {
      pending = asBody ? executor.executeBody!(operation, input) : asText ? executor.executeJson!(operation, input) : executor.execute(operation, input);
    } catch (err) {
      fail(reply, err, operation, contentType, cors);
      return;
    } finally {
      if (tap !== undefined) tap.sink = undefined;
    }
    pending.then(
      (result) => {
        let json: JsonBody;
        try {
          json = result === undefined || EMPTY_BODY_OPERATIONS.has(operation) ? '' : asText ? (result as JsonBody) : JSON.stringify(result);
        } catch (err) {
          fail(reply, err, operation, contentType, cors);
          return;
        }
        answer(reply, 200, contentType, json, cors);
      },
      (err: unknown) => fail(reply, err, operation, contentType, cors),
    );
  }

  /** Answers 413 at once, then reads and discards the rest of the upload (bounded in time) so the
   *  client gets to read the answer instead of a connection reset. */
  function tooLarge(req: IncomingMessage, res: ServerResponse, h: RequestHeaders, err: WireError): void {
    recordRefused(h, err, Math.max(0, h.contentLength));
    sendError(res, err, RESPONSE_CONTENT_TYPE[h.media]!, h.origin, isClosing());
    answeredEarly.add(req.socket);
    req.once('end', () => answeredEarly.delete(req.socket));
    req.removeAllListeners('data');
    req.on('data', noop);
    req.resume();
    if (!req.complete) {
      const timer = setTimeout(() => req.socket.destroy(), DISCARD_TIMEOUT_MS);
      timer.unref();
      const clear = (): void => clearTimeout(timer);
      req.once('end', clear);
      req.once('close', clear);
    }
  }

  /** node:http's own deadline runs from the first byte of the head; this one gives the body its own. */
  function bodyDeadline(req: IncomingMessage, res: ServerResponse, h: RequestHeaders): void {
    const timer = setTimeout(() => {
      if (req.complete) return;
      if (!res.headersSent) {
        recordRefused(h, BODY_TIMED_OUT, Math.max(0, h.contentLength));
        answeredEarly.add(req.socket);
        res.writeHead(408, { 'Content-Length': '0', Connection: 'close' });
        res.end();
      }
      req.socket.destroySoon();
    }, bodyTimeoutMs);
    timer.unref();
    const clear = (): void => clearTimeout(timer);
    req.once('end', clear);
    req.once('close', clear);
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const reply = httpReply(res, isClosing);
    try {
      const h = new RequestHeaders(req.rawHeaders);
      const contentType = RESPONSE_CONTENT_TYPE[h.media]!;
      if (h.badLength) {
        // node:http framed the body by a length the protocol refuses: nothing after it can be trusted.
        sendError(res, BAD_CONTENT_LENGTH, contentType, undefined, true);
        return;
      }
      const refused = access.check(h, req.socket.localPort ?? 0);
      if (refused !== undefined) {
        if (req.method === 'POST') recordRefused(h, refused, Math.max(0, h.contentLength));
        sendError(res, refused, contentType, undefined, isClosing());
        return;
      }
      const cors = h.origin;
      const method = req.method;
      if (method !== 'POST') {
        if (method === 'GET') sendHealth(res, region, cors, isClosing());
        else if (method === 'OPTIONS' && cors !== undefined) sendPreflight(res, cors, h.corsRequestHeaders, h.corsRequestMethod);
        else sendNotFound(res, cors, isClosing());
        return;
      }
      if (h.bodyNotJson) {
        sendNotFound(res, cors, isClosing());
        return;
      }
      if (h.contentLength > maxBytes) {
        tooLarge(req, res, h, REQUEST_TOO_LARGE);
        return;
      }
      let first: Buffer | undefined;
      let rest: Buffer[] | undefined;
      let size = 0;
      let rejected = false;
      const giveBack = (): void => {
        budget.give(size);
        size = 0;
      };
      req.once('close', giveBack);
      if (!req.complete) bodyDeadline(req, res, h);
      req.on('data', (chunk: Buffer) => {
        if (rejected) return;
        if (!budget.take(chunk.length)) {
          rejected = true;
          first = undefined;
          rest = undefined;
          giveBack();
          recordRefused(h, OVERLOADED, Math.max(0, h.contentLength));
          sendError(res, OVERLOADED, contentType, cors, true);
          req.socket.destroySoon();
          return;
        }
        size += chunk.length;
        if (size > maxBytes) {
          rejected = true;
          first = undefined;
          rest = undefined;
          giveBack();
          tooLarge(req, res, h, REQUEST_TOO_LARGE);
          return;
        }
        if (first === undefined) first = chunk;
        else if (rest === undefined) rest = [first, chunk];
        else rest.push(chunk);
      });
      req.on('end', () => {
        if (rejected) return;
        const sent = rest !== undefined ? Buffer.concat(rest, size) : (first ?? Buffer.alloc(0));
        let body = sent;
        giveBack();
        if (h.compression !== undefined && body.length > 0) {
          try {
            body = decompress(h.compression, body, maxBytes);
          } catch (err) {
            const tooBig = (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
            recordRefused(h, tooBig ? REQUEST_TOO_LARGE : SERIALIZATION, sent.length);
            sendError(res, tooBig ? REQUEST_TOO_LARGE : SERIALIZATION, contentType, cors, isClosing());
            return;
          }
        }
        request(h, req.url ?? '/', body, reply, sent);
      });
    } catch (err) {
      fail(reply, err, '', RESPONSE_CONTENT_TYPE[Media.AmzJson10]!, undefined);
    }
  }

  function request(h: RequestHeaders, url: string, body: Buffer, reply: Reply, sentBody: Buffer = body): void {
    const rec = recorder !== undefined && recorder.enabled ? recorder.begin(h.target, h.userAgent, body.length) : undefined;
    if (rec !== undefined) reply = rec.through(reply);
    try {
      dispatch(h, url, body, reply, sentBody, rec);
    } catch (err) {
      fail(reply, err, h.target ?? '', RESPONSE_CONTENT_TYPE[h.media]!, h.origin);
    }
  }

  /** A request read by the fast lane; node:http's path checks access in `handle`. */
  function fastRequest(h: RequestHeaders, url: string, body: Buffer, reply: Reply, port: number): void {
    const refused = access.check(h, port);
    if (refused !== undefined) {
      const rec = recorder !== undefined && recorder.enabled ? recorder.begin(h.target, h.userAgent, body.length) : undefined;
      answerError(rec !== undefined ? rec.through(reply) : reply, refused, RESPONSE_CONTENT_TYPE[h.media]!, undefined);
      return;
    }
    request(h, url, body, reply);
  }

  return { http: handle, request: fastRequest, budget, refused: (h: RequestHeaders, err: WireError) => recordRefused(h, err, Math.max(0, h.contentLength)) };
}

/** Starts serving `db` over HTTP. Resolves once listening. */
export function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  let closing = false;
  const isClosing = (): boolean => closing;
  const handlers = createHandlers(options, isClosing);
  // node:http serves only the connections the fast lane hands over; it never listens itself.
  const headerTimeoutMs = options.headerTimeoutMs ?? HEADER_TIMEOUT_MS;
  const bodyTimeoutMs = options.bodyTimeoutMs ?? BODY_TIMEOUT_MS;
  // node:http enforces its deadlines on a periodic sweep: a fraction of the shorter one keeps them close.
  const connectionsCheckingInterval = Math.max(50, Math.min(1_000, Math.floor(Math.min(headerTimeoutMs, bodyTimeoutMs) / 4)));
  const http = createHttpServer({ noDelay: true, keepAlive: true, connectionsCheckingInterval }, handlers.http);
  http.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  http.headersTimeout = headerTimeoutMs;
  http.requestTimeout = headerTimeoutMs + bodyTimeoutMs;
  http.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // Malformed HTTP, a deadline passed, or a peer gone mid-request: nothing more is read from the
    // connection; after the answers to earlier requests it gets 400 (408 at a deadline) and is
    // closed, unless an answer to the broken request is already under way. Never throws.
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.pause();
    const last = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? TIMED_OUT : BAD_REQUEST_RESPONSE;
    lane.afterAnswers(socket, () => {
      if (!socket.writable) socket.destroy();
      else if (answeredEarly.has(socket)) socket.end();
      else socket.end(last);
    });
  });
  const lane = new FastLane({
    http,
    maxRequestBytes: options.maxRequestBytes ?? MAX_REQUEST_BYTES,
    isClosing,
    headerTimeoutMs,
    bodyTimeoutMs,
    budget: handlers.budget,
    request: handlers.request,
    refused: handlers.refused,
    direct: options.fastLane === false,
  });
  const server = createNetServer({ noDelay: true }, lane.accept);
  // Beyond the cap the listener closes new connections as they arrive.
  server.maxConnections = options.maxConnections ?? MAX_CONNECTIONS;

  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(options.port ?? 8000, host, () => {
      server.off('error', onError);
      // node:http never listens itself (the fast lane hands it connections), so its deadline sweep is started here.
      http.emit('listening');
      server.on('error', (err) => process.stderr.write(`dynamo-workspace: server error: ${err.message}\n`));
      const port = (server.address() as AddressInfo).port;
      let closed: Promise<void> | undefined;
      resolve({
        url: `http://${urlHost(host)}:${port}`,
        bindUrl: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
        host,
        port,
        server,
        get pendingBodyBytes() {
          return handlers.budget.held;
        },
        close(graceMs = 5_000): Promise<void> {
          if (closed) return closed;
          closing = true;
          closed = new Promise<void>((done) => {
            const timer = setTimeout(() => {
              lane.destroyAll();
              http.closeAllConnections();
            }, graceMs);
            timer.unref();
            // The listener's callback runs once every connection, handed over or not, has closed.
            server.close(() => {
              clearTimeout(timer);
              // Stops node:http's deadline sweep (it reports "not running", having never listened).
              http.close(noop);
              done();
            });
            lane.shutDown();
            http.closeIdleConnections();
          });
          return closed;
        },
      });
    });
  });
}
