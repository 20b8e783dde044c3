// A table row: its figures (items, size; "as of" for remote tables, whose figures DynamoDB
// refreshes about every six hours) and, as children, what the table is made of: items, keys,
// indexes, stream, time to live, backups, capacity.
// Table rows are kept by the provider (one object per table) so that an update of one row finds it.
import * as vscode from 'vscode';
import { describeError } from '../../connection';
import { streamsMissing } from '../../features';
import { describeTable, keyElements, type TableDescription } from '../../tables';
import { COMMANDS } from '../../commands/ids';
import { formatBytes, timeOfDay } from '../format';
import { capacityText, capacityTooltip } from '../capacity-text';
import { CONTEXT_VALUES } from '../context-values';
import { DetailNode } from './detail-node';
import { IndexNode } from './index-node';
import { MessageNode } from './message-node';
import { BackupsNode } from './backups-node';
import { ExplorerNode, type TableScoped, type TreeContext } from './node';
import { StreamNode } from './stream-node';
import { readTtl, TtlNode } from './ttl-node';

export class TableNode extends ExplorerNode implements TableScoped {
  readonly type = 'table';
  constructor(
    readonly connectionId: string,
    readonly tableName: string,
  ) {
    super();
  }

  get id(): string {
    return `${this.connectionId}/table/${this.tableName}`;
  }

  treeItem(tree: TreeContext): vscode.TreeItem {
    const item = new vscode.TreeItem(this.tableName, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.contextValue = CONTEXT_VALUES.table;
    item.iconPath = new vscode.ThemeIcon('table');
    const d = tree.description(this.connectionId, this.tableName);
    if (d) {
      const count = d.ItemCount ?? 0;
      const figures = `${count.toLocaleString('en-US')} item${count === 1 ? '' : 's'} · ${formatBytes(d.TableSizeBytes ?? 0)}`;
      const remote = this.connectionId.startsWith('remote:');
      const at = tree.describedAt(this.connectionId, this.tableName) ?? Date.now();
      item.description = remote ? `${figures} · as of ${timeOfDay(at, false)}` : figures;
      const { partition, sort } = keyElements(d, d.KeySchema);
      const md = new vscode.MarkdownString(`**${d.TableName}**\n\n`);
      md.appendMarkdown(`Items: ${count.toLocaleString('en-US')} · size: ${formatBytes(d.TableSizeBytes ?? 0)}`);
      md.appendMarkdown(
        remote
          ? ` — as of ${timeOfDay(at, true)}, when they were fetched; DynamoDB itself updates these figures about every six hours\n\n`
          : ' — live\n\n',
      );
      md.appendMarkdown(`Partition key: \`${partition.name}\` (${partition.type})\n\n`);
      if (sort) md.appendMarkdown(`Sort key: \`${sort.name}\` (${sort.type})\n\n`);
      md.appendMarkdown(`Capacity: ${capacityText(d)}\n\n`);
      md.appendMarkdown(`Status: ${d.TableStatus ?? 'ACTIVE'}`);
      item.tooltip = md;
    }
    item.accessibilityInformation = { label: this.tableName };
    return item;
  }

  override async children(tree: TreeContext): Promise<ExplorerNode[]> {
    const { connectionId, tableName } = this;
    const connection = await tree.manager.get(connectionId);
    let d: TableDescription;
    try {
      d = await describeTable(connection, tableName);
      tree.remember(connectionId, d);
    } catch (e) {
      return [new MessageNode(`${connectionId}/${tableName}/error`, describeError(e), 'error')];
    }
    const base = this.id;
    const out: ExplorerNode[] = [];
    out.push(new DetailNode(`${base}/items`, 'Items', 'list-flat', { description: 'browse, query, edit', command: { command: COMMANDS.openItems, title: 'Open Items', arguments: [{ connectionId, tableName }] } }));
    const { partition, sort } = keyElements(d, d.KeySchema);
    out.push(new DetailNode(`${base}/pk`, partition.name, 'key', { description: `partition key · ${partition.type}` }));
    if (sort) out.push(new DetailNode(`${base}/sk`, sort.name, 'list-ordered', { description: `sort key · ${sort.type}` }));
    const indexes = [...(d.GlobalSecondaryIndexes ?? []).map((ix) => new IndexNode(base, d, ix, 'GSI')), ...(d.LocalSecondaryIndexes ?? []).map((ix) => new IndexNode(base, d, ix, 'LSI'))];
    out.push(new DetailNode(`${base}/indexes`, 'Indexes', 'symbol-structure', { description: indexes.length ? String(indexes.length) : 'none', children: indexes }));
    const [stream, ttl, backups] = await Promise.all([
      streamsMissing(connection).then((missing) => StreamNode.load(connection, d, base, missing)),
      readTtl(connection, tableName).then((state) => new TtlNode(connectionId, tableName, base, state)),
      BackupsNode.load(connection, tableName, base),
    ]);
    ttl.follow(tree);
    out.push(stream, ttl, backups);
    out.push(
      new DetailNode(`${base}/capacity`, 'Capacity', 'dashboard', {
        description: capacityText(d),
        tooltip: capacityTooltip(d),
        command: { command: COMMANDS.openCapacity, title: 'Open Capacity and Cost', arguments: [{ connectionId, tableName }] },
      }),
    );
    return out;
  }
}
