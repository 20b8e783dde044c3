// Copies a table, schema then items, from one Connection to another: a remote service into the
// workspace database and back, or between two tables of one database. Nothing here knows VS Code;
// commands/copy.ts wraps it in a progress notification.
//
// Order: check the target name, describe the source, create the target (or, when asked, reuse an
// existing table with the same key), wait until it and its indexes are ACTIVE, copy TTL, then
// Scan the source (in parallel segments) and BatchWriteItem 25 items at a time into the target.
//
// Invariants:
// - `items` and `bytes` in the progress and the result count only items the target acknowledged:
//   after a cancel or a failure they say exactly what was copied (for a new, empty target, the
//   table then holds exactly `items` items).
// - Writes are paced to the target's provisioned write capacity (the lowest of table and GSIs);
//   what the service still refuses (UnprocessedItems, throttling errors, transient failures) is
//   retried with exponential backoff and full jitter, the attempt count starting again whenever a
//   retry gets some items through, and given up after `maxAttempts` fruitless tries in a row.
// - Cancelling (the AbortSignal) stops before the next request and wakes any wait at once; the
//   copy then resolves with `cancelled: true`, never rejects. A created table is kept, with what
//   reached it. Any other failure stops every segment and rejects with DynamoDB's error type and a
//   message that says how many items had been copied.
// - It is a Scan, not a snapshot: an item written to the source while the copy runs may or may not
//   be in the copy (as with DynamoDB's own Scan). A consistent copy of a second is a restore.
import { ConnectionError, errorInfo, type Connection } from '../connection';
import { describeTable, type TableDescription } from '../tables';
import { itemSize } from '../../protocol/capacity';
import type { Item } from '../../protocol/dynamo-json';
import { tableNameProblem } from '../../protocol/names';
import { CopyCancelled, WritePacer, backoffDelay, isRetryable, isThrottled, realClock, throwIfCancelled, withRetries, type Clock } from './retry';
import { checkSameKeys, createTableInput, writeRate } from './schema';

export const BATCH_SIZE = 25;

export interface CopyProgress {
  stage: 'creating' | 'waiting' | 'copying';
  items: number;
  bytes: number;
  /** the source's item count as DescribeTable gave it (approximate on AWS, refreshed there every few hours) */
  estimatedTotal?: number;
  /** requests or batch entries the target refused for capacity so far */
  throttled: number;
  /** write units per second the copy is paced to (Infinity when the target is on demand) */
  writeRate: number;
}

export interface CopyResult {
  targetTable: string;
  /** whether this copy created the target table */
  created: boolean;
  items: number;
  bytes: number;
  estimatedTotal?: number;
  cancelled: boolean;
  throttled: number;
  /** what the copy's schema leaves out, and settings that could not be copied */
  notes: string[];
}

export interface CopyRequest {
  source: Connection;
  sourceTable: string;
  target: Connection;
  targetTable: string;
  /** write into the target table when it already exists (its key must match the source's) */
  intoExisting?: boolean;
  /** parallel Scan segments (1-16; default 4) */
  segments?: number;
  /** Scan Limit per page; default: DynamoDB's 1 MB pages */
  pageSize?: number;
  signal?: AbortSignal;
  onProgress?: (progress: CopyProgress) => void;
  clock?: Clock;
  random?: () => number;
  /** fruitless retries in a row before a request is given up (default 12) */
  maxAttempts?: number;
  /** how long the new table may take to become ACTIVE (default 5 minutes) */
  activeTimeoutMs?: number;
}

const MAX_SEGMENTS = 16;

const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

