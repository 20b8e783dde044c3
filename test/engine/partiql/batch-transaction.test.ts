// BatchExecuteStatement and ExecuteTransaction replayed against answers recorded from DynamoDB
// Local (batch-transaction-requests.ts, fixtures/oracle-batch-transaction.json): results,
// per-statement errors, cancellation reasons, idempotency and the refusals of whole requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DynamoDBError } from '../../../src/engine/errors';
import { TX_TABLE } from './batch-transaction-requests';
import { memoryDb } from '../helpers';

interface Recorded {
  operation: string;
  request: Record<string, unknown>;
  expect: { result?: unknown; errorType?: string; error?: string; reasons?: unknown[] };
}

const session: Recorded[] = JSON.parse(readFileSync(new URL('./fixtures/oracle-batch-transaction.json', import.meta.url), 'utf8'));

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
}

/** A scan's items come in no defined order: sorted for comparison. */
function comparable(r: Recorded, result: unknown): unknown {
  const c = canonical(result) as { Items?: unknown[] };
  if (r.operation === 'ExecuteStatement' && c.Items) c.Items = c.Items.map((i) => JSON.stringify(i)).sort();
  return c;
}

// Messages where DynamoDB Local differs from DynamoDB, which we follow: a missing table is
// "Requested resource not found" (as in our other operations), and a reused token's message is
// the one src/engine/transactions gives TransactWriteItems.
const KNOWN_MESSAGES: Record<string, string> = {
  'Cannot do operations on a non-existent table': 'Requested resource not found',
  'Specified idempotent token was used with different request parameters within the idempotency window': 'The request uses the same client token as a previous, but non-identical request.',
};
const knownMessage = (m: unknown) => (typeof m === 'string' ? (KNOWN_MESSAGES[m] ?? m) : m);

function expected(r: Recorded): Recorded['expect'] {
  if (r.expect.result === undefined) return { ...r.expect, error: knownMessage(r.expect.error) as string };
  const result = JSON.parse(JSON.stringify(r.expect.result), (k, v) => (k === 'Message' ? knownMessage(v) : v));
  return { result };
}

test('batches and transactions of statements give DynamoDB Local\'s answers, replayed in order', async () => {
  assert.ok(session.length >= 20);
  const db = await memoryDb();
  await db.execute('CreateTable', TX_TABLE);
  const failures: string[] = [];
  for (const [i, r] of session.entries()) {
    const want = expected(r);
    let got: Recorded['expect'];
    try {
      got = { result: await db.execute(r.operation, structuredClone(r.request)) };
    } catch (e) {
      if (!(e instanceof DynamoDBError)) throw e;
      got = { errorType: e.type, error: e.message, ...(e.extra?.CancellationReasons ? { reasons: e.extra.CancellationReasons as unknown[] } : {}) };
    }
    const a = JSON.stringify(want.result === undefined ? canonical(want) : comparable(r, want.result));
    const b = JSON.stringify(got.result === undefined ? canonical(got) : comparable(r, got.result));
    if (a !== b) failures.push(`#${i} ${r.operation} ${JSON.stringify(r.request)}\n   expected ${a}\n   got      ${b}`);
  }
  await db.close();
  assert.deepEqual(failures, [], failures.join('\n'));
});
