// <dw-time-chart> in a real Chromium, under the webviews' strict CSP (nonce scripts and styles, no
// style attributes): where the marks land, what the tooltip says, what keys, clicks and markers
// fire, the data table. A screenshot lands in test-artifacts/webview/time-chart.png.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../e2e/lib/workbench';
import { formatValue, timeLabel, type TimeChartData } from '../../webview/shared/components/time-chart-model';

const ROOT = path.join(import.meta.dirname, '../..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts/webview');
const CHROMIUM = process.env.VSCODE_E2E_CHROMIUM ?? '/usr/bin/chromium';
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

const THEME = `:root{--vscode-foreground:#ccc;--vscode-descriptionForeground:#9d9d9d;--vscode-editor-background:#1e1e1e;
--vscode-charts-blue:#3794ff;--vscode-charts-red:#f14c4c;--vscode-charts-orange:#d18616;--vscode-charts-green:#89d185;
--vscode-charts-purple:#b180d7;--vscode-focusBorder:#007fd4;--vscode-editorHoverWidget-background:#252526;
--vscode-editorHoverWidget-border:#454545;--vscode-editorWidget-border:#454545;--vscode-font-family:sans-serif}
body{background:var(--vscode-editor-background);color:var(--vscode-foreground);font-family:var(--vscode-font-family);margin:0;padding:16px}`;

async function pageHtml(): Promise<string> {
  const out = await esbuild.build({
    entryPoints: [path.join(import.meta.dirname, 'fixtures/time-chart-page.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  const nonce = 'n0nce';
  const script = out.outputFiles[0]!.text.replace(/<\/script/g, '<\\/script');
  return `<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<style nonce="${nonce}">${THEME}</style></head><body>
<script nonce="${nonce}">window.cspViolations=[];document.addEventListener('securitypolicyviolation',e=>window.cspViolations.push(e.violatedDirective+' '+e.blockedURI));</script>
<dw-time-chart id="chart"></dw-time-chart>
<script type="module" nonce="${nonce}">${script}</script></body></html>`;
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The plot rectangle in page pixels, and the layout's scales, read from the element itself. */
async function plotRect(page: Page): Promise<{ left: number; right: number; top: number; bottom: number; yMax: number }> {
  return page.evaluate(() => {
    const el = document.getElementById('chart') as any;
    const l = el.layout;
    const box = el.shadowRoot.querySelector('.plot-area').getBoundingClientRect();
    return {
      left: box.left + l.margins.left,
      right: box.left + l.width - l.margins.right,
      top: box.top + l.margins.top,
      bottom: box.top + l.height - l.margins.bottom,
      yMax: l.yMax,
    };
  });
}

function inside(b: Box | null, r: { left: number; right: number; top: number; bottom: number }, what: string): void {
  assert.ok(b, `${what} is drawn`);
  assert.ok(b.width > 0 && b.height > 0, `${what} has a size`);
  const tol = 1.5;
  assert.ok(b.x >= r.left - tol && b.x + b.width <= r.right + tol, `${what} [${b.x}, ${b.x + b.width}] within x [${r.left}, ${r.right}]`);
  assert.ok(b.y >= r.top - tol && b.y + b.height <= r.bottom + tol, `${what} [${b.y}, ${b.y + b.height}] within y [${r.top}, ${r.bottom}]`);
}

async function events(page: Page): Promise<{ type: string; detail: any }[]> {
  return page.evaluate(() => window.chartEvents.splice(0));
}

describe('the time chart in Chromium', { skip: fs.existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}` }, () => {
  let browser: Browser;
  let page: Page;

  before(async () => {
    browser = await launchBrowser({ executablePath: CHROMIUM });
    page = await browser.newPage({ viewport: { width: 820, height: 420 } });
    await page.setContent(await pageHtml());
    await page.evaluate((data) => ((document.getElementById('chart') as any).data = data), DATA);
    await page.locator('dw-time-chart path.series.line').waitFor();
  });

  after(async () => {
    await browser?.close();
  });

  it('draws the line, the throttle bars and the threshold inside the plot, the threshold at its value', async () => {
    const r = await plotRect(page);
    inside(await page.locator('dw-time-chart path.series.line').boundingBox(), r, 'the consumed line');
    const bars = await page.locator('dw-time-chart path.series.bar').boundingBox();
    inside(bars, r, 'the throttle bars');
    // the bars span steps 35..39 only
    const bandWidth = (r.right - r.left) / 60;
    assert.ok(Math.abs(bars!.x - (r.left + 35 * bandWidth)) < bandWidth, `bars start at step 35 (${bars!.x})`);
    assert.ok(Math.abs(bars!.x + bars!.width - (r.left + 40 * bandWidth)) < bandWidth, 'bars end at step 40');
    const threshold = await page.locator('dw-time-chart .threshold line').boundingBox();
    const expectedY = r.bottom - (5 / r.yMax) * (r.bottom - r.top);
    assert.ok(Math.abs(threshold!.y + threshold!.height / 2 - expectedY) < 1.5, `threshold at y ${expectedY}`);
    // the peak (7.75 at step 39) is drawn above the threshold line
    const line = await page.locator('dw-time-chart path.series.line').boundingBox();
    assert.ok(line!.y < expectedY, 'the line rises above the threshold');
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
    const r = await plotRect(page);
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
    const r = await plotRect(page);
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
    assert.deepEqual(await page.evaluate(() => (window as any).cspViolations), []);
  });
});
