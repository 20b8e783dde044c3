// Item commands: open the items panel, put an item (directly, or in the panel's editor), import
// items from a file and export them to one.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { objectField, option, querySpecField, stringField, targetOf } from '../command-args';
import { showMessage } from '../notify';
import { ItemsPanel, type ItemsPanelContext } from '../panels/items-panel';
import { openItemsPanel } from '../panels/items-registration';
import { describeTable, keyElements, tableKeyNames } from '../tables';
import { EXISTING_ITEMS, formatItems, hasAnyItem, importItems, parseItemsFile, readAllItems, type ExistingItems, type ExportFormat } from '../transfer';
import type { Item } from '../../protocol/dynamo-json';
import { validateItem } from '../../protocol/dynamo-json';
import { pickers, register, runner, type CommandContext } from './context';
import { COMMANDS } from './ids';

const EXPORT_FORMATS = ['json', 'dynamodb-json', 'jsonl', 'csv'] as const;

/** What the items panel needs from the extension: connections, and a way to tell the tree about writes. */
export function itemsPanelContext(ctx: CommandContext): ItemsPanelContext {
  return {
    extensionUri: ctx.extensionUri,
    getConnection: (id: string) => ctx.manager.get(id),
    onDidWrite: () => ctx.tree.refresh(),
  };
}

