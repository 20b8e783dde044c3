// The create-table form (webview/table-designer). Features the connection lacks (Stream and TTL
// on the workspace database, for now) are sent to the form with its first answer, so it can
// disable them with the reason before anything is submitted; a draft asking for them anyway is
// refused before CreateTable, never after the table exists.
import * as vscode from 'vscode';
import type { Connection } from '../connection';
import { describeError, errorInfo, isUnsupported } from '../connection';
import { unavailableFeatures } from '../features';
import { panels } from './registry';
import { WebviewHost } from './webview-host';
import { EMPTY_DRAFT, draftToCreateTable, validateDraft, type DesignerHostNotifications, type DesignerRequests, type DesignerViewNotifications, type TableDraft } from '../../protocol/table-designer';

export interface CreateTableResult {
  tableName: string;
  warnings: string[];
}

/** Sends CreateTable (then UpdateTimeToLive if asked) for a validated draft. */
export async function createTableFromDraft(connection: Connection, draft: TableDraft): Promise<CreateTableResult> {
  const problems = validateDraft(draft);
  const unavailable = await unavailableFeatures(connection);
  if (draft.stream !== 'OFF' && unavailable.stream) problems.push({ field: 'stream', message: `Stream: ${unavailable.stream}` });
  if (draft.ttlAttribute.trim() && unavailable.ttl) problems.push({ field: 'ttlAttribute', message: `Time to live: ${unavailable.ttl}` });
  if (problems.length) throw Object.assign(new Error(problems.map((p) => p.message).join('; ')), { type: 'ValidationException' });
  await connection.send('CreateTable', draftToCreateTable(draft));
  const warnings: string[] = [];
  if (draft.ttlAttribute.trim()) {
    try {
      await connection.send('UpdateTimeToLive', { TableName: draft.tableName, TimeToLiveSpecification: { Enabled: true, AttributeName: draft.ttlAttribute.trim() } });
    } catch (e) {
      warnings.push(isUnsupported(e) ? 'Time to live is not available on this database yet; the table was created without it' : `Time to live was not enabled: ${describeError(e)}`);
    }
  }
  return { tableName: draft.tableName, warnings };
}

/** The connection a form creates its table in; opened only when the table is created. */
export interface DesignerTarget {
  id: string;
  label: string;
  open(): Promise<Connection>;
}

export class DesignerPanel implements vscode.Disposable {
  static readonly viewType = 'dynamoWorkspace.tableDesigner';
  readonly host: WebviewHost<DesignerRequests, DesignerHostNotifications, DesignerViewNotifications>;
  draft: TableDraft = structuredClone(EMPTY_DRAFT);

  /** The form that is open, if any (opened and restored through designer-registration.ts). */
  static get active(): DesignerPanel | undefined {
    return panels.all<DesignerPanel>(DesignerPanel.viewType)[0];
  }

  constructor(
    extensionUri: vscode.Uri,
    readonly connection: DesignerTarget,
    panel: vscode.WebviewPanel,
    private readonly onCreated: (r: CreateTableResult) => void,
    restoredDraft?: TableDraft,
  ) {
    if (restoredDraft) this.draft = restoredDraft;
    this.host = new WebviewHost<DesignerRequests, DesignerHostNotifications, DesignerViewNotifications>(panel, extensionUri, 'table-designer', 'Create Table', {
      // the draft lives here too, so a hidden-and-shown form keeps what was typed
      ready: async () => ({ connectionLabel: connection.label, draft: this.draft, unavailable: await unavailableFeatures(await connection.open()) }),
      create: async (draft) => {
        this.draft = draft;
        const problems = validateDraft(draft);
        if (problems.length) return { ok: false, problems };
        try {
          const result = await createTableFromDraft(await connection.open(), draft);
          this.onCreated(result);
          setTimeout(() => panel.dispose(), 0);
          return { ok: true, ...result };
        } catch (e) {
          const { type, message } = errorInfo(e);
          return { ok: false, problems: [], error: `${type}: ${message}` };
        }
      },
      cancel: () => {
        setTimeout(() => panel.dispose(), 0);
      },
    }, { connectionId: connection.id });
    this.host.onView('draftChanged', (d) => (this.draft = d));
  }

  dispose(): void {
    this.host.dispose();
  }
}
