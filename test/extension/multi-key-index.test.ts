// A GSI whose key has several partition and sort attributes, created through the create-table
// command, as the tree shows it: the index row names every key attribute (partition attributes,
// then sort attributes) and lists each one as a child with its place in the key and its type.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DynamoWorkspaceApi } from '../../src/extension/activate';
import { api, children, closeAllEditors, uniqueName, waitFor, workspaceId } from './helpers';

describe('multi-attribute GSI keys in the tree', () => {
  let a: DynamoWorkspaceApi;
  let connectionId: string;
  before(async () => {
    a = await api();
    connectionId = workspaceId(a);
  });
  after(closeAllEditors);

  const label = (item: vscode.TreeItem) => String(typeof item.label === 'string' ? item.label : item.label?.label);

  it('the index row and its children show every partition and sort attribute of the key, in order, with their types', async () => {
    const tableName = uniqueName('Events');
    await vscode.commands.executeCommand('dynamoWorkspace.createTable', {
      connectionId,
      draft: {
        tableName, partitionKey: 'id',
        indexes: [{
          kind: 'GSI', name: 'byTenantRegion', partitionKey: 'tenant, region', partitionKeyType: 'S', sortKey: 'day, seq', sortKeyType: 'N',
          projection: 'ALL', nonKeyAttributes: '', readCapacity: '5', writeCapacity: '5',
        }],
      },
    });
    const root = (await children(a)).find((r) => r.node.type === 'connection' && r.node.entry.id === connectionId)!;
    const table = await waitFor('the table in the tree', async () => (await children(a, root.node)).find((c) => c.label === tableName));
    const rows = await Promise.all((await a.tree.getChildren(table.node)).map(async (node) => ({ node, item: await a.tree.getTreeItem(node) })));
    const indexes = rows.find((r) => label(r.item) === 'Indexes')!;
    const [index] = await a.tree.getChildren(indexes.node);
    const indexItem = await a.tree.getTreeItem(index!);
    assert.equal(label(indexItem), 'byTenantRegion');
    assert.equal(indexItem.description, 'GSI · tenant + region / day + seq · ALL');
    assert.match(String(indexItem.tooltip), /Partition key attributes: tenant \(S\), region \(S\)\nSort key attributes: day \(N\), seq \(N\)/);
    const keyRows = await Promise.all((await a.tree.getChildren(index!)).map(async (n) => {
      const item = await a.tree.getTreeItem(n);
      return `${label(item)}: ${item.description}`;
    }));
    assert.deepEqual(keyRows, [
      'tenant: partition key 1 of 2 · S', 'region: partition key 2 of 2 · S',
      'day: sort key 1 of 2 · N', 'seq: sort key 2 of 2 · N',
      'Projection: ALL',
    ]);
  });
});
