// Palette and menu commands. Each accepts the tree node it was invoked on, or a plain
// { connectionId, tableName, ... } argument (what the tests and other commands pass).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeError, type Connection } from './connection';
import type { ConnectionEntry, ConnectionManager, RemoteSetting } from './manager';
import { DesignerPanel, createTableFromDraft, type CreateTableResult } from './panels/designer-panel';
import { ItemsPanel } from './panels/items-panel';
import { SNIPPET_LABELS, snippet, type SnippetKind } from './snippets';
import { describeTable, keyElements, listAllTables } from './tables';
import { formatItems, parseItemsFile, readAllItems, writeItems, type ExportFormat } from './transfer';
import type { ExplorerTree, Node } from './tree';
import { EMPTY_DRAFT, type TableDraft } from '../protocol/table-designer';
import type { Item } from '../protocol/dynamo-json';
import { validateItem } from '../protocol/dynamo-json';

export interface TableTarget {
  connectionId?: string;
  tableName?: string;
}

export interface CommandContext {
  extensionUri: vscode.Uri;
  manager: ConnectionManager;
  tree: ExplorerTree;
  log: vscode.OutputChannel;
}

function asTarget(arg: unknown): TableTarget {
  if (!arg || typeof arg !== 'object') return {};
  const a = arg as Partial<Node> & TableTarget & { entry?: { id: string } };
  if (a.type === 'connection' && a.entry) return { connectionId: a.entry.id };
  return { connectionId: a.connectionId, tableName: a.tableName };
}

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const { manager, tree } = ctx;

  const pickEntry = async (target: TableTarget): Promise<ConnectionEntry | undefined> => {
    const entries = manager.entries();
    if (target.connectionId) {
      const entry = entries.find((e) => e.id === target.connectionId);
      if (!entry) throw new Error(`No connection ${target.connectionId}`);
      return entry;
    }
    if (entries.length === 0) {
      void vscode.window.showWarningMessage('Open a folder for a workspace database, or add a remote connection.');
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
      void vscode.window.showInformationMessage(`${connection.label} has no tables yet.`);
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
      void vscode.window.showErrorMessage(describeError(e));
      return undefined;
    }
  };

  const created = (label: string) => (r: CreateTableResult) => {
    tree.refresh();
    void vscode.window.showInformationMessage(`Created table ${r.tableName} in ${label}.${r.warnings.length ? ` ${r.warnings.join(' ')}` : ''}`);
  };

  const reg = (id: string, fn: (...args: any[]) => unknown) => vscode.commands.registerCommand(id, fn);

  return [
    reg('dynamoWorkspace.refresh', () => {
      tree.refresh();
      manager.refresh();
    }),

    reg(
      'dynamoWorkspace.createTable',
      run(async (arg?: TableTarget & { draft?: Partial<TableDraft> }) => {
        const entry = await pickEntry(asTarget(arg));
        if (!entry) return undefined;
        const target = { id: entry.id, label: entry.label, open: () => manager.get(entry.id) };
        if (arg?.draft) {
          // programmatic use: create directly from a draft (validated exactly as the form does)
          const result = await createTableFromDraft(await target.open(), { ...structuredClone(EMPTY_DRAFT), ...arg.draft });
          created(entry.label)(result);
          return result;
        }
        DesignerPanel.show(ctx.extensionUri, target, created(entry.label));
        return undefined;
      }),
    ),

    reg(
      'dynamoWorkspace.deleteTable',
      run(async (arg?: TableTarget & { confirmed?: boolean }) => {
        const t = await pickTable(asTarget(arg));
        if (!t) return false;
        if (!arg?.confirmed) {
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
        void vscode.window.showInformationMessage(`Deleted table ${t.tableName}.`);
        return true;
      }),
    ),

    reg(
      'dynamoWorkspace.openItems',
      run(async (arg?: TableTarget) => {
        const t = await pickTable(asTarget(arg));
        if (!t) return undefined;
        const panel = await ItemsPanel.show(itemsContext, t.connection.id, t.tableName);
        return panel.host.panel.title;
      }),
    ),

    reg(
      'dynamoWorkspace.putItem',
      run(async (arg?: TableTarget & { item?: Item }) => {
        const t = await pickTable(asTarget(arg));
        if (!t) return undefined;
        if (arg?.item) {
          const { item, problems } = validateItem(arg.item);
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
      run(async (arg?: TableTarget & { uri?: vscode.Uri | string }) => {
        const t = await pickTable(asTarget(arg));
        if (!t) return undefined;
        let uri = typeof arg?.uri === 'string' ? vscode.Uri.file(arg.uri) : arg?.uri;
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
        const count = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Importing ${items.length} items into ${t.tableName}`, cancellable: false },
          (progress) => writeItems(t.connection, t.tableName, items, (done) => progress.report({ message: `${done}/${items.length}` })),
        );
        tree.refresh();
        ItemsPanel.find(t.connection.id, t.tableName)?.host.notify('refresh', undefined);
        void vscode.window.showInformationMessage(`Imported ${count} items into ${t.tableName}.`);
        return count;
      }),
    ),

    reg(
      'dynamoWorkspace.exportItems',
      run(async (arg?: TableTarget & { uri?: vscode.Uri | string; format?: ExportFormat }) => {
        const t = await pickTable(asTarget(arg));
        if (!t) return undefined;
        let format = arg?.format;
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
        let uri = typeof arg?.uri === 'string' ? vscode.Uri.file(arg.uri) : arg?.uri;
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
        const desc = await describeTable(t.connection, t.tableName);
        const { partition, sort } = keyElements(desc, desc.KeySchema);
        const items = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Exporting ${t.tableName}` },
          (progress) => readAllItems(t.connection, t.tableName, (n) => progress.report({ message: `${n} items` })),
        );
        await vscode.workspace.fs.writeFile(uri, Buffer.from(formatItems(items, format, [partition.name, ...(sort ? [sort.name] : [])]), 'utf8'));
        void vscode.window.showInformationMessage(`Exported ${items.length} items to ${path.basename(uri.fsPath)}.`);
        return items.length;
      }),
    ),

    reg(
      'dynamoWorkspace.copyEndpoint',
      run(async (arg?: TableTarget) => {
        const connection = await pickConnection(asTarget(arg));
        if (!connection) return undefined;
        if (!connection.endpoint) throw new Error(`${connection.label} has no endpoint (check the dynamoWorkspace.endpoint settings)`);
        await vscode.env.clipboard.writeText(connection.endpoint);
        void vscode.window.showInformationMessage(`Copied ${connection.endpoint}`);
        return connection.endpoint;
      }),
    ),

    reg(
      'dynamoWorkspace.copySnippet',
      run(async (arg?: TableTarget & { kind?: SnippetKind }) => {
        const target = asTarget(arg);
        const connection = await pickConnection(target);
        if (!connection) return undefined;
        if (!connection.endpoint) throw new Error(`${connection.label} has no endpoint`);
        let kind = arg?.kind;
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
        void vscode.window.showInformationMessage(`Copied the ${SNIPPET_LABELS[kind]} snippet.`);
        return text;
      }),
    ),

    reg(
      'dynamoWorkspace.addConnection',
      run(async (arg?: RemoteSetting) => {
        let setting = arg;
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
              validateInput: (v) => (/^https?:\/\/[^/]+/.test(v) ? undefined : 'An http(s) URL, e.g. http://127.0.0.1:8000'),
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
      run(async (arg?: { entry?: { label: string } } | string) => {
        const name = typeof arg === 'string' ? arg : arg?.entry?.label;
        const config = vscode.workspace.getConfiguration('dynamoWorkspace');
        const list = config.get<RemoteSetting[]>('connections') ?? [];
        const target = name ?? (await vscode.window.showQuickPick(list.map((c) => c.name), { title: 'Remove connection' }));
        if (!target) return false;
        await config.update('connections', list.filter((c) => c.name !== target), vscode.ConfigurationTarget.Global);
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

    reg('dynamoWorkspace.revealDataFolder', async (arg?: TableTarget) => {
      const id = asTarget(arg).connectionId;
      const db = manager.workspaceDatabases().find((d) => !id || d.id === id);
      if (db && fs.existsSync(db.dir)) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(db.dir));
    }),
  ];
}
