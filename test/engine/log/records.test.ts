// Log record payloads round-trip exactly: any UTF-16 string (lone surrogates included, problem 5),
// the origin and transaction token of the flags byte, dictionary additions with their ids, and
// loaded tables by file or (a point-in-time restore) by their source table and time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BinaryWriter } from '../../../src/engine/storage/binary';
import { decodeRecord, encodeRecordInto, type LogRecord, type Mutation } from '../../../src/engine/log/records';

/** Any sequence of UTF-16 code units, so lone and reversed surrogates come up. */
const units = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 300 });

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), tableId: units, key: units, item: units, old: fc.option(units, { nil: undefined }), added: fc.constant(undefined) }),
  fc.record({ kind: fc.constant('delete' as const), tableId: units, key: units, old: units }),
  fc.record({ kind: fc.constant('createTable' as const), tableId: units, meta: fc.record({ name: units, n: fc.integer() }) }),
  fc.record({ kind: fc.constant('deleteTable' as const), tableId: units }),
  fc.record({ kind: fc.constant('loadTable' as const), tableId: units, meta: fc.record({ name: units }), file: units }),
  // A point-in-time restore logged as a reference to its source's history (kind 7).
  fc.record({
    kind: fc.constant('loadTable' as const),
    tableId: units,
    meta: fc.record({ name: units }),
    file: fc.constant(''),
    restoredFrom: fc.record({ tableId: units, time: fc.integer({ min: 0, max: 2 ** 45 }) }),
  }),
  fc.record({
    kind: fc.constant('put' as const),
    tableId: units,
    key: units,
    item: units,
    old: fc.constant(undefined),
    added: fc.array(units, { minLength: 1, maxLength: 3 }).map((names) => ({ names, nameIds: names.map((_, i) => 7 + i), shapes: [[0, 7]], shapeIds: [4] })),
  }),
);

const record: fc.Arbitrary<LogRecord> = fc.record(
  {
    lsn: fc.integer({ min: 1, max: 2 ** 40 }),
    time: fc.integer({ min: 0, max: 2 ** 45 }),
    mutations: fc.array(mutation, { maxLength: 4 }),
    origin: fc.constantFrom('ttl' as const, 'restore' as const),
    token: units,
  },
  { requiredKeys: ['lsn', 'time', 'mutations'] },
);

test('a record comes back exactly from its payload, whatever its strings, origin and token', () => {
  fc.assert(
    fc.property(record, (r) => {
      const w = new BinaryWriter(16);
      w.u8(0xee); // a payload need not start at offset 0
      encodeRecordInto(w, r);
      const back = decodeRecord(w.buf, 1, w.pos);
      // Metadata goes through JSON (which keeps lone surrogates, escaped): compare it as plain objects.
      // (fast-check's records have no prototype; decoded ones are plain objects.)
      const expected = {
        ...r,
        mutations: r.mutations.map((m) => ({ ...m, ...('meta' in m && { meta: JSON.parse(JSON.stringify(m.meta)) }), ...(m.kind === 'loadTable' && m.restoredFrom && { restoredFrom: { ...m.restoredFrom } }) })),
      };
      assert.deepEqual(back, expected);
    }),
    { numRuns: 300, seed: 11 },
  );
});

test('decoded without new images, a record is the same but for its puts\' items, whatever their strings', () => {
  fc.assert(
    fc.property(record, (r) => {
      const w = new BinaryWriter(16);
      encodeRecordInto(w, r);
      const lean = decodeRecord(w.buf, 0, w.pos, false);
      const full = decodeRecord(w.buf, 0, w.pos);
      assert.deepEqual(lean, { ...full, mutations: full.mutations.map((m) => (m.kind === 'put' ? { ...m, item: '' } : m)) });
    }),
    { numRuns: 300, seed: 12 },
  );
});

test('a payload with bytes after its last mutation is refused rather than half read', () => {
  const w = new BinaryWriter();
  encodeRecordInto(w, { lsn: 1, time: 2, mutations: [{ kind: 'deleteTable', tableId: 't' }] });
  w.u8(0);
  assert.throws(() => decodeRecord(w.buf, 0, w.pos), /bytes more than its mutations/);
});
