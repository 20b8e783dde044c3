// One secondary index of a table (GSI or LSI): its keys and projection as children.
import * as vscode from 'vscode';
import { keyElements, keyText, projectionText, type IndexDescription, type TableDescription } from '../../tables';
import type { KeyElement } from '../../../protocol/items';
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
        // a multi-attribute key reads "a + b / c + d": partition attributes, then sort attributes
        description: `${this.kind} · ${keyText(k.partitions)}${k.sorts.length ? ` / ${keyText(k.sorts)}` : ''} · ${projectionText(ix.Projection)}`,
        tooltip: `${this.kind === 'GSI' ? 'Global' : 'Local'} secondary index ${ix.IndexName}\n${typedList('Partition key', k.partitions)}${k.sorts.length ? `\n${typedList('Sort key', k.sorts)}` : ''}\nProjection: ${projectionText(ix.Projection)}${ix.IndexStatus ? `\nStatus: ${ix.IndexStatus}` : ''}`,
      },
      vscode.TreeItemCollapsibleState.Collapsed,
    );
  }

  override children(): ExplorerNode[] {
    const k = keyElements(this.table, this.index.KeySchema);
    return [
      ...k.partitions.map((p, i) => new DetailNode(`${this.id}/pk${i ? i + 1 : ''}`, p.name, 'key', { description: `${ordinal('partition key', i, k.partitions.length)} · ${p.type}` })),
      ...k.sorts.map((s, i) => new DetailNode(`${this.id}/sk${i ? i + 1 : ''}`, s.name, 'list-ordered', { description: `${ordinal('sort key', i, k.sorts.length)} · ${s.type}` })),
      new DetailNode(`${this.id}/projection`, 'Projection', 'eye', { description: projectionText(this.index.Projection) }),
    ];
  }
}

/** "partition key" for a one-attribute key part, "partition key 2 of 3" for a multi-attribute one. */
function ordinal(part: string, i: number, count: number): string {
  return count > 1 ? `${part} ${i + 1} of ${count}` : part;
}

function typedList(label: string, elements: readonly KeyElement[]): string {
  return `${label}${elements.length > 1 ? ' attributes' : ''}: ${elements.map((e) => `${e.name} (${e.type})`).join(', ')}`;
}
