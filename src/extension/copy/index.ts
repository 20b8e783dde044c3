// Copying a table between connections, and the bulk-write machinery it shares with imports.
//
//   copy-table.ts  copyTable({source, sourceTable, target, targetTable, intoExisting?, segments?,
//                  pageSize?, signal?, onProgress?}) -> CopyResult {items, bytes, created,
//                  cancelled, throttled, notes}: schema first (create and wait ACTIVE, or reuse a
//                  table with the same key when asked), then parallel Scan -> BatchWriteItem.
//                  writeBatch(connection, table, items, options): one batch of up to 25 puts,
//                  retried until every item is acknowledged (transfer.ts's imports use it too).
//   schema.ts      createTableInput(description, name) -> {input, notes}; checkSameKeys;
//                  writeRate (the WCU a copy is paced to).
//   retry.ts       Clock (real, or a test's virtual one), CopyCancelled, isThrottled /
//                  isRetryable, backoffDelay (exponential, full jitter), withRetries, WritePacer.
//
// Nothing here imports vscode: the command (commands/copy.ts) adds pickers and progress, and the
// tests run the same code against the engine and DynamoDB Local in plain Node.
export { BATCH_SIZE, copyTable, writeBatch, type BatchWriteOptions, type CopyProgress, type CopyRequest, type CopyResult } from './copy-table';
export { checkSameKeys, createTableInput, writeRate, type CreateTableInput } from './schema';
export { CopyCancelled, WritePacer, backoffDelay, isRetryable, isThrottled, realClock, withRetries, type BackoffOptions, type Clock } from './retry';
