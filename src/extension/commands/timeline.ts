// The timeline command: Open Timeline on a table (its row, its Backups row, the palette, or
// `{connectionId, tableName}`). The panel kind itself is registered with the others (index.ts).
import type * as vscode from 'vscode';
import { targetOf } from '../command-args';
import { openTimelinePanel, tableOfRow, timelineContext } from '../panels/timeline-registration';
import { pickers, register, runner, type CommandContext } from './context';
import { COMMANDS } from './ids';

export function registerTimelineCommands(ctx: CommandContext): vscode.Disposable[] {
  const { pickTable } = pickers(ctx.manager);
  const run = runner(ctx.log);
  const timeline = timelineContext(ctx);
  return [
    register(
      COMMANDS.openTimeline,
      run(async (arg?: unknown) => {
        const t = await pickTable(tableOfRow(arg) ?? targetOf(arg));
        if (!t) return undefined;
        const panel = await openTimelinePanel(timeline, t.connection.id, t.tableName);
        return panel.host.panel.title;
      }),
    ),
  ];
}
