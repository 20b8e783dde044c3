// Background work on a table's GSIs: a GSI added by UpdateTable allocates (IndexStatus CREATING,
// Backfilling false, the table UPDATING), then backfills (Backfilling true) by copying the table's
// items in slices between other work, while writes keep flowing and are indexed as they happen;
// when every item has been visited its status becomes ACTIVE through the log. A deleted GSI stays
// DELETING for a while and then disappears, also through the log. Status lives in the table's
// meta, so a restart resumes: a backfill interrupted by a crash starts over, a deletion completes.
import type { Database } from '../database';
import type { Table, TableMeta } from '../table';
import type { IndexMeta } from './types';
import { usedDefinitions } from './validate';

interface Work {
  kind: 'backfill' | 'delete';
  cancelled: boolean;
}

const running = new WeakMap<Table, Map<string, Work>>();

function workOf(table: Table): Map<string, Work> {
  let m = running.get(table);
  if (m === undefined) running.set(table, (m = new Map()));
  return m;
}

/** Starts whatever the table's GSIs are waiting for (after UpdateTable, or when a database opens). */
export function startIndexWork(db: Database, table: Table): void {
  const work = workOf(table);
  for (const m of table.meta.indexes ?? []) {
    const current = work.get(m.name);
    if (m.status === 'CREATING' && current?.kind !== 'backfill') {
      if (current) current.cancelled = true;
      const w: Work = { kind: 'backfill', cancelled: false };
      work.set(m.name, w);
      runBackfill(db, table, m.name, w);
    } else if (m.status === 'DELETING' && current?.kind !== 'delete') {
      if (current) current.cancelled = true;
      const w: Work = { kind: 'delete', cancelled: false };
      work.set(m.name, w);
      runDeletion(db, table, m.name, w);
    }
  }
}

function alive(db: Database, table: Table, w: Work): boolean {
  return !w.cancelled && !db.isClosed && db.tables.get(table.name) === table;
}

function finish(table: Table, name: string, w: Work): void {
  const work = workOf(table);
  if (work.get(name) === w) work.delete(name);
}

function later(ms: number, fn: () => void): void {
  if (ms > 0) setTimeout(fn, ms).unref?.();
  else setImmediate(fn);
}

/** The table's meta with one index replaced (or removed when `change` returns undefined). */
function withIndex(meta: TableMeta, name: string, change: (m: IndexMeta) => IndexMeta | undefined): TableMeta {
  const indexes: IndexMeta[] = [];
  for (const m of meta.indexes ?? []) {
    if (m.name !== name) indexes.push(m);
    else {
      const next = change(m);
      if (next) indexes.push(next);
    }
  }
  const out: TableMeta = { ...meta, indexes };
  if (indexes.length === 0) delete out.indexes;
  out.attributeDefinitions = usedDefinitions(meta.attributeDefinitions, [meta.keySchema, ...indexes.map((i) => i.keySchema)]);
  return out;
}

/** A backfill slice yields to other work after this long, so writes and reads wait at most about this much. */
const SLICE_MS = 4;

function runBackfill(db: Database, table: Table, name: string, w: Work): void {
  const timings = db.options.indexTimings ?? {};
  const slice = Math.max(1, timings.backfillSliceItems ?? Infinity);
  let cursor: string | undefined;
  const step = (): void => {
    if (!alive(db, table, w)) return finish(table, name, w);
    const idx = table.secondary.get(name);
    if (idx === undefined || idx.meta.status !== 'CREATING' || idx.detached) return finish(table, name, w);
    idx.backfilling = true;
    let n = 0;
    let done = true;
    const until = performance.now() + SLICE_MS;
    for (const [key, encoded] of table.index.range(cursor === undefined ? undefined : cursor + '\x00')) {
      if (n >= slice || ((n & 255) === 255 && performance.now() > until)) {
        done = false;
        break;
      }
      idx.backfill(key, encoded);
      cursor = key;
      n++;
    }
    if (!done) {
      setImmediate(step);
      return;
    }
    idx.complete = true;
    finish(table, name, w);
    const meta = withIndex(table.meta, name, (m) => ({ ...m, status: 'ACTIVE' }));
    db.commit([{ kind: 'updateTable', tableId: meta.id, meta }]).catch(() => undefined);
    idx.backfilling = false;
  };
  later(timings.allocationMs ?? 0, step);
}

function runDeletion(db: Database, table: Table, name: string, w: Work): void {
  later(db.options.indexTimings?.deletionMs ?? 0, () => {
    finish(table, name, w);
    if (!alive(db, table, w)) return;
    if (!table.meta.indexes?.some((m) => m.name === name && m.status === 'DELETING')) return;
    const meta = withIndex(table.meta, name, () => undefined);
    db.commit([{ kind: 'updateTable', tableId: meta.id, meta }]).catch(() => undefined);
  });
}

/** Cancels a running backfill (the index is being deleted). */
export function cancelIndexWork(table: Table, name: string): void {
  const w = workOf(table).get(name);
  if (w) {
    w.cancelled = true;
    workOf(table).delete(name);
  }
}
