// The capacity panel's page in a real Chromium under the webview CSP, its requests answered from a
// real engine (capacitySnapshot over db.metrics, as the panel host answers them) after a
// provisioned table with 1 WCU was written past its burst: the writes chart rises above the
// provisioned line, the throttles chart has its bars inside the plot, the hot keys and the cost
// grid list the table's own figures, the window buttons change the step, and a remote connection
// (an SDK client of the real HTTP endpoint) gets the reason there are no charts, then the table's
// and each index's provisioned capacity and monthly cost from DescribeTable.
// Screenshots: test-artifacts/webview/capacity-page.png, capacity-remote.png.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../e2e/lib/workbench';
import { ARTIFACTS, CHROMIUM, assertInside, cspViolations, openPanelPage, plotRect, yAt, type HostAnswer } from './lib/browser-page';
import type { Connection } from '../../src/extension/connection';
import { capacitySnapshot, describedCapacity, metricsOf } from '../../src/extension/capacity-source';
import { RemoteConnection } from '../../src/extension/remote';
import { startServer } from '../../src/server';
import type { CapacityRequests, CapacityResult } from '../../src/protocol/capacity-view';
import { Database } from '../../src/engine/database';

const ENTRY = path.join(import.meta.dirname, '../../webview/capacity/main.ts');
/** The capacity page, its host requests answered by `answer`. */
const openPage = (browser: Browser, answer: HostAnswer, seen: { method: string; params: any }[] = []): Promise<Page> =>
  openPanelPage(browser, ENTRY, '<capacity-app></capacity-app>', answer, seen, { width: 1100, height: 900 });

