// The workspace database through the extension's own commands, in a real extension host, checked
// through the tree the user sees and through the DynamoDB endpoint an application would use.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DynamoDBClient, GetItemCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { Node } from '../../src/extension/tree';
import type { DynamoWorkspaceApi } from '../../src/extension/activate';
import { WorkspaceDatabase } from '../../src/extension/workspace-db';
import { isUnsupported } from '../../src/extension/connection';
import { engineBinding } from '../../src/extension/engine-binding';
import { NOT_YET_AVAILABLE_SHORT, unavailableFeatures } from '../../src/extension/features';
import { itemsPanelTarget } from '../../src/protocol/request-code';
import { activeTabLabel, api, children, closeAllEditors, uniqueName, waitFor, workspaceId } from './helpers';

/** Whether the database answers an operation (the embedded engine grows operation by operation). */
async function answers(a: DynamoWorkspaceApi, connectionId: string, operation: 'Scan' | 'BatchWriteItem'): Promise<boolean> {
  const connection = await a.manager.get(connectionId);
  try {
    await connection.send(operation, operation === 'Scan' ? { TableName: 'no-such-table-probe' } : { RequestItems: {} });
    return true;
  } catch (e) {
    return !isUnsupported(e);
  }
}

describe('workspace database', function () {
  let a: DynamoWorkspaceApi;
  let connectionId: string;
  let client: DynamoDBClient;
  const folder = () => vscode.workspace.workspaceFolders![0]!;

  before(async () => {
    a = await api();
    connectionId = workspaceId(a);
    const connection = await a.manager.get(connectionId);
    const endpoint = await waitFor('the endpoint', () => connection.endpoint);
    client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  });
  after(async () => {
    client?.destroy();
    await closeAllEditors();
  });

  const tableNode = async (tableName: string): Promise<Node | undefined> => {
    const root = (await children(a)).find((r) => r.node.type === 'connection' && r.node.entry.id === connectionId)!;
    return (await children(a, root.node)).find((c) => c.label === tableName)?.node;
  };

  it('keeps its data in the configured folder and serves it on a loopback endpoint', async () => {
    const ws = a.manager.workspaceDatabases()[0]!;
    assert.equal(ws.dir, path.join(folder().uri.fsPath, '.dynamodb'));
    const connection = await a.manager.get(connectionId);
    assert.match(connection.endpoint!, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(fs.readFileSync(path.join(ws.dir, 'ENDPOINT'), 'utf8').trim(), connection.endpoint);
    const out = await client.send(new ListTablesCommand({}));
    assert.ok(Array.isArray(out.TableNames));
    // the status bar shows the endpoint
    await waitFor('status bar text', () => a.status.item.text.includes(connection.endpoint!.replace('http://', '')));
  });

  it('creates a table with the create-table command and shows its keys, stream and capacity in the tree', async () => {
    const tableName = uniqueName('Orders');
    const draft = { tableName, partitionKey: 'customer', sortKey: 'orderId', sortKeyType: 'N', billingMode: 'PROVISIONED', readCapacity: '7', writeCapacity: '3' };
    // the workspace engine serves Streams: a draft with a stream creates a table with that stream
    const streamed = uniqueName('Streamed');
    const withStream = await vscode.commands.executeCommand<{ tableName: string }>('dynamoWorkspace.createTable', { connectionId, draft: { ...draft, tableName: streamed, stream: 'NEW_AND_OLD_IMAGES' } });
    assert.equal(withStream?.tableName, streamed);
    const streamedDesc = (await (await a.manager.get(connectionId)).send('DescribeTable', { TableName: streamed })).Table;
    assert.deepEqual(streamedDesc.StreamSpecification, { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    const result = await vscode.commands.executeCommand<{ tableName: string }>('dynamoWorkspace.createTable', { connectionId, draft: { ...draft, stream: 'OFF' } });
    assert.equal(result?.tableName, tableName);
    const node = await waitFor('the table in the tree', () => tableNode(tableName));
    const details = await children(a, node);
    const byLabel = Object.fromEntries(details.map((d) => [d.label, d.description]));
    assert.equal(byLabel.customer, 'partition key · S');
    assert.equal(byLabel.orderId, 'sort key · N');
    // the tree shows the stream as the database reports it, or that it has none yet
    const connection = await a.manager.get(connectionId);
    const desc = (await connection.send('DescribeTable', { TableName: tableName })).Table;
    const off = (await unavailableFeatures(connection)).stream ? NOT_YET_AVAILABLE_SHORT : 'off';
    assert.equal(byLabel.Stream?.split(' · ')[0], desc.StreamSpecification?.StreamEnabled ? desc.StreamSpecification.StreamViewType : off);
    assert.equal(byLabel.Capacity, 'provisioned · 7 RCU / 3 WCU');
    assert.equal(byLabel.Indexes, 'none');
    assert.ok('Items' in byLabel);
  });

  it('validates a draft before sending it: nothing is created', async () => {
    const before = (await client.send(new ListTablesCommand({}))).TableNames!.length;
    const result = await vscode.commands.executeCommand('dynamoWorkspace.createTable', { connectionId, draft: { tableName: 'x', partitionKey: '' } });
    assert.equal(result, undefined);
    assert.equal((await client.send(new ListTablesCommand({}))).TableNames!.length, before);
  });

  it('puts an item with the put-item command, visible to an SDK client on the endpoint', async () => {
    const tableName = uniqueName('Things');
    await vscode.commands.executeCommand('dynamoWorkspace.createTable', { connectionId, draft: { tableName, partitionKey: 'id' } });
    await vscode.commands.executeCommand('dynamoWorkspace.putItem', { connectionId, tableName, item: { id: { S: 'a' }, n: { N: '12345678901234567890.5' }, bin: { B: 'aGk=' } } });
    const got = await client.send(new GetItemCommand({ TableName: tableName, Key: { id: { S: 'a' } } }));
    assert.equal(got.Item?.n?.N, '12345678901234567890.5');
    assert.equal(Buffer.from(got.Item!.bin!.B!).toString(), 'hi');
    // the tree's description counts it
    const node = await tableNode(tableName);
    const item = await a.tree.getTreeItem(node!);
    assert.match(String(item.description), /^1 item · /);
  });

  const importedTable = uniqueName('Imported');

  it('imports JSON, JSON lines and CSV files (plain or DynamoDB JSON, exact numbers)', async () => {
    const tableName = importedTable;
    await vscode.commands.executeCommand('dynamoWorkspace.createTable', { connectionId, draft: { tableName, partitionKey: 'id', sortKey: 'n', sortKeyType: 'N' } });
    const dir = path.join(folder().uri.fsPath, 'import-test');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'a.json'), '[{"id": "x", "n": 1, "tags": ["a"]}, {"id": "x", "n": 2, "big": 12345678901234567890123}]');
    fs.writeFileSync(path.join(dir, 'b.jsonl'), '{"id": {"S": "y"}, "n": {"N": "1"}, "set": {"SS": ["p", "q"]}}\n{"id": {"S": "y"}, "n": {"N": "2"}}\n');
    fs.writeFileSync(path.join(dir, 'c.csv'), 'id,n,note\nz,1,"hello, world"\nz,2,\n');
    let total = 0;
    for (const f of ['a.json', 'b.jsonl', 'c.csv']) total += (await vscode.commands.executeCommand<{ written: number }>('dynamoWorkspace.importItems', { connectionId, tableName, uri: path.join(dir, f), existing: 'overwrite' }))!.written;
    assert.equal(total, 6);
    const get = async (id: string, n: string) => (await client.send(new GetItemCommand({ TableName: tableName, Key: { id: { S: id }, n: { N: n } } }))).Item!;
    assert.deepEqual((await get('x', '1')).tags, { L: [{ S: 'a' }] });
    assert.deepEqual((await get('x', '2')).big, { N: '12345678901234567890123' });
    assert.deepEqual((await get('y', '1')).set, { SS: ['p', 'q'] });
    assert.deepEqual((await get('z', '1')).note, { S: 'hello, world' });
    assert.equal((await get('z', '2')).note, undefined);
  });

  it('exports a table as DynamoDB JSON and CSV', async function () {
    if (!(await answers(a, connectionId, 'Scan'))) this.skip();
    const tableName = importedTable;
    const dir = path.join(folder().uri.fsPath, 'import-test');
    const out = path.join(dir, 'out.json');
    const exported = await vscode.commands.executeCommand<number>('dynamoWorkspace.exportItems', { connectionId, tableName, uri: out, format: 'dynamodb-json' });
    assert.equal(exported, 6);
    const items = JSON.parse(fs.readFileSync(out, 'utf8')).Items as Record<string, Record<string, unknown>>[];
    const find = (id: string, n: string) => items.find((i) => (i.id as { S: string }).S === id && (i.n as { N: string }).N === n)!;
    assert.deepEqual(find('x', '2').big, { N: '12345678901234567890123' });
    assert.deepEqual(find('y', '1').set, { SS: ['p', 'q'] });
    const csv = path.join(dir, 'out.csv');
    await vscode.commands.executeCommand('dynamoWorkspace.exportItems', { connectionId, tableName, uri: csv, format: 'csv' });
    const lines = fs.readFileSync(csv, 'utf8').trim().split('\n');
    assert.equal(lines[0]!.split(',').slice(0, 2).join(','), 'id,n');
    assert.equal(lines.length, 7);
  });

  it('copies the endpoint URL and ready-made snippets', async () => {
    const connection = await a.manager.get(connectionId);
    assert.equal(await vscode.commands.executeCommand('dynamoWorkspace.copyEndpoint', { connectionId }), connection.endpoint);
    const js = await vscode.commands.executeCommand<string>('dynamoWorkspace.copySnippet', { connectionId, tableName: 'Orders', kind: 'js' });
    assert.match(js!, new RegExp(`endpoint: '${connection.endpoint}'`));
    const cli = await vscode.commands.executeCommand<string>('dynamoWorkspace.copySnippet', { connectionId, kind: 'cli' });
    assert.match(cli!, new RegExp(`--endpoint-url ${connection.endpoint}`));
  });

  it('lets a second window on the same folder use the first one’s endpoint', async () => {
    const second = new WorkspaceDatabase(folder(), engineBinding);
    try {
      const conn = await second.open();
      assert.equal(second.state, 'shared');
      assert.equal(conn.kind, 'shared');
      const first = await a.manager.get(connectionId);
      assert.equal(conn.endpoint, first.endpoint);
      const tables = (await conn.send('ListTables', {})).TableNames as string[];
      assert.deepEqual(tables, (await first.send('ListTables', {})).TableNames);
      // the owner's writes cannot be watched from here: the shared database asks again, periodically
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no refresh from the shared database within 10 s')), 10_000);
        second.onDidWrite(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    } finally {
      await second.close();
      second.dispose();
    }
  });

  it('deletes a table with the delete command and drops it from the tree', async () => {
    const tableName = uniqueName('Doomed');
    await vscode.commands.executeCommand('dynamoWorkspace.createTable', { connectionId, draft: { tableName, partitionKey: 'id' } });
    await waitFor('the table in the tree', () => tableNode(tableName));
    assert.equal(await vscode.commands.executeCommand('dynamoWorkspace.deleteTable', { connectionId, tableName, confirmed: true }), true);
    assert.equal(await tableNode(tableName), undefined);
    assert.ok(!(await client.send(new ListTablesCommand({}))).TableNames!.includes(tableName));
  });
});

describe('items panel', () => {
  let a: DynamoWorkspaceApi;
  let connectionId: string;
  const tableName = uniqueName('Panel');

  before(async () => {
    a = await api();
    connectionId = workspaceId(a);
    await vscode.commands.executeCommand('dynamoWorkspace.createTable', { connectionId, draft: { tableName, partitionKey: 'pk', sortKey: 'sk' } });
    for (let i = 0; i < 5; i++)
      await vscode.commands.executeCommand('dynamoWorkspace.putItem', { connectionId, tableName, item: { pk: { S: 'p' }, sk: { S: `s${i}` }, v: { N: String(i) } } });
  });
  after(closeAllEditors);

  const panel = () => waitFor('the items panel', () => a.itemsPanels().find((p) => p.tableName === tableName));

  it('opens from the command, loads its webview and answers its ready handshake', async () => {
    const title = await vscode.commands.executeCommand('dynamoWorkspace.openItems', { connectionId, tableName });
    // Tables of one name on two connections must not read alike: the title names the connection.
    assert.match(String(title), new RegExp(`^${tableName} — \\S`));
    await activeTabLabel(String(title));
    const p = await panel();
    await waitFor('the webview to be ready', () => p.host.isReady, 30_000);
    // where the database can Scan, the page asks for the first page by itself
    if (await answers(a, connectionId, 'Scan')) await waitFor('the first page', () => p.loadedItems.length === 5);
  });

  it('pages through a Query with LastEvaluatedKey', async () => {
    const p = await panel();
    const spec = { mode: 'query' as const, partitionValue: 'p', filters: [], pageSize: 2 };
    const first = await p.fetch(spec);
    assert.deepEqual(first.items.map((i) => (i.sk as { S: string }).S), ['s0', 's1']);
    assert.ok(first.lastEvaluatedKey);
    const second = await p.fetch(spec, first.lastEvaluatedKey);
    assert.deepEqual(second.items.map((i) => (i.sk as { S: string }).S), ['s2', 's3']);
    assert.equal(p.loadedItems.length, 4);
    assert.equal(second.request.operation, 'Query');
  });

  it('saves with optimistic locking: a changed item is reported instead of overwritten', async () => {
    const p = await panel();
    const original = { pk: { S: 'p' }, sk: { S: 's1' }, v: { N: '1' } };
    const ok = await p.save({ item: { ...original, v: { N: '10' } }, original });
    assert.equal(ok.ok, true);
    // someone else changes it
    await vscode.commands.executeCommand('dynamoWorkspace.putItem', { connectionId, tableName, item: { ...original, v: { N: '99' } } });
    const stale = await p.save({ item: { ...original, v: { N: '11' } }, original: { ...original, v: { N: '10' } } });
    assert.equal(stale.ok, false);
    assert.ok(!stale.ok && stale.conflict && stale.current?.v && 'N' in stale.current.v && stale.current.v.N === '99');
    const conn = await a.manager.get(connectionId);
    assert.equal((await conn.send('GetItem', { TableName: tableName, Key: { pk: { S: 'p' }, sk: { S: 's1' } } })).Item.v.N, '99');
  });

  it('refuses to change key attributes in place and to create over an existing key', async () => {
    const p = await panel();
    const original = { pk: { S: 'p' }, sk: { S: 's2' }, v: { N: '2' } };
    await assert.rejects(p.save({ item: { ...original, sk: { S: 'other' } }, original }), /Key attributes cannot be changed/);
    const dup = await p.save({ item: original, create: true });
    assert.equal(dup.ok, false);
  });

  it('edits one attribute in place, conditional on its loaded value', async () => {
    const p = await panel();
    const key = { pk: { S: 'p' }, sk: { S: 's3' } };
    const done = await p.updateAttribute(key, 'v', { N: '33' }, { N: '3' });
    assert.ok(done.ok && done.item.v && 'N' in done.item.v && done.item.v.N === '33');
    const stale = await p.updateAttribute(key, 'v', { N: '34' }, { N: '3' });
    assert.equal(stale.ok, false);
    await assert.rejects(p.updateAttribute(key, 'pk', { S: 'q' }), /key attribute/);
  });

  it('deletes items by key', async () => {
    const p = await panel();
    const res = await p.deleteItems([{ pk: { S: 'p' }, sk: { S: 's4' } }]);
    assert.deepEqual(res, { deleted: 1, errors: [] });
    const conn = await a.manager.get(connectionId);
    assert.equal((await conn.send('GetItem', { TableName: tableName, Key: { pk: { S: 'p' }, sk: { S: 's4' } } })).Item, undefined);
  });

  it('queues notifications while hidden and delivers them after the page is back', async () => {
    const p = await panel();
    await waitFor('ready', () => p.host.isReady);
    // hide it behind another editor in the same group
    const doc = await vscode.workspace.openTextDocument({ content: 'cover' });
    await vscode.window.showTextDocument(doc, { preview: false });
    await waitFor('the panel to be hidden', () => !p.host.panel.visible);
    const delivered = p.host.delivered;
    p.host.notify('refresh', undefined);
    assert.equal(p.host.pending, 1);
    p.host.panel.reveal();
    await waitFor('the queued message to be delivered', () => p.host.isReady && p.host.pending === 0 && p.host.delivered === delivered + 1, 30_000);
  });

  it('shows and runs the query of a recorded request handed to its open command (the request inspector)', async () => {
    const p = await panel();
    const request = {
      TableName: tableName,
      KeyConditionExpression: '#p = :p AND sk BETWEEN :a AND :b',
      ExpressionAttributeNames: { '#p': 'pk' },
      ExpressionAttributeValues: { ':p': { S: 'p' }, ':a': { S: 's1' }, ':b': { S: 's2' } },
      ScanIndexForward: false,
    };
    const record = { id: 1, time: 0, durationMs: 1, target: 'DynamoDB_20120810', operation: 'Query', summary: '', status: 'ok' as const, httpStatus: 200, requestBytes: 0, responseBytes: 0, client: { explorer: false }, request };
    await vscode.commands.executeCommand('dynamoWorkspace.openItems', { connectionId, ...itemsPanelTarget(record) });
    // the page runs it itself: its items are the Query's, in its (descending) order
    await waitFor('the query to run in the panel', () => p.loadedItems.map((i) => (i.sk as { S: string }).S).join(',') === 's2,s1', 30_000);
  });
});

describe('remote connections', () => {
  it('connects to an endpoint from the settings and lists its tables through the AWS SDK', async () => {
    const a = await api();
    const endpoint = (await a.manager.get(workspaceId(a))).endpoint!;
    const name = await vscode.commands.executeCommand<string>('dynamoWorkspace.addConnection', { name: 'Loopback', endpoint, region: 'us-east-1' });
    assert.equal(name, 'Loopback');
    try {
      const root = await waitFor('the remote connection in the tree', async () => (await children(a)).find((r) => r.label === 'Loopback'));
      const item = await a.tree.getTreeItem(root.node);
      assert.equal(item.contextValue, 'connection.remote');
      const remote = await a.manager.get('remote:Loopback');
      assert.equal(remote.kind, 'remote');
      const viaRemote = (await children(a, root.node)).map((c) => c.label).sort();
      const local = ((await (await a.manager.get(workspaceId(a))).send('ListTables', {})).TableNames as string[]).sort();
      assert.deepEqual(viaRemote, local);
      // a write through the remote connection is seen by the workspace database
      const tableName = local[0]!;
      const desc = (await remote.send('DescribeTable', { TableName: tableName })).Table;
      const keyName = desc.KeySchema[0].AttributeName as string;
      const sortName = desc.KeySchema[1]?.AttributeName as string | undefined;
      const type = (n: string) => desc.AttributeDefinitions.find((d: { AttributeName: string }) => d.AttributeName === n).AttributeType as 'S' | 'N';
      const key: Record<string, unknown> = { [keyName]: type(keyName) === 'N' ? { N: '424242' } : { S: 'via-remote' } };
      if (sortName) key[sortName] = type(sortName) === 'N' ? { N: '1' } : { S: 'r' };
      await remote.send('PutItem', { TableName: tableName, Item: { ...key, bin: { B: 'AAEC' } } });
      const back = await (await a.manager.get(workspaceId(a))).send('GetItem', { TableName: tableName, Key: key });
      assert.deepEqual(back.Item.bin, { B: 'AAEC' });
    } finally {
      assert.equal(await vscode.commands.executeCommand('dynamoWorkspace.removeConnection', 'Loopback'), true);
      await waitFor('the connection to be gone', async () => !(await children(a)).some((r) => r.label === 'Loopback'));
    }
  });
});
