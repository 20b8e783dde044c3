// The capacity module's view of a table's secondary indexes, behind one small adapter over
// ../indexes (Table.indexes and indexWriteImpact): the list of indexes (name, kind, status,
// provisioned throughput, partition key, size) and, for a write, how each index entry changes.
// Index maintenance itself lives in ../indexes; nothing here writes an index.
import type { AttributeValue, Item, ScalarType } from '../types/attribute-value';
import type { Table } from '../table';
import { indexWriteImpact } from '../indexes/impact';

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

type Loose = Record<string, unknown>;

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** The table's secondary indexes (from Table.indexes), with the partition key each is hashed on. */
export function indexesOf(table: Table): IndexInfo[] {
  if (!hasIndexes(table)) return [];
  const defs = table.meta.attributeDefinitions;
  return table.indexes.map((i): IndexInfo => {
    const partitionName = i.keySchema.find((k) => k.KeyType === 'HASH')?.AttributeName;
    // Sizes, once the index module reports them (IndexSizeBytes / ItemCount).
    const loose = i as unknown as Loose;
    return {
      name: i.name,
      kind: i.kind,
      status: i.status,
      read: i.provisioned?.read ?? 0,
      write: i.provisioned?.write ?? 0,
      partitionName,
      partitionType: defs.find((d) => d.AttributeName === partitionName)?.AttributeType,
      sizeBytes: num(loose.sizeBytes),
      itemCount: num(loose.itemCount),
    };
  });
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
