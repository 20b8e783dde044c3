// The stream view's calls to its host. The host is passed in, so these run in Node tests with
// any object that answers the same requests.
import type { Item } from '../../src/protocol/dynamo-json';
import type { StreamRequests, StreamSession, StreamViewType } from '../../src/protocol/stream-view';

export interface StreamHostApi {
  request<K extends keyof StreamRequests & string>(method: K, params: StreamRequests[K][0]): Promise<StreamRequests[K][1]>;
}

export const ready = (host: StreamHostApi): Promise<StreamSession> => host.request('ready', undefined);
export const replayFromTrimHorizon = (host: StreamHostApi): Promise<StreamSession> => host.request('replay', undefined);
export const tailLatest = (host: StreamHostApi): Promise<StreamSession> => host.request('tailLatest', undefined);
export const enableStream = (host: StreamHostApi, viewType: StreamViewType): Promise<StreamSession> => host.request('enableStream', { viewType });
export const openItem = (host: StreamHostApi, keys: Item): Promise<void> => host.request('openItem', { keys });
