// All commands, registered feature by feature. A feature adds its ids to ids.ts, its
// registerXCommands in its own file here, and one line below.
import type * as vscode from 'vscode';
import type { EndpointSecurity } from '../endpoint-security';
import { registerConnectionCommands } from './connections';
import { registerCopyCommands } from './copy';
import type { CommandContext } from './context';
import { registerEndpointCommands } from './endpoint';
import { registerItemCommands } from './items';
import { registerTableCommands } from './tables';

export type { CommandContext } from './context';
export { COMMANDS, type CommandId } from './ids';

export function registerCommands(ctx: CommandContext & { security: EndpointSecurity }): vscode.Disposable[] {
  return [
    ...registerConnectionCommands(ctx),
    ...registerEndpointCommands(ctx),
    ...registerTableCommands(ctx),
    ...registerItemCommands(ctx),
    ...registerCopyCommands(ctx),
  ];
}
