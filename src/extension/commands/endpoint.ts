// Endpoint commands: copy its URL or a client snippet, the status bar's action list, and the
// access key that signed requests to the endpoint must use.
import * as vscode from 'vscode';
import { option, targetOf } from '../command-args';
import type { EndpointSecurity } from '../endpoint-security';
import { showMessage } from '../notify';
import { SNIPPET_LABELS, snippet, type SnippetKind } from '../snippets';
import { pickers, register, runner, type CommandContext } from './context';
import { COMMANDS, type CommandId } from './ids';

export function registerEndpointCommands(ctx: CommandContext & { security: EndpointSecurity }): vscode.Disposable[] {
  const { manager, security } = ctx;
  const { pickConnection } = pickers(manager);
  const run = runner(ctx.log);

  return [
    register(
      COMMANDS.copyEndpoint,
      run(async (arg?: unknown) => {
        const connection = await pickConnection(targetOf(arg, 'connection'));
        if (!connection) return undefined;
        if (!connection.endpoint) throw new Error(`${connection.label} has no endpoint (check the dynamoWorkspace.endpoint settings)`);
        await vscode.env.clipboard.writeText(connection.endpoint);
        void showMessage('info', `Copied ${connection.endpoint}`);
        return connection.endpoint;
      }),
    ),

    register(
      COMMANDS.copySnippet,
      run(async (arg?: unknown) => {
        const target = targetOf(arg);
        const connection = await pickConnection(target);
        if (!connection) return undefined;
        if (!connection.endpoint) throw new Error(`${connection.label} has no endpoint`);
        let kind: SnippetKind | undefined = option(arg, 'kind', Object.keys(SNIPPET_LABELS) as SnippetKind[]);
        if (!kind) {
          const pick = await vscode.window.showQuickPick(
            (Object.keys(SNIPPET_LABELS) as SnippetKind[]).map((k) => ({ label: SNIPPET_LABELS[k], snippet: k })),
            { title: 'Copy a snippet for' },
          );
          kind = pick?.snippet;
        }
        if (!kind) return undefined;
        const text = snippet(kind, connection.endpoint, target.tableName);
        await vscode.env.clipboard.writeText(text);
        void showMessage('info', `Copied the ${SNIPPET_LABELS[kind]} snippet.`);
        return text;
      }),
    ),

    register(
      COMMANDS.statusActions,
      run(async () => {
        const db = manager.workspaceDatabases().find((d) => d.connection) ?? manager.workspaceDatabases()[0];
        const actions: { label: string; command: CommandId | 'workbench.action.openSettings'; args?: unknown[] }[] = [
          { label: '$(copy) Copy Endpoint URL', command: COMMANDS.copyEndpoint },
          { label: '$(code) Copy SDK / CLI Snippet…', command: COMMANDS.copySnippet },
          { label: '$(add) Create Table…', command: COMMANDS.createTable },
          { label: '$(list-flat) Open Items…', command: COMMANDS.openItems },
          { label: '$(pulse) Inspect Requests', command: COMMANDS.openInspector },
          { label: '$(refresh) Refresh Explorer', command: COMMANDS.refresh },
          { label: '$(gear) Settings', command: 'workbench.action.openSettings', args: ['dynamoWorkspace'] },
        ];
        const pick = await vscode.window.showQuickPick(actions, { title: db ? `Dynamo Workspace — ${db.endpoint ?? db.label}` : 'Dynamo Workspace' });
        if (!pick) return;
        await vscode.commands.executeCommand(pick.command, ...(pick.args ?? (db && pick.command !== COMMANDS.refresh ? [{ connectionId: db.id }] : [])));
      }),
    ),

    register(COMMANDS.setEndpointAccessKey, async () => {
      if (!(await security.promptAccessKey())) return false;
      // Endpoints that require signatures pick up the new key now.
      for (const db of manager.workspaceDatabases()) if (db.state === 'open') await db.startEndpoint().catch(() => undefined);
      return true;
    }),
  ];
}
