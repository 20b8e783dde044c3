// The timeline panel's host side in the real extension host, against the workspace engine and
// against a remote connection (an SDK client of the workspace endpoint, as a real DynamoDB would
// be reached): what each can show, previews, restores (to a second and from a backup), backups and
// PITR settings, each checked against what the database holds.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DynamoWorkspaceApi } from '../../src/extension/activate';
import type { Connection } from '../../src/extension/connection';
import { RemoteConnection } from '../../src/extension/remote';
import { TimelinePanel, type TimelinePanelContext } from '../../src/extension/panels/timeline-panel';
import { api, children, closeAllEditors, uniqueName, waitFor, workspaceId } from './helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Until the clock is `margin` ms past the whole second after `t`: the next write lands in a later second. */
async function pastSecondAfter(t: number, margin = 1100): Promise<void> {
  while (Date.now() < Math.ceil(t / 1000) * 1000 + margin) await sleep(20);
}

describe('the backup/PITR timeline panel', () => {
  let a: DynamoWorkspaceApi;
  let workspace: Connection;
  const opened: string[] = [];
  const panelsMade: TimelinePanel[] = [];
  let extensionUri: vscode.Uri;

  before(async () => {
    a = await api();
    const id = workspaceId(a);
    workspace = await a.manager.get(id);
    extensionUri = vscode.extensions.getExtension('dynamo-workspace.dynamo-workspace')!.extensionUri;
  });
  after(async () => {
    for (const p of panelsMade) p.host.panel.dispose();
    await closeAllEditors();
  });

  const context = (connection: Connection): TimelinePanelContext => ({
    extensionUri,
    getConnection: async () => connection,
    onDidWrite: () => undefined,
    onDidChangeTables: () => undefined,
    openItems: async (_id, tableName) => opened.push(tableName),
  });
  const panelOn = (connection: Connection, tableName: string): TimelinePanel => {
    const webview = vscode.window.createWebviewPanel(TimelinePanel.viewType, `${tableName} timeline`, vscode.ViewColumn.Active, { enableScripts: true });
    const panel = new TimelinePanel(context(connection), connection, tableName, webview);
    panelsMade.push(panel);
    return panel;
  };
  const scan = async (tableName: string) =>
    ((await workspace.send('Scan', { TableName: tableName, ConsistentRead: true })).Items as { id: { S: string }; qty?: { N: string } }[])
      .map((i) => `${i.id.S}=${i.qty?.N ?? ''}`)
      .sort();

  /** A table with PITR on, written at two distinct seconds; `between` is a second after the first writes and before the second. */
  async function tableWithHistory(): Promise<{ tableName: string; between: number }> {
    const tableName = uniqueName('Timeline');
    await workspace.send('CreateTable', { TableName: tableName, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' });
    await workspace.send('UpdateContinuousBackups', { TableName: tableName, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } });
    await pastSecondAfter(Date.now(), 100);
    await workspace.send('PutItem', { TableName: tableName, Item: { id: { S: 'a' }, qty: { N: '1' } } });
    await workspace.send('PutItem', { TableName: tableName, Item: { id: { S: 'b' }, qty: { N: '1' } } });
    const between = Math.ceil(Date.now() / 1000) * 1000;
    await pastSecondAfter(between);
    await workspace.send('UpdateItem', { TableName: tableName, Key: { id: { S: 'a' } }, UpdateExpression: 'SET qty = :q', ExpressionAttributeValues: { ':q': { N: '2' } } });
    await workspace.send('DeleteItem', { TableName: tableName, Key: { id: { S: 'b' } } });
    return { tableName, between };
  }

  it('on the workspace database it counts inserts, modifications and removals, and previews a second with both versions of each changed item', async () => {
    const { tableName, between } = await tableWithHistory();
    const panel = panelOn(workspace, tableName);
    const s = await panel.snapshot();
    assert.deepEqual(s.unavailable, {});
    assert.equal(s.pitr?.status, 'ENABLED');
    const sum = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
    assert.deepEqual([sum(s.volume!.inserts), sum(s.volume!.modifications), sum(s.volume!.removals)], [2, 1, 1]);
    assert.equal(s.volume!.step, 1000, 'a window of seconds is drawn in one-second bars');
    const p = await panel.preview(between);
    assert.deepEqual([p.then.itemCount, p.now.itemCount, p.differenceCount], [2, 1, 2]);
    const a_ = p.differences.find((d) => (d.key.id as { S?: string } | undefined)?.S === 'a')!;
    assert.deepEqual([a_.then?.qty, a_.now?.qty], [{ N: '1' }, { N: '2' }]);
    const b = p.differences.find((d) => (d.key.id as { S?: string } | undefined)?.S === 'b')!;
    assert.deepEqual([b.then?.qty, b.now], [{ N: '1' }, undefined]);
  });

  it('against a remote connection it shows the window and backups, says why there is no chart or preview, and restores through the API', async () => {
    const { tableName, between } = await tableWithHistory();
    const remote = new RemoteConnection({ id: 'remote:timeline-test', label: 'timeline-remote', endpoint: workspace.endpoint! });
    try {
      const panel = panelOn(remote, tableName);
      const backup = await panel.createBackup('before-restore');
      assert.equal(backup.name, 'before-restore');
      const s = await panel.snapshot();
      assert.equal(s.pitr?.status, 'ENABLED');
      assert.ok(s.pitr!.earliest! <= between && between <= s.pitr!.latest!, 'the window, in ms, holds the second between the writes');
      assert.deepEqual(s.backups.map((x) => x.name), ['before-restore']);
      assert.equal(s.volume, undefined);
      assert.match(s.unavailable.volume!, /timeline-remote is a remote connection: the change volume and previews need the workspace database/);
      assert.equal(s.unavailable.preview, s.unavailable.volume);
      await assert.rejects(panel.preview(between), /need the workspace database/);

      // the restore's RestoreDateTime (the wire's epoch seconds) goes through the SDK's serializer
      const target = `${tableName}-then`;
      const restored = await panel.restore({ time: between }, target);
      assert.deepEqual(restored, { tableName: target, active: true });
      assert.deepEqual(await scan(target), ['a=1', 'b=1']);
      assert.ok(opened.includes(target), 'the restored table is opened');

      const fromBackup = `${tableName}-backup`;
      await panel.restore({ backupArn: backup.arn, backupName: backup.name }, fromBackup);
      assert.deepEqual(await scan(fromBackup), ['a=2']);

      await assert.rejects(panel.restore({ time: between }, target), (e: Error) => e.name === 'ValidationException' && /A table named .* already exists/.test(e.message));
      await assert.rejects(panel.restore({ time: between }, 'x'), (e: Error) => e.name === 'ValidationException' && /Table names are 3 to 255 characters/.test(e.message));

      const after = await panel.setPitr(true, 3);
      assert.equal(after.pitr?.recoveryPeriodInDays, 3);
      const off = await panel.setPitr(false);
      assert.equal(off.pitr?.status, 'DISABLED');
      assert.equal(off.pitr?.earliest, undefined);
    } finally {
      await remote.dispose();
    }
  });

  it('Open Timeline opens one panel per table, and a second call reveals it', async () => {
    const tableName = uniqueName('Opened');
    await workspace.send('CreateTable', { TableName: tableName, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' });
    const title = await vscode.commands.executeCommand<string>('dynamoWorkspace.openTimeline', { connectionId: workspace.id, tableName });
    assert.match(title ?? '', new RegExp(`^${tableName} — .* — timeline$`));
    await vscode.commands.executeCommand('dynamoWorkspace.openTimeline', { connectionId: workspace.id, tableName });
    await waitFor('the timeline tab to be active', () => vscode.window.tabGroups.activeTabGroup.activeTab?.label === title);
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label === title);
    assert.equal(tabs.length, 1);
  });

  it("Open Timeline on a table's Backups row opens that table's timeline", async () => {
    const tableName = uniqueName('FromRow');
    await workspace.send('CreateTable', { TableName: tableName, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' });
    a.tree.refresh();
    const root = (await children(a)).find((r) => r.node.type === 'connection' && r.node.entry.id === workspace.id)!;
    const table = await waitFor('the table row', async () => (await children(a, root.node)).find((c) => c.label === tableName));
    const backups = await waitFor('its Backups row', async () => (await children(a, table.node)).find((c) => c.label === 'Backups'));
    const title = await vscode.commands.executeCommand<string>('dynamoWorkspace.openTimeline', backups.node);
    assert.match(title ?? '', new RegExp(`^${tableName} — .* — timeline$`));
  });
});