export function registerItemCommands(ctx: CommandContext): vscode.Disposable[] {
  const { manager, tree } = ctx;
  const { pickTable } = pickers(manager);
  const run = runner(ctx.log);
  const itemsContext = itemsPanelContext(ctx);

  return [
    register(
      COMMANDS.openItems,
      run(async (arg?: unknown) => {
        const t = await pickTable(targetOf(arg));
        if (!t) return undefined;
        // the request inspector opens a request's item (`openEditor: {mode: 'edit', item}`) or its query (`spec`)
        const editor = objectField(arg, 'openEditor');
        const item = editor?.mode === 'edit' ? validateItem(editor.item).item : undefined;
        const panel = await openItemsPanel(itemsContext, t.connection.id, t.tableName, item && { mode: 'edit', item }, querySpecField(arg));
        return panel.host.panel.title;
      }),
    ),

    register(
      COMMANDS.putItem,
      run(async (arg?: unknown) => {
        const t = await pickTable(targetOf(arg));
        if (!t) return undefined;
        const given = objectField(arg, 'item');
        if (given) {
          const { item, problems } = validateItem(given);
          if (!item) throw new Error(problems.join('; '));
          await t.connection.send('PutItem', { TableName: t.tableName, Item: item });
          tree.refresh();
          ItemsPanel.find(t.connection.id, t.tableName)?.host.notify('refresh', undefined);
          return item;
        }
        // interactive: the items panel opens its editor on a new item with the key attributes filled in
        const desc = await describeTable(t.connection, t.tableName);
        const { partition, sort } = keyElements(desc, desc.KeySchema);
        const template: Item = { [partition.name]: partition.type === 'N' ? { N: '0' } : { S: '' } };
        if (sort) template[sort.name] = sort.type === 'N' ? { N: '0' } : { S: '' };
        await openItemsPanel(itemsContext, t.connection.id, t.tableName, { mode: 'create', item: template });
        return undefined;
      }),
    ),

    register(
      COMMANDS.importItems,
      run(async (arg?: unknown) => {
        const t = await pickTable(targetOf(arg));
        if (!t) return undefined;
        const given = stringField(arg, 'uri');
        const givenUri = arg && typeof arg === 'object' && (arg as { uri?: unknown }).uri instanceof vscode.Uri ? (arg as { uri: vscode.Uri }).uri : undefined;
        let uri = givenUri ?? (given ? vscode.Uri.file(given) : undefined);
        if (!uri) {
          const picked = await vscode.window.showOpenDialog({
            title: `Import items into ${t.tableName}`,
            canSelectMany: false,
            filters: { 'Items (JSON, JSON lines, CSV)': ['json', 'jsonl', 'ndjson', 'csv'] },
          });
          uri = picked?.[0];
        }
        if (!uri) return undefined;
        const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
        const items = parseItemsFile(text, uri.path);
        // asked once per import, and only when there is something an item could overwrite
        let existing: ExistingItems | undefined = option(arg, 'existing', EXISTING_ITEMS);
        if (!existing && !(await hasAnyItem(t.connection, t.tableName))) existing = 'overwrite';
        if (!existing) {
          const pick = await vscode.window.showQuickPick(
            [
              { label: 'Skip items whose key exists', description: 'keeps what the table has (a conditional put per item)', existing: 'skip' as const },
              { label: 'Overwrite existing items', description: 'the file wins', existing: 'overwrite' as const },
              { label: 'Cancel', description: 'import nothing', existing: undefined },
            ],
            { title: `Import ${items.length} item${items.length === 1 ? '' : 's'} into ${t.tableName}, which already has items`, placeHolder: 'What to do with items whose key is already in the table' },
          );
          existing = pick?.existing;
        }
        if (!existing) return undefined;
        const keyNames = await tableKeyNames(t.connection, t.tableName);
        const mode = existing;
        const result = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Importing ${items.length} items into ${t.tableName}`, cancellable: false },
          (progress) => importItems(t.connection, t.tableName, items, { existing: mode, keyNames }, (done) => progress.report({ message: `${done}/${items.length}` })),
        );
        tree.refresh();
        ItemsPanel.find(t.connection.id, t.tableName)?.host.notify('refresh', undefined);
        const summary = `Imported into ${t.tableName}: ${result.written} written, ${result.skipped} skipped (key already there), ${result.failed} failed.`;
        void showMessage(result.failed ? 'warning' : 'info', result.failed ? `${summary} First failure: ${result.errors[0]}` : summary);
        return { written: result.written, skipped: result.skipped, failed: result.failed };
      }),
    ),

    register(
      COMMANDS.exportItems,
      run(async (arg?: unknown) => {
        const t = await pickTable(targetOf(arg));
        if (!t) return undefined;
        let format: ExportFormat | undefined = option(arg, 'format', EXPORT_FORMATS);
        if (!format) {
          const pick = await vscode.window.showQuickPick(
            [
              { label: 'JSON', description: 'plain JSON array', format: 'json' as const },
              { label: 'DynamoDB JSON', description: '{"Items": [...]} as Scan returns it', format: 'dynamodb-json' as const },
              { label: 'JSON lines', description: 'one DynamoDB JSON item per line', format: 'jsonl' as const },
              { label: 'CSV', description: 'one column per attribute', format: 'csv' as const },
            ],
            { title: `Export ${t.tableName} as` },
          );
          format = pick?.format;
        }
        if (!format) return undefined;
        const given = stringField(arg, 'uri');
        let uri = given ? vscode.Uri.file(given) : undefined;
        if (!uri) {
          const ext = format === 'csv' ? 'csv' : format === 'jsonl' ? 'jsonl' : 'json';
          const base = vscode.workspace.workspaceFolders?.[0]?.uri;
          uri = await vscode.window.showSaveDialog({
            title: `Export ${t.tableName}`,
            defaultUri: base ? vscode.Uri.joinPath(base, `${t.tableName}.${ext}`) : undefined,
            filters: { [format.toUpperCase()]: [ext] },
          });
        }
        if (!uri) return undefined;
        const keyNames = await tableKeyNames(t.connection, t.tableName);
        const items = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Exporting ${t.tableName}` },
          (progress) => readAllItems(t.connection, t.tableName, (n) => progress.report({ message: `${n} items` })),
        );
        await vscode.workspace.fs.writeFile(uri, Buffer.from(formatItems(items, format, keyNames), 'utf8'));
        void showMessage('info', `Exported ${items.length} items to ${path.basename(uri.fsPath)}.`);
        return items.length;
      }),
    ),
  ];
}
