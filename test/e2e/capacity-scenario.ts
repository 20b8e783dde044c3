// Throttling as a person sees it, in a real VS Code (code-server) in headless chromium: an SDK
// client writes to a provisioned table of 1 WCU until it throttles; the status bar warns
// "Orders throttled"; a click opens the capacity panel, whose charts show the consumed writes
// above the provisioned line at the time of the burst and the throttled writes as bars inside the
// plot, with the exact figures on hover; the warning goes away once throttling stops; the panel
// comes back after a window reload showing the window it showed. Screenshots go to OUT_DIR.
//   node --import tsx test/e2e/capacity-scenario.ts WORKBENCH_URL OUT_DIR RESULTS_JSON
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Frame, Page } from 'playwright-core';
import * as wb from './lib/workbench';
import { runScenario, scenarioSteps, type ScenarioRunner } from './scenario-steps';

const [url, out, resultsFile] = process.argv.slice(2);
let runner: ScenarioRunner | undefined;
if (!url || !out) {
  console.error('usage: capacity-scenario.ts WORKBENCH_URL OUT_DIR [RESULTS_JSON]');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });
const workspace = process.env.DW_UI_WORKSPACE ?? '';
const TABLE = 'Orders';

interface Rect {
  left: number;
  right: number;
  top: number;
  bottom: number;
  yMax: number;
}
type Box = { x: number; y: number; width: number; height: number };

/** A chart's plot rectangle (webview pixels) and what it was given, read from the element. */
async function chartInfo(frame: Frame, chart: string): Promise<{ plot: Rect; data: any }> {
  return frame.locator(`dw-time-chart.${chart}`).evaluate((el: any) => {
    const l = el.layout;
    const box = el.shadowRoot.querySelector('.plot-area').getBoundingClientRect();
    return {
      plot: { left: box.left + l.margins.left, right: box.left + l.width - l.margins.right, top: box.top + l.margins.top, bottom: box.top + l.height - l.margins.bottom, yMax: l.yMax },
      data: el.data,
    };
  });
}

/** A drawn element's box in webview pixels. */
async function boxOf(frame: Frame, selector: string): Promise<Box> {
  return frame.locator(selector).first().evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  });
}

function assertInside(b: Box, r: Rect, what: string): void {
  const tol = 1.5;
  if (!(b.width > 0 && b.height > 0)) throw new Error(`${what} has no size: ${JSON.stringify(b)}`);
  if (b.x < r.left - tol || b.x + b.width > r.right + tol || b.y < r.top - tol || b.y + b.height > r.bottom + tol)
    throw new Error(`${what} ${JSON.stringify(b)} is not inside the plot ${JSON.stringify(r)}`);
}

