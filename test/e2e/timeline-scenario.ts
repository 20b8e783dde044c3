// The backup/PITR timeline as a person uses it, in a real VS Code (code-server) in headless
// chromium: open the timeline from a table's menu, turn on PITR there, let an SDK client write,
// update and delete items seconds apart (with backups between), then pick a second between two
// writes by typing it and by dragging on the chart, check the preview's figures and diffs, jump
// "just before the last big change", restore the picked second into a new table, and compare that
// table (its visible rows in the items panel and an SDK scan) with what the table held then.
// Geometry is checked on the real DOM: bars inside the plot, markers in time order, the picked
// second left of the backup made after it. Screenshots go to OUT_DIR; step results to RESULTS_JSON.
//   node --import tsx test/e2e/timeline-scenario.ts WORKBENCH_URL OUT_DIR RESULTS_JSON
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CreateBackupCommand, CreateTableCommand, DeleteItemCommand, DescribeContinuousBackupsCommand, DescribeTableCommand, DynamoDBClient, ListBackupsCommand, PutItemCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { FrameLocator, Page } from 'playwright-core';
import * as wb from './lib/workbench';
import { runScenario, scenarioSteps, type ScenarioRunner } from './scenario-steps';
import { formatLocal, parseLocal } from '../../src/protocol/timeline';

const [url, out, resultsFile] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: timeline-scenario.ts WORKBENCH_URL OUT_DIR [RESULTS_JSON]');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });

const TABLE = 'Orders';
const RESTORED = 'Orders-then';
const WIDE = { width: 1400, height: 1000 };
let runner: ScenarioRunner | undefined;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits until the clock is past the whole second after `t` by `margin` ms: the next write lands in a later second. */
async function pastSecondAfter(t: number, margin = 1100): Promise<void> {
  const target = Math.ceil(t / 1000) * 1000 + margin;
  while (Date.now() < target) await sleep(25);
}

/** The timeline panel's document (the visible webview holding <timeline-app>). */
function timeline(page: Page): FrameLocator {
  return page.locator('iframe.webview.ready:visible').first().contentFrame().locator('#active-frame').contentFrame();
}

async function typeTime(view: FrameLocator, ms: number): Promise<void> {
  const field = view.locator('#time input');
  await field.fill(formatLocal(ms));
  await field.press('Enter');
}

/** Plain values of a scan, by id, as `{id: qty}` (absent qty: null). */
function plain(items: Record<string, { S?: string; N?: string }>[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const item of items) out[item.id!.S!] = item.qty?.N ?? null;
  return out;
}

