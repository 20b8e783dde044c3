// The provisioned monthly estimate against figures worked out by hand from the us-east-1 list prices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRICE_BASIS, monthlyText, provisionedMonthly } from '../../../src/protocol/pricing';

test('a 7 RCU / 3 WCU table with no data costs about $2.09 a month', () => {
  // 7 × 0.00013 × 730 = 0.6643; 3 × 0.00065 × 730 = 1.4235
  const e = provisionedMonthly(7, 3);
  assert.ok(Math.abs(e.read - 0.6643) < 1e-9);
  assert.ok(Math.abs(e.write - 1.4235) < 1e-9);
  assert.equal(monthlyText(7, 3), '$2.09 a month (7 RCU $0.66 + 3 WCU $1.42 + storage $0)');
});

test('storage is billed per GB-month and small amounts are written out, never in scientific notation', () => {
  assert.ok(Math.abs(provisionedMonthly(0, 0, 10 * 1024 ** 3).storage - 2.5) < 1e-9);
  assert.equal(monthlyText(1, 1, 1024), '$0.57 a month (1 RCU $0.09 + 1 WCU $0.47 + storage $0.000000238)');
});

test('the stated price basis shows each rate as formatDollars writes it', () => {
  assert.match(PRICE_BASIS, /\$0\.00013 per RCU-hour, \$0\.00065 per WCU-hour, \$0\.25 per GB-month/);
  assert.doesNotMatch(PRICE_BASIS, /e-\d/);
});
