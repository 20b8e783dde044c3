// UpdateTimeToLive and DescribeTimeToLive: DynamoDB's rules and messages (replayed from DynamoDB
// Local where it agrees with DynamoDB, fixtures/ddb-local-ttl.json), the ENABLING/DISABLING
// transition, and TTL settings surviving a reopen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from '../../../src/engine/database';
import { AD, KS, rejects } from '../indexes/helpers';
import { ttlMemoryDb, withDataDir } from './helpers';
import oracle from './fixtures/ddb-local-ttl.json';

const spec = (AttributeName: unknown, Enabled: unknown) => ({ TableName: 'Tab', TimeToLiveSpecification: { AttributeName, Enabled } });
const describe = async (db: Database, TableName = 'Tab') => ((await db.execute('DescribeTimeToLive', { TableName })) as { TimeToLiveDescription: unknown }).TimeToLiveDescription;

async function table(db: Database, name = 'Tab'): Promise<void> {
  await db.execute('CreateTable', { TableName: name, KeySchema: KS('pk'), AttributeDefinitions: AD(['pk', 'S']), BillingMode: 'PAY_PER_REQUEST' });
}

/** A clock the test moves by hand, so both sides of the transition are seen without waiting. */
function clock(start = 1_800_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

test('every answer DynamoDB Local gave to a sequence of TTL requests is given the same', async () => {
  // DynamoDB Local settles every change at once, hence no transition here.
  const db = await ttlMemoryDb();
  await db.execute('CreateTable', oracle.table);
  for (const step of oracle.steps) {
    const label = `${step.operation} ${JSON.stringify(step.input)}`;
    if ('error' in step && step.error) {
      await rejects(db, step.operation, step.input, step.error.type, step.error.message);
    } else {
      assert.deepEqual(await db.execute(step.operation, step.input), step.output, label);
    }
  }
  await db.close();
});

test('a missing or malformed TimeToLiveSpecification is refused with the API constraints\' messages', async () => {
  const db = await ttlMemoryDb();
  await table(db);
  const prefix = '1 validation error detected: ';
  await rejects(db, 'UpdateTimeToLive', { TableName: 'Tab' }, 'ValidationException',
    `${prefix}Value null at 'timeToLiveSpecification' failed to satisfy constraint: Member must not be null`);
  await rejects(db, 'UpdateTimeToLive', { TableName: 'Tab', TimeToLiveSpecification: { Enabled: true } }, 'ValidationException',
    `${prefix}Value null at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must not be null`);
  await rejects(db, 'UpdateTimeToLive', { TableName: 'Tab', TimeToLiveSpecification: { AttributeName: 'exp' } }, 'ValidationException',
    `${prefix}Value null at 'timeToLiveSpecification.enabled' failed to satisfy constraint: Member must not be null`);
  await rejects(db, 'UpdateTimeToLive', spec('', true), 'ValidationException',
    `${prefix}Value '' at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must have length greater than or equal to 1`);
  await rejects(db, 'UpdateTimeToLive', spec('a'.repeat(256), true), 'ValidationException',
    `${prefix}Value '${'a'.repeat(256)}' at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must have length less than or equal to 255`);
  await rejects(db, 'UpdateTimeToLive', { TimeToLiveSpecification: { AttributeName: 'exp', Enabled: true } }, 'ValidationException',
    `${prefix}Value null at 'tableName' failed to satisfy constraint: Member must not be null`);
  await rejects(db, 'UpdateTimeToLive', spec('exp', 'yes'), 'SerializationException', 'VALUE_STRING cannot be converted to Boolean');
  await rejects(db, 'UpdateTimeToLive', { TableName: 'Tab', TimeToLiveSpecification: 'on' }, 'SerializationException', 'VALUE_STRING cannot be converted to Structure');
  // A name of 255 characters, and a key attribute's name, are accepted.
  await db.execute('UpdateTimeToLive', spec('a'.repeat(255), true));
  assert.equal(db.tables.get('Tab')!.meta.ttl?.attributeName, 'a'.repeat(255));
  await db.close();
});

test('both operations answer an unknown table as DynamoDB does', async () => {
  const db = await ttlMemoryDb();
  const message = 'Requested resource not found: Table: Nope not found';
  await rejects(db, 'UpdateTimeToLive', { TableName: 'Nope', TimeToLiveSpecification: { AttributeName: 'exp', Enabled: true } }, 'ResourceNotFoundException', message);
  await rejects(db, 'DescribeTimeToLive', { TableName: 'Nope' }, 'ResourceNotFoundException', message);
  await rejects(db, 'DescribeTimeToLive', {}, 'ValidationException',
    "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null");
  await db.close();
});

test('enabling shows ENABLING until the transition time has passed, then ENABLED; disabling likewise', async () => {
  const c = clock();
  const db = await ttlMemoryDb({ now: c.now, ttlTransitionMs: 60_000 });
  await table(db);
  assert.deepEqual(await describe(db), { TimeToLiveStatus: 'DISABLED' });
  assert.deepEqual(await db.execute('UpdateTimeToLive', spec('exp', true)), { TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } });
  assert.deepEqual(await describe(db), { TimeToLiveStatus: 'ENABLING', AttributeName: 'exp' });
  c.advance(59_999);
  assert.deepEqual(await describe(db), { TimeToLiveStatus: 'ENABLING', AttributeName: 'exp' });
  c.advance(1);
  assert.deepEqual(await describe(db), { TimeToLiveStatus: 'ENABLED', AttributeName: 'exp' });
  await db.execute('UpdateTimeToLive', spec('exp', false));
  assert.deepEqual(await describe(db), { TimeToLiveStatus: 'DISABLING', AttributeName: 'exp' });
  c.advance(60_000);
  assert.deepEqual(await describe(db), { TimeToLiveStatus: 'DISABLED' });
  await db.close();
});

