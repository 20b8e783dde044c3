// The shapes DescribeBackup, CreateBackup and DeleteBackup answer with, from a catalog record.
import type { BackupRecord, BackupStatus, BackupType } from './catalog';
import type { IndexMeta } from '../indexes';

type Described = BackupRecord & { status: BackupStatus };

/** CreateBackup's BackupDetails (also part of BackupDescription). */
export function backupDetails(b: Described): Record<string, unknown> {
  const out: Record<string, unknown> = {
    BackupArn: b.arn,
    BackupName: b.name,
    BackupSizeBytes: b.sizeBytes,
    BackupStatus: b.status,
    BackupType: b.type as BackupType,
    BackupCreationDateTime: b.createdAt / 1000,
  };
  if (b.expiresAt !== undefined) out.BackupExpiryDateTime = b.expiresAt / 1000;
  return out;
}

/** DescribeBackup's and DeleteBackup's BackupDescription: the backup, and its table as it was then. */
export function backupDescription(b: Described): Record<string, unknown> {
  const m = b.source;
  const provisioned = m.billingMode === 'PROVISIONED';
  const sourceTable: Record<string, unknown> = {
    TableName: m.name,
    TableId: m.id,
    TableArn: m.arn,
    TableSizeBytes: b.sizeBytes,
    KeySchema: m.keySchema,
    TableCreationDateTime: m.createdAt,
    ProvisionedThroughput: { ReadCapacityUnits: provisioned ? m.read : 0, WriteCapacityUnits: provisioned ? m.write : 0 },
    ItemCount: b.itemCount,
    BillingMode: m.billingMode,
  };
  const features: Record<string, unknown> = {};
  const indexes = (m.indexes ?? []).filter((i) => i.status !== 'DELETING');
  const lsis = indexes.filter((i) => i.kind === 'LSI').map((i) => indexInfo(i, false));
  const gsis = indexes.filter((i) => i.kind === 'GSI').map((i) => indexInfo(i, provisioned));
  if (lsis.length > 0) features.LocalSecondaryIndexes = lsis;
  if (gsis.length > 0) features.GlobalSecondaryIndexes = gsis;
  const stream = m.streams?.[m.streams.length - 1];
  if (stream !== undefined && stream.disabledAt === undefined) features.StreamDescription = { StreamEnabled: true, StreamViewType: stream.viewType };
  if (m.ttl !== undefined) features.TimeToLiveDescription = { TimeToLiveStatus: m.ttl.enabled ? 'ENABLED' : 'DISABLED', AttributeName: m.ttl.attributeName };
  return { BackupDetails: backupDetails(b), SourceTableDetails: sourceTable, SourceTableFeatureDetails: features };
}

function indexInfo(i: IndexMeta, provisioned: boolean): Record<string, unknown> {
  const projection: Record<string, unknown> = { ProjectionType: i.projection.type };
  if (i.projection.nonKeyAttributes) projection.NonKeyAttributes = i.projection.nonKeyAttributes;
  const out: Record<string, unknown> = { IndexName: i.name, KeySchema: i.keySchema, Projection: projection };
  if (i.kind === 'GSI') out.ProvisionedThroughput = { ReadCapacityUnits: provisioned ? (i.read ?? 0) : 0, WriteCapacityUnits: provisioned ? (i.write ?? 0) : 0 };
  return out;
}
