// When an item expires (src/engine/ttl/expiry.ts), by DynamoDB's documented rules, and the TTL
// status a table's settings give at a moment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_PAST_SECONDS, isExpired, ttlStatus } from '../../../src/engine/ttl';
import { expiryKey } from '../../../src/engine/ttl/expiry';

const NOW_MS = 1_800_000_000_500; // 1,800,000,000.5 s
const N = (n: string) => ({ N: n });

test('a Number of epoch seconds in the past has expired, one in the future or equal to now has not', () => {
  assert.equal(isExpired(N('1799999999'), NOW_MS), true);
  assert.equal(isExpired(N('1800000000.499'), NOW_MS), true);
  assert.equal(isExpired(N('1800000000.5'), NOW_MS), false, 'exactly now is not yet in the past');
  assert.equal(isExpired(N('1800000001'), NOW_MS), false);
  assert.equal(isExpired(N('99999999999999999999999999999999999999'), NOW_MS), false);
});

test('the comparison is exact on decimals that a double would round', () => {
  // 1800000000.49999999999999999999 rounds to 1800000000.5 as a double; it is still before now.
  assert.equal(isExpired(N('1800000000.49999999999999999999'), NOW_MS), true);
  assert.equal(isExpired(N('1800000000.50000000000000000001'), NOW_MS), false);
});

test('values more than five years in the past never expire, and five years exactly still does', () => {
  const fiveYearsAgo = NOW_MS / 1000 - MAX_PAST_SECONDS;
  assert.equal(isExpired(N(String(fiveYearsAgo)), NOW_MS), true);
  assert.equal(isExpired(N(String(fiveYearsAgo - 1)), NOW_MS), false);
  assert.equal(isExpired(N('0'), NOW_MS), false, 'zero is decades ago');
  assert.equal(isExpired(N('-5'), NOW_MS), false);
  // Milliseconds written by mistake are far in the future as seconds: never due either.
  assert.equal(isExpired(N(String(NOW_MS - 1000)), NOW_MS), false);
});

test('any type other than a Number never expires', () => {
  for (const v of [{ S: '1700000000' }, { NS: ['1700000000'] }, { L: [N('1700000000')] }, { M: { t: N('1700000000') } }, { BOOL: true }, { NULL: true as const }, { B: 'AQ==' }]) {
    assert.equal(isExpired(v as never, NOW_MS), false, JSON.stringify(v));
  }
  assert.equal(isExpired(undefined, NOW_MS), false, 'an item without the attribute never expires');
});

test('isExpired agrees with the arithmetic comparison for any value in the window', () => {
  const now = NOW_MS / 1000;
  fc.assert(
    fc.property(fc.integer({ min: -MAX_PAST_SECONDS * 1000 - 5000, max: 5_000_000 }), (offsetMs) => {
      // Whole milliseconds from now, written as a decimal of seconds.
      const ms = NOW_MS + offsetMs;
      const text = (ms / 1000).toFixed(3).replace(/\.?0+$/, '');
      const seconds = ms / 1000;
      assert.equal(isExpired(N(text), NOW_MS), seconds < now && seconds >= now - MAX_PAST_SECONDS, text);
    }),
  );
});

test('expiry keys sort as the numbers they encode', () => {
  fc.assert(
    fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: -1e12, max: 1e12 }), (a, b) => {
      const order = Math.sign(a - b);
      const ka = expiryKey(String(a));
      const kb = expiryKey(String(b));
      assert.equal(ka < kb ? -1 : ka > kb ? 1 : 0, order, `${a} vs ${b}`);
    }),
  );
});

test('a TTL change is ENABLING or DISABLING for the transition time, then ENABLED or DISABLED', () => {
  const on = { attributeName: 'exp', enabled: true, changedAt: 1000 };
  const off = { attributeName: 'exp', enabled: false, changedAt: 1000 };
  assert.equal(ttlStatus(undefined, 5000, 100), 'DISABLED');
  assert.equal(ttlStatus(on, 1099, 100), 'ENABLING');
  assert.equal(ttlStatus(on, 1100, 100), 'ENABLED');
  assert.equal(ttlStatus(off, 1050, 100), 'DISABLING');
  assert.equal(ttlStatus(off, 1100, 100), 'DISABLED');
  assert.equal(ttlStatus(on, 1000, 0), 'ENABLED', 'no transition at all when it takes 0 ms');
});
