// One table's live state: its metadata (what DescribeTable reports, persisted as JSON), its
// items as encoded strings in a hash map for point reads and a sorted index for range reads.
import { ItemCodec, encodedItemSize } from './codec/item-codec';
import { encodePrimaryKey, type KeySchemaInfo } from './codec/key-codec';
import type { Item, ScalarType } from './types/attribute-value';
import { SortedIndex } from './storage/sorted-index';
import { KeyMap } from './storage/key-map';
import { TableIndexes, type IndexInfo, type IndexMeta } from './indexes';
import type { StreamState } from './streams/model';
import { ExpiryIndex } from './ttl/expiry-index';
import { tracksExpiry, type TtlMeta } from './ttl/expiry';
import type { PitrSettings } from './backups/pitr';
import type { Tag } from './tags';

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
  /** Secondary indexes, LSIs first (in creation order), then GSIs. */
  indexes?: IndexMeta[];
  /**
   * The table's streams, oldest first (src/engine/streams): at most the last one is enabled.
   * Changed only by updateTable mutations, so it is logged, checkpointed and recovered with the table.
   */
  streams?: StreamState[];
  /** Time to live (UpdateTimeToLive); absent until it is first enabled. */
  ttl?: TtlMeta;
  /** Point-in-time recovery (UpdateContinuousBackups); absent until it is first enabled. */
  pitr?: PitrSettings;
  /**
   * The metadata this one replaced, kept (one level deep) on changes of a table with PITR on, so a
   * restore to a time before the change finds the key schema, indexes and settings then (backups/pitr.ts).
   */
  priorMeta?: TableMeta;
  /** Set on a table made by a restore (from a backup or to a point in time): DescribeTable's RestoreSummary. */
  restore?: RestoreMeta;
  /** Tags (src/engine/tags.ts), sorted by key; absent until the table is first tagged. Never copied by a restore. */
  tags?: Tag[];
  extra?: Record<string, unknown>;
}

/** Where a restored table came from; RestoreInProgress is read from the table's status. */
export interface RestoreMeta {
  sourceBackupArn?: string;
  sourceTableArn?: string;
  /** Epoch seconds: the point in time restored to, or the backup's creation time. */
  restoredAt: number;
}

export class Table {
  readonly codec = new ItemCodec();
  /** Point reads. After a bulk load it fills in the background; until then reads use `index`. */
  private byKey = new KeyMap<string>();
  private filling: { keys: string[]; values: string[]; next: number; deleted: Set<string> } | undefined;
  index = new SortedIndex<string>();
  sizeBytes = 0;
  /** Counts puts and removes: a backup taken at one version is the table as long as it stays there. */
  version = 0;
  readonly schema: KeySchemaInfo;
  /** Secondary indexes, kept in step with every put and remove (src/engine/indexes). */
  readonly secondary: TableIndexes;
  /** Items by expiry time while TTL is enabled (src/engine/ttl), kept in step with every put and remove. */
  expiry: ExpiryIndex | undefined;
  private currentMeta: TableMeta;

  constructor(meta: TableMeta) {
    this.currentMeta = meta;
    this.schema = schemaOf(meta);
    this.secondary = new TableIndexes(this);
    this.secondary.sync();
    this.syncExpiry();
  }

  get meta(): TableMeta {
    return this.currentMeta;
  }

  set meta(meta: TableMeta) {
    this.currentMeta = meta;
    this.secondary.sync();
    this.syncExpiry();
  }

  /** Starts (empty, to be built by the sweeper) or drops the expiry index as TTL is enabled or disabled. */
  private syncExpiry(): void {
    const ttl = this.currentMeta.ttl;
    if (!tracksExpiry(ttl)) {
      this.expiry = undefined;
      return;
    }
    if (this.expiry?.attributeName === ttl!.attributeName) return;
    this.expiry = new ExpiryIndex(ttl!.attributeName, this.codec);
    this.expiry.complete = this.index.size === 0;
  }

  get name(): string {
    return this.meta.name;
  }

  /** The table's secondary indexes (capacity and metrics read them). */
  get indexes(): IndexInfo[] {
    return (this.meta.indexes ?? []).map((i) => {
      const live = this.secondary.get(i.name);
      return {
        name: i.name,
        kind: i.kind,
        status: i.status,
        keySchema: i.keySchema,
        projection: i.projection,
        provisioned: i.kind === 'GSI' && this.meta.billingMode === 'PROVISIONED' ? { read: i.read ?? 0, write: i.write ?? 0 } : undefined,
        backfilling: i.status === 'CREATING',
        sizeBytes: live?.sizeBytes ?? 0,
        itemCount: live?.itemCount ?? 0,
      };
    });
  }

  keyOf(item: Item): string {
    return encodePrimaryKey(this.schema, item);
  }

  /** The encoded item stored under an encoded primary key. */
  get(key: string): string | undefined {
    return this.filling === undefined ? this.byKey.get(key) : this.index.get(key);
  }

