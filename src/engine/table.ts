// One table's live state: its metadata (what DescribeTable reports, persisted as JSON), its
// items as encoded strings in a hash map for point reads and a sorted index for range reads.
import { ItemCodec, encodedItemSize } from './codec/item-codec';
import { encodePrimaryKey, type KeySchemaInfo } from './codec/key-codec';
import type { Item, ScalarType } from './types/attribute-value';
import { SortedIndex } from './storage/sorted-index';

export interface KeySchemaElement {
  AttributeName: string;
  KeyType: 'HASH' | 'RANGE';
}

export interface AttributeDefinition {
  AttributeName: string;
  AttributeType: ScalarType;
}

export interface TableMeta {
  id: string;
  name: string;
  arn: string;
  keySchema: KeySchemaElement[];
  attributeDefinitions: AttributeDefinition[];
  createdAt: number; // epoch seconds
  billingMode: 'PROVISIONED' | 'PAY_PER_REQUEST';
  read: number;
  write: number;
  lastIncrease?: number;
  lastDecrease?: number;
  decreasesToday: number;
  lastUpdateToPayPerRequest?: number;
  tableClass: 'STANDARD' | 'STANDARD_INFREQUENT_ACCESS';
  deletionProtection: boolean;
  extra?: Record<string, unknown>;
}

export class Table {
  readonly codec = new ItemCodec();
  readonly items = new Map<string, string>();
  index = new SortedIndex<string>();
  sizeBytes = 0;
  readonly schema: KeySchemaInfo;

  constructor(public meta: TableMeta) {
    this.schema = schemaOf(meta);
  }

  get name(): string {
    return this.meta.name;
  }

  keyOf(item: Item): string {
    return encodePrimaryKey(this.schema, item);
  }

  put(key: string, encoded: string): void {
    const old = this.items.get(key);
    this.items.set(key, encoded);
    if (old === undefined) this.index.set(key, encoded);
    else {
      this.index.set(key, encoded);
      this.sizeBytes -= encodedItemSize(old);
    }
    this.sizeBytes += encodedItemSize(encoded);
  }

  remove(key: string): void {
    const old = this.items.get(key);
    if (old === undefined) return;
    this.items.delete(key);
    this.index.delete(key);
    this.sizeBytes -= encodedItemSize(old);
  }

  /** Bulk load from a checkpoint, entries already in key order. */
  load(keys: string[], values: string[]): void {
    this.index = SortedIndex.fromSorted(keys, values);
    for (let i = 0; i < keys.length; i++) {
      this.items.set(keys[i], values[i]);
      this.sizeBytes += encodedItemSize(values[i]);
    }
  }

  describe(status: string): Record<string, unknown> {
    const m = this.meta;
    const provisioned: Record<string, unknown> = {
      NumberOfDecreasesToday: m.decreasesToday,
      ReadCapacityUnits: m.billingMode === 'PAY_PER_REQUEST' ? 0 : m.read,
      WriteCapacityUnits: m.billingMode === 'PAY_PER_REQUEST' ? 0 : m.write,
    };
    if (m.lastIncrease !== undefined) provisioned.LastIncreaseDateTime = m.lastIncrease;
    if (m.lastDecrease !== undefined) provisioned.LastDecreaseDateTime = m.lastDecrease;
    const out: Record<string, unknown> = {
      AttributeDefinitions: m.attributeDefinitions,
      TableName: m.name,
      KeySchema: m.keySchema,
      TableStatus: status,
      CreationDateTime: m.createdAt,
      ProvisionedThroughput: provisioned,
      TableSizeBytes: this.sizeBytes,
      ItemCount: this.items.size,
      TableArn: m.arn,
      TableId: m.id,
    };
    if (m.billingMode === 'PAY_PER_REQUEST' || m.lastUpdateToPayPerRequest !== undefined) {
      const summary: Record<string, unknown> = { BillingMode: m.billingMode };
      if (m.lastUpdateToPayPerRequest !== undefined) summary.LastUpdateToPayPerRequestDateTime = m.lastUpdateToPayPerRequest;
      out.BillingModeSummary = summary;
    }
    if (m.tableClass !== 'STANDARD') out.TableClassSummary = { TableClass: m.tableClass };
    out.DeletionProtectionEnabled = m.deletionProtection;
    return out;
  }
}

export function schemaOf(meta: Pick<TableMeta, 'keySchema' | 'attributeDefinitions'>): KeySchemaInfo {
  const typeOfAttr = (name: string): ScalarType => meta.attributeDefinitions.find((d) => d.AttributeName === name)!.AttributeType;
  const hash = meta.keySchema.find((k) => k.KeyType === 'HASH')!;
  const range = meta.keySchema.find((k) => k.KeyType === 'RANGE');
  return {
    partitionName: hash.AttributeName,
    partitionType: typeOfAttr(hash.AttributeName),
    sortName: range?.AttributeName,
    sortType: range ? typeOfAttr(range.AttributeName) : undefined,
  };
}