describe('the capacity page in Chromium, answered from a real engine', { skip: fs.existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}` }, () => {
  let browser: Browser;
  let db: Database;
  let page: Page;
  const seen: { method: string; params: any }[] = [];
  let throttled = 0;

  before(async () => {
    db = await Database.open('', { inMemory: true });
    await db.execute('CreateTable', {
      TableName: 'Orders',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'status', AttributeType: 'S' }],
      ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byStatus',
          KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
          ProvisionedThroughput: { ReadCapacityUnits: 1000, WriteCapacityUnits: 1000 },
        },
      ],
    });
    // the burst bucket holds 300 s of 1 WCU: the writes after the 300th throttle
    for (let i = 0; i < 330; i++) {
      try {
        await db.execute('PutItem', { TableName: 'Orders', Item: { pk: { S: `customer#${i % 4}` }, n: { N: String(i) }, status: { S: i % 3 ? 'open' : 'shipped' } } });
      } catch {
        throttled++;
      }
    }
    assert.ok(throttled >= 25, `${throttled} writes throttled`);
    browser = await launchBrowser({ executablePath: CHROMIUM });
    const answer: HostAnswer = (method, params) => {
      const req = params as CapacityRequests['snapshot'][0];
      if (method === 'ready') return { target: { connectionId: 'workspace:test', tableName: 'Orders' }, connectionLabel: 'demo-folder', windowId: '5m' };
      if (method === 'snapshot') return { available: true, snapshot: capacitySnapshot(db.metrics, 'Orders', req.index, req.windowId) } satisfies CapacityResult;
      throw new Error(`unknown request ${method}`);
    };
    page = await openPage(browser, answer, seen);
    await page.locator('capacity-app dw-time-chart.writes path.series.area').waitFor();
  });

  after(async () => {
    await browser?.close();
    await db?.close();
  });

  it('says what the table is provisioned with and that it throttled', async () => {
    const summary = await page.locator('capacity-app .summary').innerText();
    assert.match(summary, /Table: provisioned 1 RCU, 1 WCU/);
    assert.match(summary, new RegExp(`${throttled} throttled requests in the window`));
  });

  it('draws consumed writes rising above the provisioned line, inside the plot', async () => {
    const chart = 'capacity-app dw-time-chart.writes';
    const r = await plotRect(page, chart);
    const area = await page.locator(`${chart} path.series.area`).boundingBox();
    assertInside(area, r, 'the consumed writes', assert.fail);
    const threshold = await page.locator(`${chart} .threshold line`).boundingBox();
    assert.ok(Math.abs(threshold!.y - yAt(r, 1)) < 1.5, 'the provisioned line at 1 WCU/s');
    assert.ok(area!.y < threshold!.y - 20, 'the burst rises well above the provisioned line');
    assert.match(await page.locator(`${chart} .threshold text`).textContent() ?? '', /Provisioned 1 WCU/);
  });

  it('draws the throttled writes as bars inside the throttles plot, at the seconds they happened', async () => {
    const chart = 'capacity-app dw-time-chart.throttles';
    const r = await plotRect(page, chart);
    const bars = await page.locator(`${chart} path.series.bar[data-series="throttledWrites"]`).boundingBox();
    assertInside(bars, r, 'the throttle bars', assert.fail);
    // they happened seconds ago: at the right end of a five-minute axis
    assert.ok(bars!.x > r.left + (r.right - r.left) * 0.9, `bars at x ${bars!.x} near the right end ${r.right}`);
  });

  it('shows the figures of the step under the pointer', async () => {
    const chart = page.locator('capacity-app dw-time-chart.throttles');
    const bars = (await chart.locator('path.series.bar[data-series="throttledWrites"]').boundingBox())!;
    await page.mouse.move(bars.x + bars.width - 1, bars.y + bars.height - 1);
    const tip = chart.locator('.tooltip');
    await tip.waitFor();
    const text = (await tip.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /Throttled writes \d+ requests/);
    const shown = Number(/Throttled writes (\d+)/.exec(text)![1]);
    assert.ok(shown > 0 && shown <= throttled, `${shown} of ${throttled}`);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'capacity-page.png'), fullPage: true });
    await page.mouse.move(1, 1);
  });

  it('moves along a chart with the keys, showing each step\'s figures', async () => {
    const plot = page.locator('capacity-app dw-time-chart.throttles .plot-area');
    await plot.focus();
    await page.keyboard.press('End');
    const tip = page.locator('capacity-app dw-time-chart.throttles .tooltip');
    const last = (await tip.innerText()).split('\n')[0];
    await page.keyboard.press('ArrowLeft');
    const before = (await tip.innerText()).split('\n')[0];
    assert.notEqual(before, last, 'a step back shows another second');
    assert.equal(await plot.getAttribute('role'), 'img', 'not a slider: nothing to pick on this chart');
    await page.keyboard.press('Escape');
    await tip.waitFor({ state: 'detached' });
  });

  it('refreshes by itself: later throttles show without any action', async () => {
    const count = async () => Number(/(\d+) throttled requests? in the window/.exec(await page.locator('capacity-app .summary').innerText())?.[1] ?? -1);
    const before = await count();
    let more = 0;
    // the bucket has refilled a unit a second since: 30 writes outrun that
    for (let i = 0; i < 30; i++) await db.execute('PutItem', { TableName: 'Orders', Item: { pk: { S: 'late' } } }).catch(() => more++);
    assert.ok(more > 0, 'the table still throttles');
    const deadline = Date.now() + 10_000;
    while ((await count()) !== before + more && Date.now() < deadline) await page.waitForTimeout(200);
    assert.equal(await count(), before + more);
  });

  it('lists the hottest partition keys and the month in both modes and both classes', async () => {
    const keys = await page.locator('capacity-app dw-hot-keys tbody tr').allInnerTexts();
    // four customers, and the key written after the page opened
    assert.equal(keys.length, 5);
    assert.ok(keys.some((k) => k.startsWith('late')), keys.join(' | '));
    assert.match(keys[0]!, /^customer#\d/);
    const cost = page.locator('capacity-app dw-cost-table');
    const figures = await cost.locator('td .figure').allInnerTexts();
    assert.equal(figures.length, 4);
    for (const f of figures) assert.match(f, /^\$\d/);
    const configured = cost.locator('tr[data-mode="provisioned"] td[data-class="STANDARD"]');
    assert.match(await configured.innerText(), /as configured/);
    assert.match((await configured.locator('.figure').getAttribute('title')) ?? '', /capacity \$.* \+ storage/);
  });

  it('asks for a coarser step when a longer window is chosen, and keeps the choice in the page state', async () => {
    await page.locator('capacity-app vscode-button[data-window="15m"]').click();
    await page.locator('capacity-app dw-time-chart.throttles figcaption', { hasText: 'per 5 s' }).waitFor();
    const last = seen.filter((s) => s.method === 'snapshot').at(-1)!.params;
    assert.equal(last.windowId, '15m');
    assert.equal(last.index, undefined);
    assert.deepEqual(await page.evaluate(() => (window as any).__state), { windowId: '15m' });
  });

  it('shows an index picked in the picker: its capacity and its own hot keys', async () => {
    const select = page.locator('capacity-app vscode-single-select#resource');
    await select.evaluate((el) => {
      (el as HTMLSelectElement).value = 'byStatus';
      el.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await page.locator('capacity-app .summary', { hasText: 'GSI byStatus' }).waitFor();
    assert.match(await page.locator('capacity-app .summary').innerText(), /^GSI byStatus: provisioned 1000 RCU, 1000 WCU/);
    assert.equal(seen.filter((s) => s.method === 'snapshot').at(-1)!.params.index, 'byStatus');
    await page.locator('capacity-app dw-hot-keys th', { hasText: 'status' }).waitFor();
    const keys = await page.locator('capacity-app dw-hot-keys tbody th').allInnerTexts();
    assert.deepEqual(keys.sort(), ['open', 'shipped']);
    assert.deepEqual(await page.evaluate(() => (window as any).__state), { index: 'byStatus', windowId: '15m' });
  });

  it('writes no style attribute the CSP refuses', async () => {
    assert.deepEqual(await cspViolations(page), []);
  });

  it('shows a remote table\'s and each index\'s provisioned capacity and monthly cost, and says on-demand depends on traffic', async () => {
    const server = await startServer({ db, host: '127.0.0.1', port: 0 });
    const remote = new RemoteConnection({ id: 'remote:prod', label: 'prod', endpoint: server.url });
    try {
      const other = await openPage(browser, async (method) => {
        if (method === 'ready') return { target: { connectionId: remote.id, tableName: 'Orders' }, connectionLabel: 'prod', windowId: '1h' };
        // as CapacityPanel answers a remote connection: the reason, and what DescribeTable says
        const source = metricsOf(remote);
        assert.ok('reason' in source);
        const { Table } = await remote.send('DescribeTable', { TableName: 'Orders' });
        return { available: false, reason: source.reason, connectionLabel: 'prod', described: describedCapacity(Table, remote.region) } satisfies CapacityResult;
      });
      const note = other.locator('capacity-app .unavailable');
      await note.waitFor();
      assert.match(await note.innerText(), /Capacity charts need the workspace database/);
      assert.equal(await other.locator('capacity-app dw-time-chart').count(), 0);
      await other.locator('capacity-app dw-resource-capacity tbody tr').first().waitFor();
      // 1 RCU + 1 WCU a month at $0.00013 and $0.00065 an hour, 730 hours: $0.09 + $0.47
      const table = await other.locator('capacity-app dw-resource-capacity tr[data-resource="Orders"]').innerText();
      // four customers and the late key, each item rewritten in place
      assert.match(table, /Table Orders\s+1 RCU, 1 WCU\s+[1-9][\d.]* K?B, 5 items\s+\$0\.57\s+\$0\.71/);
      // 1000 RCU + 1000 WCU: $94.90 + $474.50 Standard; $116.80 + $591.30 Standard-IA
      const index = await other.locator('capacity-app dw-resource-capacity tr[data-resource="byStatus"]').innerText();
      assert.match(index, /GSI byStatus\s+1000 RCU, 1000 WCU\s+.*\$569\.40\s+\$708\.10/);
      assert.match(await other.locator('capacity-app .summary').innerText(), /From DescribeTable: provisioned, Standard table class · \$569\.9\d a month as configured/);
      const cost = other.locator('capacity-app dw-cost-table');
      const provisioned = await cost.locator('tr[data-mode="provisioned"] td .figure').allInnerTexts();
      assert.equal(provisioned.length, 2);
      assert.match(provisioned[0]!, /^\$569\.9\d$/);
      assert.match(provisioned[1]!, /^\$708\.8\d$/);
      assert.match(await cost.locator('tr[data-mode="provisioned"] td[data-class="STANDARD"]').innerText(), /as configured/);
      const onDemand = cost.locator('tr[data-mode="onDemand"]');
      assert.deepEqual(await onDemand.locator('td .figure').allInnerTexts(), ['depends on traffic', 'depends on traffic']);
      assert.match(await onDemand.locator('th').innerText(), /CloudWatch/);
      assert.equal(await onDemand.locator('.tag.cheapest').count(), 0, 'an unknown figure is never the cheapest');
      assert.match(await cost.locator('.note').innerText(), /\$0\.125 per million read and \$0\.625 per million write request units \(Standard\)/);
      assert.deepEqual(await cspViolations(other), []);
      await other.screenshot({ path: path.join(ARTIFACTS, 'capacity-remote.png'), fullPage: true });
      await other.close();
    } finally {
      await server.close();
    }
  });

  it('tells a shared database plainly that the charts need the workspace database, and shows no figures', async () => {
    const shared = { id: 'shared:demo', label: 'demo', kind: 'shared', endpoint: undefined, detail: '' } as unknown as Connection;
    const other = await openPage(browser, (method) => {
      if (method === 'ready') return { target: { connectionId: shared.id, tableName: 'Orders' }, connectionLabel: 'demo', windowId: '1h' };
      const source = metricsOf(shared);
      assert.ok('reason' in source);
      return { available: false, reason: source.reason, connectionLabel: 'demo' } satisfies CapacityResult;
    });
    const note = other.locator('capacity-app .unavailable');
    await note.waitFor();
    assert.match(await note.innerText(), /open in another process/);
    assert.equal(await other.locator('capacity-app dw-time-chart').count(), 0);
    assert.equal(await other.locator('capacity-app dw-cost-table').count(), 0);
    await other.close();
  });
});
