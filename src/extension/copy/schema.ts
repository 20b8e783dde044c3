// A table's schema, as DescribeTable reports it, turned back into the CreateTable request that
// makes the same table elsewhere: keys, the attribute definitions those keys and indexes use,
// local and global secondary indexes with their projections, billing mode and throughput, and
// the stream. What CreateTable cannot carry over (tags, encryption, deletion protection, the table
// class on a service without one) is named in `notes` so the user is told, never dropped silently.
//
// Invariants: the request holds only attribute definitions some key uses (CreateTable refuses
// others), and throughput only in PROVISIONED mode (DynamoDB Local and AWS describe on-demand
// tables and their GSIs with zero throughput, which CreateTable would refuse).
import { ConnectionError } from '../connection';
import { billingMode, keyElements, type IndexDescription, type TableDescription } from '../tables';

type KeySchema = TableDescription['KeySchema'];

export interface CreateTableInput {
  TableName: string;
  KeySchema: KeySchema;
  AttributeDefinitions: TableDescription['AttributeDefinitions'];
  BillingMode: 'PAY_PER_REQUEST' | 'PROVISIONED';
  ProvisionedThroughput?: { ReadCapacityUnits: number; WriteCapacityUnits: number };
  LocalSecondaryIndexes?: { IndexName: string; KeySchema: KeySchema; Projection: Projection }[];
  GlobalSecondaryIndexes?: { IndexName: string; KeySchema: KeySchema; Projection: Projection; ProvisionedThroughput?: { ReadCapacityUnits: number; WriteCapacityUnits: number } }[];
  StreamSpecification?: { StreamEnabled: true; StreamViewType: string };
}

type Projection = { ProjectionType: string; NonKeyAttributes?: string[] };

function projection(p: IndexDescription['Projection']): Projection {
  const type = p?.ProjectionType ?? 'ALL';
  return type === 'INCLUDE' ? { ProjectionType: type, NonKeyAttributes: [...(p?.NonKeyAttributes ?? [])] } : { ProjectionType: type };
}

function throughput(p: { ReadCapacityUnits?: number; WriteCapacityUnits?: number } | undefined): { ReadCapacityUnits: number; WriteCapacityUnits: number } {
  // a provisioned table always has at least one unit of each; a description without them is an on-demand leftover
  return { ReadCapacityUnits: Math.max(1, p?.ReadCapacityUnits ?? 1), WriteCapacityUnits: Math.max(1, p?.WriteCapacityUnits ?? 1) };
}

/** The CreateTable request for a copy of `desc` named `tableName`, and what the copy leaves out. */
export function createTableInput(desc: TableDescription, tableName: string): { input: CreateTableInput; notes: string[] } {
  const mode = billingMode(desc);
  const provisioned = mode === 'PROVISIONED';
  const used = new Set<string>();
  const keys = (schema: KeySchema) => {
    for (const k of schema) used.add(k.AttributeName);
    return schema.map((k) => ({ AttributeName: k.AttributeName, KeyType: k.KeyType }));
  };
  const input: CreateTableInput = {
    TableName: tableName,
    KeySchema: keys(desc.KeySchema),
    AttributeDefinitions: [],
    BillingMode: mode,
  };
  if (provisioned) input.ProvisionedThroughput = throughput(desc.ProvisionedThroughput);
  if (desc.LocalSecondaryIndexes?.length)
    input.LocalSecondaryIndexes = desc.LocalSecondaryIndexes.map((ix) => ({ IndexName: ix.IndexName, KeySchema: keys(ix.KeySchema), Projection: projection(ix.Projection) }));
  if (desc.GlobalSecondaryIndexes?.length)
    input.GlobalSecondaryIndexes = desc.GlobalSecondaryIndexes.map((ix) => ({
      IndexName: ix.IndexName,
      KeySchema: keys(ix.KeySchema),
      Projection: projection(ix.Projection),
      ...(provisioned ? { ProvisionedThroughput: throughput(ix.ProvisionedThroughput) } : {}),
    }));
  input.AttributeDefinitions = (desc.AttributeDefinitions ?? [])
    .filter((d) => used.has(d.AttributeName))
    .map((d) => ({ AttributeName: d.AttributeName, AttributeType: d.AttributeType }));
  if (desc.StreamSpecification?.StreamEnabled && desc.StreamSpecification.StreamViewType)
    input.StreamSpecification = { StreamEnabled: true, StreamViewType: desc.StreamSpecification.StreamViewType };

  const notes: string[] = [];
  if (desc.DeletionProtectionEnabled) notes.push('deletion protection is not turned on in the copy');
  const tableClass = desc.TableClassSummary?.TableClass;
  if (tableClass && tableClass !== 'STANDARD') notes.push(`the copy uses the STANDARD table class, not ${tableClass}`);
  return { input, notes };
}

/** Key attribute names and types, partition key first: what two tables must share for items to move between them. */
function keySignature(desc: TableDescription): string {
  const { partition, sort } = keyElements(desc, desc.KeySchema);
  return [partition, sort].filter((k) => k).map((k) => `${k!.name} (${k!.type})`).join(', ');
}

/** Refuses to copy into an existing table whose key differs from the source's (every write would fail). */
export function checkSameKeys(source: TableDescription, target: TableDescription): void {
  const from = keySignature(source);
  const to = keySignature(target);
  if (from !== to)
    throw new ConnectionError('ValidationException', `${target.TableName} is keyed on ${to} but ${source.TableName} on ${from}: items cannot be copied between them`);
}

/** The capacity units per second the copy may write into `desc`: its lowest provisioned write capacity, table or GSI; Infinity on demand. */
export function writeRate(desc: TableDescription): number {
  if (billingMode(desc) !== 'PROVISIONED') return Infinity;
  const rates = [desc.ProvisionedThroughput?.WriteCapacityUnits, ...(desc.GlobalSecondaryIndexes ?? []).map((ix) => ix.ProvisionedThroughput?.WriteCapacityUnits)];
  const positive = rates.filter((r): r is number => typeof r === 'number' && r > 0);
  return positive.length ? Math.min(...positive) : Infinity;
}
