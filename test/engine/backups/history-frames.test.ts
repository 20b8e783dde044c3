// The restore's history decoder (history-frames.ts) against the plain reading it replaces: over
// random runs of log frames (several tables, ids that share a prefix, repeated keys, lone
// surrogates, transactions, tokens, dictionary additions, table-level changes), the changes it
// records plus those of the records it hands back are what decodeRecord's records give.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BinaryWriter } from '../../../src/engine/storage/binary';
import { decodeRecord, encodeRecordInto, type LogRecord, type Mutation } from '../../../src/engine/log/records';
import { historyFrameDecoder } from '../../../src/engine/backups/history-frames';

const WANTED = 't1';
const T = 1000;

/** Few keys, so a key is often changed again; some are not well-formed UTF-16 (written as code units). */
const key = fc.constantFrom('a', 'b', 'ä', '\ud800x', '\udc00', 'k'.repeat(70));
const image = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 200 });
/** The wanted table, one whose id starts the same, one as long, and another. */
const tableId = fc.constantFrom(WANTED, WANTED, 't10', 't2', 'other');
const added = fc.option(
  fc.array(image, { minLength: 1, maxLength: 2 }).map((names) => ({ names, nameIds: names.map((_, i) => 300 + i), shapes: [[0, 300]], shapeIds: [200] })),
  { nil: undefined },
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('put' as const), tableId, key, item: image, old: fc.option(image, { nil: undefined }), added }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), tableId, key, old: image }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('updateTable' as const), tableId, meta: fc.record({ name: image }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteTable' as const), tableId }) },
);

const record = (lsn: number): fc.Arbitrary<LogRecord> =>
  fc.record(
    {
      lsn: fc.constant(lsn),
      time: fc.integer({ min: T - 3, max: T + 3 }),
      mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
      origin: fc.constantFrom('ttl' as const, 'restore' as const),
      token: image,
    },
    { requiredKeys: ['lsn', 'time', 'mutations'] },
  );

const history = fc.integer({ min: 1, max: 30 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => record(i + 1))));

/** What changeSteps takes from a record: the old image of each key's first put or delete of the wanted table after T. */
function take(changed: Map<string, string | undefined>, r: LogRecord): void {
  if (r.time <= T) return;
  for (const m of r.mutations) {
    if ((m.kind === 'put' || m.kind === 'delete') && m.tableId === WANTED && !changed.has(m.key)) changed.set(m.key, m.old);
  }
}

test('the history decoder records the same first old image per key as reading whole records, and hands back every table-level change of the table', () => {
  fc.assert(
    fc.property(history, (records) => {
      const expected = new Map<string, string | undefined>();
      const changed = new Map<string, string | undefined>();
      const decode = historyFrameDecoder(WANTED, T, changed);
      for (const r of records) {
        const w = new BinaryWriter(16);
        w.u8(0xee); // frames sit inside a segment's bytes, not at offset 0
        encodeRecordInto(w, r);
        take(expected, decodeRecord(w.buf, 1, w.pos));
        const back = decode(w.buf, 1, w.pos);
        if (back !== undefined) take(changed, back);
        const tableLevel = r.time > T && r.mutations.some((m) => m.kind !== 'put' && m.kind !== 'delete' && m.tableId === WANTED);
        if (tableLevel) assert.ok(back !== undefined && back.lsn === r.lsn, `record ${r.lsn} holds a table-level change of the table: it must come back`);
      }
      assert.deepEqual([...changed].sort(), [...expected].sort());
    }),
    { numRuns: 400, seed: 14 },
  );
});

test('a frame cut short inside a mutation is left to decodeRecord, which refuses it, and records nothing', () => {
  const w = new BinaryWriter(16);
  encodeRecordInto(w, { lsn: 1, time: T + 1, mutations: [{ kind: 'put', tableId: WANTED, key: 'a', item: 'new', old: 'old', added: undefined }] });
  const changed = new Map<string, string | undefined>();
  assert.throws(() => historyFrameDecoder(WANTED, T, changed)(w.buf, 0, w.pos - 3));
  assert.equal(changed.size, 0);
});