test('any change while one is ENABLING or DISABLING is refused, even one that would otherwise be valid', async () => {
  const c = clock();
  const db = await ttlMemoryDb({ now: c.now, ttlTransitionMs: 1000 });
  await table(db);
  const busy = 'Time to live has been modified multiple times within a fixed interval';
  await db.execute('UpdateTimeToLive', spec('exp', true));
  await rejects(db, 'UpdateTimeToLive', spec('exp', false), 'ValidationException', busy);
  await rejects(db, 'UpdateTimeToLive', spec('exp', true), 'ValidationException', busy);
  await rejects(db, 'UpdateTimeToLive', spec('other', true), 'ValidationException', busy);
  c.advance(1000);
  await rejects(db, 'UpdateTimeToLive', spec('exp', true), 'ValidationException', 'TimeToLive is already enabled');
  await db.execute('UpdateTimeToLive', spec('exp', false));
  await rejects(db, 'UpdateTimeToLive', spec('other', true), 'ValidationException', busy);
  c.advance(1000);
  // Once DISABLED, TTL may be enabled on another attribute.
  await db.execute('UpdateTimeToLive', spec('other', true));
  c.advance(1000);
  assert.deepEqual(await describe(db), { TimeToLiveStatus: 'ENABLED', AttributeName: 'other' });
  await db.close();
});

test('the TTL settings and the time of their change survive a reopen, checkpointed or replayed', async () => {
  await withDataDir(async (dir) => {
    const c = clock();
    let db = await Database.open(dir, { now: c.now, ttlTransitionMs: 10_000, ttlSweepIntervalMs: 0 });
    await table(db, 'Replayed');
    await table(db, 'Checkpointed');
    await db.execute('UpdateTimeToLive', { TableName: 'Checkpointed', TimeToLiveSpecification: { AttributeName: 'until', Enabled: true } });
    await db.checkpoint();
    await db.execute('UpdateTimeToLive', { TableName: 'Replayed', TimeToLiveSpecification: { AttributeName: 'exp', Enabled: true } });
    await db.close();

    c.advance(5_000);
    db = await Database.open(dir, { now: c.now, ttlTransitionMs: 10_000, ttlSweepIntervalMs: 0 });
    assert.deepEqual(await describe(db, 'Replayed'), { TimeToLiveStatus: 'ENABLING', AttributeName: 'exp' });
    assert.deepEqual(await describe(db, 'Checkpointed'), { TimeToLiveStatus: 'ENABLING', AttributeName: 'until' });
    c.advance(5_000);
    assert.deepEqual(await describe(db, 'Replayed'), { TimeToLiveStatus: 'ENABLED', AttributeName: 'exp' });
    await db.execute('UpdateTimeToLive', { TableName: 'Replayed', TimeToLiveSpecification: { AttributeName: 'exp', Enabled: false } });
    await db.close();

    c.advance(10_000);
    db = await Database.open(dir, { now: c.now, ttlTransitionMs: 10_000, ttlSweepIntervalMs: 0 });
    assert.deepEqual(await describe(db, 'Replayed'), { TimeToLiveStatus: 'DISABLED' });
    assert.deepEqual(await describe(db, 'Checkpointed'), { TimeToLiveStatus: 'ENABLED', AttributeName: 'until' });
    await db.close();
  });
});

test('a deleted and re-created table starts with TTL disabled', async () => {
  const db = await ttlMemoryDb();
  await table(db);
  await db.execute('UpdateTimeToLive', spec('exp', true));
  await db.execute('DeleteTable', { TableName: 'Tab' });
  await rejects(db, 'DescribeTimeToLive', { TableName: 'Tab' }, 'ResourceNotFoundException', 'Requested resource not found: Table: Tab not found');
  await table(db);
  assert.deepEqual(await describe(db), { TimeToLiveStatus: 'DISABLED' });
  await db.close();
});
