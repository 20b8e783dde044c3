// Which secondary indexes one item write touches, and how: what capacity accounting charges per
// index. DynamoDB writes to an index only when the write changes the item's entry there: an item
// entering the index (it gained the index key attributes), leaving it (it lost them, or was
// deleted), or an entry that changes (a projected attribute or the index key changed). A changed
// index key costs a delete of the old entry and a put of the new one.
import type { Table } from '../table';
import type { Item } from '../types/attribute-value';
import { entrySize, inIndex, projectionRules, sameEntry, sameIndexKey, type ProjectionRules } from './projection';
import type { IndexKind, IndexMeta } from './types';

export interface IndexWriteImpact {
  indexName: string;
  kind: IndexKind;
  /** Size of the entry before the write (0 if the item was not in the index). */
  oldSize: number;
  /** Size of the entry after the write (0 if the item is not in the index any more). */
  newSize: number;
  /** Both entries exist and their index keys differ (a delete and a put in the index). */
  keyChanged: boolean;
}

const rulesCache = new WeakMap<IndexMeta, ProjectionRules>();

export function rulesOf(table: Table, index: IndexMeta): ProjectionRules {
  let rules = rulesCache.get(index);
  if (rules === undefined) {
    rules = projectionRules(index, table.meta.keySchema, table.meta.attributeDefinitions);
    rulesCache.set(index, rules);
  }
  return rules;
}

/**
 * The indexes a write touches (an index being deleted is no longer written). `oldItem` is the
 * stored item before the write (undefined if none), `newItem` after it (undefined for a delete).
 */
export function indexWriteImpact(table: Table, oldItem: Item | undefined, newItem: Item | undefined): IndexWriteImpact[] {
  const out: IndexWriteImpact[] = [];
  for (const index of table.meta.indexes ?? []) {
    if (index.status === 'DELETING') continue;
    const rules = rulesOf(table, index);
    const wasIn = oldItem !== undefined && inIndex(rules, oldItem);
    const isIn = newItem !== undefined && inIndex(rules, newItem);
    if (!wasIn && !isIn) continue;
    let keyChanged = false;
    if (wasIn && isIn) {
      keyChanged = !sameIndexKey(rules, oldItem!, newItem!);
      if (!keyChanged && sameEntry(rules, oldItem!, newItem!)) continue;
    }
    out.push({
      indexName: index.name,
      kind: index.kind,
      oldSize: wasIn ? entrySize(rules, oldItem!) : 0,
      newSize: isIn ? entrySize(rules, newItem!) : 0,
      keyChanged,
    });
  }
  return out;
}
