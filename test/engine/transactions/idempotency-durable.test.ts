// ClientRequestToken idempotency across whatever happens to the process: a clean close (which
// checkpoints, so the log records are not replayed), a checkpoint while running, a kill -9 and a
// power loss (FaultFileSystem). Invariants checked: a retry of an acknowledged transaction is never
// applied a second time while its 10 minutes last, and is answered as the first attempt was
// (ItemCollectionMetrics included); a different request with its token is a mismatch; after the
// 10 minutes the token is free. Also the manifest's token block: absent when there are no tokens,
// and a version this build does not read is refused by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Database } from '../../../src/engine/database';
import { IDEMPOTENCY_WINDOW_MS, parseLogged, logged } from '../../../src/engine/transactions/idempotency';
import { MANIFEST_FILE, readCheckpoint, readSealedJson, writeSealedJson } from '../../../src/engine/log/snapshot';
import { FaultFileSystem } from '../log/fault-fs';
import { refusal } from '../helpers';

const DIR = '/data';
const S = (s: string) => ({ S: s });
const N = (n: number) => ({ N: String(n) });

/** A table with a local index, so that ReturnItemCollectionMetrics has something to say. */
const COUNTERS = {
  TableName: 'counters',
  BillingMode: 'PAY_PER_REQUEST',
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }, { AttributeName: 'x', AttributeType: 'S' }],
  LocalSecondaryIndexes: [{ IndexName: 'by_x', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'x', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
};

/** Adds one to counter `k` under `token`, asking for the item collection metrics. */
const increment = (token: string, k: number, by = 1) => ({
  TransactItems: [{ Update: { TableName: 'counters', Key: { pk: S(`p${k}`), sk: S('s') }, UpdateExpression: 'ADD c :by SET x = :x', ExpressionAttributeValues: { ':by': N(by), ':x': S('x') } } }],
  ClientRequestToken: token,
  ReturnItemCollectionMetrics: 'SIZE',
});

async function counter(db: Database, k: number): Promise<number> {
  const item = ((await db.execute('GetItem', { TableName: 'counters', Key: { pk: S(`p${k}`), sk: S('s') }, ConsistentRead: true })) as any).Item;
  return item === undefined ? 0 : Number(item.c.N);
}

const plain = (v: unknown) => JSON.parse(JSON.stringify(v));

test('a token outlives a clean close: the retry is answered as the first attempt was and writes nothing', async () => {
  let now = 1_000_000;
  let files = new FaultFileSystem();
  let db = await Database.open(DIR, { fileSystem: files, now: () => now });
  await db.execute('CreateTable', COUNTERS);
  const first = plain(await db.execute('TransactWriteItems', increment('tok-close', 1)));
  assert.deepEqual(first.ItemCollectionMetrics.counters[0].ItemCollectionKey, { pk: S('p1') });
  await db.close();
  files = files.crash({ seed: 1 });
  now += 60_000;
  db = await Database.open(DIR, { fileSystem: files, now: () => now });
  const lsn = db.nextLsn;
  assert.deepEqual(plain(await db.execute('TransactWriteItems', increment('tok-close', 1))), first);
  assert.equal(db.nextLsn, lsn, 'the retry logs nothing');
  assert.equal(await counter(db, 1), 1);
  assert.equal((await refusal(db.execute('TransactWriteItems', increment('tok-close', 1, 5)))).type, 'IdempotentParameterMismatchException');
  // Ten minutes after the first attempt, through one more close, the token is free again.
  await db.close();
  now = 1_000_000 + IDEMPOTENCY_WINDOW_MS;
  db = await Database.open(DIR, { fileSystem: files, now: () => now });
  await db.execute('TransactWriteItems', increment('tok-close', 1));
  assert.equal(await counter(db, 1), 2);
  await db.close();
});

test('a retry after a kill is answered with the first ItemCollectionMetrics, not {}', async () => {
  const files = new FaultFileSystem();
  const db = await Database.open(DIR, { fileSystem: files, now: () => 2_000_000 });
  await db.execute('CreateTable', COUNTERS);
  const first = plain(await db.execute('TransactWriteItems', increment('tok-kill', 3)));
  assert.ok(first.ItemCollectionMetrics);
  const again = await Database.open(DIR, { fileSystem: files.crashProcessOnly(), now: () => 2_000_000 });
  assert.deepEqual(plain(await again.execute('TransactWriteItems', increment('tok-kill', 3))), first);
  assert.equal(await counter(again, 3), 1);
  await again.close();
});

test('a manifest without tokens has no token block, and a token block of another version is refused by name', async () => {
  const files = new FaultFileSystem();
  const db = await Database.open(DIR, { fileSystem: files, now: () => 3_000_000 });
  await db.execute('CreateTable', COUNTERS);
  await db.checkpoint();
  assert.equal(readCheckpoint(files, DIR)!.tokens, undefined);
  assert.ok(!files.readFile(`${DIR}/${MANIFEST_FILE}`).toString('latin1').includes('"tokens"'));
  await db.execute('TransactWriteItems', increment('tok-v', 1));
  await db.close();
  const manifest = files.readFile(`${DIR}/${MANIFEST_FILE}`);
  assert.deepEqual(readCheckpoint(files, DIR)!.tokens!.map((t) => parseLogged(t.text)?.token), ['tok-v']);
  // The manifest is sealed (length and CRC): a changed version is resealed to reach the version check.
  const magic = manifest.subarray(0, 8);
  const json = readSealedJson(files, `${DIR}/${MANIFEST_FILE}`, magic, 'a checkpoint manifest') as any;
  json.tokens.version = 7;
  writeSealedJson(files, `${DIR}/${MANIFEST_FILE}`, magic, json);
  assert.throws(() => readCheckpoint(files, DIR), /request tokens are of format version 7, not one this build reads/);
});

test('logged token texts read back whatever the token holds, with or without an answer', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 36, unit: 'binary' }), fc.boolean(), (token, withAnswer) => {
      const print = 'ab'.repeat(32);
      const answer = withAnswer ? { ItemCollectionMetrics: { t: [{ ItemCollectionKey: { pk: S(`a b\u0000${token}`) }, SizeEstimateRangeGB: [0, 1] }] } } : {};
      assert.deepEqual(parseLogged(logged(token, print, answer)), { token, print, result: answer });
    }),
    { numRuns: 300 },
  );
});

