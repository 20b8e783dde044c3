// Commands given the wrong thing: a title-bar action receives the selected tree row, a palette run
// receives nothing, a keybinding or another extension may pass anything. Each command must use
// only an argument of the kind it expects, fall back to asking otherwise, and never write what it
// was handed into the user's settings or the database.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DynamoWorkspaceApi } from '../../src/extension/activate';
import { api, children, closeAllEditors, EXTENSION_ID, waitFor, workspaceId } from './helpers';

/** For assertion messages: tree nodes hold the live database, which JSON cannot print. */
const show = (v: unknown) => (v && typeof v === 'object' && 'type' in v ? `a ${String((v as { type: unknown }).type)} node` : JSON.stringify(v));

const connectionsSetting = () => vscode.workspace.getConfiguration('dynamoWorkspace').inspect('connections')?.globalValue;

/** Runs a command, closing every quick pick or input box it opens (as a user pressing Escape would). */
async function runDismissing(id: string, ...args: unknown[]): Promise<unknown> {
  let settled = false;
  const result = Promise.resolve(vscode.commands.executeCommand(id, ...args)).finally(() => (settled = true));
  const deadline = Date.now() + 30_000;
  while (!settled && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    if (!settled) await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  }
  assert.ok(settled, `${id} finished once its prompts were dismissed`);
  return result;
}

async function tableNames(a: DynamoWorkspaceApi): Promise<string[]> {
  const id = workspaceId(a);
  return ((await (await a.manager.get(id)).send('ListTables', {})).TableNames as string[]).sort();
}

describe('commands given the wrong arguments', () => {
  let a: DynamoWorkspaceApi;
  before(async () => {
    a = await api();
    // one table, so the table pickers have something to offer
    const id = workspaceId(a);
    await vscode.commands.executeCommand('dynamoWorkspace.createTable', { connectionId: id, draft: { tableName: 'ArgsProbe', partitionKey: 'id' } });
  });
  after(closeAllEditors);

  it('"Add Connection…" from the view title with a tree row selected asks for a connection and writes nothing to settings.json', async () => {
    const before = connectionsSetting();
    const [root] = await children(a);
    assert.ok(root, 'the tree has a connection row');
    const result = await runDismissing('dynamoWorkspace.addConnection', root.node);
    assert.equal(result, undefined);
    assert.deepEqual(connectionsSetting(), before);
    const table = (await children(a, root.node)).find((c) => c.node.type === 'table');
    assert.equal(await runDismissing('dynamoWorkspace.addConnection', table?.node), undefined);
    assert.deepEqual(connectionsSetting(), before);
  });

  it('every contributed command, given arguments of the wrong kind, neither throws nor changes settings or tables', async function () {
    this.timeout(240_000); // about a hundred runs, most of them waiting for a prompt to be dismissed
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const ids = (ext.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    const [root] = await children(a);
    const wrong: unknown[] = [
      42,
      [1, 2, 3],
      { type: 'message', id: 'm', label: 'No tables yet', icon: 'add' },
      { type: 'detail', id: 'd', label: 'Items', icon: 'list-flat' },
      { type: 'table', connectionId: 42, tableName: { nested: true } },
      { connectionId: 'workspace:no-such-folder', tableName: 'ArgsProbe' },
      { name: 17, endpoint: 'not a url' },
      root!.node,
    ];
    const settingsBefore = connectionsSetting();
    const tablesBefore = await tableNames(a);
    for (const id of ids) {
      if (id === 'dynamoWorkspace.refresh') continue;
      for (const arg of wrong) {
        // connection rows are a right argument for the connection commands: those run them for real
        if (arg === root!.node && ['dynamoWorkspace.createTable', 'dynamoWorkspace.copyEndpoint', 'dynamoWorkspace.copySnippet', 'dynamoWorkspace.revealDataFolder', 'dynamoWorkspace.removeConnection'].includes(id)) continue;
        await assert.doesNotReject(runDismissing(id, arg), `${id}(${show(arg)})`);
        assert.deepEqual(connectionsSetting(), settingsBefore, `${id}(${show(arg)}) left the connections setting alone`);
      }
    }
    assert.deepEqual(await tableNames(a), tablesBefore);
    await closeAllEditors();
  });

  it('a draft of the wrong shape is refused as a ValidationException that names the fields, and nothing is created', async () => {
    const before = await tableNames(a);
    const id = workspaceId(a);
    const result = await vscode.commands.executeCommand('dynamoWorkspace.createTable', { connectionId: id, draft: { tableName: 42, partitionKey: null } });
    assert.equal(result, undefined);
    assert.equal(a.lastMessage()?.severity, 'error');
    assert.match(a.lastMessage()!.text, /^ValidationException: tableName must be a string; partitionKey must be a string$/);
    assert.deepEqual(await tableNames(a), before);
  });

  it('"Remove Connection" with no connections says there is none instead of showing an empty picker', async () => {
    const config = vscode.workspace.getConfiguration('dynamoWorkspace');
    const saved = connectionsSetting();
    await config.update('connections', [], vscode.ConfigurationTarget.Global);
    try {
      // no dismissing here: an empty picker would hold the command open until the timeout
      const result = await Promise.race([
        vscode.commands.executeCommand('dynamoWorkspace.removeConnection'),
        new Promise((r) => setTimeout(() => r('still waiting on a picker'), 5_000)),
      ]);
      assert.equal(result, false);
      assert.equal(a.lastMessage()?.text, 'There are no remote connections to remove.');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      await config.update('connections', saved, vscode.ConfigurationTarget.Global);
      await waitFor('the setting to be restored', () => JSON.stringify(connectionsSetting()) === JSON.stringify(saved));
    }
  });
});
