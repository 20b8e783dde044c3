// The stream frame decoder reads what decodeRecord reads, for the mutations a stream shows: the
// same kinds, images and indexes, the key's length, lsn, time and origin, whatever the record
// holds besides (other tables, table changes, tokens, dictionary additions, UTF-16 texts); and a
// payload decodeRecord refuses is refused the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BinaryWriter } from '../../../src/engine/storage/binary';
import { decodeRecord, encodeRecordInto, type LogRecord, type Mutation } from '../../../src/engine/log/records';
import { LoggedDelete, LoggedPut, streamFrameDecoder, type StreamFrame } from '../../../src/engine/streams/log-frames';

/** Any sequence of UTF-16 code units (lone surrogates make a text UTF-16 in the log). */
const units = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 200 });
/** Mostly well-formed text, of one, two, three and four UTF-8 bytes per character. */
const text = fc.oneof({ weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) }, { weight: 1, arbitrary: units });
const WANTED = 'tbl-wanted';
const tableId = fc.oneof(fc.constantFrom(WANTED, 'tbl-other', 'tbl-wanteE', 'tbl-wantedX', 'é'), text);
const dictionary = fc.array(text, { minLength: 1, maxLength: 3 }).map((names) => ({ names, nameIds: names.map((_, i) => 300 + i), shapes: [[1, 300]], shapeIds: [200] }));

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), tableId, key: text, item: text, old: fc.option(text, { nil: undefined }), added: fc.option(dictionary, { nil: undefined }) }),
  fc.record({ kind: fc.constant('delete' as const), tableId, key: text, old: text }),
  fc.record({ kind: fc.constant('createTable' as const), tableId, meta: fc.record({ name: text }) }),
  fc.record({ kind: fc.constant('updateTable' as const), tableId, meta: fc.record({ n: fc.integer() }) }),
  fc.record({ kind: fc.constant('deleteTable' as const), tableId }),
);

const record: fc.Arbitrary<LogRecord> = fc.record(
  {
    lsn: fc.integer({ min: 1, max: 2 ** 40 }),
    time: fc.integer({ min: 0, max: 2 ** 45 }),
    mutations: fc.array(mutation, { maxLength: 5 }),
    origin: fc.constantFrom('ttl' as const, 'restore' as const),
    token: text,
  },
  { requiredKeys: ['lsn', 'time', 'mutations'] },
);

/** What a stream of WANTED sees of a record, from either decoder's output. */
function streamView(r: StreamFrame | LogRecord) {
  return {
    lsn: r.lsn,
    time: r.time,
    origin: r.origin,
    mutations: r.mutations.map((m) => {
      if (m === undefined || m.tableId !== WANTED || (m.kind !== 'put' && m.kind !== 'delete')) return undefined;
      const keyUnits = 'keyUnits' in m ? m.keyUnits : m.key.length;
      return m.kind === 'put' ? { kind: m.kind, item: m.item, old: m.old, keyUnits } : { kind: m.kind, old: m.old, keyUnits };
    }),
  };
}

function payload(r: LogRecord): { buf: Buffer; start: number; end: number } {
  const w = new BinaryWriter(16);
  w.u8(0xee); // a payload need not start at offset 0
  encodeRecordInto(w, r);
  return { buf: w.buf, start: 1, end: w.pos };
}

test('a stream reads from a frame exactly what decodeRecord reads of its table\'s item changes, whatever else the record holds', () => {
  const decode = streamFrameDecoder(WANTED);
  fc.assert(
    fc.property(record, (r) => {
      const { buf, start, end } = payload(r);
      assert.deepEqual(streamView(decode(buf, start, end)), streamView(decodeRecord(buf, start, end)));
    }),
    { numRuns: 1000, seed: 13 },
  );
});

test('a frame of well-formed text is read without decoding keys, table ids or other tables\' mutations', () => {
  const r: LogRecord = {
    lsn: 9,
    time: 1234,
    origin: 'ttl',
    token: 'tok',
    mutations: [
      { kind: 'put', tableId: 'tbl-other', key: 'k0', item: 'i0', old: undefined, added: undefined },
      { kind: 'put', tableId: WANTED, key: 'k😀é', item: 'new', old: 'old', added: { names: ['n'], shapes: [[1]], nameIds: [1], shapeIds: [1] } },
      { kind: 'updateTable', tableId: WANTED, meta: { x: 1 } },
      { kind: 'delete', tableId: WANTED, key: 'k2', old: 'gone' },
    ],
  };
  const { buf, start, end } = payload(r);
  const frame = streamFrameDecoder(WANTED)(buf, start, end);
  // The table's changes keep their images as the frame's bytes (strings made only when asked for).
  assert.ok(frame.mutations[1] instanceof LoggedPut && frame.mutations[3] instanceof LoggedDelete);
  assert.deepEqual(streamView(frame), {
    lsn: 9,
    time: 1234,
    origin: 'ttl',
    mutations: [undefined, { kind: 'put', item: 'new', old: 'old', keyUnits: 4 }, undefined, { kind: 'delete', old: 'gone', keyUnits: 2 }],
  });
});

test('a payload decodeRecord refuses (bytes after the last mutation, an unknown kind) is refused by the stream decoder too', () => {
  const { buf, start, end } = payload({ lsn: 1, time: 2, mutations: [{ kind: 'delete', tableId: WANTED, key: 'k', old: 'o' }] });
  const longer = Buffer.concat([buf.subarray(0, end), Buffer.from([0])]);
  assert.throws(() => streamFrameDecoder(WANTED)(longer, start, end + 1), /bytes more than its mutations/);
  const unknown = Buffer.from(buf.subarray(0, end));
  unknown[start + 18] = 99; // the first mutation's kind (after lsn, time, flags and the count)
  assert.throws(() => streamFrameDecoder(WANTED)(unknown, start, end), /unknown mutation kind 99/);
});
