// Time-to-live commands: enable (on an attribute) and disable, from the TTL row's menu or with a
// plain `{connectionId, tableName, attributeName?}`. The row then follows the change until it
// settles (tree/nodes/ttl-node.ts).
import * as vscode from 'vscode';
import { stringField, targetOf } from '../command-args';
import { ConnectionError } from '../connection';
import { showMessage } from '../notify';
import { pickers, register, runner, type CommandContext } from './context';
import { COMMANDS } from './ids';

function attributeProblem(name: string): string | undefined {
  return name.length >= 1 && Buffer.byteLength(name, 'utf8') <= 255 ? undefined : 'An attribute name of 1 to 255 bytes';
}

export function registerTtlCommands(ctx: CommandContext): vscode.Disposable[] {
  const { manager, tree } = ctx;
  const { pickTable } = pickers(manager);
  const run = runner(ctx.log);

  return [
    register(
      COMMANDS.enableTtl,
      run(async (arg?: unknown) => {
        const t = await pickTable(targetOf(arg));
        if (!t) return undefined;
        let attributeName = stringField(arg, 'attributeName');
        if (attributeName !== undefined && attributeProblem(attributeName)) throw new ConnectionError('ValidationException', attributeProblem(attributeName)!);
        attributeName ??= await vscode.window.showInputBox({
          title: `Enable time to live on ${t.tableName}`,
          prompt: 'The attribute that holds each item’s expiry time, in epoch seconds (a Number)',
          value: 'expiresAt',
          validateInput: attributeProblem,
        });
        if (!attributeName) return undefined;
        const out = await t.connection.send('UpdateTimeToLive', { TableName: t.tableName, TimeToLiveSpecification: { Enabled: true, AttributeName: attributeName } });
        tree.refreshTable(t.connection.id, t.tableName);
        void showMessage('info', `Time to live is being enabled on ${t.tableName}.${attributeName}: items expire once the time in it has passed.`);
        return out.TimeToLiveSpecification;
      }),
    ),

    register(
      COMMANDS.disableTtl,
      run(async (arg?: unknown) => {
        const t = await pickTable(targetOf(arg));
        if (!t) return undefined;
        const current = (await t.connection.send('DescribeTimeToLive', { TableName: t.tableName })).TimeToLiveDescription ?? {};
        if (current.TimeToLiveStatus !== 'ENABLED') throw new ConnectionError('ValidationException', `Time to live on ${t.tableName} is ${String(current.TimeToLiveStatus ?? 'DISABLED').toLowerCase()}: there is nothing to disable now`);
        const out = await t.connection.send('UpdateTimeToLive', { TableName: t.tableName, TimeToLiveSpecification: { Enabled: false, AttributeName: current.AttributeName } });
        tree.refreshTable(t.connection.id, t.tableName);
        void showMessage('info', `Time to live is being disabled on ${t.tableName}: items no longer expire.`);
        return out.TimeToLiveSpecification;
      }),
    ),
  ];
}
