// "Copy Table to Connection…": a table's schema and items from one connection to another (a remote
// service into the workspace database and back, or within one database), around copyTable.
//
// Flow: the source table (the clicked row, or asked), the target connection (asked; every
// connection, the source's own included), the target name (default: the same name, or
// "<name>-copy" in the same database; checked as DynamoDB checks it while typing), a modal question
// when that table exists ("Copy into Existing Table" or nothing), then a cancellable progress
// notification; at the end the explorer refreshes and a finished copy opens in the items panel.
// Programmatic form (tests, other commands): {connectionId, tableName, targetConnectionId,
// targetTableName?, intoExisting?: true, open?: false}; nothing is asked for what it gives.
import * as vscode from 'vscode';
import { booleanField, stringField, targetOf } from '../command-args';
import { ConnectionError } from '../connection';
import { copyTable, type CopyProgress, type CopyResult } from '../copy';
import type { ConnectionEntry } from '../manager';
import { showMessage } from '../notify';
import { openItemsPanel } from '../panels/items-registration';
import { listAllTables } from '../tables';
import { formatBytes } from '../../protocol/capacity';
import { tableNameProblem } from '../../protocol/names';
import { pickers, register, runner, type CommandContext } from './context';
import { COMMANDS } from './ids';
import { itemsPanelContext } from './items';

export function registerCopyCommands(ctx: CommandContext): vscode.Disposable[] {
  const { manager, tree } = ctx;
  const { pickTable } = pickers(manager);
  const run = runner(ctx.log);

  const pickTarget = async (arg: unknown, sourceId: string): Promise<ConnectionEntry | undefined> => {
    const entries = manager.entries();
    const given = stringField(arg, 'targetConnectionId');
    if (given) {
      const entry = entries.find((e) => e.id === given);
      if (!entry) throw new ConnectionError('ValidationException', `There is no connection ${given}.`);
      return entry;
    }
    // other databases first: copying within one database is the rarer wish
    const ordered = [...entries.filter((e) => e.id !== sourceId), ...entries.filter((e) => e.id === sourceId)];
    const pick = await vscode.window.showQuickPick(
      ordered.map((e) => ({
        label: e.label,
        description: `${e.kind === 'workspace' ? 'workspace database' : 'remote'}${e.id === sourceId ? ' · the same database' : ''}`,
        entry: e,
      })),
      { title: 'Copy to which connection?', placeHolder: 'The database that receives the copy' },
    );
    return pick?.entry;
  };

  return [
    register(
      COMMANDS.copyTable,
      run(async (arg?: unknown): Promise<CopyResult | undefined> => {
        const source = await pickTable(targetOf(arg));
        if (!source) return undefined;
        const targetEntry = await pickTarget(arg, source.connection.id);
        if (!targetEntry) return undefined;
        const target = await manager.get(targetEntry.id);
        const existing = new Set(await listAllTables(target));

        let targetTable = stringField(arg, 'targetTableName');
        if (!targetTable) {
          const sameDatabase = target.id === source.connection.id;
          const suggested = sameDatabase ? `${source.tableName}-copy` : source.tableName;
          // VS Code validates only what is typed, not the value it opens with: the prompt warns about that one
          const taken = (name: string) => `${target.label} already has ${name}: you will be asked whether to copy into it`;
          targetTable = await vscode.window.showInputBox({
            title: `Copy ${source.tableName} to ${target.label}`,
            prompt: existing.has(suggested) ? `Name of the table in the target. ${taken(suggested)}` : 'Name of the table in the target',
            value: suggested,
            validateInput: (value) => {
              const problem = tableNameProblem(value);
              if (problem) return problem;
              if (sameDatabase && value === source.tableName) return 'That is the table being copied: choose another name';
              return existing.has(value)
                ? { message: taken(value), severity: vscode.InputBoxValidationSeverity.Warning }
                : undefined;
            },
          });
          if (!targetTable) return undefined;
        }

        let intoExisting = booleanField(arg, 'intoExisting') === true;
        if (existing.has(targetTable) && !intoExisting) {
          const answer = await vscode.window.showWarningMessage(
            `${target.label} already has a table named ${targetTable}. Copy the items of ${source.tableName} into it?`,
            { modal: true, detail: 'Items whose key is already there are overwritten; the others stay. The table keeps its own settings.' },
            'Copy into Existing Table',
          );
          if (answer !== 'Copy into Existing Table') return undefined;
          intoExisting = true;
        }

        const name = targetTable;
        const where = `${name} in ${target.label}`;
        const result = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Copying ${source.tableName} to ${target.label}`, cancellable: true },
          async (progress, token) => {
            const abort = new AbortController();
            const onCancel = token.onCancellationRequested(() => abort.abort());
            let shownPercent = 0;
            try {
              return await copyTable({
                source: source.connection,
                sourceTable: source.tableName,
                target,
                targetTable: name,
                intoExisting,
                signal: abort.signal,
                onProgress: (p) => {
                  const percent = p.estimatedTotal ? Math.min(100, Math.floor((p.items / p.estimatedTotal) * 100)) : 0;
                  progress.report({ message: progressText(p, name), increment: percent > shownPercent ? percent - shownPercent : undefined });
                  shownPercent = Math.max(shownPercent, percent);
                },
              });
            } finally {
              onCancel.dispose();
            }
          },
        );
        tree.refresh();
        const copied = `${result.items} item${result.items === 1 ? '' : 's'} (${formatBytes(result.bytes)})`;
        const notes = result.notes.length ? ` Note: ${result.notes.join('; ')}.` : '';
        if (result.cancelled) {
          const kept = result.created ? ` The new table is kept with what reached it; delete it if you do not want it.` : '';
          void showMessage('warning', `Copy cancelled: ${copied} copied into ${where}.${kept}`);
        } else {
          void showMessage('info', `Copied ${copied} from ${source.tableName} in ${source.connection.label} to ${where}.${notes}`);
        }
        if (booleanField(arg, 'open') !== false && !result.cancelled) await openItemsPanel(itemsPanelContext(ctx), target.id, name);
        return result;
      }),
    ),
  ];
}

function progressText(p: CopyProgress, tableName: string): string {
  if (p.stage === 'creating') return `creating ${tableName}…`;
  if (p.stage === 'waiting') return `waiting for ${tableName} to become active…`;
  const of = p.estimatedTotal ? ` of about ${p.estimatedTotal}` : '';
  const pace = Number.isFinite(p.writeRate) ? ` · paced to ${p.writeRate} WCU` : '';
  const throttled = p.throttled ? ` · ${p.throttled} throttled, retrying` : '';
  return `${p.items}${of} items (${formatBytes(p.bytes)})${pace}${throttled}`;
}
