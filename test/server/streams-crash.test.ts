// Streams across a SIGKILL of the server (`dynamo-workspace serve`, 'process' durability), through
// the real CLI and the AWS SDK: a consumer reads the stream while writers are busy, the server is
// killed in the middle, and after a restart
// - every record the consumer saw before the kill is still in the stream, the same record (eventID,
//   sequence number, keys, image): nothing a crash could take back was ever shown;
// - every acknowledged PutItem is in the table and has exactly one INSERT record: acknowledged
//   writes survive a kill in 'process' durability, and their records are neither lost nor repeated.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import { sdkClient } from './harness';
import { StreamConsumer } from './stream-consumer';
import { createHashTable, serveFolder, streamsClient } from './streams-harness';

const TABLE = 'events';
const WRITERS = 16;

const dir = mkdtempSync(path.join(tmpdir(), 'dw-streams-crash-'));
after(() => rmSync(dir, { recursive: true, force: true }));


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a server killed while writers and a stream consumer are busy shows no record it then loses, and keeps one record per acknowledged write', { timeout: 180_000 }, async (t) => {
  let cli = await serveFolder(dir);
  let ddb = sdkClient(cli.url);
  let streams = streamsClient(cli.url);
  const acknowledged = new Set<string>();
  const seenBeforeKill: _Record[] = [];
  let arn: string;
  try {
    arn = (await createHashTable(ddb, TABLE, 'NEW_IMAGE'))!;
    const consumer = new StreamConsumer(streams, arn);
    let stop = false;
    let next = 0;
    // Each write puts a new item, so its INSERT is the one record it must have.
    const writer = async (): Promise<void> => {
      while (!stop) {
        const pk = `e${String(next++).padStart(7, '0')}`;
        try {
          await ddb.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: pk }, body: { S: `payload of ${pk}` } } }));
          acknowledged.add(pk);
        } catch {
          return; // the kill: a write cut off without an answer may or may not have happened
        }
      }
    };
    const reader = async (): Promise<void> => {
      while (!stop) {
        try {
          seenBeforeKill.push(...(await consumer.poll()));
        } catch {
          return;
        }
      }
    };
    const running = [...Array.from({ length: WRITERS }, writer), reader()];
    await sleep(2000);
    cli.child.kill('SIGKILL');
    assert.equal((await cli.exited).signal, 'SIGKILL');
    stop = true;
    await Promise.all(running);
  } finally {
    ddb.destroy();
    streams.destroy();
  }
  t.diagnostic(`${acknowledged.size} writes acknowledged and ${seenBeforeKill.length} records read before the kill`);
  assert.ok(seenBeforeKill.length > 0 && acknowledged.size > seenBeforeKill.length / 2, 'the consumer and the writers got going before the kill');

  cli = await serveFolder(dir);
  ddb = sdkClient(cli.url);
  streams = streamsClient(cli.url);
  try {
    const after: _Record[] = [];
    const consumer = new StreamConsumer(streams, arn!);
    // Records become readable once synced: poll until the acknowledged writes are all there.
    const deadline = Date.now() + 30_000;
    const inserted = new Map<string, number>();
    while (Date.now() < deadline) {
      for (const r of await consumer.poll()) {
        after.push(r);
        const pk = r.dynamodb!.Keys!.pk!.S!;
        inserted.set(pk, (inserted.get(pk) ?? 0) + 1);
      }
      if ([...acknowledged].every((pk) => inserted.has(pk))) break;
      await sleep(100);
    }
    const bySequence = new Map(after.map((r) => [r.dynamodb!.SequenceNumber!, r]));
    for (const r of seenBeforeKill) {
      const again = bySequence.get(r.dynamodb!.SequenceNumber!);
      assert.ok(again, `record ${r.dynamodb!.SequenceNumber} (${r.dynamodb!.Keys!.pk!.S}) seen before the kill is still in the stream`);
      assert.equal(again.eventID, r.eventID);
      assert.deepEqual(again.dynamodb!.Keys, r.dynamodb!.Keys);
      assert.deepEqual(again.dynamodb!.NewImage, r.dynamodb!.NewImage);
    }
    for (const pk of acknowledged) assert.equal(inserted.get(pk), 1, `one INSERT for acknowledged write ${pk}`);
    assert.ok([...inserted.values()].every((n) => n === 1), 'no record twice');
    assert.ok(after.every((r) => r.eventName === 'INSERT'));
    // Spot-check the table itself: acknowledged items are there.
    for (const pk of [...acknowledged].slice(-20)) {
      const got = await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: pk } } }));
      assert.deepEqual(got.Item, { pk: { S: pk }, body: { S: `payload of ${pk}` } });
    }
  } finally {
    ddb.destroy();
    streams.destroy();
    await cli.stop();
  }
});
