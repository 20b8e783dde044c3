// The stream view as a person uses it, in a real VS Code (code-server) in headless chromium, while
// an AWS SDK client (run from this script, on the workspace endpoint) writes to the table: each
// record arrives in write order (visible text, rows one below the other), a MODIFY's diff shows
// the old and new values, pause holds records back and resume shows them, the type and key
// filters hide the rest, replay from TRIM_HORIZON shows what LATEST left out, the panel comes
// back after a window reload, Open Item opens the item's editor, and a table without a stream
// offers to enable one. Screenshots go to OUT_DIR; step results to RESULTS_JSON.
//   node --import tsx test/e2e/stream-scenario.ts WORKBENCH_URL OUT_DIR RESULTS_JSON
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CreateTableCommand, DeleteItemCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand, UpdateTableCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { FrameLocator, Page } from 'playwright-core';
import * as wb from './lib/workbench';
import { runScenario, scenarioSteps, type ScenarioRunner } from './scenario-steps';

const [url, out, resultsFile] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: stream-scenario.ts WORKBENCH_URL OUT_DIR [RESULTS_JSON]');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });
const workspace = process.env.DW_UI_WORKSPACE ?? '';

const TABLE = 'Orders';
const PLAIN = 'Plain';
const WIDE = { width: 1400, height: 900 };

let runner: ScenarioRunner | undefined;

type Row = { event: string; key: string; top: number; bottom: number; height: number };

/**
 * The visible webview holding `selector` (with `text` in it, when given). Webviews come and go
 * while panels switch (a frame can detach as it is asked), so this asks again until one answers.
 */
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

/** The visible stream view of `table` (Orders unless named). */
const streamView = (page: Page, table = TABLE) => viewWith(page, 'stream-app h1', table);

/** The rows on screen, top to bottom as drawn: event, key text and their boxes. */
async function rows(frame: FrameLocator): Promise<Row[]> {
  return frame.locator('stream-app').evaluate((app) => {
    const out: { event: string; key: string; top: number; bottom: number; height: number }[] = [];
    for (const row of app.shadowRoot!.querySelectorAll('stream-record-row')) {
      const line = row.shadowRoot!.querySelector('.line')!.getBoundingClientRect();
      out.push({
        event: row.shadowRoot!.querySelector('.event')!.textContent!.trim(),
        key: row.shadowRoot!.querySelector('.key')!.textContent!.trim(),
        top: line.top,
        bottom: line.bottom,
        height: line.height,
      });
    }
    return out;
  });
}

async function waitForRows(page: Page, frame: FrameLocator, count: number, timeout = 15_000): Promise<Row[]> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const r = await rows(frame);
    if (r.length === count) return r;
    if (Date.now() > deadline) throw new Error(`expected ${count} rows, the view shows ${r.length}: ${r.map((x) => `${x.event} ${x.key}`).join(' | ')}`);
    await page.waitForTimeout(150);
  }
}

/** Fails unless the rows read `expected` top to bottom, each drawn below the one before, none overlapping. */
function assertInOrder(got: Row[], expected: string[]): void {
  const text = got.map((r) => `${r.event} ${r.key}`);
  if (JSON.stringify(text) !== JSON.stringify(expected)) throw new Error(`rows read ${JSON.stringify(text)}, expected ${JSON.stringify(expected)}`);
  for (let i = 0; i < got.length; i++) {
    if (got[i]!.height <= 0) throw new Error(`row ${i} has no height`);
    if (i && got[i]!.top < got[i - 1]!.bottom - 0.5) throw new Error(`row ${i} (top ${got[i]!.top}) is drawn over row ${i - 1} (bottom ${got[i - 1]!.bottom})`);
  }
}

let endpointUsed = '';

