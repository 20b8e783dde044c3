// The one way the explorer, the panels and the hovers reach data: a Connection sends DynamoDB
// (and DynamoDB Streams) operations with the exact JSON shapes of the wire protocol, whether the
// database is the workspace's embedded engine or a remote service.

/** DynamoDB operations the UI uses (the engine and remote services may support more). */
export type Operation =
  | 'CreateTable' | 'DescribeTable' | 'ListTables' | 'DeleteTable' | 'UpdateTable'
  | 'PutItem' | 'GetItem' | 'UpdateItem' | 'DeleteItem'
  | 'Query' | 'Scan' | 'BatchGetItem' | 'BatchWriteItem'
  | 'TransactGetItems' | 'TransactWriteItems'
  | 'DescribeTimeToLive' | 'UpdateTimeToLive' | 'DescribeContinuousBackups' | 'UpdateContinuousBackups' | 'ListBackups'
  | 'ListTagsOfResource' | 'TagResource' | 'UntagResource' | 'ExecuteStatement'
  | 'CreateBackup' | 'DeleteBackup' | 'DescribeBackup' | 'RestoreTableFromBackup' | 'RestoreTableToPointInTime';

export type StreamsOperation = 'ListStreams' | 'DescribeStream' | 'GetShardIterator' | 'GetRecords';

export type ConnectionKind = 'workspace' | 'shared' | 'remote';

export interface Connection {
  /** stable id: `workspace:<folder uri>` or `remote:<name>` */
  readonly id: string;
  readonly label: string;
  readonly kind: ConnectionKind;
  /** where applications can reach this database (the workspace endpoint, or the remote URL) */
  readonly endpoint: string | undefined;
  /** one line for tooltips: data folder, region, profile */
  readonly detail: string;
  send(operation: Operation, input: object): Promise<any>;
  sendStreams(operation: StreamsOperation, input: object): Promise<any>;
  dispose(): Promise<void>;
}

/** An error as DynamoDB names it: exception type plus message. */
export class ConnectionError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
    this.name = type;
  }
}

/** Normalises errors from the engine, the SDK and elsewhere into {type, message}. */
export function errorInfo(error: unknown): { type: string; message: string } {
  if (error && typeof error === 'object') {
    const e = error as { type?: unknown; name?: unknown; message?: unknown; code?: unknown };
    const type = typeof e.type === 'string' ? e.type : typeof e.name === 'string' && e.name !== 'Error' ? e.name : typeof e.code === 'string' ? e.code : 'Error';
    const message = typeof e.message === 'string' && e.message ? e.message : String(error);
    return { type, message };
  }
  return { type: 'Error', message: String(error) };
}

export function describeError(error: unknown): string {
  const { type, message } = errorInfo(error);
  return type === 'Error' ? message : `${type}: ${message}`;
}

/** The operation isn't supported by this database yet (engine still growing, or an old service). */
export function isUnsupported(error: unknown): boolean {
  const { type, message } = errorInfo(error);
  return type === 'UnknownOperationException' || /not (yet )?(supported|implemented)/i.test(message);
}
