// What the create-table form and the tree say about a table's stream, time to live and backups,
// TTL expiry in the extension's own database, and the monthly estimate of a provisioned table.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DynamoWorkspaceApi } from '../../src/extension/activate';
import { api, children, closeAllEditors, uniqueName, waitFor, workspaceId } from './helpers';

describe('table features: stream, time to live, backups, capacity', () => {
  let a: DynamoWorkspaceApi;
  let connectionId: string;
  before(async () => {
    a = await api();
    connectionId = workspaceId(a);
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

  it('the tree shows a new table\'s Stream, Time to live and point-in-time recovery as off, and PITR on once enabled', async () => {
    const tableName = uniqueName('Plain');
    await vscode.commands.executeCommand('dynamoWorkspace.createTable', { connectionId, draft: { tableName, partitionKey: 'id' } });
    const d = await details(tableName);
    assert.equal(d.get('Stream')?.description, 'off');
    assert.equal(d.get('Time to live')?.description, 'off');
    assert.equal(d.get('Backups')?.description, '0 backups · point-in-time recovery off');
    const connection = await a.manager.get(connectionId);
    await connection.send('UpdateContinuousBackups', { TableName: tableName, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } });
    a.tree.refresh();
    assert.equal((await details(tableName)).get('Backups')?.description, '0 backups · point-in-time recovery on');
  });

  it('the create-table form offers Stream and TTL: neither is marked unavailable', async () => {
    await vscode.commands.executeCommand('dynamoWorkspace.createTable', { connectionId });
    const designer = await waitFor('designer panel', () => a.designer());
    // the page's first request: what it renders the form from
    const ready = await (designer.host as unknown as { handlers: { ready(p: void): Promise<{ unavailable?: { stream?: string; ttl?: string } }> } }).handlers.ready();
    assert.equal(ready.unavailable?.stream, undefined);
    assert.equal(ready.unavailable?.ttl, undefined);
    await waitFor('the form to finish loading', () => designer.host.isReady, 30_000);
    designer.host.panel.dispose();
  });

  it('a draft with a stream and a TTL attribute creates the table with both, and the tree shows them', async () => {
    const tableName = uniqueName('WithTtl');
    const result = await vscode.commands.executeCommand<{ tableName: string }>('dynamoWorkspace.createTable', {
      connectionId,
      draft: { tableName, partitionKey: 'id', stream: 'NEW_IMAGE', ttlAttribute: 'expiresAt' },
    });
    assert.equal(result?.tableName, tableName);
    const connection = await a.manager.get(connectionId);
    const ttl = (await connection.send('DescribeTimeToLive', { TableName: tableName })).TimeToLiveDescription;
    assert.equal(ttl.AttributeName, 'expiresAt');
    assert.match(ttl.TimeToLiveStatus, /^ENABL(ING|ED)$/);
    const d = await details(tableName);
    assert.match(String(d.get('Stream')?.description), /^NEW_IMAGE · enabled · \S+ · 1 shard$/);
    const arn = (await connection.send('DescribeTable', { TableName: tableName })).Table.LatestStreamArn as string;
    assert.match(arn, new RegExp(`:table/${tableName}/stream/`));
    assert.ok(text(d.get('Stream')?.tooltip).includes(arn), 'the hover gives the stream ARN');
    assert.match(String(d.get('Time to live')?.description), /^expiresAt · (enabling|enabled)$/);
  });

  it('the workspace database deletes an item whose time to live has passed, within seconds, and its stream says so', async () => {
    const tableName = uniqueName('Expiring');
    await vscode.commands.executeCommand('dynamoWorkspace.createTable', { connectionId, draft: { tableName, partitionKey: 'id', stream: 'OLD_IMAGE', ttlAttribute: 'expiresAt' } });
    const connection = await a.manager.get(connectionId);
    await waitFor('TTL enabled', async () => (await connection.send('DescribeTimeToLive', { TableName: tableName })).TimeToLiveDescription.TimeToLiveStatus === 'ENABLED');
    const past = Math.floor(Date.now() / 1000) - 60;
    await connection.send('PutItem', { TableName: tableName, Item: { id: { S: 'gone' }, expiresAt: { N: String(past) } } });
    await connection.send('PutItem', { TableName: tableName, Item: { id: { S: 'kept' }, expiresAt: { N: String(past + 3600) } } });
    // the default sweep runs every 5 s
    await waitFor('the expired item to be deleted', async () => (await connection.send('GetItem', { TableName: tableName, Key: { id: { S: 'gone' } } })).Item === undefined, 20_000);
    assert.ok((await connection.send('GetItem', { TableName: tableName, Key: { id: { S: 'kept' } } })).Item, 'the item not yet expired stays');
    const arn = (await connection.send('DescribeTable', { TableName: tableName })).Table.LatestStreamArn as string;
    const readRemovals = async () => {
      const shards = (await connection.sendStreams('DescribeStream', { StreamArn: arn })).StreamDescription.Shards as { ShardId: string }[];
      const found: any[] = [];
      for (const shard of shards) {
        let iterator = (await connection.sendStreams('GetShardIterator', { StreamArn: arn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' })).ShardIterator;
        for (let page = 0; iterator && page < 5; page++) {
          const out = await connection.sendStreams('GetRecords', { ShardIterator: iterator });
          found.push(...(out.Records as any[]).filter((r) => r.eventName === 'REMOVE'));
          iterator = out.Records.length ? out.NextShardIterator : undefined;
        }
      }
      return found;
    };
    // a stream record is readable soon after its write, not necessarily at once (on a loaded
    // machine the log the stream reads from can trail the table by a moment), as in DynamoDB
    const removals = await waitFor('the removal in the stream', async () => {
      const found = await readRemovals();
      return found.length ? found : undefined;
    }, 10_000);
    assert.equal(removals.length, 1);
    assert.deepEqual(removals[0].dynamodb.Keys, { id: { S: 'gone' } });
    // the Streams API's member names (Lambda's event documents spell them in lower case)
    assert.deepEqual(removals[0].userIdentity, { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' });
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