/** An SDK client on the workspace endpoint; its port changes with every window load, so after a reload it waits for a new one. */
async function connect(page: Page): Promise<DynamoDBClient> {
  // the file is removed while the window reloads and written again once the endpoint listens
  const read = () => {
    try {
      return fs.readFileSync(path.join(workspace, '.dynamodb', 'ENDPOINT'), 'utf8').trim();
    } catch {
      return '';
    }
  };
  for (let i = 0; i < 150 && (!read() || read() === endpointUsed); i++) await page.waitForTimeout(200);
  if (!read() || read() === endpointUsed) throw new Error(`no new endpoint in .dynamodb/ENDPOINT (it was ${endpointUsed})`);
  endpointUsed = read();
  return new DynamoDBClient({ endpoint: endpointUsed, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
}

/** Answers the .gitignore offer, so the toast does not cover the view in the pictures. */
async function dismissGitignoreOffer(page: Page): Promise<void> {
  const toast = wb.notification(page, 'to .gitignore?');
  if (await toast.waitFor({ timeout: 5_000 }).then(() => true, () => false)) await toast.getByRole('button', { name: 'Not now' }).click();
}

const statusLine = (frame: FrameLocator) => frame.locator('#status-line');

async function main(): Promise<number> {
  const browser = await wb.launchBrowser();
  const { page } = await wb.newPage(browser, WIDE);
  runner = scenarioSteps(page, out!, 'stream-');
  const { step, shot } = runner;
  let client: DynamoDBClient | undefined;
  const key = (customer: string, orderId: number): Record<string, AttributeValue> => ({ customer: { S: customer }, orderId: { N: String(orderId) } });
  const put = (customer: string, orderId: number, extra: Record<string, AttributeValue> = {}, table = TABLE) =>
    client!.send(new PutItemCommand({ TableName: table, Item: { ...key(customer, orderId), ...extra } }));
  try {
    await step('the workspace endpoint answers an SDK client, which creates a table with a stream of new and old images', async () => {
      await wb.openWorkbench(page, url!, (p) => wb.activityBarItem(p, 'Dynamo Workspace'));
      await page.locator('.statusbar-item', { hasText: /127\.0\.0\.1:\d+/ }).waitFor({ timeout: 30_000 });
      client = await connect(page);
      const schema = {
        KeySchema: [{ AttributeName: 'customer', KeyType: 'HASH' as const }, { AttributeName: 'orderId', KeyType: 'RANGE' as const }],
        AttributeDefinitions: [{ AttributeName: 'customer', AttributeType: 'S' as const }, { AttributeName: 'orderId', AttributeType: 'N' as const }],
        BillingMode: 'PAY_PER_REQUEST' as const,
      };
      await client.send(new CreateTableCommand({ TableName: TABLE, ...schema, StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }));
      await client.send(new CreateTableCommand({ TableName: PLAIN, ...schema }));
      // written before the view opens: LATEST leaves it out, TRIM_HORIZON shows it
      await put('early', 0, { status: { S: 'draft' } });
      await wb.activityBarItem(page, 'Dynamo Workspace').click();
      await wb.sideBarTreeItem(page, TABLE).waitFor({ timeout: 30_000 });
      await dismissGitignoreOffer(page);
    });

    await step("the table's menu opens the stream view, waiting for new records", async () => {
      await wb.sideBarTreeItem(page, TABLE).click({ button: 'right' });
      const item = page.locator('.context-view .action-label', { hasText: 'Open Stream View' });
      await item.waitFor();
      // the menu takes a moment to settle: a click too soon leaves it open with nothing run
      await page.waitForTimeout(300);
      await item.hover();
      await item.click();
      const frame = await streamView(page);
      await frame.locator('#empty', { hasText: 'Waiting for changes' }).waitFor({ timeout: 20_000 });
      await frame.locator('#stream-info', { hasText: 'NEW_AND_OLD_IMAGES' }).waitFor();
      await frame.locator('#reading', { hasText: 'Reading new records' }).waitFor({ timeout: 10_000 });
      await shot('stream-01-waiting');
    });

    const written = ['INSERT customer=alice · orderId=1', 'INSERT customer=bob · orderId=2', 'MODIFY customer=alice · orderId=1', 'REMOVE customer=bob · orderId=2'];
    await step('put, put, update, delete from the SDK: each record arrives in that order, one row below the other', async () => {
      const frame = await streamView(page);
      await put('alice', 1, { status: { S: 'new' }, total: { N: '10' } });
      await waitForRows(page, frame, 1);
      await put('bob', 2, { status: { S: 'new' } });
      await client!.send(new UpdateItemCommand({ TableName: TABLE, Key: key('alice', 1), UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: 'shipped' } } }));
      await client!.send(new DeleteItemCommand({ TableName: TABLE, Key: key('bob', 2) }));
      assertInOrder(await waitForRows(page, frame, 4), written);
      await statusLine(frame).filter({ hasText: '4 of 4 records shown' }).waitFor();
      await shot('stream-02-records');
    });

    await step("expanding the MODIFY shows the diff: status was new and is shipped, total unchanged", async () => {
      const frame = await streamView(page);
      const modify = frame.locator('stream-record-row[data-event="MODIFY"]');
      await modify.locator('button.toggle').focus();
      await page.keyboard.press('Enter');
      const changed = modify.locator('tr.changed');
      await changed.waitFor();
      const cells = await changed.locator('td').allTextContents();
      if (JSON.stringify(cells) !== JSON.stringify(['status', 'new', 'shipped'])) throw new Error(`the changed row reads ${JSON.stringify(cells)}`);
      const same = await modify.locator('tr.same td.name').allTextContents();
      if (!same.includes('total') || !same.includes('customer')) throw new Error(`unchanged attributes: ${JSON.stringify(same)}`);
      const oldBox = (await changed.locator('td.old').boundingBox())!;
      const newBox = (await changed.locator('td.new').boundingBox())!;
      if (!(oldBox.width > 0 && newBox.x >= oldBox.x + oldBox.width - 0.5)) throw new Error('old and new are not side by side');
      assertInOrder(await rows(frame), written);
      await shot('stream-03-modify-diff');
    });

    await step('Pause holds new records back with a count; Resume shows them in order', async () => {
      const frame = await streamView(page);
      await frame.locator('#pause').click();
      await frame.locator('#pause', { hasText: 'Resume' }).waitFor();
      await put('carol', 3, { status: { S: 'new' } });
      await statusLine(frame).filter({ hasText: 'paused: 1 new record held back' }).waitFor({ timeout: 15_000 });
      await frame.locator('#pause', { hasText: 'Resume (1 new)' }).waitFor();
      assertInOrder(await rows(frame), written);
      await shot('stream-04-paused');
      await frame.locator('#pause').click();
      assertInOrder(await waitForRows(page, frame, 5), [...written, 'INSERT customer=carol · orderId=3']);
    });

    await step('filtering by event type hides the other types, and the key filter narrows to one item', async () => {
      const frame = await streamView(page);
      await frame.locator('#show-INSERT').click();
      const noInserts = await waitForRows(page, frame, 2);
      assertInOrder(noInserts, ['MODIFY customer=alice · orderId=1', 'REMOVE customer=bob · orderId=2']);
      await statusLine(frame).filter({ hasText: '2 of 5 records shown' }).waitFor();
      await shot('stream-05-filter-type');
      await frame.locator('#show-INSERT').click();
      await frame.locator('#key-filter input').fill('alice');
      assertInOrder(await waitForRows(page, frame, 2), ['INSERT customer=alice · orderId=1', 'MODIFY customer=alice · orderId=1']);
      await frame.locator('#key-filter input').fill('');
      await waitForRows(page, frame, 5);
    });

    await step('Replay from TRIM_HORIZON shows every record the stream holds, the one written before the view opened first', async () => {
      const frame = await streamView(page);
      await frame.locator('#replay').click();
      const all = await waitForRows(page, frame, 6);
      assertInOrder(all, ['INSERT customer=early · orderId=0', ...written, 'INSERT customer=carol · orderId=3']);
      await frame.locator('#reading', { hasText: 'from TRIM_HORIZON' }).waitFor();
      // the expanded diff is part of the README picture
      await frame.locator('stream-record-row[data-event="MODIFY"] button.toggle').click();
      await frame.locator('stream-record-row[data-event="MODIFY"] tr.changed').waitFor();
      await shot('stream-06-replay');
      fs.copyFileSync(path.join(out!, 'stream-06-replay.png'), path.join(out!, 'stream-view.png'));
    });

    await step('after a window reload the stream view comes back with its records and keeps reading', async () => {
      await wb.reloadWindow(page);
      client!.destroy();
      await page.locator('.statusbar-item', { hasText: /127\.0\.0\.1:\d+/ }).waitFor({ timeout: 30_000 });
      client = await connect(page);
      const frame = await streamView(page);
      assertInOrder(await waitForRows(page, frame, 6, 30_000), ['INSERT customer=early · orderId=0', ...written, 'INSERT customer=carol · orderId=3']);
      await frame.locator('stream-record-row[data-event="MODIFY"] tr.changed').waitFor({ timeout: 5_000 });
      await put('dave', 4);
      await waitForRows(page, frame, 7, 20_000);
      await shot('stream-07-after-reload');
    });

    await step("Open Item opens alice's item in the items panel's editor", async () => {
      const frame = await streamView(page);
      await frame.locator('stream-record-row[data-event="MODIFY"] vscode-button.open').click();
      const items = await viewWith(page, '#item-json');
      const text = await items.locator('#item-json').evaluate((el) => (el as HTMLTextAreaElement).value);
      if (!/"shipped"/.test(text) || !/"alice"/.test(text)) throw new Error(`the editor shows ${text}`);
      await shot('stream-08-open-item');
    });

    await step("a table without a stream: its Stream row (off) opens the view, which says so; Enable stream turns one on and starts reading", async () => {
      // expand the table by its twistie (a click on the row itself opens the items panel)
      await page.locator('.part.sidebar .monaco-list-row', { hasText: PLAIN }).first().locator('.monaco-tl-twistie').click();
      const streamRow = page.locator('.part.sidebar .monaco-list-row', { hasText: /^Stream/ }).first();
      await streamRow.locator('.label-description', { hasText: 'off' }).waitFor({ timeout: 15_000 });
      await streamRow.hover();
      await streamRow.locator('.action-label[aria-label="Open Stream View"]').click();
      const frame = await streamView(page, PLAIN);
      await frame.locator('#no-stream', { hasText: 'has no stream' }).waitFor({ timeout: 15_000 });
      await shot('stream-09-no-stream');
      await frame.locator('#enable-stream').click();
      await frame.locator('#empty', { hasText: 'The stream holds no records yet' }).waitFor({ timeout: 15_000 });
      await put('erin', 5, {}, PLAIN);
      assertInOrder(await waitForRows(page, frame, 1), ['INSERT customer=erin · orderId=5']);
      await shot('stream-10-enabled');
    });

    await step('turned off and on again from the SDK, the stream is a new one: the view keeps its rows and follows the new stream', async () => {
      const frame = await streamView(page, PLAIN);
      await client!.send(new UpdateTableCommand({ TableName: PLAIN, StreamSpecification: { StreamEnabled: false } }));
      await client!.send(new UpdateTableCommand({ TableName: PLAIN, StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } }));
      await frame.locator('#stream-info', { hasText: 'KEYS_ONLY' }).waitFor({ timeout: 20_000 });
      await put('frank', 6, {}, PLAIN);
      assertInOrder(await waitForRows(page, frame, 2), ['INSERT customer=erin · orderId=5', 'INSERT customer=frank · orderId=6']);
      // KEYS_ONLY: the row opens on a note, not an empty table
      await frame.locator('stream-record-row[data-n="1"] button.toggle').click();
      await frame.locator('stream-record-row[data-n="1"] .diff', { hasText: 'keeps no images' }).waitFor();
    });

    await step('in a narrow editor the toolbar wraps and nothing scrolls sideways', async () => {
      await page.setViewportSize({ width: 900, height: 700 });
      await page.waitForTimeout(400);
      await shot('stream-11-narrow');
      await page.setViewportSize(WIDE);
    });

    await step('the event colours follow the colour theme (dark) through --vscode-* variables', async () => {
      const frame = await streamView(page, PLAIN);
      const colour = () => frame.locator('stream-record-row[data-event="INSERT"] .event').first().evaluate((el) => getComputedStyle(el).color);
      const before = await colour();
      await wb.runCommand(page, 'Preferences: Color Theme');
      await page.locator('.quick-input-widget input').fill('Dark Modern');
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Dark Modern' }).first().click();
      const deadline = Date.now() + 10_000;
      while ((await colour()) === before && Date.now() < deadline) await page.waitForTimeout(200);
      const after = await colour();
      if (after === before) throw new Error(`the INSERT colour stayed ${before} in the dark theme`);
      await shot('stream-12-dark');
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

runScenario('stream', main, () => runner, resultsFile, out);
