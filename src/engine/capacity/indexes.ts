// The capacity module's view of a table's secondary indexes, behind one small adapter over
// ../indexes (Table.indexes and indexWriteImpact): the list of indexes (name, kind, status,
// provisioned throughput, partition key, size) and, for a write, how each index entry changes.
// Index maintenance itself lives in ../indexes; nothing here writes an index.
import type { AttributeValue, Item, ScalarType } from '../types/attribute-value';
import type { Table } from '../table';
import { indexWriteImpact } from '../indexes';

export interface IndexImpact {
  indexName: string;
  kind: 'GSI' | 'LSI';
  /** Bytes of the index entry before the write; 0 when the item was not in the index. */
  oldSize: number;
  /** Bytes of the index entry after the write; 0 when the item is not in the index any more. */
  newSize: number;
  /** The entry's index key changed (a delete plus a put in the index). */
  keyChanged: boolean;
}

export interface IndexInfo {
  name: string;
  kind: 'GSI' | 'LSI';
  status: string;
  /** Provisioned throughput of a GSI on a PROVISIONED table (0 otherwise). */
  read: number;
  write: number;
  /** The index's partition key attribute (a GSI's own; an LSI shares the table's). */
  partitionName: string | undefined;
  partitionType: ScalarType | undefined;
  sizeBytes: number;
  itemCount: number;
}

const infoCache = new WeakMap<object, IndexInfo[]>();

/**
 * The table's secondary indexes with the partition key each is hashed on. The list is kept per
 * metadata object (UpdateTable replaces it); sizes are read afresh when `withSizes` asks.
 */
export function indexesOf(table: Table, withSizes = false): IndexInfo[] {
  if (!hasIndexes(table)) return [];
  let list = infoCache.get(table.meta);
  if (list === undefined || withSizes) {
    const defs = table.meta.attributeDefinitions;
    list = table.indexes.map((i): IndexInfo => {
      const partitionName = i.keySchema.find((k) => k.KeyType === 'HASH')?.AttributeName;
      return {
        name: i.name,
        kind: i.kind,
        status: i.status,
        read: i.provisioned?.read ?? 0,
        write: i.provisioned?.write ?? 0,
        partitionName,
        partitionType: defs.find((d) => d.AttributeName === partitionName)?.AttributeType,
        sizeBytes: i.sizeBytes,
        itemCount: i.itemCount,
      };
    });
    infoCache.set(table.meta, list);
  }
  return list;
}

export function hasIndexes(table: Table): boolean {
  const list = table.meta.indexes;
  return list !== undefined && list.length > 0;
}

/** How a write from `oldItem` to `newItem` (undefined = absent) changes each index's entries. */
export function writeImpact(table: Table, oldItem: Item | undefined, newItem: Item | undefined): IndexImpact[] {
  return indexWriteImpact(table, oldItem, newItem);
}

/** The partition-key value of `item` in an index, or undefined when the item is not in it. */
export function indexPartitionValue(info: IndexInfo, item: Item | undefined): AttributeValue | undefined {
  if (item === undefined || info.partitionName === undefined) return undefined;
  return item[info.partitionName];
}
