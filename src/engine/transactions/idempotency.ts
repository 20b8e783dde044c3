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
// Durability: a transaction's log record carries `<token> <sha-256>` (`logged`), and replaying the
// log at open restores the tokens of records less than 10 minutes old (`recovered`), so a client
// retrying across a crash of the server is answered, not applied twice; what such a retry is told
// is {} (ItemCollectionMetrics of the first answer are not logged). Records a checkpoint covers are
// not replayed: after a clean close (which checkpoints) the tokens are forgotten.
import { createHash } from 'node:crypto';
import { DynamoDBError } from '../errors';

export const IDEMPOTENCY_WINDOW_MS = 10 * 60 * 1000;

interface Entry {
  fingerprint: string;
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

/** What a transaction's log record carries for its token (tokens are 1 to 36 characters and may hold spaces: the hash goes last). */
export function logged(token: string, print: string): string {
  return `${token} ${print}`;
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
    const entry: Entry = { fingerprint: print, expires: now + IDEMPOTENCY_WINDOW_MS, result, acknowledged };
    this.entries.delete(token);
    this.entries.set(token, entry);
    acknowledged?.then(
      () => (entry.acknowledged = undefined),
      () => {
        if (this.entries.get(token) === entry) this.entries.delete(token);
      },
    );
  }

  /** A replayed log record's token (`logged`), committed at `time`. */
  recovered(record: string, time: number, now: number): void {
    const at = record.lastIndexOf(' ');
    if (at < 0 || time + IDEMPOTENCY_WINDOW_MS <= now) return;
    this.remember(record.slice(0, at), record.slice(at + 1), time, {}, undefined);
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
