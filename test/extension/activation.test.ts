// The extension in a real extension host: manifest, commands, view, the create-table form's webview.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoWorkspaceApi } from '../../src/extension/activate';
import { COMMANDS } from '../../src/extension/commands/ids';
import { EXTENSION_ID, activeTabLabel, api, children, closeAllEditors, waitFor } from './helpers';

describe('activation', () => {
  after(closeAllEditors);

  // Must stay the suite's first test: every later one calls api(), which activates the extension.
  it('starts the workspace database and its endpoint when the window opens, before anything touches the explorer', async () => {
    const ext = vscode.extensions.getExtension<DynamoWorkspaceApi>(EXTENSION_ID)!;
    await waitFor('the extension to activate on its own', () => ext.isActive, 30_000);
    // the database is opened after activate() returned, never inside it
    assert.equal(ext.exports.startup.databasesBusyAtReturn, 0);
    console.log(`      activate() took ${ext.exports.startup.activateMs.toFixed(1)} ms`);
    // what an application finds: the endpoint file in the data folder, then a request to it
    const folder = vscode.workspace.workspaceFolders![0]!;
    const file = path.join(folder.uri.fsPath, '.dynamodb', 'ENDPOINT');
    const endpoint = await waitFor('the endpoint to be advertised', () => fs.existsSync(file) && fs.readFileSync(file, 'utf8').trim(), 30_000);
    const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    try {
      const out = await client.send(new ListTablesCommand({}));
      assert.ok(Array.isArray(out.TableNames));
    } finally {
      client.destroy();
    }
  });

  it('activates and registers every command the manifest contributes', async () => {
    await api();
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const contributed = (ext.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    assert.ok(contributed.length >= 10, 'manifest lists the commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const c of contributed) assert.ok(registered.has(c), `${c} is registered`);
    // the manifest and ids.ts agree (unit/manifest.test.ts): every id of ids.ts is live too
    for (const c of Object.values(COMMANDS)) assert.ok(registered.has(c), `${c} is registered`);
  });

  it('opens its view container from the activity bar command', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.dynamoWorkspace');
    await vscode.commands.executeCommand('dynamoWorkspace.explorer.focus');
  });

  it('shows one workspace database per workspace folder', async () => {
    const a = await api();
    const roots = await children(a);
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.ok(folders.length >= 1, 'the test workspace is open');
    const workspaceRoots = roots.filter((r) => r.node.type === 'connection' && r.node.entry.kind === 'workspace');
    assert.deepEqual(workspaceRoots.map((r) => r.label), folders.map((f) => f.name));
  });

  it('opens the create-table form, whose webview loads and completes the ready handshake', async () => {
    const a = await api();
    const first = a.manager.entries()[0]!;
    await vscode.commands.executeCommand('dynamoWorkspace.createTable', { connectionId: first.id });
    const designer = await waitFor('designer panel', () => a.designer());
    await activeTabLabel(`Create Table — ${first.label}`);
    await waitFor('the form to say ready', () => designer.host.isReady, 30_000);
    assert.equal(designer.host.panel.webview.options.enableScripts, true);
    assert.match(designer.host.panel.webview.html, /Content-Security-Policy/);
    assert.match(designer.host.panel.webview.html, /script-src 'nonce-/);
    assert.doesNotMatch(designer.host.panel.webview.html, /unsafe-inline|unsafe-eval/);
    designer.host.panel.dispose();
  });
});
