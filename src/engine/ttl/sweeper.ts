// The background sweeper that deletes expired items, as DynamoDB's TTL process does, only much
// sooner: every `ttlSweepIntervalMs` (default 5 s) it makes one pass over the tables with TTL.
//
// A pass, per table: first it finishes building the table's expiry index (after TTL was enabled
// on a table with items, or after a checkpoint load), walking the table in time-bounded slices;
// then, if TTL is ENABLED, it takes the entries due (expiry time in the past, and not more than
// five years past) in batches and deletes them.
//
// Invariants:
// - Each deletion is the engine's ordinary 'delete' mutation with the item's old image, committed
//   with origin 'ttl' (indexes follow, and the stream shows a REMOVE by the service); a batch is
//   one commit, so one log record: a crash leaves each batch wholly done or wholly undone.
// - Between finding a batch and deleting it the event loop turns (other requests run), so each
//   item is checked again right before its deletion: one rewritten with a later expiry, or
//   deleted, in between is left alone.
// - No capacity is consumed and nothing is throttled: the sweeper never calls the capacity
//   manager.
// - No slice holds the event loop for more than a few milliseconds; a pass stops as soon as the
//   database closes; what a pass did not finish (a crash, a close) the next one does, also
//   after a reopen, since everything it needs is derived from the tables.
import { deleteMutation } from '../operations/write-plan';
import type { Database } from '../database';
import type { Mutation } from '../log';
import type { Table } from '../table';
import { DEFAULT_TTL_TRANSITION_MS, dueRange, isExpired, ttlStatus, type TtlStatus } from './expiry';

/** How often a pass starts unless the options say otherwise: deletions happen within seconds. */
export const DEFAULT_TTL_SWEEP_INTERVAL_MS = 5000;
/** Deletions per commit (one log record each). */
const BATCH = 100;
/** A build slice yields to other work after about this long. */
const SLICE_MS = 4;

/** The engine's ordinary item deletion. */
export type Deletion = Extract<Mutation, { kind: 'delete' }>;

export interface SweepResult {
  /** Items deleted by the pass. */
  deleted: number;
}

export class TtlSweeper {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** The pass running or queued last: sweepNow() runs after it. */
  private chain: Promise<SweepResult> = Promise.resolve({ deleted: 0 });

  constructor(private readonly db: Database) {}

  /** The table's TTL status now (ENABLING and DISABLING last `ttlTransitionMs`). */
  status(table: Table): TtlStatus {
    return ttlStatus(table.meta.ttl, this.db.now(), this.db.options.ttlTransitionMs ?? DEFAULT_TTL_TRANSITION_MS);
  }

  /** Starts the periodic passes (none when `ttlSweepIntervalMs` is 0). */
  start(): void {
    const interval = this.db.options.ttlSweepIntervalMs ?? DEFAULT_TTL_SWEEP_INTERVAL_MS;
    if (interval <= 0 || this.stopped) return;
    const tick = (): void => {
      this.timer = undefined;
      void this.sweepNow().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, interval).unref();
      });
    };
    this.timer = setTimeout(tick, interval).unref();
  }

  /** No more passes; one running stops at its next step. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Runs one whole pass (after the one running, if any); resolves with what it deleted. */
  sweepNow(): Promise<SweepResult> {
    const next = this.chain.then(() => this.pass());
    this.chain = next.catch(() => ({ deleted: 0 }));
    return next;
  }

  private live(table: Table): boolean {
    return !this.stopped && !this.db.isClosed && this.db.tables.get(table.name) === table;
  }

  private async pass(): Promise<SweepResult> {
    let deleted = 0;
    for (const table of [...this.db.tables.values()]) {
      if (table.expiry === undefined || !this.live(table)) continue;
      await this.build(table);
      if (this.status(table) !== 'ENABLED') continue;
      deleted += await this.sweepTable(table);
    }
    return { deleted };
  }

  /** Visits, in slices, every item the expiry index has not seen yet. */
  private async build(table: Table): Promise<void> {
    for (;;) {
      const expiry = table.expiry;
      if (expiry === undefined || expiry.complete || !this.live(table)) return;
      const until = performance.now() + SLICE_MS;
      const from = expiry.buildCursor === undefined ? undefined : expiry.buildCursor + '\x00';
      let n = 0;
      let done = true;
      for (const [key, encoded] of table.index.range(from)) {
        if ((++n & 255) === 0 && performance.now() > until) {
          done = false;
          break;
        }
        expiry.visit(key, encoded);
      }
      if (done) expiry.complete = true;
      else await nextTurn();
    }
  }

  /** Deletes the table's due items, a batch per commit; returns how many. */
  private async sweepTable(table: Table): Promise<number> {
    let deleted = 0;
    let idle = 0;
    for (;;) {
      const expiry = table.expiry;
      if (expiry === undefined || !this.live(table) || this.status(table) !== 'ENABLED') return deleted;
      const range = dueRange(this.db.now());
      const keys = expiry.due(range.from, range.until, BATCH);
      if (keys.length === 0) return deleted;
      // Other requests run here; the batch is checked again below.
      await nextTurn();
      if (!this.live(table)) return deleted;
      const mutations = expiredDeletions(table, keys, this.db.now());
      if (mutations.length === 0) {
        // Every item of the batch was rewritten or deleted meanwhile (their entries moved, so the
        // next batch is another); twice in a row, the rest waits for the next pass.
        if (++idle === 2) return deleted;
        continue;
      }
      idle = 0;
      try {
        await this.db.commit(mutations, 'ttl');
      } catch {
        // The log refused it (closed, or failed): the next pass, or the next open, tries again.
        return deleted;
      }
      deleted += mutations.length;
    }
  }
}

/**
 * The delete mutations for those of `keys` whose item, as it is now, is due at `nowMs` (the check
 * right before deletion: a key found due a moment ago may since have been rewritten or deleted).
 */
export function expiredDeletions(table: Table, keys: readonly string[], nowMs: number): Deletion[] {
  const expiry = table.expiry;
  if (expiry === undefined) return [];
  const range = dueRange(nowMs);
  const out: Deletion[] = [];
  for (const key of keys) {
    const encoded = table.get(key);
    if (encoded === undefined) continue;
    if (!isExpired(table.codec.attribute(encoded, expiry.attributeName), nowMs, range)) continue;
    out.push(deleteMutation(table.meta.id, key, encoded));
  }
  return out;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
