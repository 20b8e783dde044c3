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
  private all: SecondaryIndex[] = [];
  /** A checkpoint's items, until the indexes are built from them (just after open, in the background). */
  private pending: { keys: readonly string[]; values: readonly string[]; indexes: SecondaryIndex[]; collections: boolean } | undefined;
  private byName = new Map<string, SecondaryIndex>();
  /** Indexes writes reach (not DELETING). */
  private live: SecondaryIndex[] = [];
  /** Item collection sizes by partition prefix, on tables with LSIs. */
  collections: Map<string, number> | undefined;
  private hasLsi = false;

  constructor(private readonly table: Table) {}

  /** Every index (built first if a load left them pending). */
  get list(): SecondaryIndex[] {
    this.settle();
    return this.all;
  }

  get(name: string): SecondaryIndex | undefined {
    this.settle();
    return this.byName.get(name);
  }

  get isEmpty(): boolean {
    return this.all.length === 0;
  }

  /** Follows the table's meta: adds, updates, detaches and drops runtime indexes. */
  sync(): void {
    const metas: IndexMeta[] = this.table.meta.indexes ?? [];
    if (metas.length === 0 && this.all.length === 0) return;
    this.settle();
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
    this.all = list;
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
    if (this.pending !== undefined) this.settle();
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

  /**
   * After a checkpoint load: the indexes (all but those being created or deleted) are built from the
   * loaded items in the background, one per turn, so that opening does not wait for them; anything
   * that touches them first (a read, a write, DescribeTable) builds what is left at once. With
   * `startAfter`, the background building waits for it.
   */
  load(keys: readonly string[], values: readonly string[], startAfter?: Promise<unknown>): void {
    const indexes = this.live.filter((idx) => idx.meta.status !== 'CREATING');
    if (indexes.length === 0 && !this.hasLsi) return;
    for (const idx of indexes) idx.complete = false;
    this.pending = { keys, values, indexes, collections: this.hasLsi };
    const step = (): void => {
      if (this.pending === undefined) return;
      this.buildNext();
      if (this.pending !== undefined) setImmediate(step);
    };
    if (startAfter === undefined) setImmediate(step);
    else void startAfter.then(() => setImmediate(step), () => setImmediate(step));
  }

  /** Builds one pending index (or the item collections); false when nothing was left. */
  private buildNext(): boolean {
    const p = this.pending;
    if (p === undefined) return false;
    const idx = p.indexes.shift();
    if (idx !== undefined) {
      if (!idx.detached && this.byName.get(idx.name) === idx) idx.build(p.keys, p.values);
    } else if (p.collections) {
      p.collections = false;
      if (this.hasLsi) this.buildCollections(p.keys, p.values);
    }
    if (p.indexes.length === 0 && !p.collections) this.pending = undefined;
    return true;
  }

  /** Builds whatever a load left pending, now. */
  settle(): void {
    while (this.pending !== undefined) this.buildNext();
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
    this.settle();
    return this.collections?.get(partitionOfKey(tableKey)) ?? 0;
  }

  /** LSI entry sizes of an encoded item (item collection accounting). */
  lsiEntriesSize(encoded: string): number {
    this.settle();
    let size = 0;
    for (const idx of this.live) if (idx.meta.kind === 'LSI' && idx.indexPart(encoded) !== undefined) size += idx.entrySize(encoded);
    return size;
  }

  get hasLocalIndexes(): boolean {
    return this.hasLsi;
  }

  /** Whether DescribeTable should report the table UPDATING (a GSI allocating or being deleted). */
  get updating(): boolean {
    for (const idx of this.all) {
      if (idx.meta.kind !== 'GSI') continue;
      if (idx.meta.status === 'DELETING' || (idx.meta.status === 'CREATING' && !idx.backfilling)) return true;
    }
    return false;
  }

  /** DescribeTable's LocalSecondaryIndexes and GlobalSecondaryIndexes members. */
  describe(out: Record<string, unknown>, tableStatus: string): void {
    if (this.all.length === 0) return;
    this.settle();
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
      d.IndexStatus = tableStatus === 'CREATING' || tableStatus === 'DELETING' ? tableStatus : im.status;
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
