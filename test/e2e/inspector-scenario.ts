// The request inspector as a person uses it, in a real VS Code (code-server) in headless chromium,
// while an AWS SDK client (run from this script, on the workspace endpoint) makes a small workload:
// a PutItem whose condition fails, writes to a 1-WCU provisioned table until it throttles, a Scan
// whose filter reads many items and returns few, and a loop of GetItems. The view (opened from the
// status bar's actions) shows each with the right status text, capacity and counts, newest first,
// one row below the other; Group shows the GetItem loop with its count and the Scan's hint; the
// SDK v3 code it copies runs as it is with node and the same request shows up in the view; the
// filters survive a window reload. Screenshots go to OUT_DIR; step results to RESULTS_JSON.
//   node --import tsx test/e2e/inspector-scenario.ts WORKBENCH_URL OUT_DIR RESULTS_JSON
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BatchWriteItemCommand, CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { FrameLocator, Page } from 'playwright-core';
import * as wb from './lib/workbench';
import { runScenario, scenarioSteps, type ScenarioRunner } from './scenario-steps';

const [url, out, resultsFile] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: inspector-scenario.ts WORKBENCH_URL OUT_DIR [RESULTS_JSON]');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });
const workspace = process.env.DW_UI_WORKSPACE ?? '';
const WIDE = { width: 1600, height: 950 };
const ORDERS = 'Orders';
const SLOW = 'Ledger';

let runner: ScenarioRunner | undefined;

type Row = { id: number; cells: string[]; top: number; bottom: number; height: number };

async function viewWith(page: Page, selector: string, text?: string, timeout = 30_000): Promise<FrameLocator> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const count = await page.locator('iframe.webview.ready:visible').count();
    for (let i = 0; i < count; i++) {
      const frame = wb.webview(page, i);
      const found = await frame.locator(selector, text ? { hasText: text } : {}).count().catch(() => 0);
      if (found) return frame;
    }
    if (Date.now() > deadline) throw new Error(`no visible webview with ${selector}${text ? ` reading ${text}` : ''} within ${timeout} ms`);
    await page.waitForTimeout(200);
  }
}

const inspector = (page: Page) => viewWith(page, 'inspector-app h1', 'Requests');

/** The list rows drawn, top to bottom: record id, cell texts, boxes. */
async function rows(frame: FrameLocator): Promise<Row[]> {
  return frame.locator('inspector-app').evaluate((app) =>
    [...app.shadowRoot!.querySelectorAll<HTMLElement>('.row')].map((row) => {
      const r = row.getBoundingClientRect();
      return { id: Number(row.dataset.id), cells: [...row.querySelectorAll('[role="gridcell"]')].map((c) => (c.textContent ?? '').replace(/\s+/g, ' ').trim()), top: r.top, bottom: r.bottom, height: r.height };
    }),
  );
}

/** Waits until the drawn rows satisfy `ok`, and returns them. */
async function waitForRows(page: Page, frame: FrameLocator, ok: (r: Row[]) => boolean, what: string, timeout = 20_000): Promise<Row[]> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const r = await rows(frame);
    if (ok(r)) return r;
    if (Date.now() > deadline) throw new Error(`${what}: the view shows ${r.length} rows: ${r.slice(0, 8).map((x) => x.cells.join(' | ')).join(' // ')}`);
    await page.waitForTimeout(200);
  }
}

/** Newest first, each row drawn below the one before, none overlapping, each with a height. */
function assertLaidOut(got: Row[]): void {
  for (let i = 0; i < got.length; i++) {
    if (got[i]!.height <= 0) throw new Error(`row ${i} has no height`);
    if (i && got[i]!.top < got[i - 1]!.bottom - 0.5) throw new Error(`row ${i} (top ${got[i]!.top}) is drawn over row ${i - 1} (bottom ${got[i - 1]!.bottom})`);
    if (i && got[i]!.id >= got[i - 1]!.id) throw new Error(`row ${i} (#${got[i]!.id}) is not older than the row above it (#${got[i - 1]!.id})`);
  }
}

