// UpdateTable's throughput rules on a hand-driven clock: four decreases per UTC day, then one
// each hour after the last; the count resets at midnight UTC; at most four switches to
// PAY_PER_REQUEST in any 24 hours, back to PROVISIONED at any time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatUtc, throughputChange } from '../../../src/engine/capacity/rules';
import { hashTable, openDb, rejects } from './helpers';

const PT = (r: number, w: number) => ({ ReadCapacityUnits: r, WriteCapacityUnits: w });

test('DynamoDB writes times in full, in UTC', () => {
  assert.equal(formatUtc(Date.UTC(2026, 9, 9, 0, 21, 34) / 1000), 'Friday, October 9, 2026 at 12:21:34 AM Coordinated Universal Time');
});

test('Four decreases a UTC day, then one 3600 s after the last; refused calls change nothing', async () => {
  const { db, clock } = await openDb();
  clock.now = Date.UTC(2026, 9, 8, 20, 0, 0);
  await hashTable(db, 'Dec', { read: 10, write: 10 });
  const update = (r: number, w: number) => db.execute('UpdateTable', { TableName: 'Dec', ProvisionedThroughput: PT(r, w) }) as Promise<any>;
  await update(9, 9); // both dimensions in one call: one decrease
  for (const w of [8, 7, 6]) {
    clock.advance(2000);
    await update(9, w);
  }
  const described = (await db.execute('DescribeTable', { TableName: 'Dec' })) as any;
  assert.equal(described.Table.ProvisionedThroughput.NumberOfDecreasesToday, 4);
  const last = clock.now / 1000;
  clock.advance(60_000);
  const message =
    'Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day. After the first 4 decreases, each subsequent decrease in the same UTC day can be performed at most once every 3600 seconds. Number of decreases today: 4. ' +
    `Last decrease at ${formatUtc(last)}. Next decrease can be made at ${formatUtc(last + 3600)}`;
  await rejects(update(9, 5), 'LimitExceededException', message);
  await rejects(update(10, 5), 'LimitExceededException', message); // one down, one up: still a decrease
  await update(20, 20); // increases are never limited
  clock.now = last * 1000 + 3599_000;
  await rejects(update(20, 19), 'LimitExceededException');
  clock.now = last * 1000 + 3600_000;
  await update(20, 19);
  const after = ((await db.execute('DescribeTable', { TableName: 'Dec' })) as any).Table.ProvisionedThroughput;
  assert.equal(after.NumberOfDecreasesToday, 5);
  assert.equal(after.LastDecreaseDateTime, last + 3600);
  clock.advance(1000);
  await rejects(update(20, 18), 'LimitExceededException', /Number of decreases today: 5\./);
  // Past midnight UTC the count starts again.
  clock.now = Date.UTC(2026, 9, 9, 0, 0, 1);
  for (const w of [17, 16, 15, 14]) await update(20, w);
  await rejects(update(20, 13), 'LimitExceededException', /Number of decreases today: 4\./);
});

test('The next allowed decrease is never later than the next midnight UTC', () => {
  const last = Date.UTC(2026, 9, 8, 23, 20, 48) / 1000;
  assert.throws(
    () => throughputChange({ read: 5, write: 5, lastDecrease: last, decreasesToday: 4 }, 4, 5, last + 60),
    (e: any) => e.type === 'LimitExceededException' && e.message.endsWith('Next decrease can be made at Friday, October 9, 2026 at 12:00:00 AM Coordinated Universal Time'),
  );
  const r = throughputChange({ read: 5, write: 5, lastDecrease: last, decreasesToday: 4 }, 4, 6, last + 3600);
  assert.equal(r.decreasesToday, 1, 'a new UTC day');
  assert.equal(r.lastIncrease, last + 3600);
});

test('Four switches to PAY_PER_REQUEST in 24 hours; PROVISIONED again at any time', async () => {
  const { db, clock } = await openDb();
  await hashTable(db, 'Flip', { read: 5, write: 5 });
  const toDemand = () => db.execute('UpdateTable', { TableName: 'Flip', BillingMode: 'PAY_PER_REQUEST' }) as Promise<any>;
  const toProvisioned = () => db.execute('UpdateTable', { TableName: 'Flip', BillingMode: 'PROVISIONED', ProvisionedThroughput: PT(5, 5) }) as Promise<any>;
  const first = clock.now / 1000;
  for (let i = 0; i < 4; i++) {
    const r = await toDemand();
    assert.equal(r.TableDescription.BillingModeSummary.BillingMode, 'PAY_PER_REQUEST');
    clock.advance(60_000);
    await toProvisioned();
    clock.advance(60_000);
  }
  const e = await rejects(toDemand(), 'LimitExceededException', /^Subscriber limit exceeded: Update to PayPerRequest mode are limited to 4 times in 1 day\(s\)\. Last update at .* UTC 2026\. Next update can be made at .* UTC 2026$/);
  assert.match(e.message, /Next update can be made at Fri Jan 16 12:00:00 UTC 2026/);
  assert.equal(((await db.execute('DescribeTable', { TableName: 'Flip' })) as any).Table.BillingModeSummary.BillingMode, 'PROVISIONED');
  clock.now = (first + 86400) * 1000;
  await toDemand();
  // Re-sending PAY_PER_REQUEST to an on-demand table is no switch.
  await toDemand();
});
