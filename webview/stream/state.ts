// The stream view's state and the pure rules over it: which records a person sees (filter,
// pause), how many wait behind a pause, merging what the host sends. No DOM here, so the rules
// run in plain Node tests (test/webview/stream-state.test.ts).
//
// Pause keeps reading: records that arrive while paused are kept (and counted) but not shown
// until Resume, so nothing is lost, only held back. The cap still applies while paused.
import type { StreamFilter, StreamRecordView, StreamSession, StreamViewState } from '../../src/protocol/stream-view';
import { ALL_EVENTS, appendCapped, matchesFilter } from '../../src/protocol/stream-view';

export const EMPTY_VIEW_STATE: StreamViewState = { filter: ALL_EVENTS, expanded: [] };

/** The records the view holds: the session's, then what notifications add. */
export interface RecordBook {
  records: StreamRecordView[];
  dropped: number;
  cap: number;
}

/**
 * Adds what the host sent, skipping arrival numbers already held (a `ready` after the page was
 * rebuilt returns records whose notifications may still be queued); returns how many were new.
 */
export function mergeRecords(book: RecordBook, incoming: readonly StreamRecordView[], dropped: number): number {
  const last = book.records.length ? book.records[book.records.length - 1]!.n : -1;
  const fresh = incoming.filter((r) => r.n > last);
  appendCapped(book.records, fresh, book.cap);
  book.dropped = Math.max(dropped, book.dropped);
  return fresh.length;
}

/** Records shown: those before the pause point, passing the filter, in arrival order. */
export function shownRecords(records: readonly StreamRecordView[], filter: StreamFilter, keyNames: readonly string[], pausedAt: number | undefined): StreamRecordView[] {
  return records.filter((r) => (pausedAt === undefined || r.n < pausedAt) && matchesFilter(r, filter, keyNames));
}

/** Records held back by a pause (whatever the filter). */
export function heldBack(records: readonly StreamRecordView[], pausedAt: number | undefined): number {
  if (pausedAt === undefined) return 0;
  return records.filter((r) => r.n >= pausedAt).length;
}

/** The arrival number a pause starts at: everything received so far stays in view. */
export function pausePoint(records: readonly StreamRecordView[], dropped: number): number {
  const last = records[records.length - 1];
  return last ? last.n + 1 : dropped;
}

export function filterIsActive(filter: StreamFilter): boolean {
  return filter.events.length < ALL_EVENTS.events.length || filter.keyText.trim() !== '';
}

/** What VS Code keeps for the panel: enough for the serializer to bring the same view back. */
export function savedState(view: Omit<StreamViewState, 'records' | 'dropped' | 'positions' | 'start'>, session: StreamSession, book: RecordBook): StreamViewState {
  return {
    ...view,
    records: book.records,
    dropped: book.dropped,
    positions: session.positions,
    start: session.start,
  };
}

/** One line saying what is on screen, for the status line and the host (tests read it there). */
export function statusLine(shown: number, total: number, held: number, dropped: number, cap: number): string {
  const parts = [`${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} record${total === 1 ? '' : 's'} shown`];
  if (held) parts.push(`paused: ${held.toLocaleString('en-US')} new record${held === 1 ? '' : 's'} held back`);
  if (dropped) parts.push(`${dropped.toLocaleString('en-US')} older record${dropped === 1 ? '' : 's'} let go (the view keeps the latest ${cap.toLocaleString('en-US')})`);
  return parts.join(' · ');
}
