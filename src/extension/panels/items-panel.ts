// The items panel of one table: the webview app in webview/items, answered from here. Opened and
// restored after a reload through the panel registry (items-registration.ts).
import * as vscode from 'vscode';
import type { Connection } from '../connection';
import { ConnectionError, errorInfo, isUnsupported } from '../connection';
import { describeTable, probeSupport, tableInfo } from '../tables';
import { panels } from './registry';
import { WebviewHost, type Handlers } from './webview-host';
import type { AttributeValue, Item, ItemTextFormat } from '../../protocol/dynamo-json';
import { keyOf, sameValue } from '../../protocol/dynamo-json';
import type { ItemsHostNotifications, ItemsRequests, ItemsViewNotifications, PageResult, PanelSession, QuerySpec, SaveRequest, SaveResult, TableInfo } from '../../protocol/items';
import { buildRequest, SpecError } from '../../protocol/query-builder';
import type { RpcError } from '../../protocol/rpc';

export interface ItemsPanelContext {
  extensionUri: vscode.Uri;
  getConnection(id: string): Promise<Connection>;
  /** called after writes, so the tree can update counts */
  onDidWrite(connectionId: string, tableName: string): void;
}

/** the item editor's format per table, kept when its panel closes */
const editorFormats = new Map<string, ItemTextFormat>();

function formatKey(connectionId: string, tableName: string): string {
  return `${connectionId}\u0000${tableName}`;
}

export class ItemsPanel implements vscode.Disposable {
  static readonly viewType = 'dynamoWorkspace.items';
  readonly host: WebviewHost<ItemsRequests, ItemsHostNotifications, ItemsViewNotifications>;
  private session: PanelSession | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private pendingEditor: PanelSession['openEditor'];
  private pendingQuery: PanelSession['showQuery'];
  lastStatus = '';

  /** The open panel of a table (panels are opened and restored through items-registration.ts). */
  static find(connectionId: string, tableName: string): ItemsPanel | undefined {
    return panels.find<ItemsPanel>(ItemsPanel.viewType, { connectionId, tableName });
  }

  static all(): ItemsPanel[] {
    return panels.all<ItemsPanel>(ItemsPanel.viewType);
  }

  constructor(
    private readonly ctx: ItemsPanelContext,
    readonly connection: Connection,
    readonly tableName: string,
    panel: vscode.WebviewPanel,
  ) {
    panel.iconPath = { light: vscode.Uri.joinPath(ctx.extensionUri, 'media', 'table-light.svg'), dark: vscode.Uri.joinPath(ctx.extensionUri, 'media', 'table-dark.svg') };
    this.host = new WebviewHost<ItemsRequests, ItemsHostNotifications, ItemsViewNotifications>(panel, ctx.extensionUri, 'items', `${panelTitle(tableName, connection)} — items`, this.handlers(), { connectionId: connection.id, tableName });
    this.host.onView('status', ({ message }) => (this.lastStatus = message));
    this.host.onView('editorFormat', ({ format }) => editorFormats.set(formatKey(connection.id, tableName), format));
    this.disposables.push(this.host);
  }

  /** Requests as the webview sends them; also used by the integration tests. */
  readonly handlers = (): Handlers<ItemsRequests> => ({
    ready: () => this.ready(),
    describe: () => this.describe(),
    fetch: ({ spec, exclusiveStartKey }) => this.fetch(spec, exclusiveStartKey),
    save: (req) => this.save(req),
    delete: ({ keys }) => this.deleteItems(keys),
    get: async ({ key }) => (await this.connection.send('GetItem', { TableName: this.tableName, Key: key, ConsistentRead: true })).Item,
    updateAttribute: ({ key, name, value, original }) => this.updateAttribute(key, name, value, original),
    confirm: async ({ message, action }) => (await vscode.window.showWarningMessage(message, { modal: true }, action)) === action,
    copy: async ({ text }) => vscode.env.clipboard.writeText(text),
  });

  openEditor(editor: NonNullable<PanelSession['openEditor']>): void {
    if (this.host.isReady) this.host.notify('openEditor', editor);
    else this.pendingEditor = editor;
  }

  /** Shows and runs a query (one opened from the request inspector), now or as the page opens. */
  showQuery(spec: QuerySpec): void {
    if (this.host.isReady) this.host.notify('showQuery', spec);
    else this.pendingQuery = spec;
  }

