// The envelope every panel uses between the extension host and its webview. A panel's protocol
// file declares three maps (requests the webview sends, notifications the host pushes, and
// notifications the webview pushes); both sides type their calls against those maps.

/** method -> [params, result] for requests the webview sends and the host answers. */
export type RequestMap = Record<string, [unknown, unknown]>;
/** method -> params for one-way messages. */
export type NotificationMap = Record<string, unknown>;

export interface RequestMessage<M extends RequestMap = RequestMap, K extends keyof M & string = keyof M & string> {
  kind: 'request';
  id: number;
  method: K;
  params: M[K][0];
}

export interface ResponseMessage {
  kind: 'response';
  id: number;
  result?: unknown;
  error?: RpcError;
}

export interface NotificationMessage<N extends NotificationMap = NotificationMap, K extends keyof N & string = keyof N & string> {
  kind: 'notification';
  method: K;
  params: N[K];
}

/** An error as shown to the user: DynamoDB's exception name and message, or a local problem. */
export interface RpcError {
  type: string;
  message: string;
}

export type AnyMessage = RequestMessage | ResponseMessage | NotificationMessage;

export function isMessage(value: unknown): value is AnyMessage {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'request' || kind === 'response' || kind === 'notification';
}

/** The first message of every webview: sent once its script has run and its listener is attached. */
export const READY = 'ready';

export type Params<M extends RequestMap, K extends keyof M> = M[K][0];
export type Result<M extends RequestMap, K extends keyof M> = M[K][1];