export async function copyTable(request: CopyRequest): Promise<CopyResult> {
  const { source, target, sourceTable, targetTable, signal } = request;
  const clock = request.clock ?? realClock;
  const maxAttempts = request.maxAttempts ?? 12;
  const segments = request.segments ?? 4;
  const retry: RetryOptions = { clock, signal, maxAttempts, random: request.random };

  const nameProblem = tableNameProblem(targetTable);
  if (nameProblem) throw new ConnectionError('ValidationException', `${JSON.stringify(targetTable)}: ${nameProblem}`);
  if (!Number.isInteger(segments) || segments < 1 || segments > MAX_SEGMENTS)
    throw new ConnectionError('ValidationException', `segments must be a whole number from 1 to ${MAX_SEGMENTS}, not ${segments}`);
  if (source.id === target.id && sourceTable === targetTable) throw new ConnectionError('ValidationException', `A table cannot be copied onto itself (${sourceTable} in ${source.label})`);

  const result: CopyResult = { targetTable, created: false, items: 0, bytes: 0, cancelled: false, throttled: 0, notes: [] };
  let rate = Infinity;
  const report = (stage: CopyProgress['stage']) =>
    request.onProgress?.({ stage, items: result.items, bytes: result.bytes, estimatedTotal: result.estimatedTotal, throttled: result.throttled, writeRate: rate });

  try {
    throwIfCancelled(signal);
    const sourceDesc = await withRetries(() => describeTable(source, sourceTable), retry);
    result.estimatedTotal = sourceDesc.ItemCount;
    let targetDesc = await describeIfExists(target, targetTable, retry);
    if (targetDesc) {
      if (!request.intoExisting)
        throw new ConnectionError('ResourceInUseException', `${target.label} already has a table named ${targetTable}: choose another name, or copy into the existing table`);
      checkSameKeys(sourceDesc, targetDesc);
    } else {
      report('creating');
      const { input, notes } = createTableInput(sourceDesc, targetTable);
      result.notes.push(...notes);
      await withRetries(() => target.send('CreateTable', input), retry);
      result.created = true;
      report('waiting');
      targetDesc = await waitActive(target, targetTable, clock, signal, request.activeTimeoutMs ?? 300_000);
      const ttlNote = await copyTimeToLive(source, sourceTable, target, targetTable);
      if (ttlNote) result.notes.push(ttlNote);
    }
    rate = writeRate(targetDesc);
    report('copying');
    await copyItems(request, result, new WritePacer(rate, clock), retry, () => report('copying'));
  } catch (e) {
    if (e instanceof CopyCancelled) {
      result.cancelled = true;
      return result;
    }
    const { type, message } = errorInfo(e);
    const copied = result.items ? ` (after copying ${result.items} item${result.items === 1 ? '' : 's'} into ${targetTable})` : '';
    throw new ConnectionError(type, `${message}${copied}`);
  }
  return result;
}

type RetryOptions = { clock: Clock; signal?: AbortSignal; maxAttempts: number; random?: () => number };

async function describeIfExists(connection: Connection, tableName: string, retry: RetryOptions): Promise<TableDescription | undefined> {
  try {
    return await withRetries(() => describeTable(connection, tableName), retry);
  } catch (e) {
    if (errorInfo(e).type === 'ResourceNotFoundException') return undefined;
    throw e;
  }
}

/** Polls DescribeTable until the table and all its GSIs are ACTIVE. */
async function waitActive(connection: Connection, tableName: string, clock: Clock, signal: AbortSignal | undefined, timeoutMs: number): Promise<TableDescription> {
  const deadline = clock.now() + timeoutMs;
  for (let poll = 0; ; poll++) {
    const desc = await withRetries(() => describeTable(connection, tableName), { clock, signal });
    const indexesReady = (desc.GlobalSecondaryIndexes ?? []).every((ix) => !ix.IndexStatus || ix.IndexStatus === 'ACTIVE');
    if ((!desc.TableStatus || desc.TableStatus === 'ACTIVE') && indexesReady) return desc;
    if (clock.now() >= deadline) throw new ConnectionError('ResourceInUseException', `${tableName} was still ${desc.TableStatus} after ${Math.round(timeoutMs / 1000)} s`);
    await clock.sleep(Math.min(2000, 250 * 2 ** poll), signal);
  }
}

/** Turns TTL on in the copy when the source has it; returns a note when that could not be done. */
async function copyTimeToLive(source: Connection, sourceTable: string, target: Connection, targetTable: string): Promise<string | undefined> {
  let attribute: string | undefined;
  try {
    const out = await source.send('DescribeTimeToLive', { TableName: sourceTable });
    const d = out.TimeToLiveDescription;
    if (d?.TimeToLiveStatus === 'ENABLED' || d?.TimeToLiveStatus === 'ENABLING') attribute = d.AttributeName;
  } catch {
    return undefined; // the source cannot say: there is nothing known to copy
  }
  if (!attribute) return undefined;
  try {
    await target.send('UpdateTimeToLive', { TableName: targetTable, TimeToLiveSpecification: { Enabled: true, AttributeName: attribute } });
    return undefined;
  } catch (e) {
    return `time to live on ${attribute} was not turned on in the copy (${errorInfo(e).message})`;
  }
}

