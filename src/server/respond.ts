// Writing responses: the body is encoded once, its CRC32 computed on those bytes, and head and
// body leave in a single res.end().
import type { ServerResponse } from 'node:http';
import { bodyText, type JsonBody } from '../engine/results';
import { crc32 } from 'node:zlib';
import { nextRequestId } from './request-id';
import { errorBody, type WireError } from './wire-errors';

const EMPTY = Buffer.alloc(0);

/**
 * The body bytes of the answer written last (by either path), valid right after the write: the
 * request recorder copies them from here rather than encoding the text a second time. `body` is
 * undefined until an answer is written; a reader clears it first to know the write was its own.
 */
export const lastWritten: { body: Buffer | undefined } = { body: undefined };

/** CORS headers for an origin the access policy allows; the SDK reads the request id and checksum. */
export function corsGrant(origin: string): string[] {
  return ['Access-Control-Allow-Origin', origin, 'Vary', 'Origin', 'Access-Control-Expose-Headers', 'x-amzn-RequestId, x-amz-crc32'];
}

export function send(res: ServerResponse, status: number, contentType: string, body: Buffer, cors: string | undefined, close: boolean): void {
  const headers = [
    'x-amzn-RequestId',
    nextRequestId(),
    'Content-Type',
    contentType,
    'Content-Length',
    String(body.length),
    'x-amz-crc32',
    String(crc32(body)),
  ];
  if (cors !== undefined) headers.push(...corsGrant(cors));
  if (close) headers.push('Connection', 'close');
  res.writeHead(status, headers);
  res.end(body);
}

/** Returns the body's length in bytes. */
export function sendJson(res: ServerResponse, status: number, contentType: string, json: JsonBody, cors: string | undefined, close: boolean): number {
  const text = bodyText(json);
  const body = text.length === 0 ? EMPTY : Buffer.from(text, 'utf8');
  send(res, status, contentType, body, cors, close);
  lastWritten.body = body;
  return body.length;
}

export function sendError(res: ServerResponse, err: WireError, contentType: string, cors: string | undefined, close: boolean): void {
  sendJson(res, err.status, contentType, errorBody(err), cors, close);
}

/** DynamoDB's answer to a method, path or media type it does not serve. */
const NOT_FOUND_BODY = Buffer.from('<UnknownOperationException/>\n');
export function sendNotFound(res: ServerResponse, cors: string | undefined, close: boolean): void {
  send(res, 404, 'application/x-amz-json-1.0', NOT_FOUND_BODY, cors, close);
}

const healthBodies = new Map<string, Buffer>();
/** GET answers like DynamoDB's endpoint: `healthy: dynamodb.<region>.amazonaws.com ` (trailing space included). */
export function sendHealth(res: ServerResponse, region: string, cors: string | undefined, close: boolean): void {
  let body = healthBodies.get(region);
  if (body === undefined) {
    body = Buffer.from(`healthy: dynamodb.${region}.amazonaws.com `);
    healthBodies.set(region, body);
  }
  send(res, 200, 'text/plain', body, cors, close);
}

/** A CORS preflight (OPTIONS) from an allowed origin: granted as asked, cached for two days. */
export function sendPreflight(res: ServerResponse, origin: string, requestHeaders: string | undefined, requestMethod: string | undefined): void {
  const headers = [
    'x-amzn-RequestId',
    nextRequestId(),
    ...corsGrant(origin),
    'Access-Control-Max-Age',
    '172800',
    'Content-Length',
    '0',
  ];
  if (requestHeaders !== undefined) headers.push('Access-Control-Allow-Headers', requestHeaders);
  if (requestMethod !== undefined) headers.push('Access-Control-Allow-Methods', requestMethod);
  res.writeHead(200, headers);
  res.end();
}
