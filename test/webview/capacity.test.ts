import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDollars, itemCost, itemSize, numberSize, onDemandPrice } from '../../src/protocol/capacity';

describe('item size and capacity units', () => {
  it('sizes numbers by significant digits', () => {
    assert.equal(numberSize('0'), 1);
    assert.equal(numberSize('1'), 2);
    assert.equal(numberSize('12'), 2);
    assert.equal(numberSize('123'), 3);
    assert.equal(numberSize('-123'), 4);
    assert.equal(numberSize('1000'), 2);
    assert.equal(numberSize('0.001'), 2);
    assert.equal(numberSize('12345678901234567890123456789012345678'), 20);
  });

  it('counts attribute names and UTF-8 bytes', () => {
    assert.equal(itemSize({ id: { S: 'abc' } }), 5);
    assert.equal(itemSize({ é: { S: 'ü' } }), 4);
    assert.equal(itemSize({ f: { BOOL: true }, n: { NULL: true } }), 4);
    assert.equal(itemSize({ b: { B: 'aGVsbG8=' } }), 6);
    // list: 3 bytes + 1 per element + elements; map: 3 + per entry name + value + 1
    assert.equal(itemSize({ l: { L: [{ S: 'ab' }, { N: '1' }] } }), 1 + 3 + (2 + 1) + (2 + 1));
    assert.equal(itemSize({ m: { M: { k: { S: 'v' } } } }), 1 + 3 + 1 + 1 + 1);
  });

  it('rounds reads to 4 KB and writes to 1 KB', () => {
    const small = itemCost({ id: { S: 'x' } });
    assert.deepEqual([small.readStrong, small.readEventual, small.readTransactional, small.write, small.writeTransactional], [1, 0.5, 2, 1, 2]);
    const big = itemCost({ id: { S: 'x'.repeat(5000) } });
    assert.equal(big.sizeBytes, 5002);
    assert.deepEqual([big.readStrong, big.readEventual, big.write, big.writeTransactional], [2, 1, 5, 10]);
  });

  it('prices on-demand requests', () => {
    assert.equal(onDemandPrice(1_000_000, 0), 0.125);
    assert.equal(onDemandPrice(0, 2_000_000), 1.25);
    assert.equal(formatDollars(0.125), '$0.125');
    assert.equal(formatDollars(0.1), '$0.10');
    assert.equal(formatDollars(1234.5678), '$1,234.57');
    assert.equal(formatDollars(1.25e-7), '$0.000000125');
    assert.equal(formatDollars(0.0000000625), '$0.0000000625');
  });
});
