// A lean HTTP/1.1 load generator on raw sockets: N keep-alive connections, one request in flight
// on each, requests pre-encoded as bytes, responses parsed just enough to find their end.
// It costs far less CPU per request than node:http's client, so the server is what gets measured.
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { summarize, type LatencySummary } from './stats';

export interface RawRequestSpec {
  target: string;
  body: string | Buffer;
  host?: string;
  /** Extra header lines, without CRLF. */
  headers?: string[];
}

/** A signed-looking request: the server accepts any SigV4 Authorization header without verifying it. */
export const FAKE_AUTHORIZATION =
  'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0000000000000000000000000000000000000000000000000000000000000000';

export function encodeRequest(spec: RawRequestSpec): Buffer {
  const body = typeof spec.body === 'string' ? Buffer.from(spec.body) : spec.body;
  const lines = [
    'POST / HTTP/1.1',
    `Host: ${spec.host ?? 'localhost'}`,
    'Content-Type: application/x-amz-json-1.0',
    `X-Amz-Target: ${spec.target}`,
    'X-Amz-Date: 20240101T000000Z',
    `Authorization: ${FAKE_AUTHORIZATION}`,
    `Content-Length: ${body.length}`,
    ...(spec.headers ?? []),
  ];
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), body]);
}

export interface LoadOptions {
  host: string;
  port: number;
  /** Connections, each with one request in flight. */
  connections: number;
  /** Pre-encoded requests, sent round-robin. */
  requests: Buffer[];
  /** Measured window. */
  durationMs: number;
  /** Unmeasured lead-in. */
  warmupMs: number;
  /** Stop after this many measured requests even if the window is not over. */
  maxRequests?: number;
  /** Called for each answer inside the measured window (bench/inspector.ts counts them per slice). */
  onAnswer?: () => void;
}

export interface LoadResult extends LatencySummary {
  /** Requests completed inside the measured window. */
  ops: number;
  /** Requests completed in all, warm-up included. */
  total: number;
  seconds: number;
  opsPerSec: number;
  /** Non-2xx answers inside the window. */
  errors: number;
  /** The first non-2xx body seen, for diagnosis. */
  firstError?: string;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = Buffer.from('\r\nContent-Length: ');
const CONTENT_LENGTH_LC = Buffer.from('\r\ncontent-length: ');

/** Parses one response at the start of buf: its total length and status, or undefined if incomplete. */
function parseResponse(buf: Buffer): { length: number; status: number } | undefined {
  const end = buf.indexOf(HEADER_END);
  if (end < 0) return undefined;
  let at = buf.indexOf(CONTENT_LENGTH);
  if (at < 0 || at > end) at = buf.indexOf(CONTENT_LENGTH_LC);
  if (at < 0 || at > end) throw new Error('response without Content-Length');
  let i = at + CONTENT_LENGTH.length;
  let len = 0;
  for (let c = buf[i]!; c >= 48 && c <= 57; c = buf[++i]!) len = len * 10 + (c - 48);
  const total = end + 4 + len;
  if (buf.length < total) return undefined;
  const status = (buf[9]! - 48) * 100 + (buf[10]! - 48) * 10 + (buf[11]! - 48);
  return { length: total, status };
}

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { host, port, connections, requests, durationMs, warmupMs } = options;
  const maxRequests = options.maxRequests ?? Number.POSITIVE_INFINITY;
  const onAnswer = options.onAnswer;
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  const measureFrom = t0 + warmupMs;
  const measureTo = measureFrom + durationMs;
  let stopped = false;
  let lastCompletion = measureFrom;
  let total = 0;

  return new Promise((resolve, reject) => {
    const sockets: Socket[] = [];
    let open = connections;

    function finish(): void {
      const seconds = (Math.min(lastCompletion, measureTo) - measureFrom) / 1000;
      resolve({
        ops: latencies.length,
        total,
        seconds,
        opsPerSec: latencies.length / seconds,
        errors,
        ...(firstError !== undefined ? { firstError } : {}),
        ...summarize(latencies),
      });
    }

    for (let c = 0; c < connections; c++) {
      const socket = connect({ host, port, noDelay: true });
      sockets.push(socket);
      let pending: Buffer | undefined;
      let sentAt = 0;
      const sendNext = (): void => {
        const now = performance.now();
        if (now >= measureTo || latencies.length >= maxRequests) {
          stopped = true;
          socket.end();
          return;
        }
        const req = requests[next++ % requests.length]!;
        sentAt = now;
        socket.write(req);
      };
      socket.on('connect', sendNext);
      socket.on('data', (chunk: Buffer) => {
        pending = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
        for (;;) {
          const r = parseResponse(pending);
          if (r === undefined) return;
          const now = performance.now();
          total++;
          if (now >= measureFrom && now < measureTo) {
            latencies.push(now - sentAt);
            lastCompletion = now;
            onAnswer?.();
            if (r.status >= 300) {
              errors++;
              if (firstError === undefined) firstError = `${r.status} ${pending.subarray(0, r.length).toString('latin1').split('\r\n\r\n')[1]}`;
            }
          }
          pending = pending.length === r.length ? undefined : pending.subarray(r.length);
          sendNext();
          if (pending === undefined || stopped) return;
        }
      });
      socket.on('error', (err) => {
        for (const s of sockets) s.destroy();
        reject(err);
      });
      socket.on('close', () => {
        if (--open === 0) finish();
      });
    }
  });
}

/** Sends every request once over `connections` connections; resolves with the non-2xx bodies. */
export function sendAll(host: string, port: number, connections: number, requests: Buffer[]): Promise<string[]> {
  const failures: string[] = [];
  let next = 0;
  return new Promise((resolve, reject) => {
    let open = Math.min(connections, requests.length);
    if (open === 0) resolve(failures);
    for (let c = 0, n = open; c < n; c++) {
      const socket = connect({ host, port, noDelay: true });
      let pending: Buffer | undefined;
      const sendNext = (): void => {
        if (next >= requests.length) socket.end();
        else socket.write(requests[next++]!);
      };
      socket.on('connect', sendNext);
      socket.on('data', (chunk: Buffer) => {
        pending = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
        for (;;) {
          const r = parseResponse(pending);
          if (r === undefined) return;
          if (r.status >= 300) failures.push(`${r.status} ${pending.subarray(0, r.length).toString('latin1').split('\r\n\r\n')[1]}`);
          pending = pending.length === r.length ? undefined : pending.subarray(r.length);
          sendNext();
          if (pending === undefined) return;
        }
      });
      socket.on('error', reject);
      socket.on('close', () => {
        if (--open === 0) resolve(failures);
      });
    }
  });
}
