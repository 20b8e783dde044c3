// The request inspector's command: open the live list of a connection's requests (from the
// status bar's actions, the connection's menu in the tree, or the palette, which asks).
import * as vscode from 'vscode';
import { targetOf } from '../command-args';
import { inspectorPanelContext, openInspectorPanel } from '../panels/inspector-registration';
import { pickers, register, runner, type CommandContext } from './context';
import { COMMANDS } from './ids';

export function registerInspectorCommands(ctx: CommandContext): vscode.Disposable[] {
  const { pickConnection } = pickers(ctx.manager);
  const run = runner(ctx.log);
  const inspectorContext = inspectorPanelContext(ctx);
  return [
    register(
      COMMANDS.openInspector,
      run(async (arg?: unknown) => {
        const connection = await pickConnection(targetOf(arg, 'connection'));
        if (!connection) return undefined;
        const panel = await openInspectorPanel(inspectorContext, connection.id);
        return panel.host.panel.title;
      }),
    ),
  ];
}
