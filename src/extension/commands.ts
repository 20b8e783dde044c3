// Palette and menu commands. Each accepts the tree node it was invoked on, or a plain
// { connectionId, tableName, ... } argument (what the tests and other commands pass), read
// through command-args.ts: anything else is treated as nothing given, and the command asks.
// Every message goes through notify.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { confirmed, connectionNode, endpointProblem, objectField, option, remoteSetting, stringField, targetOf, type TableTarget } from './command-args';
import { ConnectionError, describeError, type Connection } from './connection';
import type { ConnectionEntry, ConnectionManager, RemoteSetting } from './manager';
import { showMessage } from './notify';
import { DesignerPanel, createTableFromDraft, type CreateTableResult } from './panels/designer-panel';
import { ItemsPanel } from './panels/items-panel';
import { SNIPPET_LABELS, snippet, type SnippetKind } from './snippets';
import { describeTable, keyElements, listAllTables, tableKeyNames } from './tables';
import { EXISTING_ITEMS, formatItems, hasAnyItem, importItems, parseItemsFile, readAllItems, type ExistingItems, type ExportFormat } from './transfer';
import type { ExplorerTree } from './tree';
import { draftFromPartial } from '../protocol/table-designer';
import type { Item } from '../protocol/dynamo-json';
import { validateItem } from '../protocol/dynamo-json';

export type { TableTarget } from './command-args';

export interface CommandContext {
  extensionUri: vscode.Uri;
  manager: ConnectionManager;
  tree: ExplorerTree;
  log: vscode.OutputChannel;
}

