// <dw-time-chart> in a real Chromium, under the webviews' strict CSP (nonce scripts and styles, no
// style attributes): where the marks land, what the tooltip says, what keys, clicks and markers
// fire, the data table. A screenshot lands in test-artifacts/webview/time-chart.png.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../e2e/lib/workbench';
import { ARTIFACTS, CHROMIUM, assertInside, cspViolations, pageHtml, plotRect, yAt } from './lib/browser-page';
import { formatValue, timeLabel, type TimeChartData } from '../../webview/shared/components/time-chart-model';

const STEP = 10_000;
const START = Math.floor(Date.now() / 60_000) * 60_000 - 60 * STEP;

const consumed = Array.from({ length: 60 }, (_, i) => (i < 20 ? 0.5 : i < 40 ? 3 + (i - 20) * 0.25 : 1));
const throttled = Array.from({ length: 60 }, (_, i) => (i >= 35 && i < 40 ? 4 : i === 45 ? null : 0));
const DATA: TimeChartData = {
  start: START,
  step: STEP,
  yLabel: 'Write capacity',
  unit: 'WCU/s',
  series: [
    { id: 'consumed', label: 'Consumed', values: consumed, kind: 'line', color: '--vscode-charts-blue' },
    { id: 'throttled', label: 'Throttled', values: throttled, kind: 'bar', color: '--vscode-charts-red', unit: 'requests' },
  ],
  thresholds: [{ value: 5, label: 'Provisioned 5 WCU' }],
  band: { from: START + 5 * STEP, to: START + 50 * STEP, label: 'Recovery window' },
  markers: [{ id: 'backup-1', label: 'Backup nightly', at: START + 25 * STEP + 3000 }],
  selectable: true,
};

async function events(page: Page): Promise<{ type: string; detail: any }[]> {
  return page.evaluate(() => window.chartEvents.splice(0));
}