async function main(): Promise<number> {
  const browser = await wb.launchBrowser();
  const { page } = await wb.newPage(browser, WIDE);
  runner = scenarioSteps(page, out!, 'timeline-');
  const { step, shot } = runner;
  let client!: DynamoDBClient;
  /** the picked second (between the first and second writes) and the writes' times */
  let picked = 0;
  let thirdStarted = 0;
  let backupArns: string[] = [];
  try {
    await step('the workbench opens and the workspace endpoint answers', async () => {
      await wb.openWorkbench(page, url!, (p) => wb.activityBarItem(p, 'Dynamo Workspace'));
      const file = path.join(process.env.DW_UI_WORKSPACE!, '.dynamodb', 'ENDPOINT');
      for (let i = 0; i < 300 && !fs.existsSync(file); i++) await sleep(100);
      const endpoint = fs.readFileSync(file, 'utf8').trim();
      client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    });

    await step('a table an SDK client creates shows in the explorer', async () => {
      await client.send(new CreateTableCommand({ TableName: TABLE, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }));
      for (let i = 0; i < 100; i++) {
        if ((await client.send(new DescribeTableCommand({ TableName: TABLE }))).Table?.TableStatus === 'ACTIVE') break;
        await sleep(100);
      }
      await wb.activityBarItem(page, 'Dynamo Workspace').click();
      await wb.sideBarTreeItem(page, TABLE).waitFor({ timeout: 30_000 });
    });

    await step("the table's menu opens its timeline, which says PITR is off", async () => {
      await wb.contextMenuEntry(page, wb.sideBarTreeItem(page, TABLE), 'Open Timeline');
      const view = timeline(page);
      await view.locator('#pitr-status', { hasText: 'Point-in-time recovery is disabled' }).waitFor({ timeout: 20_000 });
      await view.locator('#pitr-on', { hasText: 'Enable point-in-time recovery' }).waitFor();
    });

    await step('PITR is turned on from the panel, with a recovery period of 7 days', async () => {
      const view = timeline(page);
      await view.locator('#days input').fill('7');
      await view.locator('#pitr-on').click();
      await view.locator('#pitr-status', { hasText: 'Point-in-time recovery is on' }).waitFor({ timeout: 15_000 });
      await view.locator('#pitr-status', { hasText: 'recovery period 7 days' }).waitFor();
      await view.locator('#earliest time').waitFor();
      const d = (await client.send(new DescribeContinuousBackupsCommand({ TableName: TABLE }))).ContinuousBackupsDescription?.PointInTimeRecoveryDescription;
      if (d?.PointInTimeRecoveryStatus !== 'ENABLED' || d.RecoveryPeriodInDays !== 7) throw new Error(`the service says ${JSON.stringify(d)}`);
    });

    await step('an SDK client writes, updates and deletes items seconds apart, with backups between', async () => {
      const view = timeline(page);
      await pastSecondAfter(Date.now(), 200);
      await client.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: 'a' }, qty: { N: '1' } } }));
      await client.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: 'b' }, qty: { N: '1' } } }));
      // the second to restore: after the first writes (whose times are before this moment), before the next ones
      picked = Math.ceil(Date.now() / 1000) * 1000;
      await pastSecondAfter(picked);
      // a backup made from the panel, then the update
      await view.locator('#backup-name input').fill('after-first');
      await view.locator('#create-backup').click();
      await view.locator('#message', { hasText: 'Backup after-first created' }).waitFor({ timeout: 15_000 });
      await pastSecondAfter(Date.now(), 200);
      await client.send(new UpdateItemCommand({ TableName: TABLE, Key: { id: { S: 'a' } }, UpdateExpression: 'SET qty = :q', ExpressionAttributeValues: { ':q': { N: '2' } } }));
      await pastSecondAfter(Date.now());
      await client.send(new CreateBackupCommand({ TableName: TABLE, BackupName: 'after-second' }));
      await pastSecondAfter(Date.now());
      thirdStarted = Date.now();
      await client.send(new DeleteItemCommand({ TableName: TABLE, Key: { id: { S: 'b' } } }));
      await client.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: 'c' }, qty: { N: '5' } } }));
      const listed = (await client.send(new ListBackupsCommand({ TableName: TABLE }))).BackupSummaries ?? [];
      backupArns = listed.sort((x, y) => x.BackupCreationDateTime!.getTime() - y.BackupCreationDateTime!.getTime()).map((b) => b.BackupArn!);
      if (backupArns.length !== 2) throw new Error(`ListBackups lists ${backupArns.length} backups`);
    });

    await step('the chart draws the writes as bars inside the plot and the backups as markers in time order', async () => {
      const view = timeline(page);
      await view.locator('#refresh').click();
      await view.locator('timeline-backups .backup-name', { hasText: 'after-second' }).waitFor({ timeout: 15_000 });
      const chart = view.locator('dw-time-chart');
      await chart.locator('g.marker').nth(1).waitFor({ timeout: 10_000 });
      const geometry = await chart.evaluate((el) => {
        const root = el.shadowRoot!;
        const plot = root.querySelector('.plot-area svg')!.getBoundingClientRect();
        const bars = [...root.querySelectorAll('path.series.bar')].map((p) => ({ id: p.getAttribute('data-series'), box: p.getBoundingClientRect() }));
        const markers = [...root.querySelectorAll('g.marker')].map((m) => ({ id: m.getAttribute('data-id'), x: m.querySelector('line')!.getBoundingClientRect().x }));
        const band = root.querySelector('g.band rect')?.getBoundingClientRect();
        return { plot: { x: plot.x, y: plot.y, right: plot.right, bottom: plot.bottom }, bars: bars.map((b) => ({ id: b.id, x: b.box.x, y: b.box.y, right: b.box.right, bottom: b.box.bottom, width: b.box.width, height: b.box.height })), markers, band: band && { width: band.width, height: band.height } };
      });
      const drawn = geometry.bars.filter((b) => b.width > 0 && b.height > 0);
      if (!drawn.some((b) => b.id === 'inserts') || !drawn.some((b) => b.id === 'modifications') || !drawn.some((b) => b.id === 'removals')) {
        throw new Error(`inserts, modifications and removals are not all drawn: ${JSON.stringify(geometry.bars)}`);
      }
      const p = geometry.plot;
      for (const b of drawn) if (b.x < p.x - 0.5 || b.right > p.right + 0.5 || b.y < p.y - 0.5 || b.bottom > p.bottom + 0.5) throw new Error(`a ${b.id} bar lies outside the plot: ${JSON.stringify({ b, p })}`);
      if (!geometry.band || geometry.band.width <= 0 || geometry.band.height <= 0) throw new Error('the PITR window is not shaded');
      const xs = backupArns.map((arn) => geometry.markers.find((m) => m.id === arn)?.x);
      if (xs.some((x) => x === undefined) || !(xs[0]! < xs[1]!)) throw new Error(`backup markers are not in time order: ${JSON.stringify(geometry.markers)} for ${JSON.stringify(backupArns)}`);
      await view.locator('#earliest time').waitFor();
      await view.locator('#latest time').waitFor();
      await shot('timeline-01-chart');
    });

    await step('typing a second between two writes previews it: counts, sizes and each changed item side by side', async () => {
      const view = timeline(page);
      await typeTime(view, picked);
      const summary = view.locator('#preview-summary');
      await summary.waitFor({ timeout: 15_000 });
      const text = (await summary.textContent())!;
      if (!text.includes(`At ${formatLocal(picked)}: 2 items`) || !text.includes('Now: 2 items') || !text.includes('3 items differ')) throw new Error(`the preview says: ${text}`);
      const diffs = view.locator('timeline-diff section.difference');
      if ((await diffs.count()) !== 3) throw new Error(`${await diffs.count()} differences shown`);
      await view.locator('timeline-diff section.difference', { hasText: 'id = b' }).locator('.kind', { hasText: 'removed since' }).waitFor();
      await view.locator('timeline-diff section.difference', { hasText: 'id = c' }).locator('.kind', { hasText: 'added since' }).waitFor();
      const changed = view.locator('timeline-diff section.difference', { hasText: 'id = a' });
      await changed.locator('.kind', { hasText: 'changed' }).waitFor();
      await changed.locator('.cell.left.removed', { hasText: '"qty": 1' }).waitFor();
      await changed.locator('.cell.right.added', { hasText: '"qty": 2' }).waitFor();
      // the old and new versions stand side by side: the removed line left of the added one, on the same row
      const left = (await changed.locator('.cell.left.removed').first().boundingBox())!;
      const right = (await changed.locator('.cell.right.added').first().boundingBox())!;
      if (!(left.x + left.width <= right.x + 0.5) || Math.abs(left.y - right.y) > 0.5) throw new Error(`the diff is not side by side: ${JSON.stringify({ left, right })}`);
      // the picked second is drawn left of the backup made after it
      const xs = await view.locator('dw-time-chart').evaluate((el) => {
        const root = el.shadowRoot!;
        return { selection: root.querySelector('g.selection line')?.getBoundingClientRect().x, markers: [...root.querySelectorAll('g.marker line')].map((l) => l.getBoundingClientRect().x) };
      });
      if (xs.selection === undefined || !(xs.selection < Math.min(...xs.markers))) throw new Error(`the picked second is not left of the backups: ${JSON.stringify(xs)}`);
      const utc = await view.locator('#time').getAttribute('title');
      if (utc !== `UTC ${new Date(picked).toISOString().replace('.000Z', 'Z')}`) throw new Error(`the time field's hover says ${utc}`);
      await shot('timeline-02-preview');
    });

    await step('in a narrow editor the panel wraps instead of scrolling sideways, and the chart keeps its marks inside the plot', async () => {
      const view = timeline(page);
      await page.setViewportSize({ width: 900, height: 1000 });
      try {
        await page.waitForTimeout(500);
        const fits = await view.locator('dw-time-chart').evaluate((el) => {
          const root = el.shadowRoot!;
          const plot = root.querySelector('.plot-area svg')!.getBoundingClientRect();
          return [...root.querySelectorAll('g.marker line')].every((l) => {
            const r = l.getBoundingClientRect();
            return r.x >= plot.x - 0.5 && r.right <= plot.right + 0.5;
          });
        });
        if (!fits) throw new Error('a backup marker lies outside the plot');
        await shot('timeline-02b-narrow');
      } finally {
        await page.setViewportSize(WIDE);
        await page.waitForTimeout(300);
      }
    });

    await step('dragging along the chart picks a later second and previews it', async () => {
      const view = timeline(page);
      const plot = (await view.locator('dw-time-chart .plot-area').boundingBox())!;
      const y = plot.y + plot.height / 2;
      await page.mouse.move(plot.x + plot.width * 0.3, y);
      await page.mouse.down();
      await page.mouse.move(plot.x + plot.width * 0.6, y, { steps: 5 });
      await page.mouse.move(plot.x + plot.width * 0.97, y, { steps: 5 });
      await page.mouse.up();
      await page.waitForTimeout(600);
      const typed = await view.locator('#time input').inputValue();
      const t = parseLocal(typed);
      if (t === undefined || !(t > picked)) throw new Error(`after the drag the time field says ${typed}`);
      await view.locator('#preview-summary', { hasText: `At ${typed}:` }).waitFor({ timeout: 15_000 });
    });

    await step('"just before the last big change" picks the second before the last burst of writes', async () => {
      const view = timeline(page);
      await view.locator('#jump-big-change').click();
      await page.waitForTimeout(400);
      const t = parseLocal(await view.locator('#time input').inputValue())!;
      // the last burst (delete b, put c) began at thirdStarted: the jump lands in the second before it
      if (!(t < thirdStarted && t >= Math.floor(thirdStarted / 1000) * 1000 - 1000)) throw new Error(`jumped to ${formatLocal(t)}, the last burst began at ${new Date(thirdStarted).toISOString()}`);
      await view.locator('#preview-summary', { hasText: 'Now: 2 items' }).waitFor({ timeout: 15_000 });
    });

    await step('the name of the new table is checked as DynamoDB checks it', async () => {
      const view = timeline(page);
      await view.locator('#target-name input').fill('no');
      await view.locator('#name-problem', { hasText: 'Table names are 3 to 255 characters long' }).waitFor();
      if (!(await view.locator('#restore').evaluate((el) => (el as HTMLButtonElement & { disabled: boolean }).disabled))) throw new Error('Restore is enabled with a bad name');
      await view.locator('#target-name input').fill(TABLE);
      await view.locator('#name-problem', { hasText: `A table named ${TABLE} already exists` }).waitFor();
    });

    await step('restoring the picked second opens the new table with exactly the items it held then', async () => {
      const view = timeline(page);
      await typeTime(view, picked);
      await view.locator('#preview-summary', { hasText: `At ${formatLocal(picked)}: 2 items` }).waitFor({ timeout: 15_000 });
      await view.locator('#target-name input').fill(RESTORED);
      await view.locator('#restore').click();
      // the items panel of the new table opens in front of the timeline
      const items = wb.webview(page);
      await items.locator('[role="row"]', { hasText: 'b' }).first().waitFor({ timeout: 30_000 });
      const rows = await items.locator('[role="row"][data-index]').evaluateAll((els) => els.map((e) => [...e.querySelectorAll('[role="gridcell"][data-attr]')].map((c) => `${c.getAttribute('data-attr')}=${c.textContent?.trim()}`).sort().join(' ')).sort());
      const expected = ['id=a qty=1', 'id=b qty=1'];
      if (JSON.stringify(rows) !== JSON.stringify(expected)) throw new Error(`the items panel shows ${JSON.stringify(rows)}`);
      const scanned = plain(((await client.send(new ScanCommand({ TableName: RESTORED, ConsistentRead: true }))).Items ?? []) as never);
      if (JSON.stringify(scanned) !== JSON.stringify({ a: '1', b: '1' })) throw new Error(`an SDK scan of ${RESTORED} reads ${JSON.stringify(scanned)}`);
      await wb.sideBarTreeItem(page, RESTORED).waitFor({ timeout: 15_000 });
      await shot('timeline-03-restored');
    });

    await step('after a window reload the timeline comes back with its picked second and its preview', async () => {
      await page.locator('.tabs-container .tab[data-resource-name^="webview-dynamoWorkspace.timeline"]').click();
      await timeline(page).locator('#time input').waitFor({ timeout: 15_000 });
      await wb.reloadWindow(page);
      const view = timeline(page);
      await view.locator('#preview-summary', { hasText: `At ${formatLocal(picked)}: 2 items` }).waitFor({ timeout: 30_000 });
      const typed = await view.locator('#time input').inputValue();
      if (typed !== formatLocal(picked)) throw new Error(`after the reload the time field says ${typed}`);
      await shot('timeline-04-after-reload');
    });

    await step('in a dark theme the panel, the chart and the diff follow the theme colours', async () => {
      const frame = await wb.webviewFrame(page, 'timeline-app');
      const before = await frame.evaluate(() => getComputedStyle(document.body).backgroundColor);
      await wb.runCommand(page, 'Preferences: Color Theme');
      await page.locator('.quick-input-widget input').fill('Dark Modern');
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Dark Modern' }).first().click();
      await frame.waitForFunction((b) => getComputedStyle(document.body).backgroundColor !== b, before, { timeout: 10_000 });
      // (no helper functions inside evaluate: the test's bundler would name them with a helper the page lacks)
      const colours = await timeline(page).locator('timeline-diff').evaluate((el) => ({
        page: getComputedStyle(document.body).backgroundColor,
        removed: getComputedStyle(el.shadowRoot!.querySelector('.cell.removed')!).backgroundColor,
        added: getComputedStyle(el.shadowRoot!.querySelector('.cell.added')!).backgroundColor,
      }));
      if (colours.removed === colours.page || colours.added === colours.page || colours.removed === colours.added) throw new Error(`the diff's lines do not stand out: ${JSON.stringify(colours)}`);
      await shot('timeline-05-dark');
      await runner!.assertNoCspViolations();
    });
  } catch {
    // the failed step has been recorded with its screenshot
  } finally {
    client?.destroy();
    await browser.close();
  }
  return runner.counts().failures ? 1 : 0;
}

runScenario('timeline', main, () => runner, resultsFile, out);
