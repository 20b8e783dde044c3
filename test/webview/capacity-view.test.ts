// The capacity page's pure state over snapshots of a real engine: chart data, summary, cost grid.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { capacitySnapshot } from '../../src/extension/capacity-source';
import { Database } from '../../src/engine/database';
import { chartsOf, costRows, summaryOf, windowText } from '../../webview/capacity/state';

async function snapshotOf(create: Record<string, unknown>, writes: number) {
  const db = await Database.open('', { inMemory: true });
  await db.execute('CreateTable', {
    TableName: 'Tab',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    ...create,
  });
  let throttled = 0;
  for (let i = 0; i < writes; i++) await db.execute('PutItem', { TableName: 'Tab', Item: { pk: { S: `k${i}` } } }).catch(() => throttled++);
  const snap = capacitySnapshot(db.metrics, 'Tab', undefined, '5m');
  await db.close();
  return { snap, throttled };
}

describe('the capacity page state', () => {
  it('draws provisioned capacity as threshold lines, and throttles as stacked bars of one chart', async () => {
    const { snap, throttled } = await snapshotOf({ ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 1 } }, 305);
    // the burst bucket holds 300 units; a second boundary during the writes refills one or two
    assert.ok(throttled >= 1 && throttled <= 5, `${throttled} throttled`);
    const charts = chartsOf(snap);
    assert.deepEqual(charts.reads.thresholds, [{ value: 2, label: 'Provisioned 2 RCU' }]);
    assert.deepEqual(charts.writes.thresholds, [{ value: 1, label: 'Provisioned 1 WCU' }]);
    assert.deepEqual(charts.throttles.series.map((s) => [s.kind, s.stack]), [['bar', 'throttled'], ['bar', 'throttled']]);
    assert.equal(charts.throttles.series[1]!.values.reduce((a, b) => (a ?? 0) + (b ?? 0), 0), throttled);
    assert.equal(charts.writes.series[0]!.values.length, 300);
    assert.equal(charts.throttles.yLabel, 'Throttled requests per second');
    assert.match(summaryOf(snap), new RegExp(`^Table: provisioned 2 RCU, 1 WCU · burst left .* · 1 partition · ${throttled} throttled requests? in the window$`));
  });

  it('draws no threshold for an on-demand table and says it is on-demand', async () => {
    const { snap } = await snapshotOf({ BillingMode: 'PAY_PER_REQUEST' }, 3);
    const charts = chartsOf(snap);
    assert.deepEqual(charts.reads.thresholds, []);
    assert.deepEqual(charts.writes.thresholds, []);
    assert.match(summaryOf(snap), /^Table: on-demand · \d+ partitions? · no throttling in the window$/);
  });

  it('marks the configured mode and class and the cheapest of the four estimates', async () => {
    const { snap } = await snapshotOf({ BillingMode: 'PAY_PER_REQUEST' }, 50);
    const rows = costRows(snap.cost);
    assert.deepEqual(rows.map((r) => r.label), ['On-demand', 'Provisioned']);
    const current = rows.flatMap((r) => Object.entries(r.cells).filter(([, c]) => c.current).map(([cls]) => `${r.mode} ${cls}`));
    assert.deepEqual(current, ['onDemand STANDARD']);
    const totals = rows.flatMap((r) => Object.values(r.cells).map((c) => ({ c, v: Number(c.total.replace(/[$,]/g, '')) })));
    const cheapest = totals.filter((t) => t.c.cheapest);
    assert.ok(cheapest.length >= 1);
    for (const t of totals) assert.ok(t.v >= cheapest[0]!.v - 0.01);
    assert.match(rows[0]!.basis, /the last 5 minutes's 0 read and 50 write request units/);
    assert.match(rows[0]!.cells.STANDARD.detail, /a month: requests \$.* \+ storage \$/);
  });

  it('names windows as a person says them', () => {
    assert.equal(windowText(3600), 'hour');
    assert.equal(windowText(900), '15 minutes');
    assert.equal(windowText(45), '45 seconds');
  });
});
