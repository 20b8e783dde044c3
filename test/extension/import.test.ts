// Import into a table that already holds some of the file's keys: asked once, then overwrite or
// skip (a conditional put per item), with written / skipped / failed counted.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DynamoWorkspaceApi } from '../../src/extension/activate';
import { api, uniqueName, workspaceId } from './helpers';

describe('import into a table with existing keys', () => {
  let a: DynamoWorkspaceApi;
  let connectionId: string;
  let tableName: string;
  let file: string;
  const get = async (id: string) => (await (await a.manager.get(connectionId)).send('GetItem', { TableName: tableName, Key: { id: { S: id } } })).Item;

  beforeEach(async () => {
    a = await api();
    connectionId = workspaceId(a);
    tableName = uniqueName('Existing');
    await vscode.commands.executeCommand('dynamoWorkspace.createTable', { connectionId, draft: { tableName, partitionKey: 'id' } });
    await vscode.commands.executeCommand('dynamoWorkspace.putItem', { connectionId, tableName, item: { id: { S: 'kept' }, v: { S: 'edited by hand' } } });
    file = path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, `${tableName}.json`);
    fs.writeFileSync(file, JSON.stringify([{ id: 'kept', v: 'from the file' }, { id: 'new', v: 'from the file' }]));
  });
  afterEach(() => fs.rmSync(file, { force: true }));

  it('skips items whose key exists when asked to, and counts what it wrote and skipped', async () => {
    const result = await vscode.commands.executeCommand('dynamoWorkspace.importItems', { connectionId, tableName, uri: file, existing: 'skip' });
    assert.deepEqual(result, { written: 1, skipped: 1, failed: 0 });
    assert.deepEqual((await get('kept'))?.v, { S: 'edited by hand' });
    assert.deepEqual((await get('new'))?.v, { S: 'from the file' });
    assert.match(a.lastMessage()?.text ?? '', /1 written, 1 skipped/);
  });

  it('overwrites existing items when asked to', async () => {
    const result = await vscode.commands.executeCommand('dynamoWorkspace.importItems', { connectionId, tableName, uri: file, existing: 'overwrite' });
    assert.deepEqual(result, { written: 2, skipped: 0, failed: 0 });
    assert.deepEqual((await get('kept'))?.v, { S: 'from the file' });
  });

  it('counts the items the table refuses as failed, says so, and writes the others', async () => {
    // a Number where the key is a String: DynamoDB refuses that item alone
    fs.writeFileSync(file, JSON.stringify([{ id: 'new', v: 'from the file' }, { id: 7, v: 'wrong key type' }, { id: 'other', v: 'from the file' }]));
    const result = (await vscode.commands.executeCommand('dynamoWorkspace.importItems', { connectionId, tableName, uri: file, existing: 'overwrite' })) as { written: number; skipped: number; failed: number };
    assert.deepEqual({ ...result }, { written: 2, skipped: 0, failed: 1 });
    assert.deepEqual((await get('new'))?.v, { S: 'from the file' });
    assert.deepEqual((await get('other'))?.v, { S: 'from the file' });
    assert.match(a.lastMessage()?.text ?? '', /2 written.*1 failed/);
  });

  it('asks before writing into a table that has items, and writes nothing when the question is dismissed', async () => {
    const running = vscode.commands.executeCommand('dynamoWorkspace.importItems', { connectionId, tableName, uri: file });
    let settled = false;
    void Promise.resolve(running).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(settled, false, 'the import waits for an answer');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await running, undefined);
    assert.equal(await get('new'), undefined);
    assert.deepEqual((await get('kept'))?.v, { S: 'edited by hand' });
  });
});
