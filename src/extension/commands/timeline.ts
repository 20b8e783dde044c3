// The timeline command: Open Timeline on a table (its row, its Backups row, the palette, or
// `{connectionId, tableName}`), and the serializer that reopens a timeline after a window reload.
import type * as vscode from 'vscode';
import { targetOf } from '../command-args';
import { TimelinePanel } from '../panels/timeline-panel';
import { registerTimelineSerializer, tableOfRow, timelineContext } from '../panels/timeline-registration';
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
        const panel = await TimelinePanel.show(timeline, t.connection.id, t.tableName);
        return panel.host.panel.title;
      }),
    ),
    registerTimelineSerializer(timeline),
  ];
}
