// The inspector view's DOM-free rules: the saved state survives malformed input, the virtualised
// list draws only rows near the viewport, and the keyboard moves the selection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestRecord } from '../../src/protocol/request-record';
import { heldBack, moveSelection, restoredState, statusLine, visibleRange, OVERSCAN } from '../../webview/inspector/state';

const recs = (...ids: number[]) => ids.map((id) => ({ id }) as RequestRecord);

test('a saved state comes back as it was, and junk falls back to the defaults', () => {
  const saved = { filter: { operations: ['Scan'], tables: ['T'], statuses: ['throttled', 'bogus'], text: 'x', showExplorer: true }, mode: 'group', selected: 7, pausedAfter: 3, jsonFormat: 'plain' };
  assert.deepEqual(restoredState(saved), { ...saved, filter: { ...saved.filter, statuses: ['throttled'] } });
  assert.equal(restoredState({ mode: 'nonsense', filter: 5 }).mode, 'list');
  assert.deepEqual(restoredState(null).filter.operations, []);
});

test('of 10,000 rows only those in view plus a margin are drawn, wherever the list is scrolled', () => {
  const [a, b] = visibleRange(10_000, 0, 480, 24);
  assert.equal(a, 0);
  assert.equal(b, 20 + OVERSCAN);
  const [c, d] = visibleRange(10_000, 24 * 5000, 480, 24);
  assert.equal(c, 5000 - OVERSCAN);
  assert.equal(d - c, 20 + 2 * OVERSCAN);
  const [e, f] = visibleRange(10_000, 24 * 10_000, 480, 24);
  assert.ok(f === 10_000 && e < f);
});

test('arrows, Home and End move the selection through the shown rows and stop at the ends', () => {
  const shown = recs(9, 7, 4);
  assert.equal(moveSelection(shown, undefined, 'ArrowDown'), 9);
  assert.equal(moveSelection(shown, 9, 'ArrowDown'), 7);
  assert.equal(moveSelection(shown, 4, 'ArrowDown'), 4);
  assert.equal(moveSelection(shown, 7, 'ArrowUp'), 9);
  assert.equal(moveSelection(shown, 9, 'End'), 4);
  assert.equal(moveSelection(shown, 4, 'Home'), 9);
  assert.equal(moveSelection(shown, 7, 'x'), 7);
});

test('the status line counts what is shown, hidden and held back', () => {
  assert.equal(heldBack(recs(9, 8, 5, 2), 5), 2);
  assert.equal(heldBack(recs(9, 8), undefined), 0);
  assert.equal(statusLine(3, 10, 4, 2, 10_000), "3 of 10 requests shown · 4 of the explorer's own hidden · paused: 2 new held back");
});
