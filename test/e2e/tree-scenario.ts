// The explorer's table rows and the panel registry as a person meets them, in a real VS Code
// (code-server) in headless chromium with the extension installed from its .vsix: the items panel
// comes back after a window reload showing the same table, filter and result; a table's Stream
// (with its shards), Time to live and Backups rows say what the database says; a backup is made
// from the Backups row, restored from its menu to a new table that opens, and deleted after a
// confirmation; the create-table form also survives a reload. Screenshots go to OUT_DIR; step
// results to RESULTS_JSON.
//   DW_UI_WORKSPACE=DIR node --import tsx test/e2e/tree-scenario.ts WORKBENCH_URL OUT_DIR RESULTS_JSON
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BatchWriteItemCommand, CreateBackupCommand, CreateTableCommand, DynamoDBClient, ListTablesCommand, UpdateContinuousBackupsCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import type { Page } from 'playwright-core';
import * as wb from './lib/workbench';
import { runScenario, scenarioSteps, type ScenarioRunner } from './scenario-steps';

const [url, out, resultsFile] = process.argv.slice(2);
let runner: ScenarioRunner | undefined;
const workspace = process.env.DW_UI_WORKSPACE ?? '';
if (!url || !out || !workspace) {
  console.error('usage: DW_UI_WORKSPACE=DIR tree-scenario.ts WORKBENCH_URL OUT_DIR [RESULTS_JSON]');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });

const TABLE = 'Garden';

/** The items panel's document, once its table heading is there. */
const itemsView = (page: Page) => wb.webview(page);

/** A row of the explorer by its label, and its description as shown beside it. */
const treeRow = (page: Page, label: string | RegExp) => page.locator('.part.sidebar .monaco-list-row', { has: page.locator('.label-name', { hasText: label }) }).first();
const rowDescription = (page: Page, label: string | RegExp, description: string | RegExp) =>
  page
    .locator('.part.sidebar .monaco-list-row', { has: page.locator('.label-name', { hasText: label }) })
    .locator('.label-description', { hasText: description })
    .first();

/** Opens a collapsed row (a click toggles, so only when it is closed). */
async function expand(page: Page, label: string | RegExp): Promise<void> {
  const row = treeRow(page, label);
  await row.waitFor({ timeout: 20_000 });
  // The tree redraws rows while their figures settle (a TTL change, a refresh), which replaces the
  // row's element: look the row up again each time rather than holding one element.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const state = await row.getAttribute('aria-expanded', { timeout: 5_000 }).catch(() => undefined);
    if (state === 'true') return;
    if (Date.now() > deadline) throw new Error(`the tree row ${String(label)} did not expand (aria-expanded ${state})`);
    if (state === 'false') await row.click({ timeout: 5_000 }).catch(() => undefined);
    await page.waitForTimeout(300);
  }
}

/** Runs an entry of a tree row's context menu. */
async function contextMenu(page: Page, label: string | RegExp, entry: string): Promise<void> {
  await wb.contextMenuEntry(page, treeRow(page, label), entry);
}

/** An SDK client of the workspace's endpoint once it answers (its port changes with each window). */
async function endpointClient(page: Page): Promise<DynamoDBClient> {
  const file = path.join(workspace, '.dynamodb', 'ENDPOINT');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const endpoint = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
    if (endpoint) {
      const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
      if (await client.send(new ListTablesCommand({})).then(() => true, () => false)) return client;
      client.destroy();
    }
    if (Date.now() > deadline) throw new Error(`the endpoint in ${file} does not answer`);
    await page.waitForTimeout(300);
  }
}

