// The webview side of the panel protocol: typed requests to the extension host, notifications
// from it, and the page state VS Code keeps while the panel is hidden. Creating a Host also keeps
// the page's dropdown lists inside the webview (shared/dropdowns.ts).
// The page state also carries which connection and table the panel shows (the extension writes
// it into the page as <body data-panel>): it is saved at once, before the app saves anything, so
// a window reloaded the moment after the panel opened still brings the panel back.
import { parseIdentity, withIdentity, withoutIdentity, type PanelIdentity } from '../../src/protocol/panel-state';
import type { AnyMessage, NotificationMap, RequestMap, RpcError } from '../../src/protocol/rpc';
import { keepDropdownsInView } from './dropdowns';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export class HostError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
  }
  get display(): string {
    return this.type && this.type !== 'Error' ? `${this.type}: ${this.message}` : this.message;
  }
}

export class Host<R extends RequestMap, HostN extends NotificationMap, ViewN extends NotificationMap, State> {
  private readonly api: VsCodeApi = acquireVsCodeApi();
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: HostError) => void }>();
  private readonly listeners = new Map<string, ((params: any) => void)[]>();

  private readonly identity: PanelIdentity | undefined = readIdentity();

  constructor() {
    if (this.identity) this.api.setState(withIdentity(this.api.getState(), this.identity));
    window.addEventListener('message', (event: MessageEvent) => this.receive(event.data as AnyMessage));
    // every app talks to its host through this class: its forms' dropdowns stay in view too
    keepDropdownsInView();
  }

  request<K extends keyof R & string>(method: K, params: R[K][0]): Promise<R[K][1]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.api.postMessage({ kind: 'request', id, method, params });
    });
  }

  notify<K extends keyof ViewN & string>(method: K, params: ViewN[K]): void {
    this.api.postMessage({ kind: 'notification', method, params });
  }

  on<K extends keyof HostN & string>(method: K, listener: (params: HostN[K]) => void): void {
    const list = this.listeners.get(method) ?? [];
    list.push(listener);
    this.listeners.set(method, list);
  }

  get state(): State | undefined {
    return withoutIdentity(this.api.getState()) as State | undefined;
  }

  set state(value: State) {
    this.api.setState(withIdentity(value, this.identity));
  }

  private receive(message: AnyMessage): void {
    if (!message || typeof message !== 'object') return;
    if (message.kind === 'response') {
      const p = this.pending.get(message.id);
      if (!p) return;
      this.pending.delete(message.id);
      if (message.error) p.reject(new HostError((message.error as RpcError).type, (message.error as RpcError).message));
      else p.resolve(message.result);
    } else if (message.kind === 'notification') {
      for (const l of this.listeners.get(message.method) ?? []) l(message.params);
    }
  }
}

function readIdentity(): PanelIdentity | undefined {
  const text = document.body?.dataset.panel;
  if (!text) return undefined;
  try {
    return parseIdentity(JSON.parse(text));
  } catch {
    return undefined;
  }
}

export function errorText(e: unknown): string {
  if (e instanceof HostError) return e.display;
  return e instanceof Error ? e.message : String(e);
}
