// One shard of a table's stream: its id, whether it is still open (no ending sequence number)
// and the range of sequence numbers it holds.
import * as vscode from 'vscode';
import { shortSequence } from '../format';
import { rowItem } from './detail-node';
import { ExplorerNode } from './node';

export interface Shard {
  ShardId: string;
  ParentShardId?: string;
  SequenceNumberRange?: { StartingSequenceNumber?: string; EndingSequenceNumber?: string };
}

export class ShardNode extends ExplorerNode {
  readonly type = 'shard';
  readonly id: string;
  constructor(
    parent: string,
    readonly shard: Shard,
  ) {
    super();
    this.id = `${parent}/shard/${shard.ShardId}`;
  }

  get open(): boolean {
    return this.shard.SequenceNumberRange?.EndingSequenceNumber === undefined;
  }

  treeItem(): vscode.TreeItem {
    const range = this.shard.SequenceNumberRange ?? {};
    const first = range.StartingSequenceNumber;
    const last = range.EndingSequenceNumber;
    const span = first ? `${shortSequence(first)} – ${last ? shortSequence(last) : ''}` : 'no records yet';
    return rowItem(
      this.id,
      this.shard.ShardId,
      this.open ? 'circle-large-outline' : 'circle-slash',
      {
        description: `${this.open ? 'open' : 'closed'} · ${span}`,
        tooltip: [`Shard ${this.shard.ShardId} (${this.open ? 'open: records are still added to it' : 'closed'})`, first && `First sequence number: ${first}`, last && `Last sequence number: ${last}`, this.shard.ParentShardId && `Parent shard: ${this.shard.ParentShardId}`]
          .filter(Boolean)
          .join('\n'),
      },
      vscode.TreeItemCollapsibleState.None,
    );
  }
}
