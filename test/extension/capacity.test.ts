// The capacity panel and the throttling status item inside a real extension host, against the
// workspace database: the command opens the panel on the index asked for, the panel answers from
// the engine's counters, the status item appears while a table throttles, names it and opens its
// panel, and goes away once the throttling stops. Against a remote connection (an SDK client of
// the workspace endpoint, as a real DynamoDB would be reached) the panel has no charts but prices
// the table and each index from DescribeTable.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DynamoWorkspaceApi } from '../../src/extension/activate';
import { errorInfo, type Connection } from '../../src/extension/connection';
import { CapacityPanel } from '../../src/extension/panels/capacity-panel';
import { RemoteConnection } from '../../src/extension/remote';
import { api, closeAllEditors, uniqueName, waitFor, workspaceId } from './helpers';

describe('capacity and cost', () => {
  let a: DynamoWorkspaceApi;
  let connectionId: string;
  let conn: Connection;
  const tableName = uniqueName('Throttled');

  before(async () => {
    a = await api();
    connectionId = workspaceId(a);
    conn = await a.manager.get(connectionId);
    await conn.send('CreateTable', {
      TableName: tableName,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'g', AttributeType: 'S' }],
      ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
      GlobalSecondaryIndexes: [
        { IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' }, ProvisionedThroughput: { ReadCapacityUnits: 500, WriteCapacityUnits: 500 } },
      ],
    });
  });
  after(closeAllEditors);

  const panelOf = () => waitFor('the capacity panel', () => a.capacityPanels().find((p) => p.tableName === tableName));

  it('opens from the command on the index asked for, and answers the page from the engine', async () => {
    const title = await vscode.commands.executeCommand('dynamoWorkspace.openCapacity', { connectionId, tableName, index: 'byG' });
    assert.match(String(title), new RegExp(`^${tableName} capacity — `));
    const panel = await panelOf();
    await waitFor('the webview to be ready', () => panel.host.isReady, 30_000);
    assert.equal(panel.index, 'byG');
    const result = await panel.snapshot('byG', '5m');
    assert.ok(result.available);
    assert.deepEqual(result.snapshot.resource, { name: 'byG', kind: 'GSI' });
    assert.deepEqual(result.snapshot.provisioned, { read: 500, write: 500 });
  });

  it('answers a page that sends odd values with the table over the default hour, and an unknown index with DynamoDB\'s error', async () => {
    const panel = await panelOf();
    const odd = await panel.handlers().snapshot({ index: 42, windowId: 'a fortnight' } as never);
    assert.ok(odd.available);
    assert.deepEqual(odd.snapshot.resource, { name: tableName, kind: 'TABLE' });
    assert.equal(odd.snapshot.series.step, 10_000);
    await assert.rejects(panel.snapshot('nope', '5m'), (e: unknown) => errorInfo(e).type === 'ResourceNotFoundException' && /Index: nope/.test(errorInfo(e).message));
  });

  it('warns in the status bar while the table throttles, and the warning opens its panel', async () => {
    await closeAllEditors();
    let throttled = 0;
    for (let i = 0; i < 330; i++) {
      await conn.send('PutItem', { TableName: tableName, Item: { pk: { S: `k${i % 7}` }, g: { S: 'x' } } }).catch((e: unknown) => {
        assert.equal(errorInfo(e).type, 'ProvisionedThroughputExceededException');
        throttled++;
      });
    }
    assert.ok(throttled > 0, 'the writes past the burst throttle');
    const status = a.throttleStatus()!;
    await waitFor('the throttling warning', () => status.throttling.find((t) => t.table === tableName), 10_000);
    assert.equal(status.item.text, `$(warning) ${tableName} throttled`);
    const command = status.item.command as vscode.Command;
    assert.deepEqual(command.arguments, [{ connectionId, tableName }]);
    await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
    const panel = await panelOf();
    const result = await panel.snapshot(undefined, '5m');
    assert.ok(result.available);
    assert.equal(result.snapshot.totals.throttledWrites, throttled);
  });

  it('takes the warning away once the table stops throttling', async function () {
    this.timeout(40_000);
    const status = a.throttleStatus()!;
    await waitFor('the warning to go', () => !status.throttling.some((t) => t.table === tableName), 30_000);
    assert.equal(status.shown, false);
  });

  it('against a remote connection it says why there are no charts, and prices the table and each index from DescribeTable', async () => {
    const remote = new RemoteConnection({ id: 'remote:capacity-test', label: 'capacity-remote', endpoint: conn.endpoint! });
    const extensionUri = vscode.extensions.getExtension('dynamo-workspace.dynamo-workspace')!.extensionUri;
    const webview = vscode.window.createWebviewPanel(CapacityPanel.viewType, `${tableName} capacity`, vscode.ViewColumn.Active, { enableScripts: true });
    const panel = new CapacityPanel({ extensionUri, getConnection: async () => remote }, remote, tableName, webview);
    try {
      const result = await panel.handlers().snapshot({ windowId: '1h' });
      assert.ok(!result.available);
      assert.match(result.reason, /Capacity charts need the workspace database.*capacity-remote is a remote connection/);
      const d = result.described!;
      assert.equal(d.billingMode, 'PROVISIONED');
      assert.equal(d.tableClass, 'STANDARD');
      const table = d.resources.find((r) => r.kind === 'TABLE')!;
      const index = d.resources.find((r) => r.name === 'byG')!;
      assert.deepEqual([table.name, table.provisioned, index.provisioned], [tableName, { read: 1, write: 1 }, { read: 500, write: 500 }]);
      // the writes above left some items (the rest throttled): the size the service reports, not zero
      const described = (await conn.send('DescribeTable', { TableName: tableName })).Table;
      assert.ok(described.ItemCount > 0);
      assert.deepEqual([table.itemCount, table.sizeBytes], [described.ItemCount, described.TableSizeBytes]);
      // us-east-1 list prices, 730 hours: 501 RCU at $0.00013 and 501 WCU at $0.00065 an hour
      const capacity = 501 * 0.00013 * 730 + 501 * 0.00065 * 730;
      assert.ok(Math.abs(d.cost.perMonth.STANDARD.provisioned.capacity - capacity) < 1e-9, `${d.cost.perMonth.STANDARD.provisioned.capacity}`);
      assert.ok(d.cost.perMonth.STANDARD_INFREQUENT_ACCESS.provisioned.capacity > d.cost.perMonth.STANDARD.provisioned.capacity, 'Standard-IA capacity costs more an hour');
      assert.ok(d.cost.perMonth.STANDARD.provisioned.storage > 0, 'storage is priced from the size');
      assert.match(d.cost.unknown!.onDemand!, /CloudWatch/);
      assert.deepEqual(d.cost.requestPrices!.STANDARD, { readPerMillion: 0.125, writePerMillion: 0.625 });
      assert.equal(d.cost.current.perMonth, d.cost.perMonth.STANDARD.provisioned.total);
    } finally {
      panel.dispose();
      webview.dispose();
    }
  });

  it('on a remote connection, a table that does not exist gets DynamoDB\'s error, not a crash', async () => {
    const remote = new RemoteConnection({ id: 'remote:capacity-test2', label: 'capacity-remote', endpoint: conn.endpoint! });
    const extensionUri = vscode.extensions.getExtension('dynamo-workspace.dynamo-workspace')!.extensionUri;
    const webview = vscode.window.createWebviewPanel(CapacityPanel.viewType, 'missing capacity', vscode.ViewColumn.Active, { enableScripts: true });
    const panel = new CapacityPanel({ extensionUri, getConnection: async () => remote }, remote, uniqueName('Missing'), webview);
    try {
      await assert.rejects(panel.snapshot(undefined, '1h'), (e: unknown) => errorInfo(e).type === 'ResourceNotFoundException');
    } finally {
      panel.dispose();
      webview.dispose();
    }
  });
});
