// The stream view's host side in the real extension host, against the workspace database: the panel
// opened by its command reads the table's stream into its records in write order, stops reading
// while hidden and picks up what was written meanwhile once shown again, keeps the latest 1,000
// records with a note of the rest, tails the same stream through a remote connection (the AWS SDK
// on the endpoint), and refuses a bad StreamViewType with DynamoDB's error type instead of sending
// it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DynamoWorkspaceApi } from '../../src/extension/activate';
import { COMMANDS } from '../../src/extension/commands/ids';
import type { Connection } from '../../src/extension/connection';
import type { StreamPanel } from '../../src/extension/panels/stream-panel';
import { keyText, type StreamViewType } from '../../src/protocol/stream-view';
import { closeAllEditors, uniqueName, waitFor, workspaceConnection } from './helpers';

describe('the stream view panel', () => {
  let a: DynamoWorkspaceApi;
  let connectionId: string;
  let connection: Connection;
  before(async () => {
    ({ a, connectionId, connection } = await workspaceConnection());
  });
  afterEach(closeAllEditors);

  const create = async (stream?: StreamViewType) => {
    const tableName = uniqueName('Watched');
    await vscode.commands.executeCommand(COMMANDS.createTable, { connectionId, draft: { partitionKey: 'id', tableName, ...(stream ? { stream } : {}) } });
    await waitFor('the table', async () => (await connection.send('DescribeTable', { TableName: tableName })).Table);
    return tableName;
  };
  const open = async (tableName: string): Promise<StreamPanel> => {
    await vscode.commands.executeCommand(COMMANDS.openStream, { connectionId, tableName });
    // LATEST starts where the first round places its iterators: writes before that are not new
    return waitFor('the stream panel reading', () => a.streamPanels().find((p) => p.tableName === tableName && p.isReading && p.status?.reading === 'polling'));
  };
  const seen = (p: StreamPanel) => p.records.map((r) => `${r.event} ${keyText(r.keys, ['id'])}`);

  it('shows each write of the table in order, and reads again what was written while it was hidden', async () => {
    const tableName = await create('NEW_AND_OLD_IMAGES');
    const panel = await open(tableName);
    await connection.send('PutItem', { TableName: tableName, Item: { id: { S: 'a' }, n: { N: '1' } } });
    await connection.send('UpdateItem', { TableName: tableName, Key: { id: { S: 'a' } }, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': { N: '2' } } });
    await connection.send('DeleteItem', { TableName: tableName, Key: { id: { S: 'a' } } });
    await waitFor('three records', () => panel.records.length === 3);
    assert.deepEqual(seen(panel), ['INSERT id=a', 'MODIFY id=a', 'REMOVE id=a']);
    assert.deepEqual(panel.records[1]!.oldImage, { id: { S: 'a' }, n: { N: '1' } });

    // another editor in the same column hides the panel: it stops reading
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: 'hide the panel' }), vscode.ViewColumn.Active);
    await waitFor('reading stopped', () => !panel.isReading);
    await connection.send('PutItem', { TableName: tableName, Item: { id: { S: 'b' } } });
    panel.host.panel.reveal(undefined, false);
    await waitFor('the record written while hidden', () => panel.records.length === 4);
    assert.deepEqual(seen(panel), ['INSERT id=a', 'MODIFY id=a', 'REMOVE id=a', 'INSERT id=b']);
  });

  it('misses nothing written while it was hidden before its first record (the LATEST iterator is kept)', async () => {
    const tableName = await create('KEYS_ONLY');
    const panel = await open(tableName);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: 'hide the panel' }), vscode.ViewColumn.Active);
    await waitFor('reading stopped', () => !panel.isReading);
    await connection.send('PutItem', { TableName: tableName, Item: { id: { S: 'while-hidden' } } });
    panel.host.panel.reveal(undefined, false);
    await waitFor('the record written while hidden', () => panel.records.length === 1);
    assert.deepEqual(seen(panel), ['INSERT id=while-hidden']);
  });

  it('keeps the latest 1,000 records and its view says how many older ones it let go', async () => {
    const tableName = await create('KEYS_ONLY');
    const panel = await open(tableName);
    for (let i = 0; i < 1010; i += 25) {
      const batch = Array.from({ length: Math.min(25, 1010 - i) }, (_, j) => ({ PutRequest: { Item: { id: { S: `k${String(i + j).padStart(4, '0')}` } } } }));
      await connection.send('BatchWriteItem', { RequestItems: { [tableName]: batch } });
    }
    await waitFor('the last record', () => panel.records.some((r) => r.n === 1009), 30_000);
    assert.equal(panel.records.length, 1000);
    assert.equal(panel.records[0]!.n, 10, 'the ten oldest were let go');
    await waitFor('the note in the view', () => /10 older records let go \(the view keeps the latest 1,000\)/.test(panel.lastStatus) && panel.lastStatus, 15_000);
    assert.match(panel.lastStatus, /^1,000 of 1,000 records shown/);
  });

  it('tails the same stream through a remote connection (the AWS SDK on the endpoint), as it would a DynamoDB table', async () => {
    const tableName = await create('NEW_IMAGE');
    const name = uniqueName('StreamRemote');
    await vscode.commands.executeCommand(COMMANDS.addConnection, { name, endpoint: connection.endpoint, region: 'us-east-1' });
    try {
      const remoteId = await waitFor('the remote connection', () => a.manager.entries().find((e) => e.kind === 'remote' && e.label === name)?.id);
      await vscode.commands.executeCommand(COMMANDS.openStream, { connectionId: remoteId, tableName });
      const panel = await waitFor('the remote stream panel reading', () => a.streamPanels().find((p) => p.connection.id === remoteId && p.isReading && p.status?.reading === 'polling'));
      assert.equal(panel.connection.kind, 'remote');
      await connection.send('PutItem', { TableName: tableName, Item: { id: { S: 'r1' }, v: { S: 'x' } } });
      await connection.send('PutItem', { TableName: tableName, Item: { id: { S: 'r1' }, v: { S: 'y' } } });
      await waitFor('two records through the remote connection', () => panel.records.length === 2);
      assert.deepEqual(seen(panel), ['INSERT id=r1', 'MODIFY id=r1']);
      assert.deepEqual(panel.records[1]!.newImage, { id: { S: 'r1' }, v: { S: 'y' } });
      assert.equal(panel.records[1]!.oldImage, undefined, 'NEW_IMAGE streams carry no old image');
    } finally {
      await vscode.commands.executeCommand(COMMANDS.removeConnection, name);
    }
  });

  it('refuses a stream view type DynamoDB does not have, and leaves the table without a stream', async () => {
    const tableName = await create();
    await vscode.commands.executeCommand(COMMANDS.openStream, { connectionId, tableName });
    const panel = await waitFor('the panel', () => a.streamPanels().find((p) => p.tableName === tableName));
    await assert.rejects(
      async () => panel.handlers().enableStream({ viewType: 'EVERYTHING' as StreamViewType }),
      (e: { type?: string; message?: string }) => e.type === 'ValidationException' && /NEW_AND_OLD_IMAGES/.test(e.message ?? ''),
    );
    const d = (await connection.send('DescribeTable', { TableName: tableName })).Table;
    assert.notEqual(d.StreamSpecification?.StreamEnabled, true);
  });
});
