// The figures the explorer shows follow writes from any client: an application writing through
// the endpoint with the AWS SDK moves the tree's item count and the status bar's table count
// without anyone pressing Refresh. Remote connections cannot know that, so they say how old
// their figures are.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { BatchWriteItemCommand, CreateTableCommand, DynamoDBClient, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoWorkspaceApi } from '../../src/extension/activate';
import type { Node } from '../../src/extension/tree';
import { api, children, uniqueName, waitFor, workspaceId } from './helpers';

describe('live counts', () => {
  let a: DynamoWorkspaceApi;
  let connectionId: string;
  let client: DynamoDBClient;
  let endpoint: string;

  before(async () => {
    a = await api();
    connectionId = workspaceId(a);
    endpoint = await waitFor('the endpoint', async () => (await a.manager.get(connectionId)).endpoint);
    client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  });
  after(() => client?.destroy());

  const root = async () => (await children(a)).find((r) => r.node.type === 'connection' && r.node.entry.id === connectionId)!.node;

  it('updates the status bar table count and the tree item count after 500 writes through the endpoint with the SDK', async () => {
    await children(a, await root()); // the explorer as the user has it open
    const tablesBefore = (await client.send(new ListTablesCommand({}))).TableNames!.length;
    const tableName = uniqueName('Live');
    await client.send(new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    }));
    const tables = `${tablesBefore + 1} tables`;
    await waitFor(`the status bar to say "${tables}"`, () => a.status.item.text.endsWith(tables), 5_000);
    const node = await waitFor('the new table in the tree', async () => (await children(a, await root())).find((c) => c.label === tableName)?.node);
    assert.match(String((await a.tree.getTreeItem(node)).description), /^0 items/);

    let changes = 0;
    const sub = a.tree.onDidChangeTreeData(() => changes++);
    try {
      // 500 single writes, 25 at a time in parallel, as an application would send them
      for (let i = 0; i < 500; i += 25) {
        await Promise.all(Array.from({ length: 25 }, (_, j) => client.send(new PutItemCommand({ TableName: tableName, Item: { id: { S: `item-${i + j}` }, n: { N: String(i + j) } } }))));
      }
      const wrote = Date.now();
      // only the node object the tree already handed out: no re-listing that would hide a stale cache
      await waitFor('the table node to say 500 items', async () => String((await a.tree.getTreeItem(node as Node)).description).startsWith('500 items'), 3_000);
      console.log(`      tree showed 500 items ${Date.now() - wrote} ms after the last write`);
      const tooltip = (await a.tree.getTreeItem(node)).tooltip;
      assert.match(tooltip instanceof vscode.MarkdownString ? tooltip.value : String(tooltip), /Items: 500\b/);
      assert.ok(changes > 0, 'the tree told VS Code the node changed');
      // debounced: a burst of 500 writes is not 500 refreshes
      assert.ok(changes < 100, `${changes} change events for 500 writes`);
    } finally {
      sub.dispose();
    }
    // a batch write counts too
    await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: [{ DeleteRequest: { Key: { id: { S: 'item-0' } } } }] } }));
    await waitFor('the table node to say 499 items', async () => String((await a.tree.getTreeItem(node)).description).startsWith('499 items'), 3_000);
  });

  it('says how old a remote connection’s figures are', async () => {
    const name = 'AgeProbe';
    await vscode.commands.executeCommand('dynamoWorkspace.addConnection', { name, endpoint, region: 'us-east-1' });
    try {
      const remoteRoot = await waitFor('the remote connection in the tree', async () => (await children(a)).find((r) => r.label === name));
      const [first] = await children(a, remoteRoot.node);
      assert.equal(first?.node.type, 'table');
      const item = await a.tree.getTreeItem(first!.node);
      assert.match(String(item.description), / · as of \d{2}:\d{2}$/);
      const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : String(item.tooltip);
      assert.match(tooltip, /as of \d{2}:\d{2}:\d{2}/);
      assert.match(tooltip, /about every six hours/);
    } finally {
      await vscode.commands.executeCommand('dynamoWorkspace.removeConnection', name);
    }
  });
});
