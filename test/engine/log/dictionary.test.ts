// The item codec's dictionary as the log relies on it (issue 11, problem 9): entries logged with
// explicit ids, `restore` idempotent, and nothing entering the dictionary for a write that does
// not commit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ItemCodec, settleDictionaries, type DictionaryAdditions } from '../../../src/engine/codec/item-codec';
import type { Item } from '../../../src/engine/types/attribute-value';

const additions = (): DictionaryAdditions => ({ names: [], shapes: [] });
const ITEMS: Item[] = [
  { pk: { S: 'a' }, n: { N: '1' } },
  { pk: { S: 'b' }, s: { SS: ['x'] } },
  { pk: { S: 'c' }, n: { N: '2' }, m: { M: { deep: { BOOL: true } } } },
];

/** Encodes and commits (publishes) each item, as the database does, returning the encodings and what each logged. */
function commitAll(codec: ItemCodec, items: Item[]): { encoded: string[]; logged: DictionaryAdditions[] } {
  const encoded: string[] = [];
  const logged: DictionaryAdditions[] = [];
  for (const item of items) {
    const added = additions();
    encoded.push(codec.encode(item, 10, added));
    codec.publish(added);
    logged.push(added);
  }
  settleDictionaries();
  return { encoded, logged };
}

test('problem 9: restoring the same dictionary twice changes nothing, and items still decode', () => {
  const source = new ItemCodec();
  const { encoded } = commitAll(source, ITEMS);
  const snapshot = source.dictionary();
  const copy = new ItemCodec();
  copy.restore(snapshot);
  copy.restore(snapshot);
  assert.deepEqual(copy.dictionary(), snapshot);
  encoded.forEach((e, i) => assert.deepEqual(copy.decode(e), ITEMS[i]));
});

test('problem 9: replaying logged additions over a snapshot that already holds them is harmless (ids, not order, decide)', () => {
  const source = new ItemCodec();
  const { encoded, logged } = commitAll(source, ITEMS);
  for (const d of logged) assert.equal(d.names.length, d.nameIds?.length ?? 0, 'every logged name has its id');
  const copy = new ItemCodec();
  copy.restore(source.dictionary());
  for (const d of logged.slice().reverse()) copy.restore(d);
  assert.deepEqual(copy.dictionary(), source.dictionary());
  encoded.forEach((e, i) => assert.deepEqual(copy.decode(e), ITEMS[i]));
});

test('problem 9: an item encoded for a write that never commits leaves nothing, and the next write of that shape logs it itself', () => {
  const codec = new ItemCodec();
  commitAll(codec, [ITEMS[0]]);
  const before = codec.dictionary();
  const refused = additions();
  codec.encode({ pk: { S: 'r' }, brandNew: { S: 'x' } }, 10, refused);
  assert.equal(refused.names.length, 1);
  settleDictionaries(); // the write was refused: nobody published it
  assert.deepEqual(codec.dictionary(), before);
  const later = additions();
  const encoded = codec.encode({ pk: { S: 'q' }, brandNew: { S: 'y' } }, 10, later);
  codec.publish(later);
  settleDictionaries();
  assert.deepEqual(later.names, ['brandNew'], 'the committing write carries the name');
  assert.equal(later.shapes.length, 1, 'and the shape');
  // Recovery from the snapshot before plus this one record rebuilds what the item needs.
  const recovered = new ItemCodec();
  recovered.restore(before);
  recovered.restore(later);
  assert.deepEqual(recovered.decode(encoded), { pk: { S: 'q' }, brandNew: { S: 'y' } });
});

test('two items of one write that share a new shape each carry it, so either record alone rebuilds it', () => {
  const codec = new ItemCodec();
  const first = additions();
  const second = additions();
  codec.encode({ k: { S: '1' }, w: { N: '1' } }, 10, first);
  const encoded = codec.encode({ k: { S: '2' }, w: { N: '2' } }, 10, second);
  codec.publish(second);
  settleDictionaries();
  assert.deepEqual(second.names, ['k', 'w']);
  const recovered = new ItemCodec();
  recovered.restore(second);
  assert.deepEqual(recovered.decode(encoded), { k: { S: '2' }, w: { N: '2' } });
});
