// Killing the SERVER process (`dynamo-workspace serve`, SIGKILL) in the middle of a TTL sweep of
// many expired items loses nothing: after a restart the sweep finishes, every expired item is gone,
// every other item is there unchanged, and the table's stream holds exactly one INSERT per item and
// exactly one REMOVE per expired item (none repeated by the second sweep, none for a live item).
// Everything goes through the real CLI, the endpoint and the AWS SDK, as an application sees it.
// (The engine-level crash test of the sweeper is sT's, in test/engine/ttl.)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  BatchWriteItemCommand,
  DescribeTimeToLiveCommand,
  ScanCommand,
  UpdateTimeToLiveCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import { sdkClient } from './harness';
import { StreamConsumer } from './stream-consumer';
import { createHashTable, serveFolder, streamsClient } from './streams-harness';

const TABLE = 'sessions';
/** Enough expired items that a sweep takes a while, so the kill lands inside one. */
const EXPIRED = 30_000;
const LIVE = 3_000;

const dir = mkdtempSync(path.join(tmpdir(), 'dw-ttl-crash-'));
after(() => rmSync(dir, { recursive: true, force: true }));


async function count(ddb: DynamoDBClient): Promise<number> {
  let n = 0;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const out = await ddb.send(new ScanCommand({ TableName: TABLE, Select: 'COUNT', ExclusiveStartKey: start }));
    n += out.Count!;
    start = out.LastEvaluatedKey;
  } while (start);
  return n;
}

async function scanAll(ddb: DynamoDBClient): Promise<Map<string, Record<string, AttributeValue>>> {
  const items = new Map<string, Record<string, AttributeValue>>();
  let start: Record<string, AttributeValue> | undefined;
  do {
    const out = await ddb.send(new ScanCommand({ TableName: TABLE, ExclusiveStartKey: start }));
    for (const item of out.Items!) items.set(item.pk!.S!, item);
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a server killed during a TTL sweep loses nothing: the sweep completes after a restart, each expired item removed once', { timeout: 240_000 }, async (t) => {
  const now = Math.floor(Date.now() / 1000);
  const live = new Map<string, Record<string, AttributeValue>>();
  const expiredKeys = new Set<string>();

  // 1. No sweeping yet: the table, its stream, TTL, and the items.
  let cli = await serveFolder(dir, ['--ttl-sweep-seconds', '0']);
  let ddb = sdkClient(cli.url);
  let arn: string;
  try {
    arn = (await createHashTable(ddb, TABLE, 'KEYS_ONLY'))!;
    await ddb.send(new UpdateTimeToLiveCommand({ TableName: TABLE, TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } }));
    const items: Record<string, AttributeValue>[] = [];
    for (let i = 0; i < EXPIRED + LIVE; i++) {
      // Live items interleave with expired ones, so a half-done sweep is spread over the whole key space.
      const isLive = i % 11 === 0 && live.size < LIVE;
      const pk = `s${String(i).padStart(6, '0')}`;
      const item = { pk: { S: pk }, exp: { N: String(isLive ? now + 86_400 : now - 60 - (i % 3600)) }, user: { S: `user-${i % 97}` } };
      if (isLive) live.set(pk, item);
      else expiredKeys.add(pk);
      items.push(item);
    }
    for (let i = 0; i < items.length; i += 25) {
      const out = await ddb.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
      assert.deepEqual(out.UnprocessedItems ?? {}, {});
    }
    for (;;) {
      const status = (await ddb.send(new DescribeTimeToLiveCommand({ TableName: TABLE }))).TimeToLiveDescription!.TimeToLiveStatus;
      if (status === 'ENABLED') break;
      await sleep(100);
    }
    assert.equal(await count(ddb), items.length);
  } finally {
    ddb.destroy();
    await cli.stop();
  }

  // 2. Sweep every second; kill -9 once the sweep has deleted some expired items but not all.
  cli = await serveFolder(dir, ['--ttl-sweep-seconds', '1']);
  ddb = sdkClient(cli.url);
  let atKill: number;
  try {
    const total = EXPIRED + LIVE;
    for (;;) {
      atKill = await count(ddb);
      if (atKill < total) break;
      await sleep(20);
    }
    cli.child.kill('SIGKILL');
    const exit = await cli.exited;
    assert.equal(exit.signal, 'SIGKILL');
  } finally {
    ddb.destroy();
  }
  t.diagnostic(`killed with ${atKill! - LIVE} of ${EXPIRED} expired items not yet swept`);
  assert.ok(atKill! > LIVE, `the kill landed inside the sweep (${atKill! - LIVE} of ${EXPIRED} expired items left)`);

  // 3. Restart: the sweep finishes; nothing live is touched; the stream tells each change once.
  cli = await serveFolder(dir, ['--ttl-sweep-seconds', '1']);
  ddb = sdkClient(cli.url);
  const streams = streamsClient(cli.url);
  try {
    const deadline = Date.now() + 120_000;
    while ((await count(ddb)) > LIVE) {
      assert.ok(Date.now() < deadline, 'the sweep finished after the restart');
      await sleep(250);
    }
    assert.deepEqual(await scanAll(ddb), live);

    const consumer = new StreamConsumer(streams, arn!);
    const records: _Record[] = [];
    const expectedRecords = EXPIRED + LIVE + EXPIRED;
    while (records.length < expectedRecords && Date.now() < deadline) {
      records.push(...(await consumer.poll()));
      if (records.length < expectedRecords) await sleep(200);
    }
    const inserts = new Map<string, number>();
    const removes = new Map<string, number>();
    for (const r of records) {
      const pk = r.dynamodb!.Keys!.pk!.S!;
      const tally = r.eventName === 'INSERT' ? inserts : r.eventName === 'REMOVE' ? removes : undefined;
      assert.ok(tally, `only INSERT and REMOVE records, got ${r.eventName} for ${pk}`);
      tally.set(pk, (tally.get(pk) ?? 0) + 1);
    }
    assert.equal(inserts.size, EXPIRED + LIVE, 'one INSERT per item');
    assert.ok([...inserts.values()].every((n) => n === 1), 'no INSERT twice');
    assert.deepEqual(new Set(removes.keys()), expiredKeys, 'a REMOVE for every expired item and for nothing else');
    const repeated = [...removes].filter(([, n]) => n !== 1);
    assert.deepEqual(repeated, [], 'no expired item removed twice');
    assert.equal(records.length, expectedRecords);
  } finally {
    ddb.destroy();
    streams.destroy();
    await cli.stop();
  }
});
