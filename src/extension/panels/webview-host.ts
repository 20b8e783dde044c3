// Hosts one webview app: builds its HTML (nonce CSP, theme variables only), answers its typed
// requests, and queues notifications while the panel is hidden or its page is not ready yet
// (a hidden webview without retainContextWhenHidden has no page to receive them).
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { errorInfo } from '../connection';
import type { PanelIdentity } from '../../protocol/panel-state';
import { isMessage, type NotificationMap, type RequestMap } from '../../protocol/rpc';

export type Handlers<R extends RequestMap> = { [K in keyof R]: (params: R[K][0]) => Promise<R[K][1]> | R[K][1] };

export class WebviewHost<R extends RequestMap, HostN extends NotificationMap, ViewN extends NotificationMap> implements vscode.Disposable {
  private ready = false;
  private queue: { method: string; params: unknown }[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readonly viewListeners = new Map<keyof ViewN, ((params: any) => void)[]>();
  /** messages delivered since creation, for tests and diagnostics */
  delivered = 0;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly app: string,
    private readonly title: string,
    private readonly handlers: Handlers<R>,
    /** what the panel shows, kept in the page state so the panel registry can restore it after a reload */
    private readonly identity?: PanelIdentity,
  ) {
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')] };
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m) => this.receive(m)),
      panel.onDidChangeViewState(() => {
        // the page of a hidden webview is torn down: wait for its next `ready`
        if (!panel.visible) this.ready = false;
      }),
    );
  }

  get isReady(): boolean {
    return this.ready;
  }

  get pending(): number {
    return this.queue.length;
  }

  notify<K extends keyof HostN & string>(method: K, params: HostN[K]): void {
    this.queue.push({ method, params });
    this.flush();
  }

  onView<K extends keyof ViewN>(method: K, listener: (params: ViewN[K]) => void): void {
    const list = this.viewListeners.get(method) ?? [];
    list.push(listener);
    this.viewListeners.set(method, list);
  }

  private flush(): void {
    if (!this.ready || !this.panel.visible) return;
    while (this.queue.length) {
      const { method, params } = this.queue.shift()!;
      void this.panel.webview.postMessage({ kind: 'notification', method, params });
      this.delivered++;
    }
  }

  private async receive(message: unknown): Promise<void> {
    if (!isMessage(message)) return;
    if (message.kind === 'notification') {
      for (const l of this.viewListeners.get(message.method as keyof ViewN) ?? []) l(message.params);
      return;
    }
    if (message.kind !== 'request') return;
    const handler = this.handlers[message.method as keyof R];
    let reply: { kind: 'response'; id: number; result?: unknown; error?: { type: string; message: string } };
    try {
      if (!handler) throw new Error(`unknown request ${message.method}`);
      reply = { kind: 'response', id: message.id, result: await handler(message.params as never) };
    } catch (e) {
      reply = { kind: 'response', id: message.id, error: errorInfo(e) };
    }
    try {
      await this.panel.webview.postMessage(reply);
    } catch {
      return; // the panel was closed while its request ran: no page to answer ("Webview is disposed")
    }
    if (message.method === 'ready') {
      this.ready = true;
      this.flush();
    }
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = crypto.randomBytes(18).toString('base64');
    const asset = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', ...p)).toString();
    const csp = [
      "default-src 'none'",
      `img-src ${webview.cspSource} data:`,
      `font-src ${webview.cspSource}`,
      `style-src ${webview.cspSource} 'nonce-${nonce}'`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('codicons', 'codicon.css')}" id="vscode-codicon-stylesheet" nonce="${nonce}">
<link rel="stylesheet" href="${asset('webview', 'base.css')}" nonce="${nonce}">
<title>${escapeHtml(this.title)}</title>
</head>
<body${this.identity ? ` data-panel="${escapeHtml(JSON.stringify(this.identity))}"` : ''}>
<${this.app}-app></${this.app}-app>
<script type="module" nonce="${nonce}" src="${asset('webview', `${this.app}.js`)}"></script>
</body>
</html>`;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
