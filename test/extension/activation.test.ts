// The extension in a real extension host: manifest, commands, view, the create-table form's webview.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, activeTabLabel, api, children, closeAllEditors, waitFor } from './helpers';

describe('activation', () => {
  after(closeAllEditors);

  it('activates and registers every command the manifest contributes', async () => {
    await api();
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const contributed = (ext.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    assert.ok(contributed.length >= 10, 'manifest lists the commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const c of contributed) assert.ok(registered.has(c), `${c} is registered`);
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
