// ClientRequestToken idempotency for TransactWriteItems, per database, for 10 minutes after the
// first request: the same token with the same request answers what the first answered, writing
// nothing again; with another request, IdempotentParameterMismatchException. A request whose
// first attempt is committed but not yet acknowledged by the log waits for that acknowledgement
// (and fails as it failed, if the log refused it). Only committed transactions are remembered:
// a cancelled or refused one may be sent again with its token and runs again.
//
// "The same request" is the request without ReturnConsumedCapacity and ReturnItemCollectionMetrics,
// which DynamoDB lets a retry change (a retry asking for capacity is told the read units of
// checking the items, not the write units of the first attempt); it is kept as a SHA-256 of the
// request's JSON.
//
// Durability, whatever happens to the process (crash, clean close, checkpoint):
// - a transaction's log record carries its token (`logged`): `<token> <sha-256>`, and when the
//   first answer has more than ConsumedCapacity (ItemCollectionMetrics), a NUL and that answer as
//   JSON (JSON never holds a raw NUL, so the last NUL separates it whatever the token holds);
// - replaying the log at open restores the tokens of records less than 10 minutes old (`recovered`);
// - records a checkpoint covers are not replayed, so the checkpoint keeps the unexpired tokens
//   (`checkpointed`, in the manifest: src/engine/log/FORMAT.md "Request tokens"), restored the
//   same way before replay.
// A retry after any of these is answered as the first attempt was (its ItemCollectionMetrics, and
// ConsumedCapacity computed for the retry), not applied twice.
import { createHash } from 'node:crypto';
import { DynamoDBError } from '../errors';

export const IDEMPOTENCY_WINDOW_MS = 10 * 60 * 1000;

interface Entry {
  fingerprint: string;
  /** When the first attempt committed. */
  time: number;
  expires: number;
  /** The first attempt's answer, without ConsumedCapacity. */
  result: Record<string, unknown>;
  /** Settles when the first attempt is acknowledged (resolves) or refused by the log (rejects). */
  acknowledged: Promise<unknown> | undefined;
}

export type Remembered =
  | { kind: 'replay'; result: Record<string, unknown> }
  | { kind: 'wait'; acknowledged: Promise<unknown>; result: Record<string, unknown> };

const IGNORED = new Set(['ReturnConsumedCapacity', 'ReturnItemCollectionMetrics']);

/** The request's identity for the token (member order of the JSON as sent). */
export function fingerprint(input: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(input, (k, v) => (IGNORED.has(k) ? undefined : v))).digest('hex');
}

/**
 * What a transaction's log record carries for its token: `<token> <sha-256>` (tokens are 1 to 36
 * characters of anything, spaces too: the hash goes after them), then, if the answer holds
 * anything, NUL and the answer's JSON.
 */
export function logged(token: string, print: string, result: Record<string, unknown> = {}): string {
  const head = `${token} ${print}`;
  return Object.keys(result).length === 0 ? head : `${head}\u0000${JSON.stringify(result)}`;
}

const PRINT = /^[0-9a-f]{64}$/;

/** `logged`'s text taken apart; undefined if it is not one. Records before answers were logged carry no NUL part. */
export function parseLogged(text: string): { token: string; print: string; result: Record<string, unknown> } | undefined {
  const nul = text.lastIndexOf('\u0000');
  if (nul >= 0) {
    const head = splitHead(text.slice(0, nul));
    const result = answerOf(text.slice(nul + 1));
    // A NUL inside a token of an answerless record: the text is all head.
    if (head !== undefined && result !== undefined) return { ...head, result };
  }
  const head = splitHead(text);
  return head && { ...head, result: {} };
}

function splitHead(head: string): { token: string; print: string } | undefined {
  const at = head.lastIndexOf(' ');
  if (at < 1 || !PRINT.test(head.slice(at + 1))) return undefined;
  return { token: head.slice(0, at), print: head.slice(at + 1) };
}

function answerOf(json: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(json);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export class IdempotencyTokens {
  private readonly entries = new Map<string, Entry>();

  /** What a request with `token` should answer, or undefined if it runs as a new request. */
  lookup(token: string, print: string, now: number): Remembered | undefined {
    this.expire(now);
    const e = this.entries.get(token);
    if (e === undefined) return undefined;
    if (e.fingerprint !== print) {
      throw new DynamoDBError('IdempotentParameterMismatchException', 'The request uses the same client token as a previous, but non-identical request.');
    }
    return e.acknowledged === undefined ? { kind: 'replay', result: e.result } : { kind: 'wait', acknowledged: e.acknowledged, result: e.result };
  }

  /** A transaction with `token` committed at `now`; `acknowledged` is its commit's promise. */
  remember(token: string, print: string, now: number, result: Record<string, unknown>, acknowledged: Promise<unknown> | undefined): void {
    const entry: Entry = { fingerprint: print, time: now, expires: now + IDEMPOTENCY_WINDOW_MS, result, acknowledged };
    this.entries.delete(token);
    this.entries.set(token, entry);
    acknowledged?.then(
      () => (entry.acknowledged = undefined),
      () => {
        if (this.entries.get(token) === entry) this.entries.delete(token);
      },
    );
  }

  /** A replayed log record's token (`logged`), or a checkpoint's, committed at `time`. */
  recovered(record: string, time: number, now: number): void {
    const parsed = parseLogged(record);
    if (parsed === undefined || time + IDEMPOTENCY_WINDOW_MS <= now) return;
    // Entries stay in the order they were made (expiry relies on it): an older one does not go after a newer.
    const current = this.entries.get(parsed.token);
    if (current !== undefined && current.time >= time) return;
    this.remember(parsed.token, parsed.print, time, parsed.result, undefined);
  }

  /** The tokens a checkpoint keeps: every unexpired one, as its log record carried it. */
  checkpointed(now: number): { text: string; time: number }[] {
    this.expire(now);
    return [...this.entries].map(([token, e]) => ({ text: logged(token, e.fingerprint, e.result), time: e.time }));
  }

  private expire(now: number): void {
    // Entries are kept in the order they were made, so expiry times increase: stop at the first live one.
    for (const [token, e] of this.entries) {
      if (e.expires > now) break;
      this.entries.delete(token);
    }
  }
}

const perDatabase = new WeakMap<object, IdempotencyTokens>();

/** The tokens of one database. */
export function tokensOf(db: object): IdempotencyTokens {
  let t = perDatabase.get(db);
  if (t === undefined) perDatabase.set(db, (t = new IdempotencyTokens()));
  return t;
}