// cells: time, operation, table/index, summary, status, latency, capacity, cost, items, bytes, client
const OP = 1;
const STATUS = 4;
const CAP = 6;
const ITEMS = 8;
const CLIENT = 10;

let endpoint = '';
async function connect(page: Page): Promise<DynamoDBClient> {
  const read = () => {
    try {
      return fs.readFileSync(path.join(workspace, '.dynamodb', 'ENDPOINT'), 'utf8').trim();
    } catch {
      return '';
    }
  };
  for (let i = 0; i < 150 && (!read() || read() === endpoint); i++) await page.waitForTimeout(200);
  if (!read()) throw new Error('no endpoint in .dynamodb/ENDPOINT');
  endpoint = read();
  // one attempt: a throttled write is reported, not retried out of sight
  return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
}

async function dismissGitignoreOffer(page: Page): Promise<void> {
  const toast = wb.notification(page, 'to .gitignore?');
  if (await toast.waitFor({ timeout: 5_000 }).then(() => true, () => false)) await toast.getByRole('button', { name: 'Not now' }).click();
}

/** Sets one of the toolbar's dropdowns (vscode-single-select) to an option's value ('' for all), as a pick would. */
async function choose(page: Page, frame: FrameLocator, id: string, value: string): Promise<void> {
  await frame.locator(`#${id} vscode-option[value="${value}"]`).waitFor({ state: 'attached', timeout: 10_000 });
  await frame.locator(`#${id}`).evaluate((el, v) => {
    (el as HTMLSelectElement).value = v;
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
  const got = await frame.locator(`#${id}`).evaluate((el) => (el as HTMLSelectElement).value);
  if (got !== value) throw new Error(`#${id} reads ${JSON.stringify(got)} after choosing ${JSON.stringify(value)}`);
  await page.waitForTimeout(100);
}

async function main(): Promise<number> {
  const browser = await wb.launchBrowser();
  const { page } = await wb.newPage(browser, WIDE);
  runner = scenarioSteps(page, out!, 'inspector-');
  const { step, shot } = runner;
  let client: DynamoDBClient | undefined;
  let throttledWrites = 0;
  try {
    await step('the workspace endpoint answers an SDK client, which creates an on-demand table and a 1-WCU provisioned one', async () => {
      await wb.openWorkbench(page, url!, (p) => wb.activityBarItem(p, 'Dynamo Workspace'));
      await page.locator('.statusbar-item', { hasText: /127\.0\.0\.1:\d+/ }).waitFor({ timeout: 30_000 });
      client = await connect(page);
      await client.send(
        new CreateTableCommand({
          TableName: ORDERS,
          KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }, { AttributeName: 'customer', AttributeType: 'S' }],
          GlobalSecondaryIndexes: [{ IndexName: 'byCustomer', KeySchema: [{ AttributeName: 'customer', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      await client.send(
        new CreateTableCommand({
          TableName: SLOW,
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
        }),
      );
      await dismissGitignoreOffer(page);
    });

    await step("the status bar item's actions open the inspector, which waits for requests", async () => {
      await page.locator('.statusbar-item', { hasText: /127\.0\.0\.1:\d+/ }).first().click();
      const pick = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Inspect Requests' });
      await pick.waitFor({ timeout: 10_000 });
      await pick.click();
      const frame = await inspector(page);
      await frame.locator('#status-line').waitFor({ timeout: 20_000 });
    });

    await step('the workload: a failing condition, writes until throttled, 40 orders and a Scan that returns 2, six GetItems in a loop', async () => {
      const orders = Array.from({ length: 40 }, (_, i) => ({ PutRequest: { Item: { orderId: { S: `o${i}` }, customer: { S: i < 2 ? 'bob' : `c${i % 7}` }, total: { N: String(i) } } } }));
      for (let i = 0; i < orders.length; i += 20) await client!.send(new BatchWriteItemCommand({ RequestItems: { [ORDERS]: orders.slice(i, i + 20) } }));
      await client!.send(new PutItemCommand({ TableName: ORDERS, Item: { orderId: { S: 'o1' }, customer: { S: 'zed' } }, ConditionExpression: 'attribute_not_exists(orderId)' })).then(
        () => {
          throw new Error('the conditional put succeeded');
        },
        (e: Error) => {
          if (e.name !== 'ConditionalCheckFailedException') throw e;
        },
      );
      let n = 0;
      const put = async () => {
        try {
          await client!.send(new PutItemCommand({ TableName: SLOW, Item: { pk: { S: `p${n++ % 5}` }, n: { N: String(n) } } }));
        } catch (e) {
          if ((e as Error).name !== 'ProvisionedThroughputExceededException') throw e;
          throttledWrites++;
        }
      };
      while (!throttledWrites && n < 2000) await Promise.all(Array.from({ length: 25 }, put));
      if (!throttledWrites) throw new Error(`${n} writes and no throttle`);
      console.log(`      throttled after ${n} writes (${throttledWrites} refused)`);
      const scan = await client!.send(new ScanCommand({ TableName: ORDERS, FilterExpression: '#c = :c', ExpressionAttributeNames: { '#c': 'customer' }, ExpressionAttributeValues: { ':c': { S: 'bob' } } }));
      if (scan.Count !== 2 || scan.ScannedCount !== 40) throw new Error(`the Scan returned ${scan.Count} of ${scan.ScannedCount}`);
      for (let i = 0; i < 6; i++) await client!.send(new GetItemCommand({ TableName: ORDERS, Key: { orderId: { S: `o${i}` } } }));
    });

    await step('the newest requests are at the top, one below the other: six GetItems, then the Scan with 2 of 40 items and its read units', async () => {
      const frame = await inspector(page);
      const got = await waitForRows(page, frame, (r) => r.length >= 7 && r[0]!.cells[OP] === 'GetItem' && r[6]!.cells[OP] === 'Scan', 'six GetItems above the Scan');
      assertLaidOut(got);
      // over 330 records, but only the rows near the viewport are in the DOM
      if (got.length > 100) throw new Error(`${got.length} rows drawn: the list is not virtualised`);
      for (const r of got.slice(0, 6)) {
        if (r.cells[STATUS] !== 'OK') throw new Error(`a GetItem reads ${r.cells.join(' | ')}`);
        if (!/0\.5 RCU/.test(r.cells[CAP]!)) throw new Error(`a GetItem's capacity reads ${r.cells[CAP]}`);
        if (!/aws-sdk-js/.test(r.cells[CLIENT]!)) throw new Error(`a GetItem's client reads ${r.cells[CLIENT]}`);
      }
      const scan = got[6]!;
      if (scan.cells[ITEMS] !== '2 of 40') throw new Error(`the Scan's items read ${scan.cells[ITEMS]}`);
      if (!/RCU/.test(scan.cells[CAP]!)) throw new Error(`the Scan's capacity reads ${scan.cells[CAP]}`);
      if (!/customer/.test(scan.cells[3]!)) throw new Error(`the Scan's summary reads ${scan.cells[3]}`);
      await shot('inspector-01-list');
      // keyboard: the arrows move the selection (and the focus) down the rows, Escape closes the detail
      await frame.locator(`.row[data-id="${got[0]!.id}"]`).focus();
      await page.keyboard.press('Enter');
      await frame.locator('#detail h2', { hasText: `#${got[0]!.id} GetItem` }).waitFor();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await frame.locator('#detail h2', { hasText: `#${got[2]!.id} GetItem` }).waitFor();
      const focused = await frame.locator('inspector-app').evaluate((app) => (app.shadowRoot!.activeElement as HTMLElement | null)?.dataset.id);
      if (Number(focused) !== got[2]!.id) throw new Error(`after two ArrowDowns the focus is on row #${focused}, not #${got[2]!.id}`);
      await page.keyboard.press('Escape');
      await frame.locator('#detail').waitFor({ state: 'detached' });
    });

    await step('the status filter finds the failed condition and the throttled writes, each marked with its word and icon', async () => {
      const frame = await inspector(page);
      await choose(page, frame, 'filter-status', 'conditional-check-failed');
      const failed = await waitForRows(page, frame, (r) => r.length === 1, 'one failed condition');
      if (failed[0]!.cells[OP] !== 'PutItem' || failed[0]!.cells[STATUS] !== 'Condition failed') throw new Error(`the failed row reads ${failed[0]!.cells.join(' | ')}`);
      const failedClass = await frame.locator(`.row[data-id="${failed[0]!.id}"]`).getAttribute('class');
      if (!/\bfailed\b/.test(failedClass ?? '')) throw new Error(`the failed row's class is ${failedClass}`);
      await shot('inspector-02-failed');
      await choose(page, frame, 'filter-status', 'throttled');
      const throttled = await waitForRows(page, frame, (r) => r.length >= Math.min(throttledWrites, 5), 'the throttled writes');
      assertLaidOut(throttled);
      if (!throttled.every((r) => r.cells[STATUS] === 'Throttled' && r.cells[2] === SLOW)) throw new Error(`throttled rows read ${throttled[0]!.cells.join(' | ')}`);
      await frame.locator('#status-line', { hasText: `${throttledWrites} of` }).waitFor({ timeout: 10_000 });
      await choose(page, frame, 'filter-status', '');
    });

    await step('Group shows the GetItem loop as one shape with its count and an N+1 hint, and the Scan with its Query hint', async () => {
      const frame = await inspector(page);
      await frame.locator('#mode').click();
      const loop = frame.locator('.group', { hasText: 'GetItem · Orders · key(orderId)' });
      await loop.waitFor({ timeout: 10_000 });
      const loopText = (await loop.textContent())!.replace(/\s+/g, ' ');
      if (!/^\s*6×/.test(loopText) || !/N\+1: 6 GetItem calls/.test(loopText)) throw new Error(`the GetItem group reads ${loopText}`);
      const scan = frame.locator('.group', { hasText: 'Scan · Orders' });
      const scanText = (await scan.textContent())!.replace(/\s+/g, ' ');
      if (!/20× more items than it returns/.test(scanText) || !/a Query on the index byCustomer \(key customer\) would read 20× less/.test(scanText)) throw new Error(`the Scan group reads ${scanText}`);
      await shot('inspector-03-groups');
      await frame.locator('#mode').click();
    });

    await step("the Scan's detail (keyboard: Enter on its row) shows the filter written out; its SDK v3 code runs as it is and the same Scan appears in the view", async () => {
      const frame = await inspector(page);
      await choose(page, frame, 'filter-operation', 'Scan');
      const [scanRow] = await waitForRows(page, frame, (r) => r.length === 1, 'one Scan');
      await frame.locator(`.row[data-id="${scanRow!.id}"]`).focus();
      await page.keyboard.press('Enter');
      const detail = frame.locator('#detail');
      await detail.waitFor();
      await detail.locator('dd', { hasText: 'customer = "bob"' }).waitFor();
      await frame.locator('#code-sdk-v3').click();
      const code = frame.locator('#code');
      await code.waitFor({ timeout: 10_000 });
      const text = (await code.textContent())!;
      // credentials come from the environment, as in a developer's shell: the code names none
      const env = { ...process.env, AWS_ACCESS_KEY_ID: 'inspector', AWS_SECRET_ACCESS_KEY: 'inspector' };
      const output = execFileSync(process.execPath, ['--input-type=module'], { input: text, cwd: process.cwd(), env, encoding: 'utf8', timeout: 60_000 });
      if (!/Count/.test(output)) throw new Error(`the code printed ${output.slice(0, 300)}`);
      const both = await waitForRows(page, frame, (r) => r.length === 2, 'the Scan run from the copied code');
      assertLaidOut(both);
      if (both[0]!.cells[ITEMS] !== '2 of 40') throw new Error(`the replayed Scan reads ${both[0]!.cells.join(' | ')}`);
      await shot('inspector-04-detail-code');
      fs.copyFileSync(path.join(out!, 'inspector-04-detail-code.png'), path.join(out!, 'inspector.png'));
    });

    await step("Replay sends the Scan again as the explorer's own request (shown once the toggle is on); Open in Items runs it as the items panel's query", async () => {
      const frame = await inspector(page);
      await frame.locator('#replay').click();
      await frame.locator('#info', { hasText: 'Scan sent again: OK' }).waitFor({ timeout: 10_000 });
      // hidden by default: the user's app is what the list shows
      await frame.locator('#status-line', { hasText: /explorer's own hidden/ }).waitFor();
      await frame.locator('#show-explorer').click();
      const three = await waitForRows(page, frame, (r) => r.length === 3, 'the replayed Scan among the explorer’s own');
      if (three[0]!.cells[CLIENT] !== 'explorer' || three[0]!.cells[ITEMS] !== '2 of 40') throw new Error(`the replay reads ${three[0]!.cells.join(' | ')}`);
      await frame.locator('#show-explorer').click();
      await waitForRows(page, frame, (r) => r.length === 2, 'the explorer’s own hidden again');
      await frame.locator('#open-items').click();
      const items = await viewWith(page, 'items-app', undefined, 20_000);
      await items.locator('items-app').waitFor();
      // the grid's cells sit in nested shadow roots: read the text of all of them
      const deepText = () =>
        // built from text: tsx would wrap a named inner function in a __name helper the page lacks
        items.locator('items-app').evaluate(
          new Function('app', "const walk = (n) => [...n.childNodes].map((c) => (c.nodeType === 3 ? c.textContent : walk(c))).join(' ') + (n.shadowRoot ? walk(n.shadowRoot) : ''); return walk(app);") as (app: Element) => string,
        );
      const deadline = Date.now() + 15_000;
      while (!/\bbob\b/.test(await deepText())) {
        if (Date.now() > deadline) throw new Error(`the items panel does not show the query's items (no "bob"): ${(await deepText()).replace(/\s+/g, ' ').slice(0, 300)}`);
        await page.waitForTimeout(300);
      }
      await shot('inspector-06-open-in-items');
      await page.locator('.tab', { hasText: 'Requests —' }).first().click();
      await inspector(page);
    });

    await step('after a window reload the inspector comes back with its filter and its records, and shows the new engine’s requests', async () => {
      const before = await rows(await inspector(page));
      if (!before.length) throw new Error('no Scan rows before the reload');
      await wb.reloadWindow(page);
      client!.destroy();
      await page.locator('.statusbar-item', { hasText: /127\.0\.0\.1:\d+/ }).waitFor({ timeout: 30_000 });
      client = await connect(page);
      const frame = await inspector(page);
      // a reload restarts the extension host, its engine and recorder: the records saved as it closed come back, and so does the view's filter
      await frame.locator('#filter-operation').evaluate((el) => (el as HTMLSelectElement).value).then((v) => {
        if (v !== 'Scan') throw new Error(`the operation filter came back as ${JSON.stringify(v)}`);
      });
      const back = await waitForRows(page, frame, (r) => r.length >= before.length, 'the Scans from before the reload');
      const text = (r: Row) => r.cells.filter((_, i) => i !== 0).join(' | ');
      if (back.map(text).join('\n') !== before.map(text).join('\n')) throw new Error(`the rows came back as ${back.map(text).join(' // ')}, not ${before.map(text).join(' // ')}`);
      await client.send(new ScanCommand({ TableName: ORDERS, Limit: 1 }));
      const after = await waitForRows(page, frame, (r) => r.length === before.length + 1 && r[0]!.cells[OP] === 'Scan', 'a Scan after the reload, above the earlier ones');
      assertLaidOut(after);
      await shot('inspector-05-after-reload');
    });

    await step('no webview reported a CSP violation during the whole scenario', async () => {
      await runner!.assertNoCspViolations();
    });
    return runner!.counts().failures ? 1 : 0;
  } catch {
    return 1;
  } finally {
    client?.destroy();
    await browser.close();
  }
}

runScenario('inspector', main, () => runner, resultsFile, out);
