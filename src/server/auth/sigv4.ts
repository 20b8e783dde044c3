// Signature Version 4 verification for the endpoint's `authorize` hook.
//
// The expected signature is computed by the AWS SDK's own signer (@smithy/signature-v4) over the
// request as received: the client's signed headers only, its query, its body, the signing date,
// region and service it named. Nothing here implements the signing algorithm; this file only
// takes the request apart the way the signer needs it and maps failures to DynamoDB's errors.
//
// Invariants:
// - With verification on, no request runs unless its signature matches a known key's secret.
// - The signing date must lie within SKEW_MINUTES of the endpoint's clock (both directions);
//   a presigned request is also refused after its X-Amz-Expires.
// - The body counts: a declared X-Amz-Content-Sha256 must be the body's hash.
// - Signatures are compared in constant time.
import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AuthorizeRequest } from '../server';
import type { WireError } from '../wire-errors';
import {
  incompleteSignature,
  presignExpired,
  SIGNATURE_MISMATCH,
  signatureExpired,
  signatureNotYetCurrent,
  UNRECOGNIZED_CLIENT,
} from './errors';

/** How far a signing date may be from the endpoint's clock, as DynamoDB allows. */
export const SKEW_MINUTES = 5;
const SKEW_MS = SKEW_MINUTES * 60_000;
const ALGORITHM = 'AWS4-HMAC-SHA256';

export interface SigV4Options {
  /** Access key id -> secret access key. */
  keys: ReadonlyMap<string, string>;
  /** The endpoint's clock, in ms since the epoch (tests move it). Default Date.now. */
  now?: () => number;
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** node:crypto's SHA-256 and HMAC-SHA-256 in the shape the signer takes (an HMAC when given a secret). */
class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = NodeSha256.start(secret);
  }
  private static start(secret: SourceData | undefined): Hash | Hmac {
    return secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: Uint8Array | string): void {
    this.hash.update(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = NodeSha256.start(this.secret);
  }
}

/** 20240102T030405Z -> ms since the epoch, or undefined when not that exact shape. */
function parseAmzDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (m === null) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return Number.isNaN(ms) ? undefined : ms;
}

function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function decode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

type Query = Record<string, string | string[]>;

/** The query string as the signer takes it: decoded names and values, repeated names as lists. */
function parseQuery(search: string): Query | undefined {
  const query: Query = Object.create(null) as Query;
  if (search === '') return query;
  for (const pair of search.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = decode(eq < 0 ? '' : pair.slice(eq + 1));
    if (name === undefined || value === undefined) return undefined;
    const seen = query[name];
    if (seen === undefined) query[name] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else query[name] = [seen, value];
  }
  return query;
}

/** Lower-cased header name -> value; repeated headers joined with commas, as SigV4 canonicalises them. */
function headerMap(raw: readonly string[]): Map<string, string> {
  const headers = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const seen = headers.get(name);
    headers.set(name, seen === undefined ? raw[i + 1]! : `${seen},${raw[i + 1]!}`);
  }
  return headers;
}

/** What a request claims about its signature, from either form. */
interface Claim {
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  /** The signing date, ms since the epoch, and as written. */
  date: number;
  dateText: string;
  /** Presigned form only: seconds the URL stays valid. */
  expiresIn?: number;
}

/** Credential=AKID/20240102/us-east-1/dynamodb/aws4_request */
function parseCredential(value: string, where: string): Omit<Claim, 'signedHeaders' | 'signature' | 'date' | 'dateText'> | WireError {
  const parts = value.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || parts.some((p) => p === '')) {
    return incompleteSignature(`${where} Credential is malformed: expected <access key id>/<YYYYMMDD>/<region>/<service>/aws4_request, got '${value}'.`);
  }
  return { accessKeyId: parts[0]!, scopeDate: parts[1]!, region: parts[2]!, service: parts[3]! };
}

