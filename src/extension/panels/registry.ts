// The one place panels are opened, found and restored. A panel kind (items, create-table form,
// and each new panel) describes how to build its host side on a webview panel; the registry keeps
// at most one open panel per (kind, connection, table), reveals it instead of opening a second,
// and registers the kind's webview panel serializer so the panel comes back after a window
// reload, rebuilt from the identity the page saved (protocol/panel-state.ts) and with the page's
// own state, which VS Code hands back to the page itself.
// Invariants: a panel is in the registry from its creation until its webview is disposed; a
// revived panel whose identity is missing or whose connection is gone is closed, never left blank.
//
// A new panel kind (see items-registration.ts):
//   1. its host side builds a WebviewHost with the identity as the last argument (that is what the
//      page saves, and what the serializer reads back);
//   2. a PanelKind: viewType, title(identity), create(panel, identity, restored?);
//   3. `panels.register(kind)` once, beside the others in commands/index.ts, and
//      `onWebviewPanel:<viewType>` in package.json's activationEvents;
//   4. `panels.show(kind, identity)` to open or reveal it; `panels.find`/`panels.all` to reach it.
// The page keeps its own view state with host.state (webview/shared/host.ts) as before.
import * as vscode from 'vscode';
import { describeError } from '../connection';
import { identityOf, panelKey, withoutIdentity, type PanelIdentity } from '../../protocol/panel-state';

/** A panel's host side: it owns its webview panel and cleans up in dispose(). */
export interface HostedPanel extends vscode.Disposable {
  readonly host: { readonly panel: vscode.WebviewPanel };
}

export interface PanelKind<P extends HostedPanel> {
  /** the webview panel's viewType, also declared as `onWebviewPanel:<viewType>` in package.json */
  readonly viewType: string;
  readonly options?: vscode.WebviewPanelOptions & vscode.WebviewOptions;
  /** title of a newly opened panel (a revived one keeps the title VS Code saved) */
  title(identity: PanelIdentity): Promise<string> | string;
  /**
   * Builds the host side on a webview panel: a new one, or one VS Code revived after a reload
   * (then `restored` is the page's own last state, for hosts that keep part of it).
   */
  create(panel: vscode.WebviewPanel, identity: PanelIdentity, restored?: Record<string, unknown>): Promise<P> | P;
}

export class PanelRegistry {
  private readonly open = new Map<string, HostedPanel>();
  private readonly opening = new Map<string, Promise<HostedPanel>>();

  /** Registers the kind's serializer; call once per kind at activation. */
  register<P extends HostedPanel>(kind: PanelKind<P>, log?: (line: string) => void): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(kind.viewType, {
      deserializeWebviewPanel: async (panel, state) => {
        const identity = identityOf(state);
        if (!identity || this.open.has(panelKey(kind.viewType, identity))) {
          panel.dispose();
          return;
        }
        try {
          this.track(kind.viewType, identity, await kind.create(panel, identity, withoutIdentity(state)));
        } catch (e) {
          log?.(`could not restore the ${kind.viewType} panel of ${identity.tableName ?? identity.connectionId}: ${describeError(e)}`);
          panel.dispose();
        }
      },
    });
  }

  /** Reveals the kind's panel for this identity, or opens one. */
  async show<P extends HostedPanel>(kind: PanelKind<P>, identity: PanelIdentity): Promise<P> {
    const key = panelKey(kind.viewType, identity);
    const existing = this.open.get(key) as P | undefined;
    if (existing) {
      existing.host.panel.reveal(undefined, false);
      return existing;
    }
    // two quick calls (a double click) open one panel
    const pending = this.opening.get(key);
    if (pending) return pending as Promise<P>;
    const opening = (async () => {
      const title = await kind.title(identity);
      const panel = vscode.window.createWebviewPanel(kind.viewType, title, vscode.ViewColumn.Active, { enableScripts: true, ...kind.options });
      try {
        return this.track(kind.viewType, identity, await kind.create(panel, identity));
      } catch (e) {
        panel.dispose();
        throw e;
      }
    })();
    this.opening.set(key, opening);
    try {
      return await opening;
    } finally {
      this.opening.delete(key);
    }
  }

  find<P extends HostedPanel>(viewType: string, identity: PanelIdentity): P | undefined {
    return this.open.get(panelKey(viewType, identity)) as P | undefined;
  }

  all<P extends HostedPanel>(viewType: string): P[] {
    const prefix = `${viewType}\u0000`;
    return [...this.open.entries()].filter(([k]) => k.startsWith(prefix)).map(([, p]) => p as P);
  }

  private track<P extends HostedPanel>(viewType: string, identity: PanelIdentity, hosted: P): P {
    const key = panelKey(viewType, identity);
    this.open.set(key, hosted);
    hosted.host.panel.onDidDispose(() => {
      if (this.open.get(key) === hosted) this.open.delete(key);
      hosted.dispose();
    });
    return hosted;
  }
}

/** The extension's panels: one registry for every kind. */
export const panels = new PanelRegistry();
