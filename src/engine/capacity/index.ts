// Capacity: what every request costs, provisioned throttling, counters and money.
//
// Units (units.ts): reads in 4 KB units of the item size (half for eventually consistent reads,
// double for transactional ones), writes in 1 KB units of the larger of the old and new item
// (double for transactional ones), at least one unit per item. Query and Scan sum the sizes of
// every item read, filtered out or not, then round once; BatchGetItem and BatchWriteItem round
// each item. A write also charges every secondary index whose entry it changes (indexWriteUnits):
// a new or removed entry one write, a moved index key a delete plus a put, an entry updated in
// place one write of the larger image; GSI units stand apart, LSI units come out of the table's
// throughput. A conditional write whose condition fails is still charged for the stored item.
//
// ConsumedCapacity (consumed.ts): TOTAL {TableName, CapacityUnits}; INDEXES adds Table and the
// GlobalSecondaryIndexes / LocalSecondaryIndexes maps of the indexes the request charged.
//
// Throttling (throttle.ts, manager.ts), PROVISIONED tables only and unless the database was opened
// with `throttling: false`: a token bucket per table and per GSI refills at the provisioned rate
// and keeps up to 300 s of unused capacity (a table starts with a full bucket); the table (or GSI)
// is split into partitions as DynamoDB documents (ceil(RCU/3000 + WCU/1000) for the highest
// throughput ever provisioned, and one per 10 GB), items go to partitions by their partition-key
// hash, and each partition admits at most 3,000 RCU / 1,000 WCU per second with no burst, so a hot
// key throttles while the table has room. A request is admitted while every bucket it touches is
// above zero and then takes its real units (a bucket may go into debt). Throttled requests fail
// with ProvisionedThroughputExceededException, DynamoDB's message and ThrottlingReasons
// [{reason: 'TableWriteProvisionedThroughputExceeded' | 'TableReadKeyRangeThroughputExceeded' |
// 'IndexWriteProvisionedThroughputExceeded' | ..., resource: table or index ARN}]; a GSI without
// write capacity throttles the base-table write. Batch operations return throttled requests as
// UnprocessedItems / UnprocessedKeys and fail only when every request was throttled.
// PAY_PER_REQUEST tables never throttle.
//
// Operations call, once per item access (db.capacity):
//   write(op, input, table, key, oldEncoded, newItem, newSize)  before the write is applied:
//        throws when throttled, else charges and returns ConsumedCapacity | undefined
//   conditionFailed(op, table, key, oldEncoded)                 before throwing the condition error
//   read(op, input, table, {consistent, bytes, key | hashRange, index?, fetched?})  after reading
//   tryWrite / tryRead                                          the batch forms: a throttle is returned
//   chargeTogether(accesses)                                    a transaction's accesses: all admitted, then all charged, or none
//
// Metrics (report.ts, db.metrics), all over the last hour (window ≤ 3600 s):
//   tables()                                   table names
//   table(name, {window?, step?})              TableMetrics: billing mode, provisioned and available
//        burst units, partitions, Series {start, step, points: {readUnits, writeUnits,
//        readRequests, writeRequests, throttledReads, throttledWrites}: number[] (sums per step),
//        totals and the busiest second}, and one ResourceMetrics per index
//   index(table, index, {window?, step?})      the same for one index
//   partitions(table, {index?, window?, step?}) per partition (10 s resolution): hash range, Series
//   hotKeys(table, {index?, window?, limit?})  [{key: {pk: {S: ...}}, readUnits, writeUnits, requests, throttled}]
//   operations(table, {window?})               per operation: requests, units, mean units, on-demand
//        price per request, per million and in total, for Standard and Standard-IA
//   requestCost(readUnits, writeUnits, tableClass?, region?)   dollars for one request's units
//   cost(table, {window?, region?})            CostEstimate: per hour and per month, on-demand (the
//        window's traffic scaled to an hour) and provisioned (the provisioned capacity, or an
//        on-demand table's busiest second), each with storage, for both table classes, plus what
//        the table costs as configured. Prices: prices.json (us-east-1 default).
export { READ_UNIT_BYTES, WRITE_UNIT_BYTES, indexWriteUnits, readUnits, writeUnits } from './units';
export { addConsumption, addIndexUnits, consumedCapacity, consumption, totalUnits, type Consumption } from './consumed';
export {
  CapacityManager, type CapacitySink, GSI_THROTTLE_MESSAGE, INDEX_READ_THROTTLE_MESSAGE, TABLE_THROTTLE_MESSAGE,
  type CapacityOptions, type CapacityRequest, type ReadSpec, type TogetherAccess,
} from './manager';
export { CapacityMetrics, type CostEstimate, type HotKey, type OperationMetrics, type PartitionMetrics, type ResourceMetrics, type TableMetrics } from './report';
export { priceList, type TableClass } from './cost';
export { indexesOf, type IndexImpact, type IndexInfo } from './indexes';
