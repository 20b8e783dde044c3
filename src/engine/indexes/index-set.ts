// A table's secondary indexes at run time: kept in step with every write the table applies (live or
// replayed from the log, so recovery rebuilds them for free), rebuilt in bulk when a table is loaded
// from a checkpoint, and described the way DescribeTable reports them. Tables with local secondary
// indexes also track each item collection's size (items plus their LSI entries, per partition key).
import type { Table } from '../table';
import { encodedItemSize } from '../codec/item-codec';
import { SecondaryIndex } from './secondary-index';
import type { IndexMeta } from './types';

/** The common prefix of a table key's partition (hash, escaped partition key, terminator). */
export function partitionOfKey(tableKey: string): string {
  return tableKey.slice(0, tableKey.indexOf('\x00\x00', 4) + 2);
}

export class TableIndexes {
  /** Every index the table's meta lists, in meta order (LSIs first). */
  list: SecondaryIndex[] = [];
  private byName = new Map<string, SecondaryIndex>();
  /** Indexes writes reach (not DELETING). */
  private live: SecondaryIndex[] = [];
  /** Item collection sizes by partition prefix, on tables with LSIs. */
  collections: Map<string, number> | undefined;
  private hasLsi = false;

  constructor(private readonly table: Table) {}

  get(name: string): SecondaryIndex | undefined {
    return this.byName.get(name);
  }

  get isEmpty(): boolean {
    return this.list.length === 0;
  }

  /** Follows the table's meta: adds, updates, detaches and drops runtime indexes. */
  sync(): void {
    const metas: IndexMeta[] = this.table.meta.indexes ?? [];
    if (metas.length === 0 && this.list.length === 0) return;
    const next = new Map<string, SecondaryIndex>();
    const list: SecondaryIndex[] = [];
    const toBuild: SecondaryIndex[] = [];
    for (const m of metas) {
      let idx = this.byName.get(m.name);
      if (idx === undefined) {
        idx = new SecondaryIndex(m, this.table.meta.keySchema, this.table.meta.attributeDefinitions, this.table.codec);
        if (m.status !== 'CREATING' && m.status !== 'DELETING' && this.table.itemCount > 0) toBuild.push(idx);
      } else {
        idx.meta = m;
        // Replay reaches the record that made a backfilled index ACTIVE without having run the backfill.
        if (m.status !== 'CREATING' && m.status !== 'DELETING' && !idx.complete) toBuild.push(idx);
      }
      if (m.status === 'DELETING') idx.detach();
      next.set(m.name, idx);
      list.push(idx);
    }
    this.byName = next;
    this.list = list;
    this.live = list.filter((i) => !i.detached);
    const hadLsi = this.hasLsi;
    this.hasLsi = metas.some((m) => m.kind === 'LSI');
    if (toBuild.length > 0) {
      const { keys, values } = this.tableContents();
      for (const idx of toBuild) idx.build(keys, values);
    }
    if (this.hasLsi && !hadLsi) this.rebuildCollections();
    if (!this.hasLsi) this.collections = undefined;
  }

  private tableContents(): { keys: string[]; values: string[] } {
    const keys: string[] = [];
    const values: string[] = [];
    for (const [k, v] of this.table.index.range()) {
      keys.push(k);
      values.push(v);
    }
    return { keys, values };
  }

  /** One table write (old/new encodings undefined for an insert/delete). */
  write(tableKey: string, oldEncoded: string | undefined, newEncoded: string | undefined): void {
    const live = this.live;
    if (live.length === 0) return;
    let lsiDelta = 0;
    for (let i = 0; i < live.length; i++) {
      const d = live[i].update(tableKey, oldEncoded, newEncoded);
      if (live[i].meta.kind === 'LSI') lsiDelta += d;
    }
    const c = this.collections;
    if (c !== undefined) {
      const delta = lsiDelta + (newEncoded === undefined ? 0 : encodedItemSize(newEncoded)) - (oldEncoded === undefined ? 0 : encodedItemSize(oldEncoded));
      if (delta !== 0) {
        const p = partitionOfKey(tableKey);
        const size = (c.get(p) ?? 0) + delta;
        if (size > 0) c.set(p, size);
        else c.delete(p);
      }
    }
  }

