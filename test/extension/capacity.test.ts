// The capacity panel and the throttling status item inside a real extension host, against the
// workspace database: the command opens the panel on the index asked for, the panel answers from
// the engine's counters, the status item appears while a table throttles, names it and opens its
// panel, and goes away once the throttling stops.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DynamoWorkspaceApi } from '../../src/extension/activate';
import { errorInfo, type Connection } from '../../src/extension/connection';
import { api, closeAllEditors, uniqueName, waitFor } from './helpers';

describe('capacity and cost', () => {
  let a: DynamoWorkspaceApi;
  let connectionId: string;
  let conn: Connection;
  const tableName = uniqueName('Throttled');

  before(async () => {
    a = await api();
    connectionId = a.manager.entries().find((e) => e.kind === 'workspace')!.id;
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
    const result = panel.snapshot('byG', '5m');
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
    assert.throws(() => panel.snapshot('nope', '5m'), (e: unknown) => errorInfo(e).type === 'ResourceNotFoundException' && /Index: nope/.test(errorInfo(e).message));
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
    const result = panel.snapshot(undefined, '5m');
    assert.ok(result.available);
    assert.equal(result.snapshot.totals.throttledWrites, throttled);
  });

  it('takes the warning away once the table stops throttling', async function () {
    this.timeout(40_000);
    const status = a.throttleStatus()!;
    await waitFor('the warning to go', () => !status.throttling.some((t) => t.table === tableName), 30_000);
    assert.equal(status.shown, false);
  });
});
