// Subscriptions: the engine's own way to follow a table's stream (the explorer's live view,
// handlers in the workspace), without iterators or polling. A subscriber gets the same records
// GetRecords returns, as objects, in order, each once, as they become readable (see
// reader.ts: in 'process' durability once synced), across every shard of the stream (a
// subscription reads the stream's whole lsn range, so a rollover changes nothing for it).
//
// Usage:
//   const stop = subscribeStream(db, 'Orders', { from: 'LATEST' }, (records) => show(records));
//   ...
//   stop();
//
// Invariants: deliveries never overlap and never happen inside a write (they run from the event
// loop); a subscription ends by itself once its stream is disabled and drained, or no longer
// readable. A subscriber slower than retention (records trimmed before it read them) goes on from
// the oldest record still held, and is told how many positions it skipped through `onTrimmed`.
import type { Database } from '../database';
import { validation } from '../errors';
import { findStream } from './catalog';
import { latestPosition, oldestPosition, readPage, recordContext, type StreamPosition, type StreamRange } from './reader';
import { recordObject, type StreamRecord } from './records';
import type { LogPosition } from '../log';

export interface SubscribeOptions {
  from: 'TRIM_HORIZON' | 'LATEST';
  /** Called when records were trimmed before the subscriber read them (it goes on from the oldest held). */
  onTrimmed?: () => void;
  /** Called when a delivery threw (the subscription goes on). Default: console.error. */
  onError?: (error: unknown) => void;
}

/** Records per delivery, at most. */
const BATCH = 1000;

/**
 * Follows the stream of `tableName` (its latest readable one), calling `onRecords` with each new
 * batch of records. Returns the function that ends the subscription. ResourceNotFoundException if
 * the table does not exist, ValidationException if it has no readable stream.
 */
export function subscribeStream(db: Database, tableName: string, options: SubscribeOptions, onRecords: (records: StreamRecord[]) => void): () => void {
  const table = db.table(tableName);
  const stream = [...(table.meta.streams ?? [])].reverse().find((s) => findStream(db, s.arn) !== undefined);
  if (stream === undefined) throw validation(`Table ${tableName} has no readable stream`);
  const arn = stream.arn;
  const whole = (): StreamRange | undefined => {
    const found = findStream(db, arn);
    return found && { table: found.table, stream: found.stream, firstLsn: found.stream.enabledLsn + 1, lastLsn: found.stream.disabledLsn };
  };
  const history = db.history;
  let position: StreamPosition = options.from === 'LATEST' ? latestPosition(history, whole()!) : oldestPosition(history, whole()!);
  let hint: LogPosition | undefined;
  let stopped = false;
  let pumping = false;
  const report = options.onError ?? ((e: unknown) => console.error('dynamo-workspace: a stream subscriber failed:', e));

  const pump = (): void => {
    if (stopped || pumping) return;
    pumping = true;
    try {
      for (;;) {
        const range = whole();
        if (range === undefined || db.isClosed) return stop();
        if (position.lsn < history.earliestLsn && position.lsn <= Math.min(range.lastLsn ?? Infinity, history.readableLsn)) {
          position = oldestPosition(history, range);
          hint = undefined;
          options.onTrimmed?.();
        }
        const page = readPage(history, range, position, BATCH, Infinity, hint);
        position = page.next;
        hint = page.hint;
        if (page.entries.length > 0) {
          const ctx = recordContext(db, range.table, range.stream);
          try {
            onRecords(page.entries.map((e) => recordObject(ctx, e)));
          } catch (e) {
            report(e);
          }
        }
        if (page.drained) return stop();
        if (page.entries.length < BATCH || stopped) return;
      }
    } finally {
      pumping = false;
    }
  };

  const unlisten = history.onReadable(pump);
  function stop(): void {
    stopped = true;
    unlisten();
  }
  setImmediate(pump);
  return stop;
}