async function main(): Promise<number> {
  const browser = await wb.launchBrowser();
  const { page } = await wb.newPage(browser);
  let client: DynamoDBClient | undefined;
  runner = scenarioSteps(page, out!, 'tree-');
  const { step, shot } = runner;
  try {
    await step('a table made through the endpoint shows in the explorer', async () => {
      await wb.openWorkbench(page, url!, (p) => wb.activityBarItem(p, 'Dynamo Workspace'));
      client = await endpointClient(page);
      await client.send(new CreateTableCommand({
        TableName: TABLE,
        KeySchema: [{ AttributeName: 'plant', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'plant', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }));
      const plants = [['rose', 'red'], ['tulip', 'red'], ['iris', 'blue'], ['daisy', 'white']];
      await client.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: plants.map(([plant, colour]) => ({ PutRequest: { Item: { plant: { S: plant! }, colour: { S: colour! } } } })) } }));
      await wb.activityBarItem(page, 'Dynamo Workspace').click();
      await wb.runCommand(page, 'Dynamo Workspace: Refresh');
      await wb.sideBarTreeItem(page, TABLE).waitFor({ timeout: 30_000 });
    });

    await step('the items panel comes back after a window reload with the same table, filter and result', async () => {
      await wb.sideBarTreeItem(page, TABLE).click();
      await wb.sideBarTreeItem(page, /^Items/).first().click();
      let v = itemsView(page);
      await v.locator('h1', { hasText: TABLE }).waitFor({ timeout: 20_000 });
      await v.locator('#add-filter').click();
      await v.locator('#filter-attribute-0 input').fill('colour');
      await v.locator('#filter-value-0 input').fill('red');
      await v.locator('#run').click();
      await v.locator('#result-summary', { hasText: /^\s*2 loaded · 2 of 4 scanned/ }).waitFor({ timeout: 10_000 });
      await shot('tree-01-items-filtered-before-reload');
      // the state is saved on the page's next update: give it that frame before reloading
      await page.waitForTimeout(500);
      // VS Code's own reload, which saves the window's state as it goes (a browser reload may
      // cut the storage write short)
      await wb.reloadWindow(page);
      await page.locator('.tabs-container .tab', { hasText: TABLE }).waitFor({ timeout: 30_000 });
      v = itemsView(page);
      await v.locator('h1', { hasText: TABLE }).waitFor({ timeout: 30_000 });
      const attribute = await v.locator('#filter-attribute-0 input').inputValue();
      const value = await v.locator('#filter-value-0 input').inputValue();
      if (attribute !== 'colour' || value !== 'red') throw new Error(`after the reload the filter reads ${attribute} = ${value}`);
      await v.locator('#result-summary', { hasText: /^\s*2 loaded · 2 of 4 scanned/ }).waitFor({ timeout: 20_000 });
      const rows = (await v.locator('[role="row"]').allInnerTexts()).join('\n');
      for (const plant of ['rose', 'tulip']) if (!rows.includes(plant)) throw new Error(`the restored result lacks ${plant}: ${rows}`);
      if (rows.includes('iris')) throw new Error('the restored result shows a row the filter excludes');
      await shot('tree-02-items-after-window-reload');
    });

    await step('the table\'s Stream with its shard, Time to live and Backups rows say what the database says', async () => {
      // the reloaded window's database listens on a new port
      client?.destroy();
      client = await endpointClient(page);
      await client!.send(new UpdateTimeToLiveCommand({ TableName: TABLE, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' } }));
      await client!.send(new UpdateContinuousBackupsCommand({ TableName: TABLE, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
      await client!.send(new CreateBackupCommand({ TableName: TABLE, BackupName: 'garden-nightly' }));
      await wb.runCommand(page, 'View: Close All Editors');
      // a wider side bar, as someone reading these rows would make it: drag its edge
      const side = (await page.locator('.part.sidebar').boundingBox())!;
      await page.mouse.move(side.x + side.width + 1, side.y + side.height / 2);
      await page.mouse.down();
      await page.mouse.move(side.x + side.width + 380, side.y + side.height / 2, { steps: 8 });
      await page.mouse.up();
      await wb.runCommand(page, 'Dynamo Workspace: Refresh');
      await expand(page, TABLE);
      await rowDescription(page, /^Stream$/, /^NEW_AND_OLD_IMAGES · enabled · \S+ · \d+ shards?$/).waitFor({ timeout: 20_000 });
      await expand(page, /^Stream$/);
      // the window's reload closed the shard written before it and opened another
      await rowDescription(page, /^shard/, /^open · /).waitFor({ timeout: 10_000 });
      await rowDescription(page, /^shard/, /^closed · \d+ – \d+$/).waitFor({ timeout: 10_000 });
      // the change settles by itself: no refresh between enabling and enabled
      await rowDescription(page, /^Time to live$/, /^expiresAt · enabled$/).waitFor({ timeout: 20_000 });
      await rowDescription(page, /^Backups$/, /^1 backup · point-in-time recovery on$/).waitFor({ timeout: 10_000 });
      await expand(page, /^Backups$/);
      await rowDescription(page, /^Point-in-time recovery$/, /^on · 35 days · /).waitFor({ timeout: 10_000 });
      await rowDescription(page, /^garden-nightly$/, / · on-demand$/).waitFor({ timeout: 10_000 });
      await shot('tree-03-stream-ttl-backups-rows');
    });

    let backupName = '';
    await step('Create Backup… on the Backups row makes a backup under the default name', async () => {
      await treeRow(page, /^Backups$/).hover();
      await treeRow(page, /^Backups$/).locator('a.action-label[aria-label="Create Backup…"]').click();
      const input = wb.quickInput(page).locator('input');
      await input.waitFor({ timeout: 10_000 });
      backupName = await input.inputValue();
      if (!/^Garden-\d{8}-\d{4}$/.test(backupName)) throw new Error(`the default backup name is ${backupName}`);
      await page.keyboard.press('Enter');
      await rowDescription(page, backupName, / · on-demand$/).waitFor({ timeout: 20_000 });
      await rowDescription(page, /^Backups$/, /^2 backups · /).waitFor({ timeout: 10_000 });
    });

    await step('Restore Table from Backup… checks the name as DynamoDB does, then opens the restored table with the backup\'s items', async () => {
      await contextMenu(page, /^garden-nightly$/, 'Restore Table from Backup…');
      const input = wb.quickInput(page).locator('input');
      await input.waitFor({ timeout: 10_000 });
      const proposed = await input.inputValue();
      if (!/^Garden-restored-\d{4}$/.test(proposed)) throw new Error(`the default name is ${proposed}`);
      await input.fill('Garden restored');
      await wb.quickInput(page).locator('.quick-input-message', { hasText: 'Table names use only letters, digits, _ . - (not a space)' }).waitFor({ timeout: 5_000 });
      await shot('tree-04-restore-name-checked');
      await input.fill(proposed);
      await page.keyboard.press('Enter');
      await page.locator('.tabs-container .tab', { hasText: proposed }).waitFor({ timeout: 30_000 });
      const v = itemsView(page);
      await v.locator('h1', { hasText: proposed }).waitFor({ timeout: 20_000 });
      await v.locator('#result-summary', { hasText: /^\s*4 loaded/ }).waitFor({ timeout: 20_000 });
      await treeRow(page, proposed).waitFor({ timeout: 10_000 });
      await shot('tree-05-restored-table-open');
    });

    await step('Delete Backup… asks first, then the backup\'s row goes', async () => {
      await contextMenu(page, backupName, 'Delete Backup…');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.locator('text=Delete backup').first().waitFor({ timeout: 10_000 });
      await shot('tree-06-delete-backup-asks');
      await dialog.locator('a.monaco-button, .monaco-button', { hasText: 'Delete Backup' }).first().click();
      await treeRow(page, backupName).waitFor({ state: 'detached', timeout: 20_000 });
      await rowDescription(page, /^Backups$/, /^1 backup · /).waitFor({ timeout: 10_000 });
    });

    await step('the create-table form comes back after a window reload with what was typed in it', async () => {
      await wb.runCommand(page, 'View: Close All Editors');
      await wb.runCommand(page, 'Dynamo Workspace: Create Table…');
      let form = wb.webview(page);
      await form.locator('#tableName input').waitFor({ timeout: 20_000 });
      await form.locator('#tableName input').fill('Orchard');
      await form.locator('#partitionKey input').fill('tree');
      await page.waitForTimeout(500);
      await wb.reloadWindow(page);
      await page.locator('.tabs-container .tab', { hasText: 'Create Table — tree-ws' }).waitFor({ timeout: 30_000 });
      form = wb.webview(page);
      await form.locator('#tableName input').waitFor({ timeout: 30_000 });
      const typed = [await form.locator('#tableName input').inputValue(), await form.locator('#partitionKey input').inputValue()];
      if (typed.join(' ') !== 'Orchard tree') throw new Error(`after the reload the form holds ${JSON.stringify(typed)}`);
      await shot('tree-07-create-form-after-reload');
    });
    return 0;
  } catch {
    return 1;
  } finally {
    client?.destroy();
    await browser.close();
  }
}

runScenario('tree', main, () => runner, resultsFile, out);
