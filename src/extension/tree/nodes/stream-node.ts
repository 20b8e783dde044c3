// A table's stream: view type, status and label, with its shards as children (DescribeStream,
// through the Streams API, so a remote table's stream shows the same way). A database without
// the Streams API says so in the row.
import * as vscode from 'vscode';
import type { Connection } from '../../connection';
import { missingApiText, rowFailure, type RowFailure } from '../../features';
import type { TableDescription } from '../../tables';
import { CONTEXT_VALUES } from '../context-values';
import { rowItem } from './detail-node';
import { MessageNode } from './message-node';
import { ExplorerNode, type TableScoped } from './node';
import { ShardNode, type Shard } from './shard-node';

/** DescribeStream pages read at most (100 shards each): a stream with more says how many it skipped. */
const MAX_PAGES = 10;

export type StreamState =
  | { kind: 'off' }
  | RowFailure
  | { kind: 'on'; arn: string; viewType: string; status: string; label: string; shards: Shard[]; more: boolean };

export class StreamNode extends ExplorerNode implements TableScoped {
  readonly type = 'stream';
  readonly id: string;
  constructor(
    readonly connectionId: string,
    readonly tableName: string,
    base: string,
    readonly state: StreamState,
  ) {
    super();
    this.id = `${base}/stream`;
  }

  /** Reads the stream of a described table; never throws (a failure becomes the row's text). */
  static async load(connection: Connection, d: TableDescription, base: string, streamsMissing: boolean): Promise<StreamNode> {
    const make = (state: StreamState) => new StreamNode(connection.id, d.TableName, base, state);
    if (streamsMissing) return make({ kind: 'missing', ...missingApiText(connection, 'DynamoDB Streams') });
    if (!d.StreamSpecification?.StreamEnabled || !d.LatestStreamArn) return make({ kind: 'off' });
    try {
      const shards: Shard[] = [];
      let description: { StreamStatus?: string; StreamViewType?: string; StreamLabel?: string } = {};
      let start: string | undefined;
      let pages = 0;
      do {
        const out = await connection.sendStreams('DescribeStream', { StreamArn: d.LatestStreamArn, ...(start ? { ExclusiveStartShardId: start } : {}) });
        description = out.StreamDescription ?? {};
        shards.push(...((out.StreamDescription?.Shards ?? []) as Shard[]));
        start = out.StreamDescription?.LastEvaluatedShardId;
      } while (start && ++pages < MAX_PAGES);
      return make({
        kind: 'on',
        arn: d.LatestStreamArn,
        viewType: description.StreamViewType ?? d.StreamSpecification.StreamViewType ?? '',
        status: description.StreamStatus ?? 'ENABLED',
        label: description.StreamLabel ?? d.LatestStreamLabel ?? '',
        shards,
        more: !!start,
      });
    } catch (e) {
      return make(rowFailure(connection, e, 'DynamoDB Streams'));
    }
  }

  treeItem(): vscode.TreeItem {
    const s = this.state;
    // a stream that is on, or off (the view offers to enable it), opens in the stream view
    if (s.kind !== 'on')
      return rowItem(
        this.id,
        'Stream',
        'pulse',
        { description: s.kind === 'off' ? 'off' : s.text, tooltip: s.kind === 'off' ? 'This table has no stream' : s.tooltip, contextValue: s.kind === 'off' ? CONTEXT_VALUES.stream : undefined },
        vscode.TreeItemCollapsibleState.None,
      );
    const shards = `${s.shards.length}${s.more ? '+' : ''} shard${s.shards.length === 1 ? '' : 's'}`;
    return rowItem(
      this.id,
      'Stream',
      'pulse',
      {
        description: [s.viewType, s.status.toLowerCase(), s.label, shards].filter(Boolean).join(' · '),
        tooltip: `Stream ${s.label}\nView type: ${s.viewType}\nStatus: ${s.status}\n${shards}\n${s.arn}`,
        contextValue: CONTEXT_VALUES.stream,
      },
      s.shards.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
  }

  override children(): ExplorerNode[] {
    const s = this.state;
    if (s.kind !== 'on') return [];
    const rows: ExplorerNode[] = s.shards.map((shard) => new ShardNode(this.id, shard));
    if (s.more) rows.push(new MessageNode(`${this.id}/more`, `More shards than the ${s.shards.length} shown`, 'ellipsis'));
    return rows;
  }
}