  get itemCount(): number {
    return this.index.size;
  }

  put(key: string, encoded: string): void {
    this.version++;
    const old = this.index.set(key, encoded);
    this.byKey.set(key, encoded);
    if (old !== undefined) this.sizeBytes -= encodedItemSize(old);
    this.sizeBytes += encodedItemSize(encoded);
    if (!this.secondary.isEmpty) this.secondary.write(key, old, encoded);
    this.expiry?.write(key, old, encoded);
  }

  remove(key: string): void {
    const old = this.index.delete(key);
    if (old === undefined) return;
    this.version++;
    this.byKey.delete(key);
    this.filling?.deleted.add(key);
    this.sizeBytes -= encodedItemSize(old);
    if (!this.secondary.isEmpty) this.secondary.write(key, old, undefined);
    this.expiry?.write(key, old, undefined);
  }

  /**
   * Bulk load from a checkpoint, entries already in key order. The ordered index is built at
   * once; the hash map for point reads is filled in slices between other work, so opening a
   * large folder does not wait for a million map inserts. With `startAfter`, that background work
   * waits for it (a loaded table's log record being acknowledged first); reads meanwhile are
   * answered as during the background work.
   */
  load(keys: string[], values: string[], startAfter?: Promise<unknown>, heads?: Float64Array): void {
    this.index = SortedIndex.fromSorted(keys, values, heads);
    for (let i = 0; i < values.length; i++) this.sizeBytes += encodedItemSize(values[i]);
    if (!this.secondary.isEmpty) this.secondary.load(keys, values, startAfter);
    // The loaded items are visited by the expiry index's build, in slices (ttl/sweeper.ts).
    if (this.expiry !== undefined && keys.length > 0) this.expiry.complete = false;
    if (keys.length === 0) return;
    if (this.byKey.size === 0) this.byKey = new KeyMap<string>(keys.length);
    this.filling = { keys, values, next: 0, deleted: new Set() };
    const step = (): void => {
      this.fill(50_000);
      if (this.filling !== undefined) setImmediate(step);
    };
    if (startAfter === undefined) setImmediate(step);
    else void startAfter.then(() => setImmediate(step), () => setImmediate(step));
  }

  /** Finishes filling the point-read map now (for benchmarks that measure the steady state). */
  settle(): void {
    this.fill(Infinity);
    this.secondary.settle();
  }

  private fill(limit: number): void {
    const f = this.filling;
    if (f === undefined) return;
    const end = Math.min(f.keys.length, f.next + limit);
    for (let i = f.next; i < end; i++) {
      const key = f.keys[i];
      // Writes since the load are already in the map; deletes since the load stay deleted.
      if (!this.byKey.has(key) && !f.deleted.has(key)) this.byKey.set(key, f.values[i]);
    }
    f.next = end;
    if (end >= f.keys.length) this.filling = undefined;
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
      TableStatus: status === 'ACTIVE' && this.secondary.updating ? 'UPDATING' : status,
      CreationDateTime: m.createdAt,
      ProvisionedThroughput: provisioned,
      TableSizeBytes: this.sizeBytes,
      ItemCount: this.itemCount,
      TableArn: m.arn,
      TableId: m.id,
    };
    if (m.billingMode === 'PAY_PER_REQUEST' || m.lastUpdateToPayPerRequest !== undefined) {
      const summary: Record<string, unknown> = { BillingMode: m.billingMode };
      if (m.lastUpdateToPayPerRequest !== undefined) summary.LastUpdateToPayPerRequestDateTime = m.lastUpdateToPayPerRequest;
      out.BillingModeSummary = summary;
    }
    this.secondary.describe(out, status);
    describeStreams(m.streams, out);
    if (m.tableClass !== 'STANDARD') out.TableClassSummary = { TableClass: m.tableClass };
    out.DeletionProtectionEnabled = m.deletionProtection;
    if (m.restore !== undefined) out.RestoreSummary = restoreSummary(m.restore, status === 'CREATING');
    return out;
  }
}

/** DescribeTable's RestoreSummary. */
export function restoreSummary(r: RestoreMeta, inProgress: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (r.sourceBackupArn !== undefined) out.SourceBackupArn = r.sourceBackupArn;
  if (r.sourceTableArn !== undefined) out.SourceTableArn = r.sourceTableArn;
  out.RestoreDateTime = r.restoredAt;
  out.RestoreInProgress = inProgress;
  return out;
}

/** DescribeTable's stream members: the specification while a stream is enabled, the latest stream's arn and label once there was one. */
function describeStreams(streams: StreamState[] | undefined, out: Record<string, unknown>): void {
  const latest = streams?.[streams.length - 1];
  if (latest === undefined) return;
  if (latest.disabledAt === undefined) out.StreamSpecification = { StreamEnabled: true, StreamViewType: latest.viewType };
  out.LatestStreamLabel = latest.label;
  out.LatestStreamArn = latest.arn;
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
