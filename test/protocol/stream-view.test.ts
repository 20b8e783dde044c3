// The stream view's shared rules: reading a wire record, the key text, the filter, the diff of
// old and new images, and the cap on kept records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ALL_EVENTS, appendCapped, imageDiff, keyText, matchesFilter, recordFromWire, type StreamRecordView } from '../../src/protocol/stream-view';

const wire = (eventName: string, extra: Record<string, unknown> = {}) => ({
  eventID: 'e1',
  eventName,
  eventSource: 'aws:dynamodb',
  dynamodb: {
    ApproximateCreationDateTime: 1_796_522_400.5,
    Keys: { orderId: { N: '7' }, customer: { S: 'alice' } },
    SequenceNumber: '000000000000000042000',
    SizeBytes: 30,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
    ...extra,
  },
});

test('a wire record becomes a row with its time in milliseconds and its images', () => {
  const r = recordFromWire(wire('MODIFY', { OldImage: { a: { S: 'x' } }, NewImage: { a: { S: 'y' } } }), 'shardId-1', 4)!;
  assert.equal(r.n, 4);
  assert.equal(r.event, 'MODIFY');
  assert.equal(r.time, 1_796_522_400_500);
  assert.equal(r.seq, '000000000000000042000');
  assert.deepEqual(r.oldImage, { a: { S: 'x' } });
  assert.equal(r.byTtl, undefined);
});

test('a deletion by Time to Live is marked as one', () => {
  const r = recordFromWire({ ...wire('REMOVE'), userIdentity: { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' } }, 's', 0)!;
  assert.equal(r.byTtl, true);
});

test('records of an unknown shape are left out rather than shown half-read', () => {
  assert.equal(recordFromWire(null, 's', 0), undefined);
  assert.equal(recordFromWire(wire('UPSERT'), 's', 0), undefined);
  assert.equal(recordFromWire({ eventName: 'INSERT' }, 's', 0), undefined);
  assert.equal(recordFromWire({ eventName: 'INSERT', dynamodb: { SequenceNumber: 42 } }, 's', 0), undefined);
});

test('the key text puts the key attributes in schema order, whatever order the record has them in', () => {
  assert.equal(keyText({ orderId: { N: '7' }, customer: { S: 'alice' } }, ['customer', 'orderId']), 'customer=alice · orderId=7');
});

test('the filter keeps the chosen event types and matches key text without regard to case', () => {
  const r = recordFromWire(wire('INSERT'), 's', 0)!;
  const keys = ['customer', 'orderId'];
  assert.equal(matchesFilter(r, ALL_EVENTS, keys), true);
  assert.equal(matchesFilter(r, { events: ['MODIFY', 'REMOVE'], keyText: '' }, keys), false);
  assert.equal(matchesFilter(r, { events: ['INSERT'], keyText: 'ALICE' }, keys), true);
  assert.equal(matchesFilter(r, { events: ['INSERT'], keyText: 'bob' }, keys), false);
  assert.equal(matchesFilter(r, { events: ['INSERT'], keyText: 'orderId=7' }, keys), true);
});

test('the diff lists key attributes first, then each attribute added, removed, changed or the same', () => {
  const rows = imageDiff(
    { customer: { S: 'alice' }, status: { S: 'new' }, gone: { N: '1' }, tags: { SS: ['a', 'b'] } },
    { customer: { S: 'alice' }, status: { S: 'shipped' }, added: { BOOL: true }, tags: { SS: ['a', 'b'] } },
    ['customer'],
  );
  assert.deepEqual(rows, [
    { name: 'customer', kind: 'same', old: 'alice', new: 'alice' },
    { name: 'added', kind: 'added', new: 'true' },
    { name: 'gone', kind: 'removed', old: '1' },
    { name: 'status', kind: 'changed', old: 'new', new: 'shipped' },
    { name: 'tags', kind: 'same', old: '["a","b"]', new: '["a","b"]' },
  ]);
});

test('an INSERT diffs as every attribute added, a REMOVE as every attribute removed', () => {
  const item = { a: { S: '1' }, b: { N: '2' } };
  assert.ok(imageDiff(undefined, item).every((r) => r.kind === 'added'));
  assert.ok(imageDiff(item, undefined).every((r) => r.kind === 'removed'));
  assert.deepEqual(imageDiff(undefined, undefined), []);
});

test('the cap keeps the newest records, in arrival order, and counts what it dropped', () => {
  fc.assert(
    fc.property(fc.array(fc.array(fc.nat(), { maxLength: 30 }), { maxLength: 10 }), fc.integer({ min: 1, max: 40 }), (batches, cap) => {
      const kept: number[] = [];
      let dropped = 0;
      const all: number[] = [];
      for (const b of batches) {
        dropped += appendCapped(kept, b, cap);
        all.push(...b);
      }
      assert.deepEqual(kept, all.slice(Math.max(0, all.length - cap)));
      assert.equal(dropped, all.length - kept.length);
    }),
  );
});

test('a record without images still gets a key text and no diff rows', () => {
  const r: StreamRecordView = recordFromWire(wire('REMOVE'), 's', 1)!;
  assert.equal(keyText(r.keys, []), 'customer=alice · orderId=7');
  assert.deepEqual(imageDiff(r.oldImage, r.newImage), []);
});
