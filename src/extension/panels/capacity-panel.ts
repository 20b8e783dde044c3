// The capacity & cost panel of one table (webview/capacity): answers the page's snapshot requests
// from the workspace engine's counters. The page asks again every few seconds while it is visible
// (a hidden webview has no page), so the host keeps no timer of its own.
//
// Invariant: a connection without counters (remote, shared) still gets a panel, whose every
// answer says why there are no charts. A remote connection is sent DescribeTable only (no
// traffic), so the page can show the table's configured capacity and what it costs; a shared
// database is left alone (the process that owns it has the charts).
import * as vscode from 'vscode';
import type { Connection } from '../connection';
import { capacitySnapshot, describedCapacity, metricsOf } from '../capacity-source';
import { WebviewHost, type Handlers } from './webview-host';
import {
  DEFAULT_WINDOW, windowSpec, type CapacityHostNotifications, type CapacityRequests, type CapacityResult, type CapacityTarget,
  type CapacityViewNotifications, type CapacityWindowId,
} from '../../protocol/capacity-view';

export interface CapacityPanelContext {
  extensionUri: vscode.Uri;
  getConnection(id: string): Promise<Connection>;
}

export function capacityPanelTitle(tableName: string, connection: Pick<Connection, 'label'>): string {
  return `${tableName} capacity — ${connection.label}`;
}

export class CapacityPanel implements vscode.Disposable {
  static readonly viewType = 'dynamoWorkspace.capacity';
  readonly host: WebviewHost<CapacityRequests, CapacityHostNotifications, CapacityViewNotifications>;
  /** What the page shows now (it reports changes), for a reopen that names no index. */
  index: string | undefined;
  windowId: CapacityWindowId;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    ctx: CapacityPanelContext,
    readonly connection: Connection,
    readonly tableName: string,
    panel: vscode.WebviewPanel,
    restored?: { index?: unknown; windowId?: unknown },
  ) {
    this.index = typeof restored?.index === 'string' ? restored.index : undefined;
    this.windowId = windowSpec(typeof restored?.windowId === 'string' ? restored.windowId : DEFAULT_WINDOW).id;
    this.host = new WebviewHost<CapacityRequests, CapacityHostNotifications, CapacityViewNotifications>(
      panel,
      ctx.extensionUri,
      'capacity',
      capacityPanelTitle(tableName, connection),
      this.handlers(),
      { connectionId: connection.id, tableName },
    );
    this.host.onView('viewState', (p) => {
      this.index = typeof p?.index === 'string' ? p.index : undefined;
      this.windowId = windowSpec(p?.windowId).id;
    });
    this.disposables.push(this.host);
  }

  get target(): CapacityTarget {
    return { connectionId: this.connection.id, tableName: this.tableName, index: this.index };
  }

  /** Requests as the page sends them; also used by the integration tests. */
  readonly handlers = (): Handlers<CapacityRequests> => ({
    ready: () => ({ target: this.target, connectionLabel: this.connection.label, windowId: this.windowId }),
    // checked, not trusted: an index that is not a string means the table, an unknown window the default
    snapshot: (p) => this.snapshot(typeof p?.index === 'string' ? p.index : undefined, windowSpec(p?.windowId).id),
  });

  async snapshot(index: string | undefined, windowId: CapacityWindowId): Promise<CapacityResult> {
    const source = metricsOf(this.connection);
    if ('reason' in source) {
      const unavailable = { available: false as const, reason: source.reason, connectionLabel: this.connection.label };
      if (this.connection.kind === 'shared') return unavailable;
      const { Table } = await this.connection.send('DescribeTable', { TableName: this.tableName });
      // RemoteConnection's region; other connections have none and get the default price list
      const region = (this.connection as { region?: string }).region;
      return { ...unavailable, described: describedCapacity(Table, region) };
    }
    return { available: true, snapshot: capacitySnapshot(source.metrics, this.tableName, index, windowSpec(windowId).id, Date.now(), source.since) };
  }

  /** Shows an index (or the table), as when the panel is opened again from an index's menu. */
  focus(index: string | undefined): void {
    this.index = index;
    this.host.notify('focus', { index });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }
}