/** Writes until the table throttles, then keeps writing a few a second (so it keeps throttling) until stopped. */
function startWriter(client: DynamoDBClient) {
  let stop = false;
  let n = 0;
  let throttled = 0;
  let firstThrottle = 0;
  const put = async () => {
    try {
      await client.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: `customer#${n++ % 5}` }, n: { N: String(n) } } }));
    } catch (e) {
      if ((e as Error).name !== 'ProvisionedThroughputExceededException') throw e;
      throttled++;
      firstThrottle ||= Date.now();
    }
  };
  const done = (async () => {
    const burstAt = Date.now();
    while (!throttled && n < 2000) await Promise.all(Array.from({ length: 25 }, put));
    if (!throttled) throw new Error(`${n} writes and no throttle`);
    console.log(`      throttled after ${n} writes (${throttled} throttled so far), ${Date.now() - burstAt} ms`);
    while (!stop) {
      await put();
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    get throttled() {
      return throttled;
    },
    get firstThrottle() {
      return firstThrottle;
    },
    stop: async () => {
      stop = true;
      await done;
    },
    done,
  };
}

async function main(): Promise<number> {
  const browser = await wb.launchBrowser();
  const { page, offLoopback } = await wb.newPage(browser, { width: 1400, height: 950 });
  runner = scenarioSteps(page, out!, 'capacity-');
  const { step, shot } = runner;
  let client: DynamoDBClient | undefined;
  let writer: ReturnType<typeof startWriter> | undefined;
  const capacityFrame = () => wb.webviewFrame(page, 'capacity-app', 30_000);
  const warning = (p: Page) => p.locator('.statusbar-item', { hasText: `${TABLE} throttled` });
  try {
    await step('a provisioned table of 1 RCU and 1 WCU is created through the endpoint', async () => {
      await wb.openWorkbench(page, url!, (p) => wb.activityBarItem(p, 'Dynamo Workspace'));
      await page.locator('.statusbar-item', { hasText: /127\.0\.0\.1:\d+/ }).waitFor({ timeout: 30_000 });
      const endpoint = fs.readFileSync(path.join(workspace, '.dynamodb', 'ENDPOINT'), 'utf8').trim();
      // one attempt per request: a throttle must reach this script, not be retried away by the SDK
      client = new DynamoDBClient({ endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
      await client.send(
        new CreateTableCommand({
          TableName: TABLE,
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
        }),
      );
      await wb.activityBarItem(page, 'Dynamo Workspace').click();
      await wb.sideBarTreeItem(page, TABLE).waitFor({ timeout: 30_000 });
      // the first-run offer to add .dynamodb to .gitignore would cover the panel in the screenshots
      const offer = wb.notification(page, 'to .gitignore?');
      if (await offer.waitFor({ timeout: 8_000 }).then(() => true, () => false)) await offer.getByRole('button', { name: 'Not now' }).click();
      if (await warning(page).isVisible()) throw new Error('the throttling warning shows before any write');
    });

    await step('the table\'s Capacity row opens its capacity panel, which has seen no throttling yet', async () => {
      await wb.sideBarTreeItem(page, TABLE).click();
      const row = wb.sideBarTreeItem(page, /^Capacity/).first();
      await row.waitFor({ timeout: 15_000 });
      await row.click();
      const frame = await capacityFrame();
      await frame.locator('.summary', { hasText: 'no throttling in the window' }).waitFor({ timeout: 20_000 });
      await wb.runCommand(page, 'View: Close All Editors');
      await page.locator('iframe.webview.ready:visible').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
    });

    await step('writes from an SDK client throttle, and the status bar says so', async () => {
      writer = startWriter(client!);
      const failed = writer.done.catch((e) => e as Error);
      await Promise.race([warning(page).waitFor({ timeout: 20_000 }), failed.then((e) => e && Promise.reject(e))]);
      const text = (await warning(page).innerText()).trim();
      if (!/Orders throttled/.test(text)) throw new Error(`the status item says ${JSON.stringify(text)}`);
      await shot('capacity-01-status-bar-warning');
    });

    await step('clicking the warning opens the capacity chart of the table', async () => {
      await warning(page).click();
      const frame = await capacityFrame();
      await frame.locator('dw-time-chart.throttles path.series.bar[data-series="throttledWrites"]').waitFor({ timeout: 20_000 });
      const title = await frame.locator('h1').innerText();
      if (!title.includes(TABLE)) throw new Error(`the panel is titled ${JSON.stringify(title)}`);
      const summary = await frame.locator('.summary').innerText();
      if (!/provisioned 1 RCU, 1 WCU/.test(summary) || !/\d+ throttled requests? in the window/.test(summary)) throw new Error(`the summary says ${JSON.stringify(summary)}`);
    });

    await step('over the last 5 minutes, consumed writes rise above the provisioned line at the burst, and throttles are marked inside the plot', async () => {
      const frame = await capacityFrame();
      await frame.locator('vscode-button[data-window="5m"]').click();
      await frame.locator('dw-time-chart.throttles figcaption', { hasText: 'per second' }).waitFor({ timeout: 10_000 });
      await page.waitForTimeout(3500); // one live refresh, so the marks include the latest throttles
      const writes = await chartInfo(frame, 'writes');
      const area = await boxOf(frame, 'dw-time-chart.writes path.series.area');
      assertInside(area, writes.plot, 'the consumed writes');
      const threshold = await boxOf(frame, 'dw-time-chart.writes .threshold line');
      const thresholdY = writes.plot.bottom - (1 / writes.plot.yMax) * (writes.plot.bottom - writes.plot.top);
      if (Math.abs(threshold.y + threshold.height / 2 - thresholdY) > 1.5) throw new Error(`the provisioned line is at y ${threshold.y}, not ${thresholdY}`);
      if (!(area.y < thresholdY - 10)) throw new Error(`the consumed writes (top ${area.y}) do not rise above the provisioned line (${thresholdY})`);
      // at the right time: the busiest second is the burst, just before the first throttle
      const values: number[] = writes.data.series[0].values;
      const peak = values.indexOf(Math.max(...values));
      const peakAt = writes.data.start + peak * writes.data.step;
      if (Math.abs(peakAt - writer!.firstThrottle) > 5000) throw new Error(`the busiest second is at ${new Date(peakAt).toISOString()}, the first throttle at ${new Date(writer!.firstThrottle).toISOString()}`);
      if (!(values[peak]! > 1)) throw new Error(`the peak is ${values[peak]} WCU/s`);
      const throttles = await chartInfo(frame, 'throttles');
      const bars = await boxOf(frame, 'dw-time-chart.throttles path.series.bar[data-series="throttledWrites"]');
      assertInside(bars, throttles.plot, 'the throttle bars');
      const firstX = throttles.plot.left + ((writer!.firstThrottle - throttles.data.start) / (throttles.data.series[1].values.length * throttles.data.step)) * (throttles.plot.right - throttles.plot.left);
      if (Math.abs(bars.x - firstX) > 12) throw new Error(`the first throttle bar starts at x ${bars.x}, the first throttle was at x ${firstX}`);
      await shot('capacity-02-panel');
    });

    await step('hovering the throttle marks shows the exact figures of that second', async () => {
      const frame = await capacityFrame();
      const iframe = (await page.locator('iframe.webview.ready:visible').first().boundingBox())!;
      const bars = await boxOf(frame, 'dw-time-chart.throttles path.series.bar[data-series="throttledWrites"]');
      // webview pixels to page pixels: the webview fills its iframe from the top left
      await page.mouse.move(iframe.x + bars.x + 1.5, iframe.y + bars.y + bars.height - 2);
      const tip = frame.locator('dw-time-chart.throttles .tooltip');
      await tip.waitFor({ timeout: 5000 });
      const text = (await tip.innerText()).replace(/\s+/g, ' ');
      if (!/Throttled writes [1-9]\d* requests/.test(text)) throw new Error(`the tooltip says ${JSON.stringify(text)}`);
      await shot('capacity-03-hover');
      await page.mouse.move(5, 5);
    });

    await step('the warning goes away once throttling stops', async () => {
      await writer!.stop();
      const stopped = Date.now();
      await warning(page).waitFor({ state: 'hidden', timeout: 25_000 });
      console.log(`      the warning went away ${Date.now() - stopped} ms after the last write`);
      await shot('capacity-04-warning-gone');
    });

    await step('after a window reload the panel comes back, showing the last 5 minutes again', async () => {
      await wb.reloadWindow(page);
      const frame = await wb.webviewFrame(page, 'capacity-app', 60_000);
      await frame.locator('dw-time-chart.writes').waitFor({ timeout: 30_000 });
      const pressed = await frame.locator('vscode-button[aria-pressed="true"]').getAttribute('data-window');
      if (pressed !== '5m') throw new Error(`after the reload the panel shows the window ${pressed}`);
      // the counters live in memory: after the reload they start again, and the panel says so
      await frame.locator('.updated', { hasText: 'when the database opened' }).waitFor({ timeout: 10_000 });
      await shot('capacity-05-after-reload');
    });
    if (offLoopback.length) console.log(`  (refused requests off loopback: ${offLoopback.length})`);
    return 0;
  } catch {
    return 1;
  } finally {
    await writer?.stop().catch(() => undefined);
    client?.destroy();
    await browser.close();
  }
}

runScenario('capacity', main, () => runner, resultsFile, out);