  get loadedItems(): readonly Item[] {
    return this.session?.items ?? [];
  }

  private async describe(): Promise<TableInfo> {
    const desc = await describeTable(this.connection, this.tableName);
    const supports = this.session?.table.supports ?? (await probeSupport(this.connection, this.tableName));
    const info = tableInfo(this.connection, desc, supports);
    if (this.session) this.session.table = info;
    return info;
  }

  private async ready(): Promise<PanelSession> {
    if (!this.session) {
      const pageSize = vscode.workspace.getConfiguration('dynamoWorkspace').get<number>('items.pageSize') ?? 100;
      this.session = { table: await this.describe(), items: [], pageSizeDefault: pageSize };
    }
    const session: PanelSession = { ...this.session, editorFormat: editorFormats.get(formatKey(this.connection.id, this.tableName)), openEditor: this.pendingEditor, showQuery: this.pendingQuery };
    this.pendingEditor = undefined;
    this.pendingQuery = undefined;
    return session;
  }

  private keyNames(): string[] {
    const t = this.session?.table;
    return t ? [t.partitionKey.name, ...(t.sortKey ? [t.sortKey.name] : [])] : [];
  }

  async fetch(spec: QuerySpec, exclusiveStartKey?: Item): Promise<PageResult> {
    if (!this.session) await this.ready();
    const session = this.session!;
    let request: { operation: 'Scan' | 'Query'; input: Record<string, unknown> };
    try {
      request = buildRequest(session.table, spec, true);
    } catch (e) {
      if (e instanceof SpecError) throw new ConnectionError('ValidationException', e.message);
      throw e;
    }
    if (exclusiveStartKey) request.input.ExclusiveStartKey = exclusiveStartKey;
    const started = Date.now();
    let out: any;
    try {
      out = await this.connection.send(request.operation, request.input);
    } catch (e) {
      if (isUnsupported(e)) throw new ConnectionError(errorInfo(e).type, `${request.operation} is not available on this database yet (${errorInfo(e).message})`);
      throw e;
    }
    const result: PageResult = {
      items: out.Items ?? [],
      count: out.Count ?? (out.Items ?? []).length,
      scannedCount: out.ScannedCount ?? (out.Items ?? []).length,
      lastEvaluatedKey: out.LastEvaluatedKey,
      consumed: out.ConsumedCapacity,
      request: { operation: request.operation, ...request.input },
      elapsedMs: Date.now() - started,
    };
    session.spec = spec;
    session.items = exclusiveStartKey ? [...session.items, ...result.items] : [...result.items];
    session.lastEvaluatedKey = result.lastEvaluatedKey;
    const { items: _items, ...rest } = result;
    session.lastResult = rest;
    return result;
  }

  private replaceLoaded(key: Item, item: Item | undefined): void {
    if (!this.session) return;
    const names = this.keyNames();
    const i = this.session.items.findIndex((it) => names.every((n) => sameValue(it[n], key[n])));
    if (i >= 0) {
      if (item) this.session.items[i] = item;
      else this.session.items.splice(i, 1);
    } else if (item) this.session.items.unshift(item);
  }

  async save(req: SaveRequest): Promise<SaveResult> {
    if (!this.session) await this.ready();
    const names = this.keyNames();
    for (const n of names) if (!req.item[n]) throw new ConnectionError('ValidationException', `The item needs its key attribute ${n}`);
    const key = keyOf(req.item, names);
    if (req.create) {
      try {
        await this.connection.send('PutItem', {
          TableName: this.tableName,
          Item: req.item,
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': names[0] },
        });
      } catch (e) {
        if (errorInfo(e).type === 'ConditionalCheckFailedException') return { ok: false, conflict: true, message: 'An item with this key already exists' };
        throw e;
      }
    } else {
      if (req.original) {
        const origKey = keyOf(req.original, names);
        if (!names.every((n) => sameValue(origKey[n], key[n]))) {
          throw new ConnectionError('ValidationException', 'Key attributes cannot be changed in place: duplicate the item to save it under a new key');
        }
        // optimistic locking: the stored item must still be the one the editor loaded
        const current = (await this.connection.send('GetItem', { TableName: this.tableName, Key: key, ConsistentRead: true })).Item as Item | undefined;
        if (!current || !sameItem(current, req.original)) {
          return { ok: false, conflict: true, current, message: current ? 'This item was changed since it was loaded' : 'This item was deleted since it was loaded' };
        }
        const cond = conditionFor(req.original);
        try {
          await this.connection.send('PutItem', { TableName: this.tableName, Item: req.item, ...cond });
        } catch (e) {
          if (errorInfo(e).type === 'ConditionalCheckFailedException') {
            const latest = (await this.connection.send('GetItem', { TableName: this.tableName, Key: key, ConsistentRead: true })).Item;
            return { ok: false, conflict: true, current: latest, message: 'This item was changed since it was loaded' };
          }
          throw e;
        }
      } else {
        await this.connection.send('PutItem', { TableName: this.tableName, Item: req.item });
      }
    }
    this.replaceLoaded(key, req.item);
    this.ctx.onDidWrite(this.connection.id, this.tableName);
    return { ok: true, item: req.item };
  }

