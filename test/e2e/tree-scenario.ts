// The explorer's table rows and the panel registry as a person meets them, in a real VS Code
// (code-server) in headless chromium with the extension installed from its .vsix: the items panel
// comes back after a window reload showing the same table, filter and result. Screenshots go to
// OUT_DIR; step results to RESULTS_JSON.
//   DW_UI_WORKSPACE=DIR node --import tsx test/e2e/tree-scenario.ts WORKBENCH_URL OUT_DIR RESULTS_JSON
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BatchWriteItemCommand, CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Page } from 'playwright-core';
import * as wb from './lib/workbench';
import { scenarioSteps } from './scenario-steps';

const [url, out, resultsFile] = process.argv.slice(2);
const workspace = process.env.DW_UI_WORKSPACE ?? '';
if (!url || !out || !workspace) {
  console.error('usage: DW_UI_WORKSPACE=DIR tree-scenario.ts WORKBENCH_URL OUT_DIR [RESULTS_JSON]');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });

const TABLE = 'Garden';

/** The items panel's document, once its table heading is there. */
const itemsView = (page: Page) => wb.webview(page);

async function main(): Promise<number> {
  const browser = await wb.launchBrowser();
  const { page } = await wb.newPage(browser);
  let client: DynamoDBClient | undefined;
  const { step, shot, writeResults } = scenarioSteps(page, out!, 'tree-');
  try {
    await step('a table made through the endpoint shows in the explorer', async () => {
      await wb.openWorkbench(page, url!, (p) => wb.activityBarItem(p, 'Dynamo Workspace'));
      const file = path.join(workspace, '.dynamodb', 'ENDPOINT');
      const deadline = Date.now() + 30_000;
      while (!fs.existsSync(file) && Date.now() < deadline) await page.waitForTimeout(200);
      client = new DynamoDBClient({ endpoint: fs.readFileSync(file, 'utf8').trim(), region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
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
      await page.reload();
      await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
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
    return 0;
  } catch {
    return 1;
  } finally {
    client?.destroy();
    await browser.close();
    writeResults(resultsFile);
  }
}

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  process.exit(1);
});
