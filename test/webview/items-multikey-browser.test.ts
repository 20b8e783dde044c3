// The items panel's page in a real Chromium under the webview CSP, its requests answered from a
// real engine as the panel host answers them (buildRequest, then the operation): on a GSI whose
// key has two partition and two sort attributes, the Query form shows one labelled equality field
// per partition attribute, offers the second sort attribute only once the first holds an equality
// (saying why until then), runs the Query the fields describe, and the grid marks every key
// column: the table's key and the index's. Screenshot: test-artifacts/webview/items-multikey.png.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../e2e/lib/workbench';
import { ARTIFACTS, CHROMIUM, cspViolations, openPanelPage, type HostAnswer } from './lib/browser-page';
import { Database } from '../../src/engine/database';
import { tableInfo, type TableDescription } from '../../src/extension/tables';
import type { Connection } from '../../src/extension/connection';
import type { Item } from '../../src/engine/types/attribute-value';
import type { PanelSession, QuerySpec, TableInfo } from '../../src/protocol/items';
import { buildRequest } from '../../src/protocol/query-builder';

const ENTRY = path.join(import.meta.dirname, '../../webview/items/main.ts');
const SUPPORTS = { query: true, scan: true, batchWrite: true, consumedCapacity: true };

describe('the items panel in Chromium on a GSI with a multi-attribute key', { skip: fs.existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}` }, () => {
  let browser: Browser;
  let db: Database;
  let page: Page;
  let table: TableInfo;
  const seen: { method: string; params: any }[] = [];

  before(async () => {
    db = await Database.open('', { inMemory: true, throttling: false });
    await db.execute('CreateTable', {
      TableName: 'Events',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'tenant', AttributeType: 'S' }, { AttributeName: 'region', AttributeType: 'S' },
        { AttributeName: 'day', AttributeType: 'S' }, { AttributeName: 'seq', AttributeType: 'N' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [{
        IndexName: 'byTenantRegion',
        KeySchema: [
          { AttributeName: 'tenant', KeyType: 'HASH' }, { AttributeName: 'region', KeyType: 'HASH' },
          { AttributeName: 'day', KeyType: 'RANGE' }, { AttributeName: 'seq', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      }],
    });
    for (let i = 0; i < 12; i++) {
      const Item: Item = { pk: { S: `e${i}` }, tenant: { S: i % 2 ? 'acme' : 'globex' }, region: { S: i % 3 ? 'eu' : 'us' }, day: { S: `2026-12-0${1 + (i % 2)}` }, seq: { N: String(i) }, note: { S: `event ${i}` } };
      await db.execute('PutItem', { TableName: 'Events', Item });
    }
    const desc = (await db.execute('DescribeTable', { TableName: 'Events' })) as { Table: TableDescription };
    table = tableInfo({ id: 'workspace:test', label: 'demo-folder' } as Connection, desc.Table, SUPPORTS);
    const answer: HostAnswer = async (method, params) => {
      if (method === 'ready') {
        const spec: QuerySpec = { mode: 'scan', indexName: 'byTenantRegion', filters: [], pageSize: 50 };
        return { table, spec, items: [], pageSizeDefault: 50 } satisfies PanelSession;
      }
      if (method === 'fetch') {
        const { operation, input } = buildRequest(table, params.spec as QuerySpec, false);
        const out = (await db.execute(operation, input)) as { Items: Item[]; Count: number; ScannedCount: number; LastEvaluatedKey?: Item };
        return { items: out.Items, count: out.Count, scannedCount: out.ScannedCount, lastEvaluatedKey: out.LastEvaluatedKey, request: input, elapsedMs: 1 };
      }
      if (method === 'confirm') return true;
      if (method === 'delete') {
        // as the panel host deletes: one DeleteItem per key the page sends
        for (const Key of params.keys as Item[]) await db.execute('DeleteItem', { TableName: 'Events', Key });
        return { deleted: params.keys.length, errors: [] };
      }
      throw new Error(`unknown request ${method}`);
    };
    browser = await launchBrowser({ executablePath: CHROMIUM });
    page = await openPanelPage(browser, ENTRY, '<items-app></items-app>', answer, seen);
    await page.locator('items-app item-grid .row').first().waitFor();
  });

  after(async () => {
    await browser?.close();
    await db?.close();
  });

  it('marks the table key and every attribute of the index key with the key icon in the grid', async () => {
    const headers = page.locator('items-app item-grid [role="columnheader"].key');
    const titles = await headers.evaluateAll((cells) => cells.map((c) => c.getAttribute('title')));
    assert.deepEqual(titles, ['pk (table key)', 'tenant (index key)', 'region (index key)', 'day (index key)', 'seq (index key)']);
    for (const title of titles) {
      const icon = page.locator(`items-app item-grid [role="columnheader"][title="${title}"] vscode-icon[name="key"]`);
      assert.ok(await icon.isVisible(), `${title} shows the key icon`);
    }
  });

  it('offers one labelled equality field per partition attribute and the first sort attribute only, saying why', async () => {
    await page.locator('items-app #mode').evaluate((el) => {
      (el as HTMLSelectElement).value = 'query';
      el.dispatchEvent(new Event('change', { bubbles: true }));
    });
    const form = page.locator('items-app form');
    for (const label of ['tenant =', 'region =', 'day']) assert.ok(await form.getByText(label, { exact: true }).isVisible(), `the label "${label}" is visible`);
    assert.ok(await page.locator('items-app #pk-value-2').isVisible(), 'a field for region');
    assert.equal(await page.locator('items-app #sk-value-2').count(), 0, 'no field for seq before day holds an equality');
    assert.match(await page.locator('items-app #sort-hint').innerText(), /seq: set day with = first/);
  });

  it('offers the second sort attribute once the first holds an equality, and runs the Query the fields describe', async () => {
    await page.locator('items-app #pk-value input').fill('acme');
    await page.locator('items-app #pk-value-2 input').fill('eu');
    await page.locator('items-app #sk-value input').fill('2026-12-02');
    const seqField = page.locator('items-app #sk-value-2');
    await seqField.waitFor();
    assert.ok(await page.locator('items-app form').getByText('seq', { exact: true }).isVisible(), 'the label "seq" is visible');
    assert.equal(await page.locator('items-app #sort-hint').count(), 0, 'no hint once every sort attribute is offered');
    await page.locator('items-app #sk-op-2').evaluate((el) => {
      (el as HTMLSelectElement).value = '>';
      el.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await seqField.locator('input').fill('3');
    await page.locator('items-app #run').click();
    // acme is the odd i, eu is i not divisible by 3, day 2026-12-02 is the odd i: 5, 7 and 11 have seq > 3
    await page.waitForFunction(() => {
      const grid = document.querySelector('items-app')?.shadowRoot?.querySelector('item-grid') as any;
      return grid && grid.items.length === 3;
    });
    const query = seen.filter((r) => r.method === 'fetch').at(-1)!.params.spec as QuerySpec;
    const { input } = buildRequest(table, query, false);
    assert.equal(input.KeyConditionExpression, '#n0 = :v0 AND #n1 = :v1 AND #n2 = :v2 AND #n3 > :v3');
    const notes = await page.locator('items-app item-grid .row').allInnerTexts();
    for (const n of ['event 5', 'event 7', 'event 11']) assert.ok(notes.some((t) => t.includes(n)), `${n} is listed`);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'items-multikey.png'), fullPage: true });
  });

  it('deletes an item found through the index by the table key alone', async () => {
    await page.locator('items-app item-grid .row', { hasText: 'event 7' }).locator('input[type="checkbox"]').check();
    await page.locator('items-app #delete-selected').click();
    await page.waitForFunction(() => /Deleted 1 item/.test(document.querySelector('items-app')?.shadowRoot?.textContent ?? ''));
    assert.deepEqual(seen.filter((r) => r.method === 'delete').at(-1)!.params.keys, [{ pk: { S: 'e7' } }]);
    assert.equal(((await db.execute('GetItem', { TableName: 'Events', Key: { pk: { S: 'e7' } } })) as { Item?: Item }).Item, undefined);
    assert.equal(await page.locator('items-app item-grid .row').count(), 2);
  });

  it('drops the second sort condition when the first becomes a range, as DynamoDB requires', async () => {
    await page.locator('items-app #sk-op').evaluate((el) => {
      (el as HTMLSelectElement).value = 'begins_with';
      el.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await page.locator('items-app #sk-value-2').waitFor({ state: 'detached' });
    assert.match(await page.locator('items-app #sort-hint').innerText(), /seq: set day with = first/);
  });

  it('breaks no rule of the webview CSP', async () => {
    assert.deepEqual(await cspViolations(page), []);
  });
});
