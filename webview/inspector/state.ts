// The inspector view's state and the pure rules over it that need no DOM: what the saved state
// holds, the status line, which rows of a long list are drawn (the list is virtualised: only the
// rows in view, plus a margin, exist in the DOM, so 10,000 records scroll smoothly), and where the
// keyboard moves the selection. Plain Node tests run these (test/webview/inspector-state.test.ts).
import type { RequestRecord } from '../../src/protocol/request-record';
import { EMPTY_VIEW_STATE, NO_FILTER, REQUEST_STATUSES, type InspectorViewState } from '../../src/protocol/inspector';

/** Height of one list row in px (the styles give rows exactly this height). */
export const ROW_HEIGHT = 24;
/** Rows drawn above and below the visible ones, so a quick scroll does not show blanks. */
export const OVERSCAN = 20;

/** A saved state made safe: anything missing or malformed falls back to the defaults. */
export function restoredState(saved: unknown): InspectorViewState {
  if (!saved || typeof saved !== 'object') return EMPTY_VIEW_STATE;
  const s = saved as Partial<InspectorViewState>;
  const f = (s.filter ?? {}) as Partial<InspectorViewState['filter']>;
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    filter: {
      operations: strings(f.operations),
      tables: strings(f.tables),
      statuses: strings(f.statuses).filter((x) => (REQUEST_STATUSES as readonly string[]).includes(x)) as InspectorViewState['filter']['statuses'],
      text: typeof f.text === 'string' ? f.text : NO_FILTER.text,
      showExplorer: f.showExplorer === true,
    },
    mode: s.mode === 'group' ? 'group' : 'list',
    selected: typeof s.selected === 'number' ? s.selected : undefined,
    pausedAfter: typeof s.pausedAfter === 'number' ? s.pausedAfter : undefined,
    jsonFormat: s.jsonFormat === 'plain' ? 'plain' : 'dynamo',
  };
}

/** The rows to draw for a scroll position: [first, end) indexes into the shown list. */
export function visibleRange(total: number, scrollTop: number, viewportHeight: number, rowHeight = ROW_HEIGHT, overscan = OVERSCAN): [number, number] {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const end = Math.min(total, Math.ceil((scrollTop + Math.max(viewportHeight, rowHeight)) / rowHeight) + overscan);
  return [first, Math.max(first, end)];
}

/** Where an arrow or Home/End key moves the selection in `shown` (ids, top to bottom). */
export function moveSelection(shown: readonly RequestRecord[], selected: number | undefined, key: string): number | undefined {
  if (!shown.length) return undefined;
  const at = shown.findIndex((r) => r.id === selected);
  let next: number;
  if (key === 'Home') next = 0;
  else if (key === 'End') next = shown.length - 1;
  else if (key === 'ArrowDown') next = at < 0 ? 0 : Math.min(shown.length - 1, at + 1);
  else if (key === 'ArrowUp') next = at < 0 ? 0 : Math.max(0, at - 1);
  else if (key === 'PageDown') next = at < 0 ? 0 : Math.min(shown.length - 1, at + 20);
  else if (key === 'PageUp') next = at < 0 ? 0 : Math.max(0, at - 20);
  else return selected;
  return shown[next]!.id;
}

/** Records newer than the pause point (held back while paused), whatever the filter. */
export function heldBack(records: readonly RequestRecord[], pausedAfter: number | undefined): number {
  if (pausedAfter === undefined) return 0;
  let n = 0;
  for (const r of records) {
    if (r.id <= pausedAfter) break;
    n++;
  }
  return n;
}

export function statusLine(shown: number, total: number, hiddenExplorer: number, held: number, cap: number): string {
  const parts = [`${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} request${total === 1 ? '' : 's'} shown`];
  if (hiddenExplorer) parts.push(`${hiddenExplorer.toLocaleString('en-US')} of the explorer's own hidden`);
  if (held) parts.push(`paused: ${held.toLocaleString('en-US')} new held back`);
  if (total >= cap) parts.push(`the latest ${cap.toLocaleString('en-US')} kept`);
  return parts.join(' · ');
}
