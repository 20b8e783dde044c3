// Capacity commands: open a table's capacity & cost panel (from its menu, its Capacity row, the
// palette, or the throttling status item), and the throttling status item itself.
import type * as vscode from 'vscode';
import { stringField, targetOf } from '../command-args';
import type { CapacityPanelContext } from '../panels/capacity-panel';
import { openCapacityPanel } from '../panels/capacity-registration';
import { ThrottleStatus } from '../throttle-status';
import { pickers, register, runner, type CommandContext } from './context';
import { COMMANDS } from './ids';

export function capacityPanelContext(ctx: CommandContext): CapacityPanelContext {
  return { extensionUri: ctx.extensionUri, getConnection: (id: string) => ctx.manager.get(id) };
}

/** The throttling status item of this window, while the extension is active (for tests). */
export let throttleStatus: ThrottleStatus | undefined;

export function registerCapacityCommands(ctx: CommandContext): vscode.Disposable[] {
  const { pickTable } = pickers(ctx.manager);
  const run = runner(ctx.log);
  const panelContext = capacityPanelContext(ctx);
  const status = new ThrottleStatus(ctx.manager);
  throttleStatus = status;
  return [
    status,
    { dispose: () => (throttleStatus = throttleStatus === status ? undefined : throttleStatus) },
    register(
      COMMANDS.openCapacity,
      // a table row, {connectionId, tableName, index?}, or nothing (then it asks)
      run(async (arg?: unknown) => {
        const t = await pickTable(targetOf(arg));
        if (!t) return undefined;
        const panel = await openCapacityPanel(panelContext, t.connection.id, t.tableName, stringField(arg, 'index'));
        return panel.host.panel.title;
      }),
    ),
  ];
}
