// The extension as a person uses it, in a real VS Code (code-server) in headless chromium:
// open the view, create a table with the form, add and edit items in the items panel, query,
// hover for the capacity-cost hints. Screenshots go to OUT_DIR; step results to RESULTS_JSON.
//   node --import tsx test/e2e/ui-scenario.ts WORKBENCH_URL OUT_DIR RESULTS_JSON
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import * as wb from './lib/workbench';

const [url, out, resultsFile] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: ui-scenario.ts WORKBENCH_URL OUT_DIR [RESULTS_JSON]');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });

const TABLE = 'Orders';
const steps: { name: string; ok: boolean; skipped?: string; ms: number; error?: string }[] = [];

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(out!, `${name}.png`) });
}

/** The items panel's webview (the one with the grid). */
function itemsView(page: Page): FrameLocator {
  return wb.webview(page);
}

async function selectOption(page: Page, frame: FrameLocator, selector: string, value: string): Promise<void> {
  // a vscode-single-select: open it, pick the option as a user would
  const select = frame.locator(selector);
  await select.click();
  const option = frame.locator(`${selector} vscode-option[value="${value}"]`);
  if (await option.isVisible().catch(() => false)) await option.click();
  else {
    await select.press('Escape').catch(() => undefined);
    await select.evaluate((el, v) => {
      (el as HTMLSelectElement).value = v;
      el.dispatchEvent(new Event('change', { bubbles: true }));
    }, value);
  }
  await page.waitForTimeout(100);
}

