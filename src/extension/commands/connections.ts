// Connection commands: refresh, add and remove remote connections (user settings), and reveal a
// workspace database's data folder.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { connectionNode, endpointProblem, remoteSetting, targetOf } from '../command-args';
import type { RemoteSetting } from '../manager';
import { showMessage } from '../notify';
import { register, runner, type CommandContext } from './context';
import { COMMANDS } from './ids';

export function registerConnectionCommands(ctx: CommandContext): vscode.Disposable[] {
  const { manager, tree } = ctx;
  const run = runner(ctx.log);

  return [
    register(COMMANDS.refresh, () => {
      tree.refresh();
      manager.refresh();
    }),

    register(
      COMMANDS.addConnection,
      run(async (arg?: unknown) => {
        // a view-title click hands over the selected row: only a complete setting is taken as one
        let setting = remoteSetting(arg);
        if (!setting) {
          const how = await vscode.window.showQuickPick(
            [
              { label: '$(globe) Endpoint URL', description: 'DynamoDB Local, ScyllaDB Alternator, another workspace', how: 'endpoint' },
              { label: '$(cloud) AWS profile and region', description: 'uses the SDK’s credential chain', how: 'aws' },
            ],
            { title: 'Add a connection' },
          );
          if (!how) return undefined;
          if (how.how === 'endpoint') {
            const endpoint = await vscode.window.showInputBox({
              title: 'Endpoint URL',
              value: 'http://127.0.0.1:8000',
              validateInput: endpointProblem,
            });
            if (!endpoint) return undefined;
            const region = await vscode.window.showInputBox({ title: 'Region (optional)', value: 'us-east-1' });
            setting = { name: new URL(endpoint).host, endpoint, region: region || undefined };
          } else {
            const profile = await vscode.window.showInputBox({ title: 'AWS profile (empty: default credential chain)' });
            const region = await vscode.window.showInputBox({ title: 'Region', value: 'us-east-1', validateInput: (v) => (v.trim() ? undefined : 'A region is required') });
            if (!region) return undefined;
            setting = { name: `AWS ${profile || 'default'} ${region}`, profile: profile || undefined, region };
          }
          const name = await vscode.window.showInputBox({ title: 'Name of the connection', value: setting.name });
          if (!name) return undefined;
          setting.name = name;
        }
        const config = vscode.workspace.getConfiguration('dynamoWorkspace');
        const list = (config.get<RemoteSetting[]>('connections') ?? []).filter((c) => c.name !== setting!.name);
        list.push(Object.fromEntries(Object.entries(setting).filter(([, v]) => v !== undefined)) as unknown as RemoteSetting);
        await config.update('connections', list, vscode.ConfigurationTarget.Global);
        return setting.name;
      }),
    ),

    register(
      COMMANDS.removeConnection,
      run(async (arg?: unknown) => {
        const config = vscode.workspace.getConfiguration('dynamoWorkspace');
        const list = config.get<RemoteSetting[]>('connections') ?? [];
        const node = connectionNode(arg);
        let name = typeof arg === 'string' ? arg : node?.kind === 'remote' ? node.label : undefined;
        if (name !== undefined && !list.some((c) => c.name === name)) {
          void showMessage('error', `There is no remote connection named "${name}".`);
          return false;
        }
        if (name === undefined) {
          if (!list.length) {
            void showMessage('info', 'There are no remote connections to remove.');
            return false;
          }
          name = await vscode.window.showQuickPick(list.map((c) => c.name), { title: 'Remove connection' });
        }
        if (!name) return false;
        await config.update('connections', list.filter((c) => c.name !== name), vscode.ConfigurationTarget.Global);
        return true;
      }),
    ),

    register(
      COMMANDS.revealDataFolder,
      run(async (arg?: unknown) => {
        // only workspace databases have a data folder: a remote row or anything else falls back to the first
        const id = targetOf(arg, 'connection').connectionId;
        const dbs = manager.workspaceDatabases();
        const db = dbs.find((d) => d.id === id) ?? dbs[0];
        if (!db) {
          void showMessage('info', 'Open a folder: its workspace database keeps its data in a folder inside it.');
          return false;
        }
        if (!fs.existsSync(db.dir)) {
          void showMessage('info', `${db.label} has no data folder yet: it is created at ${db.dir} when the database first opens.`);
          return false;
        }
        await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(db.dir));
        return true;
      }),
    ),
  ];
}
