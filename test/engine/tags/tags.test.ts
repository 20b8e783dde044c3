// Table tags in the engine: durable in the table's metadata (replayed from the log or read from a
// checkpoint after a reopen), gone with the table, and answered by ARN only for the table that
// ARN names now (a table dropped and created again under the same name starts untagged).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from '../../../src/engine/database';
import { withDataDir } from '../ttl/helpers';
import { memoryDb } from '../helpers';

async function create(db: Database, TableName: string, Tags?: unknown): Promise<string> {
  const out = (await db.execute('CreateTable', {
    TableName,
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
    Tags,
  })) as { TableDescription: { TableArn: string } };
  return out.TableDescription.TableArn;
}

const list = async (db: Database, ResourceArn: string) => ((await db.execute('ListTagsOfResource', { ResourceArn })) as { Tags: unknown[] }).Tags;

test('tags survive a reopen, whether replayed from the log or read from a checkpoint', async () => {
  await withDataDir(async (dir) => {
    let db = await Database.open(dir, { ttlSweepIntervalMs: 0 });
    const checkpointed = await create(db, 'Checkpointed', [{ Key: 'at', Value: 'create' }]);
    await db.execute('TagResource', { ResourceArn: checkpointed, Tags: [{ Key: 'b', Value: '2' }] });
    await db.checkpoint();
    const replayed = await create(db, 'Replayed');
    await db.execute('TagResource', { ResourceArn: replayed, Tags: [{ Key: 'x', Value: '1' }, { Key: 'y', Value: '2' }] });
    await db.execute('UntagResource', { ResourceArn: replayed, TagKeys: ['x'] });
    await db.close();

    db = await Database.open(dir, { ttlSweepIntervalMs: 0 });
    assert.deepEqual(await list(db, checkpointed), [{ Key: 'at', Value: 'create' }, { Key: 'b', Value: '2' }]);
    assert.deepEqual(await list(db, replayed), [{ Key: 'y', Value: '2' }]);
    await db.close();
  });
});

test('a table deleted and created again under the same name starts without the old tags', async () => {
  const db = await memoryDb();
  const arn = await create(db, 'Again', [{ Key: 'old', Value: 'yes' }]);
  await db.execute('DeleteTable', { TableName: 'Again' });
  await assert.rejects(list(db, arn), { name: 'ResourceNotFoundException' });
  assert.equal(await create(db, 'Again'), arn);
  assert.deepEqual(await list(db, arn), []);
  await db.close();
});

test('DescribeTable does not show tags, as in DynamoDB', async () => {
  const db = await memoryDb();
  await create(db, 'Quiet', [{ Key: 'k', Value: 'v' }]);
  const described = JSON.stringify(await db.execute('DescribeTable', { TableName: 'Quiet' }));
  assert.doesNotMatch(described, /"Tags"|"tags"/);
  await db.close();
});