async function main(): Promise<number> {
  const browser = await wb.launchBrowser();
  const { page, offLoopback } = await wb.newPage(browser);
  /** A step that needs an operation the database may not answer yet: skipped (and said so) until it does. */
  const stepIf = async (needs: string, name: string, fn: () => Promise<void>): Promise<void> => {
    const supports = (await itemsView(page).locator('items-app').getAttribute('data-supports')) ?? '';
    if (!supports.split(' ').includes(needs)) {
      steps.push({ name, ok: true, skipped: `the database does not answer ${needs} yet`, ms: 0 });
      console.log(`  - ${name} (skipped: the database does not answer ${needs} yet)`);
      return;
    }
    await step(name, fn);
  };
  const step = async (name: string, fn: () => Promise<void>): Promise<void> => {
    const t = Date.now();
    try {
      await fn();
      steps.push({ name, ok: true, ms: Date.now() - t });
      console.log(`  ✔ ${name} (${Date.now() - t} ms)`);
    } catch (e) {
      steps.push({ name, ok: false, ms: Date.now() - t, error: String(e) });
      console.log(`  ✘ ${name}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      if (e instanceof Error) console.log(e.message.split('\n').slice(1, 16).map((l) => `      ${l}`).join('\n'));
      await shot(page, `failure-${steps.length}`).catch(() => undefined);
      throw e;
    }
  };
  try {
    await step('workbench shows the Dynamo Workspace activity-bar entry', async () => {
      await wb.openWorkbench(page, url!, (p) => wb.activityBarItem(p, 'Dynamo Workspace'));
    });

    await step('the explorer opens the workspace database and offers to create a table', async () => {
      await wb.activityBarItem(page, 'Dynamo Workspace').click();
      await wb.sideBarTreeItem(page, /ui-ws/).first().waitFor({ timeout: 30_000 });
      await wb.sideBarTreeItem(page, 'No tables yet — create one…').waitFor({ timeout: 30_000 });
      // the status bar shows the endpoint
      await page.locator('.statusbar-item', { hasText: /127\.0\.0\.1:\d+ · 0 tables/ }).waitFor({ timeout: 15_000 });
      await shot(page, '01-explorer-empty');
    });

    await step('offers to add the data folder to .gitignore, and does it', async () => {
      // the toast, or (once it has timed out) the same notification in the notification centre
      const toast = wb.notification(page, 'to .gitignore?');
      const shown = await toast.waitFor({ timeout: 10_000 }).then(() => true, () => false);
      if (shown) {
        await toast.getByRole('button', { name: 'Add to .gitignore' }).click();
      } else {
        await wb.runCommand(page, 'Notifications: Show Notifications');
        const item = page.locator('.notifications-center .notification-list-item', { hasText: 'to .gitignore?' });
        await item.getByRole('button', { name: 'Add to .gitignore' }).click();
        await page.keyboard.press('Escape');
      }
      const workspace = process.env.DW_UI_WORKSPACE;
      if (workspace) {
        const read = () => fs.readFileSync(path.join(workspace, '.gitignore'), 'utf8');
        for (let i = 0; i < 50 && !read().split('\n').includes('.dynamodb/'); i++) await page.waitForTimeout(100);
        if (!read().split('\n').includes('.dynamodb/')) throw new Error(`.gitignore is now: ${JSON.stringify(read())}`);
      }
    });

    await step('the create-table form validates before sending', async () => {
      await wb.runCommand(page, 'Dynamo Workspace: Create Table…');
      const form = wb.webview(page);
      await form.locator('#tableName input').waitFor({ timeout: 20_000 });
      await form.locator('#tableName input').fill('x');
      await form.locator('#create').click();
      await form.locator('#problem-tableName', { hasText: '3-255 characters' }).waitFor();
    });

    await step('create a table with a sort key (the workspace database refuses a stream, and says so)', async () => {
      const form = wb.webview(page);
      await form.locator('#tableName input').fill(TABLE);
      await form.locator('#partitionKey input').fill('customer');
      await form.locator('#sortKey input').fill('orderId');
      await selectOption(page, form, '#sortKeyType', 'N');
      await selectOption(page, form, '#stream', 'NEW_AND_OLD_IMAGES');
      await shot(page, '02-create-table-form');
      await form.locator('#create').click();
      await form.locator('#create-error', { hasText: 'Streams are not supported' }).waitFor({ timeout: 20_000 });
      await selectOption(page, form, '#stream', 'OFF');
      await form.locator('#create').click();
      await wb.sideBarTreeItem(page, TABLE).waitFor({ timeout: 20_000 });
      await shot(page, '03-table-created');
    });

    await step('the tree shows keys, indexes and capacity of the table', async () => {
      await wb.sideBarTreeItem(page, TABLE).click();
      await wb.sideBarTreeItem(page, /^customer/).first().waitFor();
      await wb.sideBarTreeItem(page, /^orderId/).first().waitFor();
      await wb.sideBarTreeItem(page, /^Indexes/).first().waitFor();
      await wb.sideBarTreeItem(page, /^Stream/).first().waitFor();
      await wb.sideBarTreeItem(page, /^Capacity/).first().waitFor();
    });

    await step('open the items panel from the tree', async () => {
      await wb.sideBarTreeItem(page, /^Items/).first().click();
      await itemsView(page).locator('#new-item').waitFor({ timeout: 20_000 });
      await itemsView(page).locator('items-app[data-supports]').waitFor();
      await itemsView(page).getByText('No items loaded').waitFor();
    });

    await step('add items with the JSON editor', async () => {
      const v = itemsView(page);
      const items = [
        { customer: 'alice', orderId: 1, status: 'open', total: 30.5, lines: [{ sku: 'A-1', qty: 2 }] },
        { customer: 'alice', orderId: 2, status: 'shipped', total: 12 },
        { customer: 'bob', orderId: 1, status: 'open', total: 99.99, note: 'gift' },
      ];
      for (const item of items) {
        await v.locator('#new-item').click();
        await v.locator('#item-json').fill(JSON.stringify(item, null, 2));
        await v.locator('#save-item').click();
        await v.locator('item-editor').waitFor({ state: 'detached' });
      }
      await v.locator('[role="row"][data-index="2"]').waitFor();
      await shot(page, '04-items-added');
    });

    await step('the editor rejects invalid DynamoDB JSON before saving', async () => {
      const v = itemsView(page);
      await v.locator('#new-item').click();
      await v.locator('vscode-radio[value="dynamo"]').click();
      await v.locator('#item-json').fill('{"customer": {"S": "carol"}, "orderId": {"N": "abc"}}');
      await v.locator('#save-item').click();
      await v.locator('.problems', { hasText: 'orderId.N' }).waitFor();
      await shot(page, '05-editor-validation');
      await v.locator('#item-json').press('Escape');
      await v.locator('item-editor').waitFor({ state: 'detached' });
    });

    await step('edit a cell inline and an item in the editor', async () => {
      const v = itemsView(page);
      // inline: the "status" cell of bob's order
      const bobRow = v.locator('[role="row"]', { hasText: 'bob' });
      const cell = bobRow.locator('[role="gridcell"][data-attr="status"]', { hasText: 'open' });
      await cell.dblclick();
      await v.locator('input.inline').fill('paid');
      await v.locator('input.inline').press('Enter');
      await bobRow.locator('[role="gridcell"][data-attr="status"]', { hasText: 'paid' }).waitFor();
      // editor: open alice #2 with Enter from the keyboard, change it, save
      const aliceTwo = v.locator('[role="row"]', { hasText: 'shipped' });
      await aliceTwo.click();
      await v.locator('[role="grid"]').press('Enter');
      await v.locator('#item-json').waitFor();
      const text = await v.locator('#item-json').inputValue();
      await v.locator('#item-json').fill(text.replace('"shipped"', '"delivered"'));
      await v.locator('#save-item').click();
      await v.locator('item-editor').waitFor({ state: 'detached' });
      await v.locator('[role="gridcell"][data-attr="status"]', { hasText: 'delivered' }).waitFor();
      await shot(page, '06-items-edited');
    });

    await step('select an item with the keyboard and delete it after confirming', async () => {
      const v = itemsView(page);
      const grid = v.locator('[role="grid"]');
      await grid.focus();
      await grid.press('Home');
      // walk to bob's row with the arrow keys
      for (let i = 0; i < 3; i++) {
        const active = await v.locator('.row.active').getAttribute('data-index');
        if ((await v.locator(`[role="row"][data-index="${active}"]`).innerText()).includes('bob')) break;
        await grid.press('ArrowDown');
      }
      await grid.press(' ');
      await v.locator('[role="row"][aria-selected="true"]', { hasText: 'bob' }).waitFor();
      await grid.press('Delete');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor();
      await shot(page, '07-delete-confirmation');
      await dialog.getByRole('button', { name: 'Delete' }).click();
      await v.locator('[role="row"]', { hasText: 'bob' }).waitFor({ state: 'detached' });
      await v.locator('.status', { hasText: 'Deleted 1 item' }).waitFor();
    });

    await stepIf('query', 'query by partition key and sort-key condition', async () => {
      const v = itemsView(page);
      await selectOption(page, v, '#mode', 'query');
      await v.locator('#pk-value input').fill('alice');
      await selectOption(page, v, '#sk-op', '>=');
      await v.locator('#sk-value input').fill('2');
      await v.locator('#run').click();
      await v.locator('#result-summary', { hasText: /1 loaded/ }).waitFor();
      await v.locator('[role="gridcell"][data-attr="status"]', { hasText: 'delivered' }).waitFor();
      await shot(page, '08-query');
    });

    await step('hovering an item shows its size and read/write cost', async () => {
      const v = itemsView(page);
      await v.locator('[role="row"][data-index="0"] [role="gridcell"]').nth(2).hover();
      const hint = v.locator('#cost-hint');
      await hint.waitFor();
      const text = await hint.innerText();
      if (!/Item size/.test(text) || !/RCU strongly consistent/.test(text) || !/WCU/.test(text)) throw new Error(`unexpected hint: ${text}`);
      await shot(page, '09-item-cost-hint');
    });

    await stepIf('query', 'hovering the result bar shows what the query consumed and its price', async () => {
      const v = itemsView(page);
      await v.locator('#result-summary').hover();
      const hint = v.locator('#capacity-hint');
      await hint.waitFor();
      const text = await hint.innerText();
      if (!/RCU/.test(text) || !/\$/.test(text)) throw new Error(`unexpected capacity hint: ${text}`);
      await shot(page, '10-result-capacity-hint');
    });

    await step('the grid stays virtualised with 100,000 loaded rows', async () => {
      const frame = await wb.webviewFrame(page, 'items-app');
      const measured = await frame.evaluate(async () => {
        const app = document.querySelector('items-app')!;
        const grid = app.shadowRoot!.querySelector('item-grid') as HTMLElement & { items: unknown[]; updateComplete: Promise<unknown> };
        const items = Array.from({ length: 100_000 }, (_, i) => ({ customer: { S: `c${i % 977}` }, orderId: { N: String(i) }, total: { N: String(i % 1000) } }));
        const t0 = performance.now();
        grid.items = items;
        await grid.updateComplete;
        const rendered = performance.now() - t0;
        const viewport = grid.shadowRoot!.querySelector('.viewport') as HTMLElement;
        const t1 = performance.now();
        viewport.scrollTop = viewport.scrollHeight;
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        await grid.updateComplete;
        const scrolled = performance.now() - t1;
        return { rows: grid.shadowRoot!.querySelectorAll('[role="row"][data-index]').length, last: !!grid.shadowRoot!.querySelector('[data-index="99999"]'), rendered, scrolled };
      });
      console.log(`    100,000 rows: ${measured.rows} rows in the DOM, first render ${measured.rendered.toFixed(0)} ms, scroll to end ${measured.scrolled.toFixed(0)} ms`);
      if (measured.rows > 120 || !measured.last) throw new Error(`not virtualised: ${JSON.stringify(measured)}`);
      if (measured.rendered > 2000 || measured.scrolled > 1000) throw new Error(`too slow: ${JSON.stringify(measured)}`);
      await shot(page, '11-hundred-thousand-rows');
    });

    await step('follows the color theme (high contrast) through --vscode-* variables', async () => {
      const frame = await wb.webviewFrame(page, 'items-app');
      const before = await frame.evaluate(() => getComputedStyle(document.body).backgroundColor);
      await wb.runCommand(page, 'Preferences: Color Theme');
      const input = page.locator('.quick-input-widget input');
      await input.fill('Dark High Contrast');
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Dark High Contrast' }).first().click();
      await frame.waitForFunction((b) => getComputedStyle(document.body).backgroundColor !== b, before, { timeout: 10_000 });
      await shot(page, '12-high-contrast');
    });

    if (offLoopback.length) console.log(`requests refused (not loopback): ${[...new Set(offLoopback)].join(' ')}`);
    return 0;
  } catch {
    return 1;
  } finally {
    await browser.close();
  }
}

const started = Date.now();
main().then((code) => {
  const passes = steps.filter((s) => s.ok && !s.skipped).length;
  const skipped = steps.filter((s) => s.skipped).length;
  const failures = steps.filter((s) => !s.ok).length;
  if (resultsFile) fs.writeFileSync(resultsFile, JSON.stringify({ passes, failures: failures || (code ? 1 : 0), skipped, steps }, null, 2));
  console.log(`ui scenario: ${passes} steps passed, ${failures} failed, ${skipped} skipped, ${Date.now() - started} ms; screenshots in ${out}`);
  process.exit(code);
});
