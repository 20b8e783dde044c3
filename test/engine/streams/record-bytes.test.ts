// The endpoint's GetRecords writes each record's JSON as bytes straight from the log's bytes of
// its images (records.ts recordBytes, codec/json-bytes.ts), falling back to the text path
// (recordJson) for what it does not write itself. These tests hold the two together: for any
// item, the bytes are exactly the UTF-8 of the text, or the byte path declines and writes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ItemCodec, settleDictionaries } from '../../../src/engine/codec/item-codec';
import { ByteOut } from '../../../src/engine/codec/json-bytes';
import type { KeySchemaInfo } from '../../../src/engine/codec/key-codec';
import { encodeRecordInto, type LogRecord } from '../../../src/engine/log/records';
import { BinaryWriter } from '../../../src/engine/storage/binary';
import { LoggedPut, streamFrameDecoder } from '../../../src/engine/streams/log-frames';
import type { StreamViewType } from '../../../src/engine/streams/model';
import { newRecordContext, recordBytes, recordJson, type StreamEntry } from '../../../src/engine/streams/records';
import type { AttributeValue, Item } from '../../../src/engine/types/attribute-value';

const TABLE = 'tbl-streamed';
const VIEWS: StreamViewType[] = ['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES'];

// Characters that each take another way through the writers: ASCII, two-, three- and four-byte
// UTF-8, JSON's escapes, and lone surrogates (which the log stores as UTF-16).
const char = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'Z', '0', ' ', '-') },
  fc.constantFrom('é', 'ß', '€', '中', '😀', '"', '\\', '\n', '\u0001', '\u001f', '\u007f', '\ud800', '\udfff', '\u2028'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
const text = fc.string({ unit: char, maxLength: 12 });
const safeText = fc.string({ unit: fc.constantFrom('a', 'é', '€', '😀', '-'), minLength: 1, maxLength: 12 });
const value: fc.Arbitrary<AttributeValue> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text.map((S) => ({ S })),
    fc.integer().map((n) => ({ N: String(n) })),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => ({ N: String(n) })),
    fc.base64String({ maxLength: 12 }).map((B) => ({ B })),
    fc.boolean().map((BOOL) => ({ BOOL })),
    fc.constant({ NULL: true as const }),
    fc.uniqueArray(text, { minLength: 1, maxLength: 4 }).map((SS) => ({ SS })),
    fc.uniqueArray(fc.integer().map(String), { minLength: 1, maxLength: 4 }).map((NS) => ({ NS })),
    fc.uniqueArray(fc.base64String({ minLength: 4, maxLength: 8 }), { minLength: 1, maxLength: 3 }).map((BS) => ({ BS })),
    fc.array(tie('value'), { maxLength: 3 }).map((L) => ({ L: L as AttributeValue[] })),
    fc.dictionary(text, tie('value'), { maxKeys: 3 }).map((M) => ({ M: M as Record<string, AttributeValue> })),
  ),
})).value;
const attributes = fc.dictionary(fc.string({ unit: char, minLength: 1, maxLength: 6 }), value, { maxKeys: 6 });
/** A key value of the schema's type: sometimes plain, sometimes any text. */
const keyValue = (type: 'S' | 'N' | 'B'): fc.Arbitrary<AttributeValue> =>
  type === 'S' ? fc.oneof(safeText, text.filter((s) => s.length > 0)).map((S) => ({ S })) : type === 'N' ? fc.integer().map((n) => ({ N: String(n) })) : fc.base64String({ minLength: 4, maxLength: 8 }).map((B) => ({ B }));

const schema: fc.Arbitrary<KeySchemaInfo> = fc.record({
  partitionType: fc.constantFrom('S' as const, 'N' as const, 'B' as const),
  sortType: fc.option(fc.constantFrom('S' as const, 'N' as const, 'B' as const), { nil: undefined }),
}).map(({ partitionType, sortType }) => (sortType === undefined ? { partitionName: 'pk', partitionType } : { partitionName: 'pk', partitionType, sortName: 'sk', sortType }));

function withKeys(s: KeySchemaInfo): fc.Arbitrary<Item> {
  return fc.tuple(attributes, keyValue(s.partitionType), s.sortType === undefined ? fc.constant(undefined) : keyValue(s.sortType)).map(([rest, pk, sk]) => {
    const it: Item = { pk };
    if (sk !== undefined) it.sk = sk;
    for (const [name, v] of Object.entries(rest)) if (name !== 'pk' && name !== 'sk') it[name] = v;
    return it;
  });
}