/** Scans every segment and writes what it reads; the first failure stops the other segments. */
async function copyItems(request: CopyRequest, result: CopyResult, pacer: WritePacer, retry: RetryOptions, progressed: () => void): Promise<void> {
  const segments = request.segments ?? 4;
  const stop = new AbortController();
  const onUserAbort = () => stop.abort();
  request.signal?.addEventListener('abort', onUserAbort, { once: true });
  if (request.signal?.aborted) stop.abort();
  const inner = { ...retry, signal: stop.signal };
  let failure: unknown;
  const segment = async (index: number) => {
    let start: Item | undefined;
    try {
      do {
        const page = await withRetries(
          () =>
            request.source.send('Scan', {
              TableName: request.sourceTable,
              ...(segments > 1 ? { Segment: index, TotalSegments: segments } : {}),
              ...(request.pageSize ? { Limit: request.pageSize } : {}),
              ...(start ? { ExclusiveStartKey: start } : {}),
            }),
          inner,
        );
        const items: Item[] = page.Items ?? [];
        for (let i = 0; i < items.length; i += BATCH_SIZE) {
          const written = await writeBatch(request.target, request.targetTable, items.slice(i, i + BATCH_SIZE), {
            ...inner,
            pacer,
            onThrottled: () => result.throttled++,
            onWritten: (count, bytes) => {
              result.items += count;
              result.bytes += bytes;
            },
          });
          if (written) progressed();
        }
        start = page.LastEvaluatedKey;
      } while (start);
    } catch (e) {
      if (!(e instanceof CopyCancelled)) failure ??= e;
      stop.abort();
    }
  };
  try {
    await Promise.all(Array.from({ length: segments }, (_, i) => segment(i)));
  } finally {
    request.signal?.removeEventListener('abort', onUserAbort);
  }
  if (failure) throw failure;
  if (request.signal?.aborted) throw new CopyCancelled();
}

export interface BatchWriteOptions {
  clock?: Clock;
  signal?: AbortSignal;
  random?: () => number;
  maxAttempts?: number;
  pacer?: WritePacer;
  onThrottled?: () => void;
  /** after each acknowledged part of the batch: how many items, how many bytes */
  onWritten?: (count: number, bytes: number) => void;
}

/**
 * Puts up to 25 items with BatchWriteItem until every one is acknowledged, retrying what comes
 * back unprocessed and what fails retryably. Returns how many items were written; rejects with
 * the service's error for anything else, or CopyCancelled.
 */
export async function writeBatch(connection: Connection, tableName: string, items: Item[], options: BatchWriteOptions = {}): Promise<number> {
  const { clock = realClock, signal, maxAttempts = 12 } = options;
  const bytesOf = (requests: PutRequest[]) => requests.reduce((sum, r) => sum + itemSize(r.PutRequest.Item), 0);
  let pending: PutRequest[] = items.map((Item) => ({ PutRequest: { Item } }));
  let pendingBytes = bytesOf(pending);
  await options.pacer?.take(items.reduce((sum, item) => sum + writeUnits(itemSize(item)), 0), signal);
  let written = 0;
  for (let fruitless = 0; ; ) {
    throwIfCancelled(signal);
    // a retryable error means nothing of the batch was written
    let unprocessed = pending;
    try {
      const out = await connection.send('BatchWriteItem', { RequestItems: { [tableName]: pending } });
      unprocessed = out.UnprocessedItems?.[tableName] ?? [];
      if (unprocessed.length) options.onThrottled?.();
    } catch (e) {
      if (!isRetryable(e)) throw e;
      if (isThrottled(e)) options.onThrottled?.();
    }
    if (unprocessed.length < pending.length) {
      // what comes back unprocessed is resent as it came, and counted by what is no longer in it
      const restBytes = bytesOf(unprocessed);
      written += pending.length - unprocessed.length;
      options.onWritten?.(pending.length - unprocessed.length, pendingBytes - restBytes);
      pending = unprocessed;
      pendingBytes = restBytes;
      fruitless = 0;
    } else fruitless++;
    if (!pending.length) return written;
    if (fruitless >= maxAttempts) throw new ConnectionError('ProvisionedThroughputExceededException', `${pending.length} of ${items.length} items of a batch were still refused after ${maxAttempts} tries`);
    await clock.sleep(backoffDelay(fruitless, { random: options.random }), signal);
  }
}

type PutRequest = { PutRequest: { Item: Item } };
