// The explorer's Stream, Time to live and Backups rows of a table, and the commands on them, in
// the real extension host against the workspace database (and through its endpoint, as a remote
// connection sees it): the rows show what the database says, follow changes without a refresh,
// and the commands do what their rows offer.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DynamoWorkspaceApi } from '../../src/extension/activate';
import { backupTargetOf, targetOf } from '../../src/extension/command-args';
import { COMMANDS } from '../../src/extension/commands/ids';
import type { Connection } from '../../src/extension/connection';
import { CONTEXT_VALUES, type Node } from '../../src/extension/tree';
import { children, closeAllEditors, uniqueName, waitFor, workspaceConnection } from './helpers';

describe('the Stream, Time to live and Backups rows and their commands', () => {
  let a: DynamoWorkspaceApi;
  let connectionId: string;
  let connection: Connection;
  before(async () => {
    ({ a, connectionId, connection } = await workspaceConnection());
  });
  after(closeAllEditors);

  const create = async (draft: Record<string, unknown>) => {
    const tableName = uniqueName(String(draft.tableName ?? 'Rows'));
    await vscode.commands.executeCommand(COMMANDS.createTable, { connectionId, draft: { partitionKey: 'id', ...draft, tableName } });
    return tableName;
  };
  const tableRow = async (tableName: string): Promise<Node> => {
    const root = (await children(a)).find((r) => r.node.type === 'connection' && r.node.entry.id === connectionId)!;
    return waitFor('the table in the tree', async () => (await children(a, root.node)).find((c) => c.label === tableName)?.node);
  };
  const rows = async (parent: Node) => {
    const out = new Map<string, { node: Node; item: vscode.TreeItem }>();
    for (const node of await a.tree.getChildren(parent)) {
      const item = await a.tree.getTreeItem(node);
      out.set(String(typeof item.label === 'string' ? item.label : item.label?.label), { node, item });
    }
    return out;
  };
  const row = async (tableName: string, label: string) => (await rows(await tableRow(tableName))).get(label)!;
  const description = (item: vscode.TreeItem) => String(item.description ?? '');

  it('shows a stream\'s view type, status and label, and its shards with their sequence ranges', async () => {
    const tableName = await create({ tableName: 'Streamed', stream: 'NEW_AND_OLD_IMAGES' });
    await connection.send('PutItem', { TableName: tableName, Item: { id: { S: 'a' } } });
    await connection.send('PutItem', { TableName: tableName, Item: { id: { S: 'b' } } });
    const arn = (await connection.send('DescribeTable', { TableName: tableName })).Table.LatestStreamArn as string;
    const stream = (await connection.sendStreams('DescribeStream', { StreamArn: arn })).StreamDescription;
    const { node, item } = await row(tableName, 'Stream');
    assert.equal(description(item), `NEW_AND_OLD_IMAGES · enabled · ${stream.StreamLabel} · ${stream.Shards.length} shard${stream.Shards.length === 1 ? '' : 's'}`);
    const shards = await rows(node);
    assert.deepEqual([...shards.keys()], stream.Shards.map((s: { ShardId: string }) => s.ShardId));
    const first = stream.Shards[0].SequenceNumberRange.StartingSequenceNumber as string;
    const open = [...shards.values()].at(-1)!.item;
    assert.equal(description(open), `open · ${first.replace(/^0+(?=\d)/, '')} – `);
    assert.match(String(open.tooltip), new RegExp(`First sequence number: ${first}`));
  });

  it('enables time to live from its row\'s command, and the row moves from enabling to enabled by itself', async () => {
    const tableName = await create({ tableName: 'Expiry' });
    const before = await row(tableName, 'Time to live');
    assert.equal(description(before.item), 'off');
    assert.equal(before.item.contextValue, CONTEXT_VALUES.ttlDisabled);
    assert.deepEqual(targetOf(before.node), { connectionId, tableName }, 'the row is a target of the table commands');
    await vscode.commands.executeCommand(COMMANDS.enableTtl, { connectionId, tableName, attributeName: 'expiresAt' });
    const during = await row(tableName, 'Time to live');
    assert.equal(description(during.item), 'expiresAt · enabling');
    assert.equal(during.item.contextValue, undefined, 'no menu while DynamoDB refuses changes');
    // the same row object, never re-fetched: it follows the transition and redraws itself
    const redrawn = new Promise<void>((resolve) => {
      const sub = a.tree.onDidChangeTreeData((n) => {
        if (n === during.node) {
          sub.dispose();
          resolve();
        }
      });
    });
    await waitFor('the row to say enabled', async () => description(await a.tree.getTreeItem(during.node)) === 'expiresAt · enabled', 15_000);
    await redrawn;
    assert.equal((await a.tree.getTreeItem(during.node)).contextValue, CONTEXT_VALUES.ttlEnabled);

    await vscode.commands.executeCommand(COMMANDS.disableTtl, { connectionId, tableName });
    const disabling = await row(tableName, 'Time to live');
    assert.equal(description(disabling.item), 'expiresAt · disabling');
    await waitFor('the row to say off', async () => description(await a.tree.getTreeItem(disabling.node)) === 'off', 15_000);
    assert.equal((await a.tree.getTreeItem(disabling.node)).contextValue, CONTEXT_VALUES.ttlDisabled);
  });

  it('turns point-in-time recovery on, sets its period within 1-35 days, and shows its window', async () => {
    const tableName = await create({ tableName: 'Recover' });
    const backups = await row(tableName, 'Backups');
    assert.equal(description(backups.item), '0 backups · point-in-time recovery off');
    assert.equal(backups.item.contextValue, CONTEXT_VALUES.backups);
    const off = (await rows(backups.node)).get('Point-in-time recovery')!;
    assert.equal(description(off.item), 'off');
    assert.equal(off.item.contextValue, CONTEXT_VALUES.pitrDisabled);

    assert.equal(await vscode.commands.executeCommand(COMMANDS.enablePitr, { connectionId, tableName }), 'ENABLED');
    const on = (await rows((await row(tableName, 'Backups')).node)).get('Point-in-time recovery')!;
    assert.match(description(on.item), /^on · 35 days · \d+ \w{3} \d\d:\d\d:\d\d – \d+ \w{3} \d\d:\d\d:\d\d$/);
    assert.match(String(on.item.tooltip), /Earliest restorable: .+ UTC\)\nLatest restorable: .+ UTC\)/);
    assert.equal(on.item.contextValue, CONTEXT_VALUES.pitrEnabled);

    assert.equal(await vscode.commands.executeCommand(COMMANDS.setRecoveryPeriod, { connectionId, tableName, days: 7 }), 7);
    assert.match(description((await rows((await row(tableName, 'Backups')).node)).get('Point-in-time recovery')!.item), /^on · 7 days · /);
    assert.equal(await vscode.commands.executeCommand(COMMANDS.setRecoveryPeriod, { connectionId, tableName, days: 36 }), undefined);
    assert.equal(a.lastMessage()?.text, 'ValidationException: The recovery period is a whole number of days from 1 to 35');
    const described = (await connection.send('DescribeContinuousBackups', { TableName: tableName })).ContinuousBackupsDescription.PointInTimeRecoveryDescription;
    assert.equal(described.RecoveryPeriodInDays, 7, 'a refused period changes nothing');

    assert.equal(await vscode.commands.executeCommand(COMMANDS.disablePitr, { connectionId, tableName, confirmed: true }), 'DISABLED');
    assert.equal(description((await row(tableName, 'Backups')).item), '0 backups · point-in-time recovery off');
  });

  it('creates a backup, restores it to a new table that opens with the items of then, and deletes it', async () => {
    const tableName = await create({ tableName: 'Kept' });
    await connection.send('PutItem', { TableName: tableName, Item: { id: { S: 'before' } } });
    const arn = await vscode.commands.executeCommand<string>(COMMANDS.createBackup, { connectionId, tableName, backupName: 'nightly-1' });
    assert.match(arn ?? "", /\/backup\//);
    await connection.send('PutItem', { TableName: tableName, Item: { id: { S: 'after' } } });

    const backups = await row(tableName, 'Backups');
    assert.equal(description(backups.item), '1 backup · point-in-time recovery off');
    const backup = (await rows(backups.node)).get('nightly-1')!;
    assert.match(description(backup.item), /^\d+ \w{3} \d\d:\d\d:\d\d · \d+ B · on-demand$/);
    assert.equal(backup.item.contextValue, CONTEXT_VALUES.backup);
    assert.deepEqual(backupTargetOf(backup.node), { connectionId, tableName, backupArn: arn, backupName: 'nightly-1' }, 'the row is a target of the backup commands');

    // a name DynamoDB would refuse, or one already taken, is refused before the request
    for (const bad of ['no spaces allowed', tableName]) {
      assert.equal(await vscode.commands.executeCommand(COMMANDS.restoreBackup, { connectionId, backupArn: arn, targetTableName: bad }), undefined);
      assert.match(a.lastMessage()!.text, /^ValidationException: (Table names use only|A table named .* already exists)/);
    }
    const target = `${tableName}-restored`;
    assert.equal(await vscode.commands.executeCommand(COMMANDS.restoreBackup, { connectionId, backupArn: arn, targetTableName: target }), target);
    const restored = (await connection.send('Scan', { TableName: target, ConsistentRead: true })).Items as { id: { S: string } }[];
    assert.deepEqual(restored.map((i) => i.id.S), ['before'], 'the restored table holds the items of the backup\'s time');
    await tableRow(target);
    // the extension's own panels (this suite's bundle has its own copy of the registry module)
    const panel = await waitFor('the restored table\'s items panel', () => a.itemsPanels().find((p) => p.connection.id === connectionId && p.tableName === target));
    assert.equal(panel.host.panel.title, `${target} — ${connection.label}`);

    assert.equal(await vscode.commands.executeCommand(COMMANDS.deleteBackup, { connectionId, tableName, backupArn: arn, confirmed: true }), true);
    const after = await rows((await row(tableName, 'Backups')).node);
    assert.ok(!after.has('nightly-1'));
    assert.ok(after.has('No backups yet — create one…'));
  });

  it('shows the same rows and runs the same commands on a remote connection, through the AWS SDK', async () => {
    const tableName = await create({ tableName: 'Remote', stream: 'KEYS_ONLY' });
    await connection.send('PutItem', { TableName: tableName, Item: { id: { S: 'r1' } } });
    const endpoint = connection.endpoint!;
    assert.equal(await vscode.commands.executeCommand(COMMANDS.addConnection, { name: 'RowsRemote', endpoint, region: 'us-east-1' }), 'RowsRemote');
    try {
      const remoteId = 'remote:RowsRemote';
      const remote = { connectionId: remoteId, tableName };
      const arn = await vscode.commands.executeCommand<string>(COMMANDS.createBackup, { ...remote, backupName: 'remote-made' });
      assert.match(arn ?? '', /\/backup\//, `${a.lastMessage()?.text}`);
      assert.equal(await vscode.commands.executeCommand(COMMANDS.enablePitr, remote), 'ENABLED');
      await vscode.commands.executeCommand(COMMANDS.enableTtl, { ...remote, attributeName: 'ttl' });

      const root = await waitFor('the remote connection in the tree', async () => (await children(a)).find((r) => r.label === 'RowsRemote'));
      const table = await waitFor('the table under it', async () => (await children(a, root.node)).find((c) => c.label === tableName));
      const viaSdk = await rows(table.node);
      const local = await rows(await tableRow(tableName));
      for (const label of ['Stream', 'Backups']) assert.equal(description(viaSdk.get(label)!.item), description(local.get(label)!.item), label);
      assert.match(description(viaSdk.get('Stream')!.item), /^KEYS_ONLY · enabled · \S+ · 1 shard$/);
      assert.equal(description(viaSdk.get('Backups')!.item), '1 backup · point-in-time recovery on');
      assert.match(description(viaSdk.get('Time to live')!.item), /^ttl · (enabling|enabled)$/);
      const backups = await rows(viaSdk.get('Backups')!.node);
      assert.ok(backups.has('remote-made'));
      assert.match(description(backups.get('Point-in-time recovery')!.item), /^on · 35 days · /);

      const target = `${tableName}-via-sdk`;
      assert.equal(await vscode.commands.executeCommand(COMMANDS.restoreBackup, { connectionId: remoteId, backupArn: arn, targetTableName: target }), target);
      const restored = (await connection.send('Scan', { TableName: target })).Items as { id: { S: string } }[];
      assert.deepEqual(restored.map((i) => i.id.S), ['r1']);
    } finally {
      await closeAllEditors();
      assert.equal(await vscode.commands.executeCommand(COMMANDS.removeConnection, 'RowsRemote'), true);
      await waitFor('the connection to be gone', async () => !(await children(a)).some((r) => r.label === 'RowsRemote'));
    }
  });
});