describe('the time chart in Chromium', { skip: fs.existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}` }, () => {
  let browser: Browser;
  let page: Page;

  before(async () => {
    browser = await launchBrowser({ executablePath: CHROMIUM });
    page = await browser.newPage({ viewport: { width: 820, height: 420 } });
    await page.setContent(await pageHtml(path.join(import.meta.dirname, 'fixtures/time-chart-page.ts'), '<dw-time-chart id="chart"></dw-time-chart>'));
    await page.evaluate((data) => ((document.getElementById('chart') as any).data = data), DATA);
    await page.locator('dw-time-chart path.series.line').waitFor();
  });

  after(async () => {
    await browser?.close();
  });

  it('draws the line, the throttle bars and the threshold inside the plot, the threshold at its value', async () => {
    const r = await plotRect(page, '#chart');
    assertInside(await page.locator('dw-time-chart path.series.line').boundingBox(), r, 'the consumed line', assert.fail);
    const bars = await page.locator('dw-time-chart path.series.bar').boundingBox();
    assertInside(bars, r, 'the throttle bars', assert.fail);
    // the bars span steps 35..39 only
    const bandWidth = (r.right - r.left) / 60;
    assert.ok(Math.abs(bars!.x - (r.left + 35 * bandWidth)) < bandWidth, `bars start at step 35 (${bars!.x})`);
    assert.ok(Math.abs(bars!.x + bars!.width - (r.left + 40 * bandWidth)) < bandWidth, 'bars end at step 40');
    const threshold = await page.locator('dw-time-chart .threshold line').boundingBox();
    const expectedY = yAt(r, 5);
    assert.ok(Math.abs(threshold!.y + threshold!.height / 2 - expectedY) < 1.5, `threshold at y ${expectedY}`);
    // the peak (7.75 at step 39) is drawn above the threshold line
    const line = await page.locator('dw-time-chart path.series.line').boundingBox();
    assert.ok(line!.y < expectedY, 'the line rises above the threshold');
  });

  it('labels the shaded band at its start, inside the plot, on top of any mark drawn there', async () => {
    const r = await plotRect(page, '#chart');
    const label = page.locator('dw-time-chart .band-label text');
    assert.equal(await label.textContent(), 'Recovery window');
    const box = await label.boundingBox();
    assertInside(box, r, 'the band label', assert.fail);
    const step = (r.right - r.left) / 60;
    assert.ok(Math.abs(box!.x - (r.left + 5 * step)) < step, `the label starts where the band does (${box!.x})`);
    // what is painted at the label's centre is the label itself, not a bar or the band
    const hit = await page.evaluate(([x, y]) => {
      const chart = document.querySelector('dw-time-chart')!;
      const el = (chart.shadowRoot ?? document).elementFromPoint(x!, y!);
      return el?.closest('g')?.getAttribute('class') ?? el?.tagName;
    }, [box!.x + box!.width / 2, box!.y + box!.height / 2]);
    assert.equal(hit, 'band-label');
  });

  it('labels the time axis in local time and the value axis in units', async () => {
    const labels = await page.locator('dw-time-chart .axis.x text').allTextContents();
    assert.ok(labels.length >= 3, `${labels.length} time ticks`);
    for (const label of labels) assert.match(label, /\d{1,2}:\d{2}/);
    const values = await page.locator('dw-time-chart .axis.y text').allTextContents();
    assert.equal(values[0], '0');
    assert.ok(values.length >= 3);
  });

  it('shows the exact figures of the step under the pointer in a tooltip', async () => {
    const r = await plotRect(page, '#chart');
    const bandWidth = (r.right - r.left) / 60;
    await page.mouse.move(r.left + 37.5 * bandWidth, (r.top + r.bottom) / 2);
    const tip = page.locator('dw-time-chart .tooltip');
    await tip.waitFor();
    const text = (await tip.innerText()).replace(/\s+/g, ' ');
    assert.ok(text.includes(timeLabel(START + 37 * STEP)), `${text} names the step's time`);
    assert.ok(text.includes(`Consumed ${formatValue(consumed[37], 'WCU/s')}`), `${text} has the consumed figure`);
    assert.ok(text.includes(`Throttled ${formatValue(4, 'requests')}`), `${text} has the throttled figure`);
    assert.ok(text.includes('Provisioned 5 WCU'), text);
    const tipBox = (await tip.boundingBox())!;
    assert.ok(tipBox.x >= 0 && tipBox.x + tipBox.width <= 820, 'the tooltip stays in the page');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'time-chart.png') });
    await page.mouse.move(5, 5);
    await tip.waitFor({ state: 'detached' });
  });

  it('picks a time with a click and with the keys, and steps by whole steps', async () => {
    const r = await plotRect(page, '#chart');
    const bandWidth = (r.right - r.left) / 60;
    await events(page);
    await page.mouse.click(r.left + 10.5 * bandWidth, (r.top + r.bottom) / 2);
    let got = await events(page);
    assert.equal(got.length, 1);
    assert.equal(got[0]!.type, 'time-select');
    assert.ok(Math.abs(got[0]!.detail.at - (START + 10.5 * STEP)) <= STEP / 2, 'the click picks the time under it');
    assert.equal(got[0]!.detail.at % 1000, 0, 'whole seconds');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('PageUp');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Home');
    got = await events(page);
    assert.deepEqual(
      got.map((e) => e.detail.at - START),
      [11, 21, 59, 58, 0].map((i) => i * STEP),
    );
    const slider = page.locator('dw-time-chart .plot-area');
    assert.equal(await slider.getAttribute('role'), 'slider');
    assert.equal(await slider.getAttribute('aria-valuetext'), timeLabel(START));
  });

  it('selects a marker by click and by Enter, without picking a time', async () => {
    await events(page);
    const marker = page.locator('dw-time-chart .marker');
    await marker.click();
    await marker.focus();
    await page.keyboard.press('Enter');
    assert.deepEqual(await events(page), [
      { type: 'marker-select', detail: { id: 'backup-1' } },
      { type: 'marker-select', detail: { id: 'backup-1' } },
    ]);
  });

  it('offers every step as a data table and a summary as the figure label', async () => {
    const label = await page.locator('dw-time-chart figure').getAttribute('aria-label');
    assert.match(label!, /Consumed: highest 7\.75 WCU\/s/);
    await page.locator('dw-time-chart details summary').click();
    const rows = page.locator('dw-time-chart .data tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 60);
    assert.match((await rows.nth(25).innerText()).replace(/\s+/g, ' '), /Backup nightly/);
  });

  it('writes no style attribute the CSP refuses', async () => {
    assert.deepEqual(await cspViolations(page), []);
  });
});