  /** After a checkpoint load: every index that is not being created or deleted, built at once. */
  load(keys: readonly string[], values: readonly string[]): void {
    for (const idx of this.live) if (idx.meta.status !== 'CREATING') idx.build(keys, values);
    if (this.hasLsi) this.buildCollections(keys, values);
  }

  private rebuildCollections(): void {
    const { keys, values } = this.tableContents();
    this.buildCollections(keys, values);
  }

  private buildCollections(keys: readonly string[], values: readonly string[]): void {
    const c = new Map<string, number>();
    const lsis = this.live.filter((i) => i.meta.kind === 'LSI');
    let current = '';
    let size = 0;
    for (let i = 0; i < keys.length; i++) {
      const p = partitionOfKey(keys[i]);
      if (p !== current) {
        if (size > 0) c.set(current, size);
        current = p;
        size = 0;
      }
      const v = values[i];
      size += encodedItemSize(v);
      for (const idx of lsis) if (idx.indexPart(v) !== undefined) size += idx.entrySize(v);
    }
    if (size > 0) c.set(current, size);
    this.collections = c;
  }

  /** Size of the item collection a table key belongs to (tables with LSIs). */
  collectionSize(tableKey: string): number {
    return this.collections?.get(partitionOfKey(tableKey)) ?? 0;
  }

  /** LSI entry sizes of an encoded item (item collection accounting). */
  lsiEntriesSize(encoded: string): number {
    let size = 0;
    for (const idx of this.live) if (idx.meta.kind === 'LSI' && idx.indexPart(encoded) !== undefined) size += idx.entrySize(encoded);
    return size;
  }

  get hasLocalIndexes(): boolean {
    return this.hasLsi;
  }

  /** Whether DescribeTable should report the table UPDATING (a GSI allocating or being deleted). */
  get updating(): boolean {
    for (const idx of this.list) {
      if (idx.meta.kind !== 'GSI') continue;
      if (idx.meta.status === 'DELETING' || (idx.meta.status === 'CREATING' && !idx.backfilling)) return true;
    }
    return false;
  }

  /** DescribeTable's LocalSecondaryIndexes and GlobalSecondaryIndexes members. */
  describe(out: Record<string, unknown>, tableStatus: string): void {
    if (this.list.length === 0) return;
    const m = this.table.meta;
    const lsis: Record<string, unknown>[] = [];
    const gsis: Record<string, unknown>[] = [];
    for (const idx of this.list) {
      const im = idx.meta;
      const projection: Record<string, unknown> = { ProjectionType: im.projection.type };
      if (im.projection.nonKeyAttributes) projection.NonKeyAttributes = im.projection.nonKeyAttributes;
      const d: Record<string, unknown> = { IndexName: im.name, KeySchema: im.keySchema, Projection: projection };
      if (im.kind === 'LSI') {
        d.IndexSizeBytes = idx.sizeBytes;
        d.ItemCount = idx.itemCount;
        d.IndexArn = `${m.arn}/index/${im.name}`;
        lsis.push(d);
        continue;
      }
      d.IndexStatus = tableStatus === 'CREATING' ? 'CREATING' : im.status;
      if (im.addedLater) d.Backfilling = idx.backfilling;
      const provisioned = m.billingMode === 'PROVISIONED';
      const tp: Record<string, unknown> = {};
      if (provisioned && im.lastIncrease !== undefined) tp.LastIncreaseDateTime = im.lastIncrease;
      if (provisioned && im.lastDecrease !== undefined) tp.LastDecreaseDateTime = im.lastDecrease;
      tp.NumberOfDecreasesToday = im.decreasesToday ?? 0;
      tp.ReadCapacityUnits = provisioned ? (im.read ?? 0) : 0;
      tp.WriteCapacityUnits = provisioned ? (im.write ?? 0) : 0;
      d.ProvisionedThroughput = tp;
      d.IndexSizeBytes = idx.sizeBytes;
      d.ItemCount = idx.itemCount;
      d.IndexArn = `${m.arn}/index/${im.name}`;
      gsis.push(d);
    }
    if (lsis.length > 0) out.LocalSecondaryIndexes = lsis;
    if (gsis.length > 0) out.GlobalSecondaryIndexes = gsis;
  }
}
