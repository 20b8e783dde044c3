// The capacity page's pure state over snapshots of a real engine: chart data, summary, cost grid;
// and, for a connection without counters, the estimate from DescribeTable (describedCapacity).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { capacitySnapshot, describedCapacity } from '../../src/extension/capacity-source';
import { Database } from '../../src/engine/database';
import { refreshDue } from '../../webview/capacity/actions';
import { chartsOf, costFootnote, costRows, describedSummary, resourceRows, summaryOf, windowText } from '../../webview/capacity/state';

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

  it('prices a provisioned table from DescribeTable exactly as the engine prices it from its own state', async () => {
    const db = await Database.open('', { inMemory: true });
    await db.execute('CreateTable', {
      TableName: 'Tab',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'g', AttributeType: 'S' }],
      ProvisionedThroughput: { ReadCapacityUnits: 7, WriteCapacityUnits: 3 },
      TableClass: 'STANDARD_INFREQUENT_ACCESS',
      GlobalSecondaryIndexes: [
        { IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' }, ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 2 } },
      ],
    });
    for (let i = 0; i < 40; i++) await db.execute('PutItem', { TableName: 'Tab', Item: { pk: { S: `k${i}` }, g: { S: `g${i % 3}` }, body: { S: 'x'.repeat(200) } } });
    const engine = capacitySnapshot(db.metrics, 'Tab', undefined, '5m').cost;
    const { Table } = (await db.execute('DescribeTable', { TableName: 'Tab' })) as { Table: Parameters<typeof describedCapacity>[0] };
    const d = describedCapacity(Table);
    await db.close();
    assert.deepEqual([d.billingMode, d.tableClass], ['PROVISIONED', 'STANDARD_INFREQUENT_ACCESS']);
    assert.deepEqual([d.cost.provisionedRead, d.cost.provisionedWrite], [12, 5]);
    for (const cls of ['STANDARD', 'STANDARD_INFREQUENT_ACCESS'] as const) {
      const [ours, theirs] = [d.cost.perMonth[cls].provisioned, engine.perMonth[cls].provisioned];
      assert.ok(Math.abs(ours.capacity - theirs.capacity) < 1e-9, `${cls} capacity ${ours.capacity} vs ${theirs.capacity}`);
      assert.ok(ours.storage > 0 && Math.abs(ours.storage - theirs.storage) < 1e-12, `${cls} storage ${ours.storage} vs ${theirs.storage}`);
    }
    assert.equal(d.cost.storageBytes, engine.storageBytes);
    // each resource's own month adds up to the table's capacity line
    const rows = d.resources.reduce((n, r) => n + (r.capacityPerMonth?.STANDARD ?? 0), 0);
    assert.ok(Math.abs(rows - d.cost.perMonth.STANDARD.provisioned.capacity) < 1e-9);
    assert.deepEqual(resourceRows(d.resources).map((r) => [r.kind, r.name, r.capacity]), [['Table', 'Tab', '7 RCU, 3 WCU'], ['GSI', 'byG', '5 RCU, 2 WCU']]);
    assert.match(describedSummary(d), /provisioned, Standard-IA table class · \$[\d.]+ a month as configured/);
  });

  it('leaves both modes of an on-demand remote table to its traffic: no figure, no cheapest, storage and unit prices in the hints', () => {
    const d = describedCapacity({
      TableName: 'Events',
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
      ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
      TableSizeBytes: 5 * 1024 ** 3,
      ItemCount: 1000,
      LocalSecondaryIndexes: [{ IndexName: 'byTime', IndexSizeBytes: 1024 ** 3, ItemCount: 1000 }],
    }, 'eu-west-9');
    assert.equal(d.cost.regionFallback, true, 'a region without its own prices says so');
    const rows = costRows(d.cost);
    for (const r of rows) for (const cell of Object.values(r.cells)) {
      assert.equal(cell.total, 'depends on traffic');
      assert.equal(cell.cheapest, false);
      assert.equal(cell.unknown, true);
    }
    const onDemand = rows.find((r) => r.mode === 'onDemand')!;
    assert.match(onDemand.basis, /CloudWatch/);
    assert.ok(onDemand.cells.STANDARD.current);
    // 6 GB and 2000 items' overhead at $0.25 a GB-month
    assert.match(onDemand.cells.STANDARD.detail, /^storage \$1\.50 a month, plus \$0\.125 per million read and \$0\.625 per million write request units$/);
    assert.match(rows.find((r) => r.mode === 'provisioned')!.basis, /no provisioned capacity/);
    assert.match(costFootnote(d.cost), /\$0\.155 per million read and \$0\.78 per million write request units \(Standard-IA\)/);
    assert.deepEqual(resourceRows(d.resources).map((r) => [r.capacity, r.month.STANDARD]), [['on-demand', 'per request'], ["the table's", 'in the table']]);
    assert.match(describedSummary(d), /on-demand, Standard table class · storage \$1\.50 a month, plus its requests/);
  });

  it('reads a table DescribeTable states sparsely (another service) as provisioned at zero, never as NaN', () => {
    const d = describedCapacity({ TableName: 'Sparse' });
    assert.equal(d.billingMode, 'PROVISIONED');
    assert.deepEqual(d.resources[0]!.provisioned, { read: 0, write: 0 });
    for (const r of costRows(d.cost)) for (const cell of Object.values(r.cells)) assert.doesNotMatch(cell.total + cell.detail, /NaN|undefined/);
  });

  it('refreshes charts at every tick, but asks a remote service for DescribeTable only every half minute', () => {
    const charts = { available: true } as never;
    const described = { available: false, reason: 'remote', connectionLabel: 'prod' } as const;
    assert.equal(refreshDue(undefined, 0, 0), true, 'nothing loaded yet');
    assert.equal(refreshDue(charts, 10_000, 13_000), true);
    assert.equal(refreshDue(described, 10_000, 13_000), false);
    assert.equal(refreshDue(described, 10_000, 37_000), false);
    assert.equal(refreshDue(described, 10_000, 40_000), true);
  });
});
