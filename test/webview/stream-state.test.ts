// The stream view's rules over its records: merging what the host sends (no record twice, the
// cap), what pause holds back, what the filter shows, and the line that says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heldBack, mergeRecords, pausePoint, shownRecords, statusLine, type RecordBook } from '../../webview/stream/state';
import { ALL_EVENTS, type StreamEventName, type StreamRecordView } from '../../src/protocol/stream-view';

const rec = (n: number, event: StreamEventName = 'INSERT', pk = `user${n}`): StreamRecordView => ({
  n,
  seq: String(1000 + n).padStart(21, '0'),
  shardId: 'shardId-1',
  event,
  time: 0,
  keys: { pk: { S: pk } },
});

test('records already held are not added again when a queued notification repeats them', () => {
  const book: RecordBook = { records: [rec(0), rec(1)], dropped: 0, cap: 10 };
  assert.equal(mergeRecords(book, [rec(1), rec(2)], 0), 1);
  assert.deepEqual(book.records.map((r) => r.n), [0, 1, 2]);
});

test('merging beyond the cap keeps the newest and takes the host\'s count of dropped records', () => {
  const book: RecordBook = { records: [rec(0), rec(1)], dropped: 0, cap: 2 };
  mergeRecords(book, [rec(2), rec(3)], 2);
  assert.deepEqual(book.records.map((r) => r.n), [2, 3]);
  assert.equal(book.dropped, 2);
});

test('a pause shows what had arrived and holds back, counted, what arrives after', () => {
  const records = [rec(0), rec(1)];
  const at = pausePoint(records, 0);
  records.push(rec(2), rec(3));
  assert.deepEqual(shownRecords(records, ALL_EVENTS, ['pk'], at).map((r) => r.n), [0, 1]);
  assert.equal(heldBack(records, at), 2);
  assert.deepEqual(shownRecords(records, ALL_EVENTS, ['pk'], undefined).map((r) => r.n), [0, 1, 2, 3]);
  assert.equal(heldBack(records, undefined), 0);
});

test('a pause before any record arrived starts after the records already let go', () => {
  assert.equal(pausePoint([], 5), 5);
});

test('the filter by event type and key text applies to what is shown, in arrival order', () => {
  const records = [rec(0, 'INSERT', 'alice'), rec(1, 'MODIFY', 'alice'), rec(2, 'REMOVE', 'bob'), rec(3, 'MODIFY', 'bob')];
  assert.deepEqual(shownRecords(records, { events: ['MODIFY'], keyText: '' }, ['pk'], undefined).map((r) => r.n), [1, 3]);
  assert.deepEqual(shownRecords(records, { events: ['MODIFY', 'REMOVE'], keyText: 'bob' }, ['pk'], undefined).map((r) => r.n), [2, 3]);
});

test('the status line says what is shown, what a pause holds back and what the cap let go', () => {
  assert.equal(statusLine(3, 3, 0, 0, 1000), '3 of 3 records shown');
  assert.equal(statusLine(1, 4, 1, 1200, 1000), '1 of 4 records shown · paused: 1 new record held back · 1,200 older records let go (the view keeps the latest 1,000)');
});