const scenario = schema.chain((s) =>
  fc.record({
    schema: fc.constant(s),
    view: fc.constantFrom(...VIEWS),
    kind: fc.constantFrom('insert' as const, 'modify' as const, 'remove' as const),
    item: withKeys(s),
    old: withKeys(s),
    ttl: fc.boolean(),
    // Items past the shape limit, or from before shapes, list their names inline.
    inline: fc.boolean(),
    // Where the record sits: sequence numbers and times of every length the digits are written for.
    lsn: fc.oneof(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 2 ** 43 })),
    index: fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 1500 })),
    time: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  }),
);

/** The frame of one log record holding `mutation`, as a stream's decoder reads it back from the log's bytes. */
function logged(r: LogRecord): StreamEntry {
  const w = new BinaryWriter(64);
  encodeRecordInto(w, r);
  const frame = streamFrameDecoder(TABLE)(w.buf, 0, w.pos);
  const m = frame.mutations[0]!;
  return { lsn: r.lsn, index: 0, time: r.time, origin: frame.origin, mutation: m as StreamEntry['mutation'], keyUnits: 'keyUnits' in m ? m.keyUnits : 0 };
}

test('a record written as bytes from the log is exactly the UTF-8 of its JSON text, for any item, key schema and view type', () => {
  let viaBytes = 0;
  let declined = 0;
  fc.assert(
    fc.property(scenario, ({ schema: s, view, kind, item, old, ttl, inline, lsn, index, time }) => {
      const codec = new ItemCodec();
      const encode = (it: Item): string => {
        const added = { names: [] as string[], shapes: [] as number[][] };
        const out = codec.encode(it, 100 + JSON.stringify(it).length, added);
        codec.publish(added);
        settleDictionaries();
        return out;
      };
      // An inline item lists name ids that this codec must know by the same ids: restored first, as inlineEncoding's are.
      if (inline) codec.restore({ names: Object.keys(item), shapes: [] });
      const image = inline ? inlineEncoding(item) : encode(item);
      const oldImage = encode(old);
      const mutation: LogRecord['mutations'][number] =
        kind === 'remove' ? { kind: 'delete', tableId: TABLE, key: 'k', old: oldImage } : { kind: 'put', tableId: TABLE, key: 'k', item: image, old: kind === 'modify' ? oldImage : undefined, added: undefined };
      const entry = { ...logged({ lsn, time, mutations: [mutation], ...(ttl ? { origin: 'ttl' as const } : {}) }), index };
      const ctx = newRecordContext(codec, s, view, 'us-east-1', 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/x');
      const out = new ByteOut(16);
      out.text('[');
      const start = out.pos;
      if (recordBytes(ctx, entry, out)) {
        viaBytes++;
        const text = recordJson(ctx, entry);
        assert.equal(out.result().subarray(start).toString('utf8'), text);
        assert.deepEqual(out.result().subarray(start), Buffer.from(text, 'utf8'));
      } else {
        declined++;
        assert.equal(out.pos, start, 'a declined record leaves nothing behind');
      }
    }),
    { numRuns: 3000, seed: 2026 },
  );
  // Both ways must actually be exercised for the comparison to mean anything.
  assert.ok(viaBytes > 1000, `only ${viaBytes} records went the byte way`);
  assert.ok(declined > 100, `only ${declined} records went the text way`);
});

/** The encoding an item gets once a codec's shapes are used up: names inline (shape 0). */
function inlineEncoding(it: Item): string {
  const codec = new ItemCodec();
  // Names interned in the order restore gives them, the order the test's codec restores too.
  codec.restore({ names: Object.keys(it), shapes: [] });
  const internal = codec as unknown as { shapes: { length: number } };
  const added = { names: [] as string[], shapes: [] as number[][] };
  // Fill the shape table so that encode lists the names inline.
  (internal.shapes as unknown as unknown[]).length = 20_000;
  return codec.encode(it, 100, added);
}

test('a record of the log\'s bytes with plain text goes the byte way, so GetRecords over HTTP does not fall back', () => {
  const codec = new ItemCodec();
  const added = { names: [] as string[], shapes: [] as number[][] };
  const image = codec.encode({ pk: { S: 'p00000001' }, n: { N: '1' }, data: { S: 'é-€-😀-'.repeat(20) } }, 200, added);
  codec.publish(added);
  settleDictionaries();
  const entry = logged({ lsn: 5, time: 1_700_000_000_000, mutations: [{ kind: 'put', tableId: TABLE, key: 'k', item: image, old: undefined, added: undefined }] });
  assert.ok(entry.mutation instanceof LoggedPut);
  const ctx = newRecordContext(codec, { partitionName: 'pk', partitionType: 'S' }, 'NEW_AND_OLD_IMAGES', 'us-east-1', 'arn');
  const out = new ByteOut(16);
  assert.equal(recordBytes(ctx, entry, out), true);
  assert.equal(out.result().toString('utf8'), recordJson(ctx, entry));
});
