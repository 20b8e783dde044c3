// The stream view's command: open the live view of a table's stream (from the table's menu, the
// tree's Stream row, or the palette, which asks for the table).
import * as vscode from 'vscode';
import { targetOf } from '../command-args';
import { openStreamPanel, streamPanelContext } from '../panels/stream-registration';
import { pickers, register, runner, type CommandContext } from './context';
import { COMMANDS } from './ids';

export function registerStreamCommands(ctx: CommandContext): vscode.Disposable[] {
  const { pickTable } = pickers(ctx.manager);
  const run = runner(ctx.log);
  const streamContext = streamPanelContext(ctx);
  return [
    register(
      COMMANDS.openStream,
      run(async (arg?: unknown) => {
        const t = await pickTable(targetOf(arg));
        if (!t) return undefined;
        const panel = await openStreamPanel(streamContext, t.connection.id, t.tableName);
        return panel.host.panel.title;
      }),
    ),
  ];
}