const EXPORT_FORMATS = ['json', 'dynamodb-json', 'jsonl', 'csv'] as const;

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const { manager, tree } = ctx;

  const pickEntry = async (target: TableTarget): Promise<ConnectionEntry | undefined> => {
    const entries = manager.entries();
    if (target.connectionId) {
      const entry = entries.find((e) => e.id === target.connectionId);
      if (!entry) throw new Error(`There is no connection ${target.connectionId}.`);
      return entry;
    }
    if (entries.length === 0) {
      void showMessage('warning', 'Open a folder for a workspace database, or add a remote connection.');
      return undefined;
    }
    if (entries.length === 1) return entries[0];
    const pick = await vscode.window.showQuickPick(
      entries.map((e) => ({ label: e.label, description: e.kind === 'workspace' ? 'workspace database' : 'remote', entry: e })),
      { title: 'Connection', placeHolder: 'Choose a database' },
    );
    return pick?.entry;
  };

  const pickConnection = async (target: TableTarget): Promise<Connection | undefined> => {
    const entry = await pickEntry(target);
    return entry ? manager.get(entry.id) : undefined;
  };

  const pickTable = async (target: TableTarget): Promise<{ connection: Connection; tableName: string } | undefined> => {
    const connection = await pickConnection(target);
    if (!connection) return undefined;
    if (target.tableName) return { connection, tableName: target.tableName };
    const names = await listAllTables(connection);
    if (!names.length) {
      void showMessage('info', `${connection.label} has no tables yet.`);
      return undefined;
    }
    const tableName = await vscode.window.showQuickPick(names, { title: 'Table', placeHolder: `A table of ${connection.label}` });
    return tableName ? { connection, tableName } : undefined;
  };

  const afterWrite = () => tree.refresh();
  const itemsContext = {
    extensionUri: ctx.extensionUri,
    getConnection: (id: string) => manager.get(id),
    onDidWrite: () => afterWrite(),
  };

  const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => async (...args: A): Promise<R | undefined> => {
    try {
      return await fn(...args);
    } catch (e) {
      ctx.log.appendLine(`${new Date().toISOString()} ${describeError(e)}`);
      void showMessage('error', describeError(e));
      return undefined;
    }
  };

  const created = (label: string) => (r: CreateTableResult) => {
    tree.refresh();
    void showMessage('info', `Created table ${r.tableName} in ${label}.${r.warnings.length ? ` ${r.warnings.join(' ')}` : ''}`);
  };

  const reg = (id: string, fn: (...args: any[]) => unknown) => vscode.commands.registerCommand(id, fn);

  return [
    reg('dynamoWorkspace.refresh', () => {
      tree.refresh();
      manager.refresh();
    }),

    reg(
      'dynamoWorkspace.createTable',
      run(async (arg?: unknown) => {
        const entry = await pickEntry(targetOf(arg, 'connection'));
        if (!entry) return undefined;
        const target = { id: entry.id, label: entry.label, open: () => manager.get(entry.id) };
        const partial = objectField(arg, 'draft');
        if (partial) {
          // programmatic use: create directly from a draft (validated exactly as the form does)
          const { draft, problems } = draftFromPartial(partial);
          if (!draft) throw new ConnectionError('ValidationException', problems.map((p) => p.message).join('; '));
          const result = await createTableFromDraft(await target.open(), draft);
          created(entry.label)(result);
          return result;
        }
        DesignerPanel.show(ctx.extensionUri, target, created(entry.label));
        return undefined;
      }),
    ),

    reg(
      'dynamoWorkspace.deleteTable',
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

    reg(
      'dynamoWorkspace.openItems',
      run(async (arg?: unknown) => {
        const t = await pickTable(targetOf(arg));
        if (!t) return undefined;
        const panel = await ItemsPanel.show(itemsContext, t.connection.id, t.tableName);
        return panel.host.panel.title;
      }),
    ),

    reg(
      'dynamoWorkspace.putItem',
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
        await ItemsPanel.show(itemsContext, t.connection.id, t.tableName, { mode: 'create', item: template });
        return undefined;
      }),
    ),

    reg(
      'dynamoWorkspace.importItems',
      run(async (arg?: unknown) => {
        const t = await pickTable(targetOf(arg));
        if (!t) return undefined;
        const given = stringField(arg, 'uri');
        const givenUri = arg && typeof arg === 'object' && (arg as { uri?: unknown }).uri instanceof vscode.Uri ? ((arg as { uri: vscode.Uri }).uri) : undefined;
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

    reg(
      'dynamoWorkspace.exportItems',
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

    reg(
      'dynamoWorkspace.copyEndpoint',
      run(async (arg?: unknown) => {
        const connection = await pickConnection(targetOf(arg, 'connection'));
        if (!connection) return undefined;
        if (!connection.endpoint) throw new Error(`${connection.label} has no endpoint (check the dynamoWorkspace.endpoint settings)`);
        await vscode.env.clipboard.writeText(connection.endpoint);
        void showMessage('info', `Copied ${connection.endpoint}`);
        return connection.endpoint;
      }),
    ),

    reg(
      'dynamoWorkspace.copySnippet',
      run(async (arg?: unknown) => {
        const target = targetOf(arg);
        const connection = await pickConnection(target);
        if (!connection) return undefined;
        if (!connection.endpoint) throw new Error(`${connection.label} has no endpoint`);
        let kind: SnippetKind | undefined = option(arg, 'kind', Object.keys(SNIPPET_LABELS) as SnippetKind[]);
        if (!kind) {
          const pick = await vscode.window.showQuickPick(
            (Object.keys(SNIPPET_LABELS) as SnippetKind[]).map((k) => ({ label: SNIPPET_LABELS[k], snippet: k })),
            { title: 'Copy a snippet for' },
          );
          kind = pick?.snippet;
        }
        if (!kind) return undefined;
        const text = snippet(kind, connection.endpoint, target.tableName);
        await vscode.env.clipboard.writeText(text);
        void showMessage('info', `Copied the ${SNIPPET_LABELS[kind]} snippet.`);
        return text;
      }),
    ),

    reg(
      'dynamoWorkspace.addConnection',
      run(async (arg?: unknown) => {
        // a view-title click hands over the selected row: only a complete setting is taken as one
        let setting = remoteSetting(arg);
        if (!setting) {
          const how = await vscode.window.showQuickPick(
            [
              { label: '$(globe) Endpoint URL', description: 'DynamoDB Local, ScyllaDB Alternator, another workspace', how: 'endpoint' },
              { label: '$(cloud) AWS profile and region', description: 'uses the SDK’s credential chain', how: 'aws' },
            ],
            { title: 'Add a connection' },
          );
          if (!how) return undefined;
          if (how.how === 'endpoint') {
            const endpoint = await vscode.window.showInputBox({
              title: 'Endpoint URL',
              value: 'http://127.0.0.1:8000',
              validateInput: endpointProblem,
            });
            if (!endpoint) return undefined;
            const region = await vscode.window.showInputBox({ title: 'Region (optional)', value: 'us-east-1' });
            setting = { name: new URL(endpoint).host, endpoint, region: region || undefined };
          } else {
            const profile = await vscode.window.showInputBox({ title: 'AWS profile (empty: default credential chain)' });
            const region = await vscode.window.showInputBox({ title: 'Region', value: 'us-east-1', validateInput: (v) => (v.trim() ? undefined : 'A region is required') });
            if (!region) return undefined;
            setting = { name: `AWS ${profile || 'default'} ${region}`, profile: profile || undefined, region };
          }
          const name = await vscode.window.showInputBox({ title: 'Name of the connection', value: setting.name });
          if (!name) return undefined;
          setting.name = name;
        }
        const config = vscode.workspace.getConfiguration('dynamoWorkspace');
        const list = (config.get<RemoteSetting[]>('connections') ?? []).filter((c) => c.name !== setting!.name);
        list.push(Object.fromEntries(Object.entries(setting).filter(([, v]) => v !== undefined)) as unknown as RemoteSetting);
        await config.update('connections', list, vscode.ConfigurationTarget.Global);
        return setting.name;
      }),
    ),

    reg(
      'dynamoWorkspace.removeConnection',
      run(async (arg?: unknown) => {
        const config = vscode.workspace.getConfiguration('dynamoWorkspace');
        const list = config.get<RemoteSetting[]>('connections') ?? [];
        const node = connectionNode(arg);
        let name = typeof arg === 'string' ? arg : node?.kind === 'remote' ? node.label : undefined;
        if (name !== undefined && !list.some((c) => c.name === name)) {
          void showMessage('error', `There is no remote connection named "${name}".`);
          return false;
        }
        if (name === undefined) {
          if (!list.length) {
            void showMessage('info', 'There are no remote connections to remove.');
            return false;
          }
          name = await vscode.window.showQuickPick(list.map((c) => c.name), { title: 'Remove connection' });
        }
        if (!name) return false;
        await config.update('connections', list.filter((c) => c.name !== name), vscode.ConfigurationTarget.Global);
        return true;
      }),
    ),

    reg(
      'dynamoWorkspace.statusActions',
      run(async () => {
        const db = manager.workspaceDatabases().find((d) => d.connection) ?? manager.workspaceDatabases()[0];
        const actions = [
          { label: '$(copy) Copy Endpoint URL', command: 'dynamoWorkspace.copyEndpoint' },
          { label: '$(code) Copy SDK / CLI Snippet…', command: 'dynamoWorkspace.copySnippet' },
          { label: '$(add) Create Table…', command: 'dynamoWorkspace.createTable' },
          { label: '$(list-flat) Open Items…', command: 'dynamoWorkspace.openItems' },
          { label: '$(refresh) Refresh Explorer', command: 'dynamoWorkspace.refresh' },
          { label: '$(gear) Settings', command: 'workbench.action.openSettings', args: ['dynamoWorkspace'] },
        ];
        const pick = await vscode.window.showQuickPick(actions, { title: db ? `Dynamo Workspace — ${db.endpoint ?? db.label}` : 'Dynamo Workspace' });
        if (!pick) return;
        await vscode.commands.executeCommand(pick.command, ...(pick.args ?? (db && pick.command !== 'dynamoWorkspace.refresh' ? [{ connectionId: db.id }] : [])));
      }),
    ),

    reg(
      'dynamoWorkspace.revealDataFolder',
      run(async (arg?: unknown) => {
        // only workspace databases have a data folder: a remote row or anything else falls back to the first
        const id = targetOf(arg, 'connection').connectionId;
        const dbs = manager.workspaceDatabases();
        const db = dbs.find((d) => d.id === id) ?? dbs[0];
        if (!db) {
          void showMessage('info', 'Open a folder: its workspace database keeps its data in a folder inside it.');
          return false;
        }
        if (!fs.existsSync(db.dir)) {
          void showMessage('info', `${db.label} has no data folder yet: it is created at ${db.dir} when the database first opens.`);
          return false;
        }
        await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(db.dir));
        return true;
      }),
    ),
  ];
}
