// The inspector view's calls to its host. The host is passed in, so these run in Node tests with
// any object that answers the same requests.
import type { CodeKind, InspectorRequests, InspectorSession } from '../../src/protocol/inspector';

export interface InspectorHostApi {
  request<K extends keyof InspectorRequests & string>(method: K, params: InspectorRequests[K][0]): Promise<InspectorRequests[K][1]>;
}

export const ready = (host: InspectorHostApi): Promise<InspectorSession> => host.request('ready', undefined);
export const clear = (host: InspectorHostApi): Promise<void> => host.request('clear', undefined);
export const code = (host: InspectorHostApi, id: number, kind: CodeKind): Promise<string> => host.request('code', { id, kind });
export const copy = (host: InspectorHostApi, text: string): Promise<void> => host.request('copy', { text });
export const replay = (host: InspectorHostApi, id: number) => host.request('replay', { id });
export const openInItems = (host: InspectorHostApi, id: number): Promise<void> => host.request('openInItems', { id });
