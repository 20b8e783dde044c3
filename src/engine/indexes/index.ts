// Secondary indexes (LSIs and GSIs): their definitions in CreateTable and UpdateTable, their live
// contents, what they ask of item writes, Query and Scan with IndexName, and the background work
// of a GSI that UpdateTable adds or deletes.
//
// Metadata (types.ts): the table's meta lists its indexes as IndexMeta, LSIs first, and that is
// all that is persisted (log records, checkpoints); contents are never written down but rebuilt
// from the table's items. IndexStatus: CREATING (a GSI added by UpdateTable, until its backfill
// ends), ACTIVE, UPDATING (a throughput change), DELETING (until it is dropped). Limits (validate.ts,
// with DynamoDB's checks in its order and its messages): 5 LSIs, 20 GSIs, 100 projected non-key
// attributes across a table's indexes, up to four HASH and four RANGE attributes in a GSI key.
//
// Contents (secondary-index.ts, index-set.ts): table.secondary (TableIndexes) follows the table's
// meta and every write the table applies, live or replayed from the log, so recovery rebuilds the
// indexes for free; after a checkpoint load they are built in the background, and whatever touches
// them first builds what is left at once. An entry holds no copy of the item: its order-preserving
// key (hash ‖ index partition ‖ index sort ‖ table key) leads to the table's stored item, which a
// read projects (projection.ts: the index key, the table key and the projected attributes; an item
// lacking an index key attribute is not in the index). A DELETING index is detached: writes no
// longer reach it, its counts stay for DescribeTable. On tables with LSIs the set also tracks each
// item collection's size (the items of one partition key plus their LSI entries).
//
// Writes (writes.ts): index key attributes must have their declared type and not be empty (the
// message names the alphabetically first index the attribute keys); on tables with LSIs a write
// may not grow an item collection past 10 GB (DatabaseOptions.itemCollectionLimitBytes), and
// ReturnItemCollectionMetrics SIZE reports the collection's size. impact.ts says which indexes a
// write touches and how, for capacity accounting.
//
// Reads (query-scan.ts, reads.ts), after the operation checked the request's own rules: a GSI
// refuses ConsistentRead and, while backfilling, any read; without Select or a projection an index
// read returns ALL_PROJECTED_ATTRIBUTES; asking for attributes the index does not project makes an
// LSI fetch (and charge) the table item and a GSI refuse. Pages stop after 1 MB of index entries;
// LastEvaluatedKey carries the index keys and the table keys.
//
// Background work (backfill.ts): a GSI added by UpdateTable allocates (CREATING, Backfilling false,
// the table UPDATING), then backfills in short slices between other work while writes keep being
// indexed, then turns ACTIVE through the log; a deleted GSI stays DELETING a while and then goes,
// also through the log. Status lives in the meta, so a restart resumes (a backfill starts over).
//
// Operations call:
//   CreateTable   LOCAL_SECONDARY_INDEXES, GLOBAL_SECONDARY_INDEXES (member specs);
//                 checkCreateTableIndexes(keySchema, defs, billingMode, lsis, gsis) → IndexMeta[]
//   UpdateTable   GLOBAL_SECONDARY_INDEX_UPDATES; applyIndexUpdates(table, input, meta, now) on the
//                 meta being built → changed?; stopDeletedIndexWork(table, input) once the request
//                 is accepted; startIndexWork(db, table) after the commit (and for every table at open)
//   item writes   checkIndexKeysForPut(table, item) | checkIndexKeysForUpdate(table, updated, touched),
//                 checkItemCollection(limit, table, key, oldEncoded, newItem, newSize?) before writing;
//                 addItemCollectionMetrics(out, input, table, key) | addBatchItemCollectionMetrics(...)
//   Query, Scan   queryIndex(db, table, input, compiled, select) | scanIndex(..., range: ScanRange)
//   capacity      indexWriteImpact(table, oldItem, newItem) → IndexWriteImpact[] per touched index
//   Table         new TableIndexes(table): sync(), write(key, oldEncoded, newEncoded), load(keys,
//                 values), get(name), describe(out, tableStatus)
//   key encoding  escapeKeyPart, KEY_PART_END (the TTL expiry index sorts the same way), indexSchemaOf
//                 (an index's key schema as the key codec reads it, for PartiQL plans)
//   backups       usedDefinitions(defs, keySchemas): the definitions the remaining keys still use
export type { IndexInfo, IndexKind, IndexMeta, IndexStatus } from './types';
export {
  GLOBAL_SECONDARY_INDEX_UPDATES, GLOBAL_SECONDARY_INDEXES, LOCAL_SECONDARY_INDEXES, checkCreateTableIndexes, usedDefinitions,
  type IndexInput,
} from './validate';
export { applyIndexUpdates, stopDeletedIndexWork, type GlobalSecondaryIndexUpdate, type IndexUpdateInput } from './updates';
export { startIndexWork } from './backfill';
export {
  addBatchItemCollectionMetrics, addItemCollectionMetrics, checkIndexKeysForPut, checkIndexKeysForUpdate, checkItemCollection,
} from './writes';
export { queryIndex, scanIndex, type ScanRange } from './query-scan';
export { indexWriteImpact, type IndexWriteImpact } from './impact';
export { TableIndexes } from './index-set';
export { KEY_PART_END, escapeKeyPart, type SecondaryIndex, indexSchemaOf } from './secondary-index';
