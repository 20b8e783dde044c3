// Property test of stream state and retired tables across crashes: random histories of tables
// with and without streams (enable, disable, write, delete, re-create, checkpoint, a day passing)
// on a file system that fails writes (a full disk, a write that lands in part) and crashes (a
// kill or a power loss), in 'disk' durability so every acknowledged change must survive. After
// each reopen the catalog must list exactly the streams it listed after the last acknowledged
// change, each with its table, view type and lsns, a deleted table's stream with the very codec
// dictionary its records need, and its shards as before except what the reopen itself does (the
// open shard closed and a child started; shards past retention dropped).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Database } from '../../../src/engine/database';
import { DynamoDBError } from '../../../src/engine/errors';
import { listStreams } from '../../../src/engine/streams/catalog';
import { STREAM_RETENTION_MS, type ShardState } from '../../../src/engine/streams/model';
import { FaultFileSystem } from '../log/fault-fs';

const DIR = '/data';
const NAMES = ['alpha', 'beta', 'gamma'];
const VIEW = fc.constantFrom('KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES');
const table = fc.integer({ min: 0, max: NAMES.length - 1 });

const step = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), table, view: fc.option(VIEW, { nil: undefined }) }),
  fc.record({ kind: fc.constant('put' as const), table, key: fc.integer({ min: 0, max: 3 }), attribute: fc.integer({ min: 0, max: 6 }) }),
  fc.record({ kind: fc.constant('enable' as const), table, view: VIEW }),
  fc.record({ kind: fc.constant('disable' as const), table }),
  fc.record({ kind: fc.constant('delete' as const), table }),
  fc.record({ kind: fc.constant('checkpoint' as const) }),
  fc.record({ kind: fc.constant('age' as const), ms: fc.constantFrom(1, 60_000, STREAM_RETENTION_MS / 2, STREAM_RETENTION_MS + 1) }),
);
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

const round = fc.record({
  steps: fc.array(step, { minLength: 1, maxLength: 14 }),
  end: fc.constantFrom('kill' as const, 'power' as const, 'close' as const),
  faultAfterWrites: fc.option(fc.nat(6), { nil: undefined }),
  partial: fc.option(fc.integer({ min: 1, max: 400 }), { nil: undefined }),
  seed: fc.nat(),
});

interface Seen {
  arn: string;
  tableName: string;
  deleted: boolean;
  viewType: string;
  enabledLsn: number;
  disabledLsn: number | undefined;
  shards: ShardState[];
  dictionary: unknown;
}

function observe(db: Database): Seen[] {
  return listStreams(db).map((f) => ({
    arn: f.stream.arn,
    tableName: f.tableName,
    deleted: f.deleted,
    viewType: f.stream.viewType,
    enabledLsn: f.stream.enabledLsn,
    disabledLsn: f.stream.disabledLsn,
    shards: structuredClone(f.stream.shards),
    dictionary: f.deleted ? structuredClone(f.table.codec.dictionary()) : undefined,
  }));
}

/** Checks what a reopen at `now` shows against what was seen after the last acknowledged change. */
function assertSurvived(before: Seen[], after: Seen[], now: number): void {
  assert.deepEqual(after.map(({ shards, ...rest }) => rest), before.map(({ shards, ...rest }) => rest));
  for (let i = 0; i < before.length; i++) {
    const kept = before[i].shards.filter((s) => s.closedAt === undefined || now - s.closedAt < STREAM_RETENTION_MS);
    const got = after[i].shards;
    assert.ok(got.length === kept.length || got.length === kept.length + 1, `${before[i].arn}: ${got.length} shards after, ${kept.length} before`);
    for (let k = 0; k < kept.length; k++) {
      const was = kept[k];
      const is = got[k];
      assert.equal(is.id, was.id);
      assert.equal(is.parent, was.parent);
      assert.equal(is.firstLsn, was.firstLsn);
      if (was.lastLsn !== undefined) assert.equal(is.lastLsn, was.lastLsn);
    }
    if (got.length === kept.length + 1) {
      const [parent, child] = got.slice(-2);
      assert.equal(child.parent, parent.id);
      assert.equal(child.firstLsn, parent.lastLsn! + 1);
    }
  }
}

async function run(db: Database, s: Step): Promise<void> {
  const TableName = 'table' in s ? NAMES[s.table] : '';
  switch (s.kind) {
    case 'create':
      await db.execute('CreateTable', {
        TableName,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        ...(s.view ? { StreamSpecification: { StreamEnabled: true, StreamViewType: s.view } } : {}),
      });
      return;
    case 'put':
      // A new attribute name now and then grows the table's codec dictionary.
      await db.execute('PutItem', { TableName, Item: { pk: { S: `k${s.key}` }, [`attr${s.attribute}`]: { N: String(s.key) } } });
      return;
    case 'enable':
      await db.execute('UpdateTable', { TableName, StreamSpecification: { StreamEnabled: true, StreamViewType: s.view } });
      return;
    case 'disable':
      await db.execute('UpdateTable', { TableName, StreamSpecification: { StreamEnabled: false } });
      return;
    case 'delete':
      await db.execute('DeleteTable', { TableName });
      return;
    case 'checkpoint':
      await db.checkpoint();
      return;
    case 'age':
      return;
  }
}

test('after any crash or write fault, the stream catalog and retired tables are as after the last acknowledged change', async (t) => {
  t.mock.method(console, 'error', () => undefined);
  await fc.assert(
    fc.asyncProperty(fc.array(round, { minLength: 1, maxLength: 3 }), async (rounds) => {
      let now = Date.UTC(2026, 11, 6, 2, 0, 0);
      const options = { durability: 'disk' as const, segmentBytes: 2048, checkpointBytes: 1024, now: () => now };
      let files = new FaultFileSystem();
      let db = await Database.open(DIR, { ...options, fileSystem: files });
      let seen = observe(db);
      for (const r of rounds) {
        if (r.faultAfterWrites !== undefined) {
          files.failAfter(r.partial === undefined ? { writes: r.faultAfterWrites, code: 'ENOSPC' } : { writes: r.faultAfterWrites, code: 'ENOSPC', once: true, partialBytes: r.partial });
        }
        for (const s of r.steps) {
          if (s.kind === 'age') now += s.ms;
          try {
            await run(db, s);
          } catch (e) {
            assert.ok(e instanceof DynamoDBError || (s.kind === 'checkpoint' && e instanceof Error), String(e));
            // A refusal of the request itself (no such table, a stream already enabled...) changed nothing; a failed log refuses from now on.
            if (e instanceof DynamoDBError && e.type === 'InternalServerError') break;
          }
          seen = observe(db);
        }
        const next = r.end === 'kill' ? files.crashProcessOnly() : r.end === 'power' ? files.crash({ seed: r.seed }) : undefined;
        if (r.end === 'close') await db.close().catch(() => undefined);
        files = next ?? files.crash({ seed: r.seed });
        db = await Database.open(DIR, { ...options, fileSystem: files });
        const after = observe(db);
        assertSurvived(seen, after, now);
        seen = after;
      }
      await db.close();
    }),
    { numRuns: 50, seed: 20261206 },
  );
});
