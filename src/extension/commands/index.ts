// All commands and panel kinds, registered feature by feature. A feature adds its ids to ids.ts, its
// registerXCommands in its own file here, and one line below.
import type * as vscode from 'vscode';
import type { EndpointSecurity } from '../endpoint-security';
import { registerBackupCommands } from './backups';
import { registerConnectionCommands } from './connections';
import { registerCopyCommands } from './copy';
import type { CommandContext } from './context';
import { registerEndpointCommands } from './endpoint';
import { itemsPanelContext, registerItemCommands } from './items';
import { registerStreamCommands } from './streams';
import { designerContext, registerTableCommands } from './tables';
import { registerTtlCommands } from './ttl';
import { registerTimelineCommands } from './timeline';
import { registerDesignerPanel } from '../panels/designer-registration';
import { registerItemsPanel } from '../panels/items-registration';
import { registerStreamPanel, streamPanelContext } from '../panels/stream-registration';
import { capacityPanelContext, registerCapacityCommands } from './capacity';
import { registerCapacityPanel } from '../panels/capacity-registration';
import { registerTimelinePanel, timelineContext } from '../panels/timeline-registration';
import { registerInspectorCommands } from './inspector';
import { inspectorPanelContext, registerInspectorPanel } from '../panels/inspector-registration';

export type { CommandContext } from './context';
export { COMMANDS, type CommandId } from './ids';

export function registerCommands(ctx: CommandContext & { security: EndpointSecurity }): vscode.Disposable[] {
  const log = (line: string) => ctx.log.appendLine(`${new Date().toISOString()} ${line}`);
  return [
    // panels first: VS Code revives panels of the last session as soon as their serializer exists
    registerItemsPanel(itemsPanelContext(ctx), log),
    registerDesignerPanel(designerContext(ctx), log),
    registerStreamPanel(streamPanelContext(ctx), log),
    registerCapacityPanel(capacityPanelContext(ctx), log),
    registerTimelinePanel(timelineContext(ctx), log),
    registerInspectorPanel(inspectorPanelContext(ctx), log),
    ...registerConnectionCommands(ctx),
    ...registerEndpointCommands(ctx),
    ...registerTableCommands(ctx),
    ...registerItemCommands(ctx),
    ...registerCopyCommands(ctx),
    ...registerStreamCommands(ctx),
    ...registerCapacityCommands(ctx),
    ...registerTtlCommands(ctx),
    ...registerBackupCommands(ctx),
    ...registerTimelineCommands(ctx),
    ...registerInspectorCommands(ctx),
  ];
}
