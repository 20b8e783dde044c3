// What the create-table form and the tree say about features the workspace engine does not have
// yet (TTL, Backups) and about one it has (Stream), and the monthly estimate of a provisioned table.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DynamoWorkspaceApi } from '../../src/extension/activate';
import { NOT_YET_AVAILABLE } from '../../src/extension/features';
import { api, children, closeAllEditors, uniqueName, waitFor } from './helpers';

describe('features the workspace database does not have yet', () => {
  let a: DynamoWorkspaceApi;
  let connectionId: string;
  before(async () => {
    a = await api();
    connectionId = a.manager.entries().find((e) => e.kind === 'workspace')!.id;
  });
  after(closeAllEditors);

  const details = async (tableName: string) => {
    const root = (await children(a)).find((r) => r.node.type === 'connection' && r.node.entry.id === connectionId)!;
    const table = await waitFor('the table in the tree', async () => (await children(a, root.node)).find((c) => c.label === tableName));
    const out = new Map<string, vscode.TreeItem>();
    for (const n of await a.tree.getChildren(table.node)) {
      const item = await a.tree.getTreeItem(n);
      out.set(String(typeof item.label === 'string' ? item.label : item.label?.label), item);
    }
    return out;
  };
  const text = (t: vscode.TreeItem['tooltip']) => (t instanceof vscode.MarkdownString ? t.value : String(t ?? ''));

  it('the tree says Time to live and Backups are not yet available, in the same words for both, and a table without a stream has its Stream off', async () => {
    const tableName = uniqueName('Plain');
    await vscode.commands.executeCommand('dynamoWorkspace.createTable', { connectionId, draft: { tableName, partitionKey: 'id' } });
    const d = await details(tableName);
    // The workspace engine serves Streams (ListStreams answers), so the Stream node shows the table's state.
    assert.equal(d.get('Stream')?.description, 'off');
    for (const label of ['Time to live', 'Backups']) {
      const item = d.get(label);
      assert.ok(item, `${label} is shown`);
      assert.equal(item.description, 'not yet available', `${label}'s description`);
      assert.equal(text(item.tooltip), NOT_YET_AVAILABLE, `${label}'s tooltip`);
    }
  });

  it('the create-table form gets TTL marked unavailable, with the reason, and Stream available, before anything is submitted', async () => {
    await vscode.commands.executeCommand('dynamoWorkspace.createTable', { connectionId });
    const designer = await waitFor('designer panel', () => a.designer());
    // the page's first request: what it renders the form from
    const ready = await (designer.host as unknown as { handlers: { ready(p: void): Promise<{ unavailable?: { stream?: string; ttl?: string } }> } }).handlers.ready();
    assert.equal(ready.unavailable?.stream, undefined);
    assert.equal(ready.unavailable?.ttl, NOT_YET_AVAILABLE);
    await waitFor('the form to finish loading', () => designer.host.isReady, 30_000);
    designer.host.panel.dispose();
  });

  it('a draft asking for TTL is refused before the table is created, not after', async () => {
    const tableName = uniqueName('WithTtl');
    const result = await vscode.commands.executeCommand('dynamoWorkspace.createTable', { connectionId, draft: { tableName, partitionKey: 'id', ttlAttribute: 'expiresAt' } });
    assert.equal(result, undefined);
    assert.match(a.lastMessage()?.text ?? '', /Time to live/);
    const names = (await (await a.manager.get(connectionId)).send('ListTables', {})).TableNames as string[];
    assert.ok(!names.includes(tableName), 'no table was created without its TTL');
  });

  it('the Capacity node of a provisioned table shows its monthly estimate at us-east-1 prices', async () => {
    const tableName = uniqueName('Priced');
    await vscode.commands.executeCommand('dynamoWorkspace.createTable', { connectionId, draft: { tableName, partitionKey: 'id', billingMode: 'PROVISIONED', readCapacity: '7', writeCapacity: '3' } });
    const capacity = (await details(tableName)).get('Capacity')!;
    // 7 RCU × $0.00013 × 730 h = $0.66, 3 WCU × $0.00065 × 730 h = $1.42, no storage yet
    const tooltip = text(capacity.tooltip);
    assert.match(tooltip, /\$2\.09 a month/);
    assert.doesNotMatch(tooltip, /e-\d/);
  });
});
