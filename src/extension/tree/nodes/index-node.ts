// One secondary index of a table (GSI or LSI): its keys and projection as children.
import * as vscode from 'vscode';
import { keyElements, projectionText, type IndexDescription, type TableDescription } from '../../tables';
import { DetailNode, rowItem } from './detail-node';
import { ExplorerNode } from './node';

export class IndexNode extends ExplorerNode {
  readonly type = 'index';
  readonly id: string;
  constructor(
    base: string,
    private readonly table: TableDescription,
    readonly index: IndexDescription,
    readonly kind: 'GSI' | 'LSI',
  ) {
    super();
    this.id = `${base}/index/${index.IndexName}`;
  }

  treeItem(): vscode.TreeItem {
    const ix = this.index;
    const k = keyElements(this.table, ix.KeySchema);
    return rowItem(
      this.id,
      ix.IndexName,
      this.kind === 'GSI' ? 'globe' : 'symbol-namespace',
      {
        description: `${this.kind} · ${k.partition.name}${k.sort ? ` + ${k.sort.name}` : ''} · ${projectionText(ix.Projection)}`,
        tooltip: `${this.kind === 'GSI' ? 'Global' : 'Local'} secondary index ${ix.IndexName}\nPartition key: ${k.partition.name} (${k.partition.type})${k.sort ? `\nSort key: ${k.sort.name} (${k.sort.type})` : ''}\nProjection: ${projectionText(ix.Projection)}${ix.IndexStatus ? `\nStatus: ${ix.IndexStatus}` : ''}`,
      },
      vscode.TreeItemCollapsibleState.Collapsed,
    );
  }

  override children(): ExplorerNode[] {
    const k = keyElements(this.table, this.index.KeySchema);
    return [
      new DetailNode(`${this.id}/pk`, k.partition.name, 'key', { description: `partition key · ${k.partition.type}` }),
      ...(k.sort ? [new DetailNode(`${this.id}/sk`, k.sort.name, 'list-ordered', { description: `sort key · ${k.sort.type}` })] : []),
      new DetailNode(`${this.id}/projection`, 'Projection', 'eye', { description: projectionText(this.index.Projection) }),
    ];
  }
}
