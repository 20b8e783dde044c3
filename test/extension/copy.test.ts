// "Copy Table to Connection…" in the real extension host: a second database (an in-memory engine
// behind its own HTTP endpoint, started here) is added as a remote connection, and tables go
// from it into the workspace database and back through the command, which the explorer then
// shows with their item counts and opens in the items panel.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DynamoWorkspaceApi } from '../../src/extension/activate';
import type { CopyResult } from '../../src/extension/copy/copy-table';
import { Database } from '../../src/engine/database';
import { startServer } from '../../src/server/index';
import { api, children, closeAllEditors, uniqueName, waitFor, workspaceId as workspaceIdOf } from './helpers';

describe('copy a table between connections', () => {
  let a: DynamoWorkspaceApi;
  let workspaceId: string;
  let db: Database;
  let server: { url: string; close(): Promise<void> };
  const remoteName = uniqueName('copy-remote');
  const remoteId = `remote:${remoteName}`;
  const config = () => vscode.workspace.getConfiguration('dynamoWorkspace');
  let savedConnections: unknown;

  before(async () => {
    a = await api();
    workspaceId = workspaceIdOf(a);
    db = await Database.open('', { inMemory: true });
    server = await startServer({ db, port: 0 });
    savedConnections = config().inspect('connections')?.globalValue;
    await vscode.commands.executeCommand('dynamoWorkspace.addConnection', { name: remoteName, endpoint: server.url });
    await waitFor('the remote connection', () => a.manager.entries().some((e) => e.id === remoteId));
  });

  after(async () => {
    await config().update('connections', savedConnections, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await server.close();
    await db.close();
  });

  const tableRow = async (connectionId: string, tableName: string) => {
    const root = (await children(a)).find((r) => r.node.type === 'connection' && r.node.entry.id === connectionId)!.node;
    return (await children(a, root)).find((r) => r.label === tableName);
  };

  it('copies a remote table into the workspace database, which the explorer lists with its item count, and opens the copy', async () => {
    const tableName = uniqueName('Orders');
    await db.execute('CreateTable', {
      TableName: tableName,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }, { AttributeName: 'state', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [{ IndexName: 'by-state', KeySchema: [{ AttributeName: 'state', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
    });
    for (let i = 0; i < 120; i++) await db.execute('PutItem', { TableName: tableName, Item: { pk: { S: `p${i % 9}` }, sk: { N: String(i) }, state: { S: i % 2 ? 'open' : 'done' } } });

    const result = (await vscode.commands.executeCommand('dynamoWorkspace.copyTable', { connectionId: remoteId, tableName, targetConnectionId: workspaceId, targetTableName: tableName })) as CopyResult;
    assert.equal(result.items, 120);
    assert.equal(result.cancelled, false);
    assert.match(a.lastMessage()?.text ?? '', new RegExp(`^Copied 120 items \\(.+\\) from ${tableName} in ${remoteName} to ${tableName} in `));
    const row = await waitFor('the copy in the explorer with its count', async () => {
      const r = await tableRow(workspaceId, tableName);
      return r?.description.startsWith('120 items') ? r : undefined;
    });
    assert.match(row.description, /^120 items · /);
    const panel = await waitFor('the items panel of the copy', () => a.itemsPanels().find((p) => p.host.panel.title.includes(tableName)));
    assert.ok(panel.host.panel.visible);
    const workspace = await a.manager.get(workspaceId);
    const byState = await workspace.send('Query', { TableName: tableName, IndexName: 'by-state', KeyConditionExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'state' }, ExpressionAttributeValues: { ':s': { S: 'open' } }, Select: 'COUNT' });
    assert.equal(byState.Count, 60);
  });

  it('copies a workspace table back to the remote under a new name', async () => {
    const tableName = uniqueName('Seed');
    await vscode.commands.executeCommand('dynamoWorkspace.createTable', { connectionId: workspaceId, draft: { tableName, partitionKey: 'id' } });
    const workspace = await a.manager.get(workspaceId);
    for (let i = 0; i < 40; i++) await workspace.send('PutItem', { TableName: tableName, Item: { id: { S: `i${i}` }, n: { N: String(i) } } });
    const result = (await vscode.commands.executeCommand('dynamoWorkspace.copyTable', {
      connectionId: workspaceId,
      tableName,
      targetConnectionId: remoteId,
      targetTableName: `${tableName}-shared`,
      open: false,
    })) as CopyResult;
    assert.equal(result.items, 40);
    const count = (await db.execute('Scan', { TableName: `${tableName}-shared`, Select: 'COUNT' })) as { Count: number };
    assert.equal(count.Count, 40);
    await waitFor('the copy in the remote connection', () => tableRow(remoteId, `${tableName}-shared`));
  });

  it('asks for the target connection when given none, and copies nothing when the question is dismissed', async () => {
    const tableName = uniqueName('Asked');
    await db.execute('CreateTable', { TableName: tableName, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' });
    // a panel of an earlier test that finishes loading takes the focus, and a quick pick closes when it loses it
    await closeAllEditors();
    const running = vscode.commands.executeCommand('dynamoWorkspace.copyTable', { connectionId: remoteId, tableName });
    let settled = false;
    void Promise.resolve(running).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 1_000));
    if (settled) assert.fail(`the command did not wait for a target: it returned ${JSON.stringify(await running)}, last message ${JSON.stringify(a.lastMessage())}`);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await running, undefined);
    const workspace = await a.manager.get(workspaceId);
    await assert.rejects(workspace.send('DescribeTable', { TableName: tableName }), { name: 'ResourceNotFoundException' });
  });

  it('says why a target name is refused and creates nothing', async () => {
    const before = ((await db.execute('ListTables', {})) as { TableNames: string[] }).TableNames.length;
    const result = await vscode.commands.executeCommand('dynamoWorkspace.copyTable', { connectionId: workspaceId, tableName: 'anything', targetConnectionId: remoteId, targetTableName: 'x' });
    assert.equal(result, undefined);
    assert.equal(a.lastMessage()?.severity, 'error');
    assert.match(a.lastMessage()?.text ?? '', /ValidationException: "x": Table names are 3 to 255 characters long/);
    assert.equal(((await db.execute('ListTables', {})) as { TableNames: string[] }).TableNames.length, before);
  });
});
