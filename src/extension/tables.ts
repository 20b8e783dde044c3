// Reading DescribeTable output into what the tree and panels show.
import type { Connection } from './connection';
import { isUnsupported } from './connection';
import type { IndexInfo, KeyElement, TableInfo } from '../protocol/items';

export interface TableDescription {
  TableName: string;
  TableStatus?: string;
  KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  AttributeDefinitions: { AttributeName: string; AttributeType: 'S' | 'N' | 'B' }[];
  ItemCount?: number;
  TableSizeBytes?: number;
  BillingModeSummary?: { BillingMode?: 'PAY_PER_REQUEST' | 'PROVISIONED' };
  ProvisionedThroughput?: { ReadCapacityUnits?: number; WriteCapacityUnits?: number };
  GlobalSecondaryIndexes?: IndexDescription[];
  LocalSecondaryIndexes?: IndexDescription[];
  StreamSpecification?: { StreamEnabled?: boolean; StreamViewType?: string };
  LatestStreamArn?: string;
  LatestStreamLabel?: string;
  TableArn?: string;
  CreationDateTime?: number;
  DeletionProtectionEnabled?: boolean;
  TableClassSummary?: { TableClass?: string };
}

export interface IndexDescription {
  IndexName: string;
  KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  Projection?: { ProjectionType?: string; NonKeyAttributes?: string[] };
  IndexStatus?: string;
  ItemCount?: number;
  IndexSizeBytes?: number;
  ProvisionedThroughput?: { ReadCapacityUnits?: number; WriteCapacityUnits?: number };
}

/**
 * A key schema's attributes with their types: every HASH attribute in `partitions` and every RANGE
 * attribute in `sorts`, in key-schema order (a GSI's multi-attribute key has up to 4 of each; a
 * table's key one and at most one); `partition` and `sort` are the first of each.
 */
export function keyElements(desc: Pick<TableDescription, 'AttributeDefinitions'>, schema: IndexDescription['KeySchema']): { partition: KeyElement; sort?: KeyElement; partitions: KeyElement[]; sorts: KeyElement[] } {
  const type = (name: string) => desc.AttributeDefinitions?.find((d) => d.AttributeName === name)?.AttributeType ?? 'S';
  const of = (keyType: 'HASH' | 'RANGE') => schema.filter((k) => k.KeyType === keyType).map((k) => ({ name: k.AttributeName, type: type(k.AttributeName) }));
  const partitions = of('HASH');
  const sorts = of('RANGE');
  return { partition: partitions[0]!, sort: sorts[0], partitions, sorts };
}

/** "a + b" for one key part's attributes (how the tree and the panels write a multi-attribute key). */
export function keyText(elements: readonly KeyElement[]): string {
  return elements.map((k) => k.name).join(' + ');
}

/** The table's key attribute names, partition key first (what import and export order items by and match on). */
export async function tableKeyNames(connection: Connection, tableName: string): Promise<string[]> {
  const desc = await describeTable(connection, tableName);
  const { partition, sort } = keyElements(desc, desc.KeySchema);
  return [partition.name, ...(sort ? [sort.name] : [])];
}

export function billingMode(desc: TableDescription): 'PAY_PER_REQUEST' | 'PROVISIONED' {
  if (desc.BillingModeSummary?.BillingMode) return desc.BillingModeSummary.BillingMode;
  const p = desc.ProvisionedThroughput;
  return p && (p.ReadCapacityUnits ?? 0) > 0 ? 'PROVISIONED' : 'PAY_PER_REQUEST';
}

export function projectionText(p: IndexDescription['Projection']): string {
  if (!p?.ProjectionType) return 'ALL';
  return p.ProjectionType === 'INCLUDE' ? `INCLUDE ${(p.NonKeyAttributes ?? []).join(', ')}` : p.ProjectionType;
}

export function indexInfos(desc: TableDescription): IndexInfo[] {
  const map = (kind: 'GSI' | 'LSI') => (ix: IndexDescription): IndexInfo => {
    const { partition, sort, partitions, sorts } = keyElements(desc, ix.KeySchema);
    return { name: ix.IndexName, kind, partitionKey: partition, sortKey: sort, partitionKeys: partitions, sortKeys: sorts, projection: projectionText(ix.Projection) };
  };
  return [...(desc.GlobalSecondaryIndexes ?? []).map(map('GSI')), ...(desc.LocalSecondaryIndexes ?? []).map(map('LSI'))];
}

export function tableInfo(connection: Connection, desc: TableDescription, supports: TableInfo['supports']): TableInfo {
  const { partition, sort } = keyElements(desc, desc.KeySchema);
  return {
    connectionId: connection.id,
    connectionLabel: connection.label,
    tableName: desc.TableName,
    partitionKey: partition,
    sortKey: sort,
    indexes: indexInfos(desc),
    billingMode: billingMode(desc),
    itemCount: desc.ItemCount,
    sizeBytes: desc.TableSizeBytes,
    supports,
  };
}

export async function describeTable(connection: Connection, tableName: string): Promise<TableDescription> {
  const out = await connection.send('DescribeTable', { TableName: tableName });
  return out.Table as TableDescription;
}

export async function listAllTables(connection: Connection): Promise<string[]> {
  const names: string[] = [];
  let start: string | undefined;
  do {
    const out = await connection.send('ListTables', start ? { ExclusiveStartTableName: start } : {});
    names.push(...((out.TableNames as string[]) ?? []));
    start = out.LastEvaluatedTableName;
  } while (start);
  return names;
}

/** Which optional operations a connection answers: probed once per connection with harmless requests. */
export async function probeSupport(connection: Connection, tableName: string): Promise<TableInfo['supports']> {
  const probe = async (op: 'Query' | 'Scan' | 'BatchWriteItem', input: object): Promise<boolean> => {
    try {
      await connection.send(op, input);
      return true;
    } catch (e) {
      return !isUnsupported(e);
    }
  };
  const scan = await probe('Scan', { TableName: tableName, Limit: 1 });
  const query = await probe('Query', { TableName: tableName, KeyConditionExpression: 'attribute_exists(x)' }); // always a ValidationException where supported
  const batchWrite = await probe('BatchWriteItem', { RequestItems: {} });
  let consumedCapacity = false;
  if (scan) {
    try {
      const out = await connection.send('Scan', { TableName: tableName, Limit: 1, ReturnConsumedCapacity: 'TOTAL' });
      consumedCapacity = out.ConsumedCapacity !== undefined;
    } catch {
      consumedCapacity = false;
    }
  }
  return { query, scan, batchWrite, consumedCapacity };
}