  async updateAttribute(key: Item, name: string, value: AttributeValue, original?: AttributeValue): Promise<SaveResult> {
    if (this.keyNames().includes(name)) throw new ConnectionError('ValidationException', `${name} is a key attribute and cannot be edited in place`);
    const input: Record<string, unknown> = {
      TableName: this.tableName,
      Key: key,
      UpdateExpression: 'SET #a = :v',
      ExpressionAttributeNames: { '#a': name, '#k': this.keyNames()[0] },
      ExpressionAttributeValues: { ':v': value } as Record<string, AttributeValue>,
      ReturnValues: 'ALL_NEW',
    };
    if (original) {
      input.ConditionExpression = 'attribute_exists(#k) AND #a = :orig';
      (input.ExpressionAttributeValues as Record<string, AttributeValue>)[':orig'] = original;
    } else input.ConditionExpression = 'attribute_exists(#k) AND attribute_not_exists(#a)';
    try {
      const out = await this.connection.send('UpdateItem', input);
      const item = out.Attributes as Item;
      this.replaceLoaded(key, item);
      this.ctx.onDidWrite(this.connection.id, this.tableName);
      return { ok: true, item };
    } catch (e) {
      if (errorInfo(e).type === 'ConditionalCheckFailedException') {
        const current = (await this.connection.send('GetItem', { TableName: this.tableName, Key: key, ConsistentRead: true })).Item;
        return { ok: false, conflict: true, current, message: `${name} was changed since it was loaded` };
      }
      throw e;
    }
  }

  async deleteItems(keys: Item[]): Promise<{ deleted: number; errors: RpcError[] }> {
    let deleted = 0;
    const errors: RpcError[] = [];
    for (const key of keys) {
      try {
        await this.connection.send('DeleteItem', { TableName: this.tableName, Key: key });
        this.replaceLoaded(key, undefined);
        deleted++;
      } catch (e) {
        errors.push(errorInfo(e));
      }
    }
    this.ctx.onDidWrite(this.connection.id, this.tableName);
    return { deleted, errors };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** Tables of the same name on two connections get two panels: the title says which is which. */
export function panelTitle(tableName: string, connection: Pick<Connection, 'label'>): string {
  return `${tableName} — ${connection.label}`;
}

function sameItem(a: Item, b: Item): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => sameSetAware(a[k], b[k]));
}

function sameSetAware(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  const norm = (v: AttributeValue | undefined): unknown => {
    if (!v) return v;
    if ('SS' in v) return { SS: [...v.SS].sort() };
    if ('NS' in v) return { NS: [...v.NS].map(Number).sort((x, y) => x - y) };
    if ('BS' in v) return { BS: [...v.BS].sort() };
    if ('L' in v) return { L: v.L.map(norm) };
    if ('M' in v) return { M: Object.fromEntries(Object.keys(v.M).sort().map((k) => [k, norm(v.M[k])])) };
    return v;
  };
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

/** A condition that holds only while the stored item still equals `original`, attribute by attribute. */
function conditionFor(original: Item): Record<string, unknown> {
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  const parts: string[] = [];
  Object.entries(original).forEach(([k, v], i) => {
    names[`#o${i}`] = k;
    values[`:o${i}`] = v;
    parts.push(`#o${i} = :o${i}`);
  });
  return { ConditionExpression: parts.join(' AND '), ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}