type Step =
  | { kind: 'tx'; k: number }
  | { kind: 'retry'; pick: number }
  | { kind: 'checkpoint' }
  | { kind: 'close' }
  | { kind: 'kill' }
  | { kind: 'power'; seed: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('tx' as const), k: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant('retry' as const), pick: fc.nat() }),
  fc.constant({ kind: 'checkpoint' as const }),
  fc.constant({ kind: 'close' as const }),
  fc.constant({ kind: 'kill' as const }),
  fc.record({ kind: fc.constant('power' as const), seed: fc.nat() }),
);

test('through any mix of checkpoints, closes, kills and power losses, an acknowledged transaction is applied once and its retries answer as it did (property)', async (t) => {
  t.mock.method(console, 'error', () => undefined);
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), async (steps) => {
      let now = 5_000_000;
      let files = new FaultFileSystem();
      // 'disk': an acknowledged commit is durable, so it must survive a power loss too.
      const options = () => ({ fileSystem: files, now: () => now, durability: 'disk' as const, segmentBytes: 2048, checkpointBytes: 4096 });
      let db = await Database.open(DIR, options());
      await db.execute('CreateTable', COUNTERS);
      await db.logStore!.sync();
      const acked: { token: string; k: number; answer: unknown }[] = [];
      const expected = [0, 0, 0];
      for (const s of steps) {
        now += 1000;
        if (s.kind === 'tx') {
          const token = `t${acked.length}`;
          const answer = plain(await db.execute('TransactWriteItems', increment(token, s.k)));
          acked.push({ token, k: s.k, answer });
          expected[s.k]++;
        } else if (s.kind === 'retry') {
          if (acked.length === 0) continue;
          const a = acked[s.pick % acked.length]!;
          assert.deepEqual(plain(await db.execute('TransactWriteItems', increment(a.token, a.k))), a.answer, `the retry of ${a.token}`);
        } else if (s.kind === 'checkpoint') {
          await db.checkpoint();
        } else {
          if (s.kind === 'close') await db.close();
          files = s.kind === 'close' ? files.crash({ seed: 7 }) : s.kind === 'kill' ? files.crashProcessOnly() : files.crash({ seed: s.seed });
          db = await Database.open(DIR, options());
        }
        for (let k = 0; k < 3; k++) assert.equal(await counter(db, k), expected[k], `counter ${k} after ${s.kind}`);
      }
      await db.close();
    }),
    { numRuns: 40, seed: 1612 },
  );
});