function fromHeader(authorization: string, headers: Map<string, string>): Claim | WireError {
  const space = authorization.indexOf(' ');
  const algorithm = space < 0 ? authorization : authorization.slice(0, space);
  if (algorithm !== ALGORITHM) {
    return incompleteSignature(`Unsupported authorization algorithm '${algorithm}': the endpoint verifies ${ALGORITHM} (Signature Version 4) only.`);
  }
  const params = new Map<string, string>();
  for (const part of authorization.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((name) => !params.get(name));
  if (missing.length > 0) {
    return incompleteSignature(missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' ') + ` Authorization=${authorization}`);
  }
  const credential = parseCredential(params.get('Credential')!, 'Authorization header');
  if ('wireType' in credential) return credential;
  const dateText = headers.get('x-amz-date') ?? headers.get('date');
  if (dateText === undefined) {
    return incompleteSignature("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  const date = parseAmzDate(dateText) ?? (headers.has('x-amz-date') ? undefined : Date.parse(dateText));
  if (date === undefined || Number.isNaN(date)) {
    return incompleteSignature(`Date must be in ISO-8601 'basic format' (YYYYMMDD'T'HHMMSS'Z'), got '${dateText}'.`);
  }
  return {
    ...credential,
    signedHeaders: params.get('SignedHeaders')!.split(';'),
    signature: params.get('Signature')!,
    date,
    dateText,
  };
}

/** The query parameters a presigned request carries for its own authentication. */
const PRESIGN_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'];

function fromQuery(query: Query): Claim | WireError {
  const value = (name: string): string | undefined => {
    const v = query[name];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const algorithm = value('X-Amz-Algorithm');
  if (algorithm !== ALGORITHM) {
    return incompleteSignature(`Unsupported X-Amz-Algorithm '${algorithm ?? ''}': the endpoint verifies ${ALGORITHM} (Signature Version 4) only.`);
  }
  const missing = PRESIGN_PARAMS.filter((name) => value(name) === undefined);
  if (missing.length > 0) return incompleteSignature(missing.map((name) => `AWS query-string parameters must include '${name}'.`).join(' '));
  const credential = parseCredential(value('X-Amz-Credential')!, 'X-Amz-Credential:');
  if ('wireType' in credential) return credential;
  const dateText = value('X-Amz-Date')!;
  const date = parseAmzDate(dateText);
  if (date === undefined) return incompleteSignature(`X-Amz-Date must be in ISO-8601 'basic format' (YYYYMMDD'T'HHMMSS'Z'), got '${dateText}'.`);
  const expiresText = value('X-Amz-Expires')!;
  if (!/^\d{1,6}$/.test(expiresText) || Number(expiresText) > 604_800) {
    return incompleteSignature(`X-Amz-Expires must be a whole number of seconds from 0 to 604800, got '${expiresText}'.`);
  }
  return {
    ...credential,
    signedHeaders: value('X-Amz-SignedHeaders')!.split(';'),
    signature: value('X-Amz-Signature')!,
    date,
    dateText,
    expiresIn: Number(expiresText),
  };
}

function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Checks the signing date against the endpoint's clock; undefined when within bounds. */
function checkTime(claim: Claim, now: number): WireError | undefined {
  const nowText = formatAmzDate(now);
  if (claim.expiresIn !== undefined) {
    if (claim.date > now + SKEW_MS) return signatureNotYetCurrent(claim.dateText, formatAmzDate(now + SKEW_MS), nowText, SKEW_MINUTES);
    const expiry = claim.date + claim.expiresIn * 1000;
    if (now > expiry) return presignExpired(formatAmzDate(expiry), nowText);
    return undefined;
  }
  if (claim.date < now - SKEW_MS) return signatureExpired(formatAmzDate(claim.date), formatAmzDate(now - SKEW_MS), nowText, SKEW_MINUTES);
  if (claim.date > now + SKEW_MS) return signatureNotYetCurrent(formatAmzDate(claim.date), formatAmzDate(now + SKEW_MS), nowText, SKEW_MINUTES);
  return undefined;
}

/**
 * An `authorize` hook that accepts only requests signed (SigV4, header or presigned form) with
 * one of `keys`. Requests with no Authorization header and no X-Amz-Algorithm query parameter
 * never reach it (the server answers MissingAuthenticationTokenException first).
 */
export function sigV4Authorizer(options: SigV4Options): (request: AuthorizeRequest) => Promise<WireError | undefined> {
  const keys = options.keys;
  const now = options.now ?? Date.now;
  return async (request) => {
    const q = request.url.indexOf('?');
    const path = q < 0 ? request.url : request.url.slice(0, q);
    const query = parseQuery(q < 0 ? '' : request.url.slice(q + 1));
    if (query === undefined) return incompleteSignature('The query string is not valid percent-encoded text.');
    const headers = headerMap(request.headers.raw);
    const authorization = headers.get('authorization');
    const presigned = authorization === undefined || authorization === '';
    const claim = presigned ? fromQuery(query) : fromHeader(authorization, headers);
    if ('wireType' in claim) return claim;

    const secret = keys.get(claim.accessKeyId);
    if (secret === undefined) return UNRECOGNIZED_CLIENT;
    const late = checkTime(claim, now());
    if (late !== undefined) return late;

    // The signer trusts a declared payload hash (X-Amz-Content-Sha256, which the SDK sends) instead
    // of hashing the body: check the declaration against the body that will run.
    const declaredHash = headers.get('x-amz-content-sha256');
    if (declaredHash !== undefined && !sameSignature(createHash('sha256').update(request.body).digest('hex'), declaredHash.toLowerCase())) {
      return SIGNATURE_MISMATCH;
    }
    // The signer sees only what the client signed: its signed headers and, in the presigned form,
    // the query without the parameters the signer adds back itself.
    const signed = new Set(claim.signedHeaders.map((name) => name.toLowerCase()));
    const signedHeaders: Record<string, string> = {};
    for (const name of signed) {
      const value = headers.get(name);
      if (value !== undefined) signedHeaders[name] = value;
    }
    if (presigned) for (const name of PRESIGN_PARAMS) delete query[name];
    const decodedPath = decode(path) ?? path;
    const signer = new SignatureV4({
      credentials: { accessKeyId: claim.accessKeyId, secretAccessKey: secret },
      region: claim.region,
      service: claim.service,
      sha256: NodeSha256,
      applyChecksum: false,
    });
    const toSign = {
      method: request.method,
      protocol: 'http:',
      hostname: headers.get('host') ?? '',
      path: decodedPath,
      query,
      headers: signedHeaders,
      body: request.body,
    };
    const signingDate = new Date(claim.date);
    let expected: string | undefined;
    try {
      if (presigned) {
        const result = await signer.presign(toSign, {
          signingDate,
          expiresIn: claim.expiresIn,
          signableHeaders: signed,
          unhoistableHeaders: signed,
          signingRegion: claim.region,
          signingService: claim.service,
        });
        const value = result.query?.['X-Amz-Signature'];
        expected = typeof value === 'string' ? value : undefined;
      } else {
        const result = await signer.sign(toSign, {
          signingDate,
          signableHeaders: signed,
          // A client that signed Date instead of X-Amz-Date: the signer must not add X-Amz-Date to the canonical headers.
          unsignableHeaders: signed.has('x-amz-date') ? undefined : new Set(['x-amz-date']),
          signingRegion: claim.region,
          signingService: claim.service,
        });
        const value = result.headers['authorization'] ?? result.headers['Authorization'];
        expected = value === undefined ? undefined : /Signature=([0-9a-f]+)/.exec(value)?.[1];
      }
    } catch {
      expected = undefined;
    }
    if (expected === undefined || claim.scopeDate !== formatAmzDate(claim.date).slice(0, 8) || !sameSignature(expected, claim.signature)) {
      return SIGNATURE_MISMATCH;
    }
    return undefined;
  };
}
