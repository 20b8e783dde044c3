// A table's time to live: the attribute and the status. Off: "Enable Time to Live" in its menu;
// on: "Disable". A change is in transition (ENABLING, DISABLING) for a while, during which
// DynamoDB refuses another change: the row then has no menu and checks again, more slowly each
// time, until the status settles, then redraws itself (no manual refresh needed).
import * as vscode from 'vscode';
import type { Connection } from '../../connection';
import { rowFailure, type RowFailure } from '../../features';
import { CONTEXT_VALUES } from '../context-values';
import { rowItem } from './detail-node';
import { ExplorerNode, type TableScoped, type TreeContext } from './node';

export type TtlState = { kind: 'ok'; status: string; attribute?: string } | RowFailure;

/** First re-check of a transition, and the longest wait between two. */
const FIRST_CHECK_MS = 1000;
const MAX_CHECK_MS = 30_000;
/** DynamoDB takes up to an hour; past that the row stops checking (a refresh starts again). */
const GIVE_UP_MS = 65 * 60_000;

const transitional = (status: string) => status === 'ENABLING' || status === 'DISABLING';

export async function readTtl(connection: Connection, tableName: string): Promise<TtlState> {
  try {
    const out = await connection.send('DescribeTimeToLive', { TableName: tableName });
    const t = out.TimeToLiveDescription ?? {};
    return { kind: 'ok', status: t.TimeToLiveStatus ?? 'DISABLED', attribute: t.AttributeName };
  } catch (e) {
    return rowFailure(connection, e, 'time to live');
  }
}

export class TtlNode extends ExplorerNode implements TableScoped {
  readonly type = 'ttl';
  readonly id: string;
  constructor(
    readonly connectionId: string,
    readonly tableName: string,
    base: string,
    public state: TtlState,
  ) {
    super();
    this.id = `${base}/ttl`;
  }

  get inTransition(): boolean {
    return this.state.kind === 'ok' && transitional(this.state.status);
  }

  treeItem(): vscode.TreeItem {
    const s = this.state;
    if (s.kind !== 'ok') return rowItem(this.id, 'Time to live', 'watch', { description: s.text, tooltip: s.tooltip }, vscode.TreeItemCollapsibleState.None);
    const on = s.status !== 'DISABLED';
    const status = s.status.toLowerCase();
    return rowItem(
      this.id,
      'Time to live',
      'watch',
      {
        description: on ? `${s.attribute} · ${status}` : 'off',
        tooltip: on
          ? `Items expire at the epoch-seconds time in their ${s.attribute} attribute. Status: ${s.status}${this.inTransition ? ' (DynamoDB refuses another change until this one settles)' : ''}`
          : 'Time to live is off: items never expire',
        contextValue: s.status === 'ENABLED' ? CONTEXT_VALUES.ttlEnabled : s.status === 'DISABLED' ? CONTEXT_VALUES.ttlDisabled : undefined,
      },
      vscode.TreeItemCollapsibleState.None,
    );
  }

  /** While the status is in transition, re-reads it on a widening interval and redraws the row when it moves. */
  follow(tree: TreeContext, started = Date.now(), wait = FIRST_CHECK_MS): void {
    if (!this.inTransition || Date.now() - started > GIVE_UP_MS) return;
    tree.schedule(async () => {
      let connection: Connection;
      try {
        connection = await tree.manager.get(this.connectionId);
      } catch {
        return; // the connection went away: nothing to follow
      }
      const next = await readTtl(connection, this.tableName);
      const moved = JSON.stringify(next) !== JSON.stringify(this.state);
      this.state = next;
      if (moved) tree.refreshNode(this);
      this.follow(tree, started, Math.min(wait * 2, MAX_CHECK_MS));
    }, wait);
  }
}
