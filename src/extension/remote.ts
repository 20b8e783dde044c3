// A Connection to a DynamoDB-compatible service through @aws-sdk/client-dynamodb: AWS itself
// (profile/region, the SDK's credential chain), DynamoDB Local, ScyllaDB Alternator, or another
// window's workspace endpoint. The SDK hands out Uint8Array for binaries and Date for times;
// both are turned back into the wire JSON (base64 strings, epoch seconds) so every Connection
// speaks the same shapes.
import * as ddb from '@aws-sdk/client-dynamodb';
import * as streams from '@aws-sdk/client-dynamodb-streams';
import { ConnectionError, type Connection, type ConnectionKind, type Operation, type StreamsOperation } from './connection';
import { EXPLORER_USER_AGENT } from '../server/inspector/client';

export interface RemoteOptions {
  id: string;
  label: string;
  kind?: ConnectionKind;
  endpoint?: string;
  region?: string;
  profile?: string;
  /** static credentials: local services accept anything, so these default to dummy ones when an endpoint is given without a profile */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

type CommandClass = new (input: any) => any;
const COMMANDS: Record<Operation, CommandClass> = {
  CreateTable: ddb.CreateTableCommand,
  DescribeTable: ddb.DescribeTableCommand,
  ListTables: ddb.ListTablesCommand,
  DeleteTable: ddb.DeleteTableCommand,
  UpdateTable: ddb.UpdateTableCommand,
  PutItem: ddb.PutItemCommand,
  GetItem: ddb.GetItemCommand,
  UpdateItem: ddb.UpdateItemCommand,
  DeleteItem: ddb.DeleteItemCommand,
  Query: ddb.QueryCommand,
  Scan: ddb.ScanCommand,
  BatchGetItem: ddb.BatchGetItemCommand,
  BatchWriteItem: ddb.BatchWriteItemCommand,
  TransactGetItems: ddb.TransactGetItemsCommand,
  TransactWriteItems: ddb.TransactWriteItemsCommand,
  DescribeTimeToLive: ddb.DescribeTimeToLiveCommand,
  UpdateTimeToLive: ddb.UpdateTimeToLiveCommand,
  DescribeContinuousBackups: ddb.DescribeContinuousBackupsCommand,
  UpdateContinuousBackups: ddb.UpdateContinuousBackupsCommand,
  ListBackups: ddb.ListBackupsCommand,
  ListTagsOfResource: ddb.ListTagsOfResourceCommand,
  TagResource: ddb.TagResourceCommand,
  UntagResource: ddb.UntagResourceCommand,
  ExecuteStatement: ddb.ExecuteStatementCommand,
  CreateBackup: ddb.CreateBackupCommand,
  DeleteBackup: ddb.DeleteBackupCommand,
  DescribeBackup: ddb.DescribeBackupCommand,
  RestoreTableFromBackup: ddb.RestoreTableFromBackupCommand,
  RestoreTableToPointInTime: ddb.RestoreTableToPointInTimeCommand,
};
const STREAM_COMMANDS: Record<StreamsOperation, CommandClass> = {
  ListStreams: streams.ListStreamsCommand,
  DescribeStream: streams.DescribeStreamCommand,
  GetShardIterator: streams.GetShardIteratorCommand,
  GetRecords: streams.GetRecordsCommand,
};

const b64ToBytes = (s: string) => Uint8Array.from(Buffer.from(s, 'base64'));

/** Wire JSON -> SDK input: binaries ({B: base64}, {BS: [...]}) become bytes. */
export function toSdk(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toSdk);
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const keys = Object.keys(value);
    const v = value as Record<string, unknown>;
    if (keys.length === 1 && keys[0] === 'B' && typeof v.B === 'string') return { B: b64ToBytes(v.B) };
    if (keys.length === 1 && keys[0] === 'BS' && Array.isArray(v.BS) && v.BS.every((x) => typeof x === 'string'))
      return { BS: (v.BS as string[]).map(b64ToBytes) };
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toSdk(x)]));
  }
  return value;
}

/** SDK output -> wire JSON: bytes to base64, dates to epoch seconds, SDK metadata dropped. */
export function fromSdk(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(fromSdk);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(value)) if (k !== '$metadata' && x !== undefined) out[k] = fromSdk(x);
    return out;
  }
  return value;
}

export class RemoteConnection implements Connection {
  readonly id: string;
  readonly label: string;
  readonly kind: ConnectionKind;
  readonly endpoint: string | undefined;
  readonly detail: string;
  /** The region the client signs for (the price list the capacity panel uses). */
  readonly region: string | undefined;
  private client: ddb.DynamoDBClient;
  private streamsClient: streams.DynamoDBStreamsClient | undefined;
  private readonly config: ddb.DynamoDBClientConfig;

  constructor(options: RemoteOptions) {
    this.id = options.id;
    this.label = options.label;
    this.kind = options.kind ?? 'remote';
    this.endpoint = options.endpoint;
    const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? (options.endpoint ? 'us-east-1' : undefined);
    this.region = region;
    // The User-Agent mark lets a workspace endpoint's request inspector show the explorer's own calls apart.
    const config: ddb.DynamoDBClientConfig = { region, maxAttempts: 2, customUserAgent: EXPLORER_USER_AGENT };
    if (options.endpoint) config.endpoint = options.endpoint;
    if (options.credentials) config.credentials = options.credentials;
    else if (options.profile) config.profile = options.profile;
    else if (options.endpoint && isLoopback(options.endpoint)) config.credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    this.config = config;
    this.client = new ddb.DynamoDBClient(config);
    this.detail = [options.endpoint, options.profile && `profile ${options.profile}`, region && `region ${region}`].filter(Boolean).join(' · ');
  }

  async send(operation: Operation, input: object): Promise<any> {
    const Command = COMMANDS[operation];
    if (!Command) throw new ConnectionError('UnknownOperationException', `${operation} is not supported`);
    try {
      return fromSdk(await this.client.send(new Command(toSdk(input))));
    } catch (e) {
      throw normalise(e);
    }
  }

  async sendStreams(operation: StreamsOperation, input: object): Promise<any> {
    this.streamsClient ??= new streams.DynamoDBStreamsClient(this.config as streams.DynamoDBStreamsClientConfig);
    try {
      return fromSdk(await this.streamsClient.send(new STREAM_COMMANDS[operation](toSdk(input))));
    } catch (e) {
      throw normalise(e);
    }
  }

  async dispose(): Promise<void> {
    this.client.destroy();
    this.streamsClient?.destroy();
  }
}

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
  } catch {
    return false;
  }
}

function normalise(e: unknown): Error {
  if (e instanceof Error) {
    const name = e.name && e.name !== 'Error' ? e.name : ((e as { code?: string }).code ?? 'Error');
    return new ConnectionError(name, e.message);
  }
  return new ConnectionError('Error', String(e));
}
