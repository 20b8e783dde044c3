// What the create-table form and the tree say about a feature the workspace engine does not have
// yet (Backups) and about those it has (Stream, TTL), and the monthly estimate of a provisioned table.
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

  it('the tree says Backups are not yet available, and a plain table has its Stream and Time to live off', async () => {
    const tableName = uniqueName('Plain');
    await vscode.commands.executeCommand('dynamoWorkspace.createTable', { connectionId, draft: { tableName, partitionKey: 'id' } });
    const d = await details(tableName);
    // The workspace engine serves Streams and TTL (ListStreams and DescribeTimeToLive answer), so those nodes show the table's state.
    assert.equal(d.get('Stream')?.description, 'off');
    assert.equal(d.get('Time to live')?.description, 'off');
    for (const label of ['Backups']) {
      const item = d.get(label);
      assert.ok(item, `${label} is shown`);
      assert.equal(item.description, 'not yet available', `${label}'s description`);
      assert.equal(text(item.tooltip), NOT_YET_AVAILABLE, `${label}'s tooltip`);
    }
  });

  it('the create-table form gets Stream and TTL available before anything is submitted', async () => {
    await vscode.commands.executeCommand('dynamoWorkspace.createTable', { connectionId });
    const designer = await waitFor('designer panel', () => a.designer());
    // the page's first request: what it renders the form from
    const ready = await (designer.host as unknown as { handlers: { ready(p: void): Promise<{ unavailable?: { stream?: string; ttl?: string } }> } }).handlers.ready();
    assert.equal(ready.unavailable?.stream, undefined);
    assert.equal(ready.unavailable?.ttl, undefined);
    await waitFor('the form to finish loading', () => designer.host.isReady, 30_000);
    designer.host.panel.dispose();
  });

  it('a draft asking for TTL creates the table with TTL on that attribute', async () => {
    const tableName = uniqueName('WithTtl');
    const result = await vscode.commands.executeCommand<{ tableName: string }>('dynamoWorkspace.createTable', { connectionId, draft: { tableName, partitionKey: 'id', ttlAttribute: 'expiresAt' } });
    assert.equal(result?.tableName, tableName);
    const ttl = (await (await a.manager.get(connectionId)).send('DescribeTimeToLive', { TableName: tableName })).TimeToLiveDescription;
    assert.equal(ttl.AttributeName, 'expiresAt');
    assert.match(ttl.TimeToLiveStatus, /^(ENABLING|ENABLED)$/);
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
