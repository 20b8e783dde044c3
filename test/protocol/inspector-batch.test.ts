// The inspector's batching of live records: a burst becomes few messages, nothing is lost or doubled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestRecord } from '../../src/protocol/request-record';
import { RecordBatcher } from '../../src/extension/panels/inspector-batch';

const rec = (id: number) => ({ id }) as RequestRecord;

test('a burst of 1,000 records reaches the view in a few batches, each newest first, every record once', async () => {
  const batches: number[][] = [];
  const b = new RecordBatcher((rs) => batches.push(rs.map((r) => r.id)), 50, 10_000);
  for (let i = 1; i <= 1000; i++) {
    b.add(rec(i));
    if (i % 250 === 0) await sleep(20);
  }
  await sleep(120);
  b.flush();
  // 1,000 adds over ~80 ms at one batch per 50 ms: a handful of messages, not a thousand
  assert.ok(batches.length >= 1 && batches.length <= 5, `${batches.length} batches`);
  for (const batch of batches) for (let i = 1; i < batch.length; i++) assert.ok(batch[i - 1]! > batch[i]!);
  assert.deepEqual(batches.flat().sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i + 1));
});

test('pending records beyond the cap drop the oldest first; drop discards what is pending', async () => {
  const got: number[] = [];
  const b = new RecordBatcher((rs) => got.push(...rs.map((r) => r.id)), 10, 3);
  for (let i = 1; i <= 5; i++) b.add(rec(i));
  b.flush();
  assert.deepEqual(got, [5, 4, 3]);
  b.add(rec(6));
  b.drop();
  await sleep(30);
  assert.deepEqual(got, [5, 4, 3]);
});
