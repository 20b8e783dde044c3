// Table commands: create (the form, or directly from a draft) and delete (after a confirmation).
import * as vscode from 'vscode';
import { confirmed, objectField, targetOf } from '../command-args';
import { ConnectionError } from '../connection';
import { showMessage } from '../notify';
import { createTableFromDraft, type CreateTableResult } from '../panels/designer-panel';
import { openDesigner, type DesignerContext } from '../panels/designer-registration';
import { ItemsPanel } from '../panels/items-panel';
import { draftFromPartial } from '../../protocol/table-designer';
import { pickers, register, runner, type CommandContext } from './context';
import { COMMANDS } from './ids';

/** What the create-table form needs: a created table shows in the tree, with a message. */
export function designerContext(ctx: CommandContext): DesignerContext {
  return {
    extensionUri: ctx.extensionUri,
    manager: ctx.manager,
    onCreated: (label: string, r: CreateTableResult) => {
      ctx.tree.refresh();
      void showMessage('info', `Created table ${r.tableName} in ${label}.${r.warnings.length ? ` ${r.warnings.join(' ')}` : ''}`);
    },
  };
}

export function registerTableCommands(ctx: CommandContext): vscode.Disposable[] {
  const { manager, tree } = ctx;
  const { pickEntry, pickTable } = pickers(manager);
  const run = runner(ctx.log);

  const designer = designerContext(ctx);

  return [
    register(
      COMMANDS.createTable,
      run(async (arg?: unknown) => {
        const entry = await pickEntry(targetOf(arg, 'connection'));
        if (!entry) return undefined;
        const partial = objectField(arg, 'draft');
        if (partial) {
          // programmatic use: create directly from a draft (validated exactly as the form does)
          const { draft, problems } = draftFromPartial(partial);
          if (!draft) throw new ConnectionError('ValidationException', problems.map((p) => p.message).join('; '));
          const result = await createTableFromDraft(await manager.get(entry.id), draft);
          designer.onCreated(entry.label, result);
          return result;
        }
        await openDesigner(designer, entry.id);
        return undefined;
      }),
    ),

    register(
      COMMANDS.deleteTable,
      run(async (arg?: unknown) => {
        const t = await pickTable(targetOf(arg));
        if (!t) return false;
        if (!confirmed(arg)) {
          const answer = await vscode.window.showWarningMessage(
            `Delete table "${t.tableName}" and all its items from ${t.connection.label}?`,
            { modal: true, detail: 'This cannot be undone.' },
            'Delete Table',
          );
          if (answer !== 'Delete Table') return false;
        }
        await t.connection.send('DeleteTable', { TableName: t.tableName });
        ItemsPanel.find(t.connection.id, t.tableName)?.host.panel.dispose();
        tree.refresh();
        void showMessage('info', `Deleted table ${t.tableName}.`);
        return true;
      }),
    ),
  ];
}
