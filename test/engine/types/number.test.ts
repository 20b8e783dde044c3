import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  NUMBER_MESSAGES,
  addNumbers,
  compareNumbers,
  decodeNumberKey,
  encodeNumberKey,
  normalizeNumber,
  numberKeyEnd,
  numberSize,
  subtractNumbers,
} from '../../../src/engine/types/number.js';
import { DynamoDBError } from '../../../src/engine/errors.js';
import { throws } from '../helpers';

// ---------------------------------------------------------------------------------------------
// Helpers independent of the implementation

/** A canonical number built from sign, significant digits (no leading/trailing zeros) and the
 * decimal exponent of the first digit. */
function format(neg: boolean, digits: string, exp: number): string {
  let s: string;
  if (exp < 0) s = '0.' + '0'.repeat(-exp - 1) + digits;
  else if (digits.length <= exp + 1) s = digits + '0'.repeat(exp + 1 - digits.length);
  else s = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
  return neg ? '-' + s : s;
}

const SCALE = 200;
/** Exact value × 10^200 as a BigInt. */
function scaled(canonical: string): bigint {
  const neg = canonical.startsWith('-');
  const body = neg ? canonical.slice(1) : canonical;
  const [int, frac = ''] = body.split('.');
  const v = BigInt(int + frac.padEnd(SCALE, '0'));
  return neg ? -v : v;
}

const sign = (x: bigint): number => (x < 0n ? -1 : x > 0n ? 1 : 0);

const digitString = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 38 })
  .map((ds) => {
    if (ds[0] === 0) ds[0] = 1 + (ds.length % 9);
    if (ds[ds.length - 1] === 0) ds[ds.length - 1] = 7;
    return ds.join('');
  });
const exponent = fc.oneof(fc.integer({ min: -130, max: 125 }), fc.integer({ min: -4, max: 4 }));
const parts = fc.record({ neg: fc.boolean(), digits: digitString, exp: exponent });
const canonicalNumber = fc.oneof(
  { weight: 1, arbitrary: fc.constant('0') },
  { weight: 20, arbitrary: parts.map(({ neg, digits, exp }) => format(neg, digits, exp)) },
);

const expectValidation = (fn: () => unknown, message: string) => throws(fn, 'ValidationException', message);

// ---------------------------------------------------------------------------------------------
// normalizeNumber

test('normalizeNumber returns the canonical text DynamoDB returns (checked against DynamoDB Local)', () => {
  const cases: [string, string][] = [
    ['1.0', '1'],
    ['-0', '0'],
    ['1e2', '100'],
    ['0.00100', '0.001'],
    ['+1', '1'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['-.5e1', '-5'],
    ['00012.3400', '12.34'],
    ['0e999999', '0'],
    ['0.000', '0'],
    ['-0.0e-5', '0'],
    ['1.e3', '1000'],
    ['1E+5', '100000'],
    ['1e0002', '100'],
    ['10E-131', '0.' + '0'.repeat(129) + '1'],
    ['1E-130', '0.' + '0'.repeat(129) + '1'],
    ['9.9999999999999999999999999999999999999E+125', '9'.repeat(38) + '0'.repeat(88)],
    ['99999999999999999999999999999999999999e88', '9'.repeat(38) + '0'.repeat(88)],
    ['12345678901234567890123456789012345678', '12345678901234567890123456789012345678'],
    ['1234567890123456789012345678901234567800000', '1234567890123456789012345678901234567800000'],
    ['0.10000000000000000000000000000000000000000000000000000', '0.1'],
    ['-17.4E37', '-174' + '0'.repeat(36)],
    ['123.45', '123.45'],
    ['-123.45', '-123.45'],
    ['0', '0'],
    ['0.5', '0.5'],
  ];
  for (const [input, expected] of cases) assert.equal(normalizeNumber(input), expected, input);
});

test('normalizeNumber returns canonical input unchanged (the same string)', () => {
  for (const s of ['0', '7', '-7', '123.45', '-0.001', '1000', '12345678901234567890123456789012345678']) {
    assert.equal(normalizeNumber(s), s);
  }
});

test('normalizeNumber rejects what is not a number', () => {
  expectValidation(() => normalizeNumber(''), 'The parameter cannot be converted to a numeric value');
  for (const s of [
    ' 1', '1 ', '0x1', 'NaN', '-NaN', 'Infinity', '-Infinity', 'dog', '1e', '1e+', '1e2.5', '--1', '+-1',
    '1e+-2', '.', '-', '+', 'E5', '1e5e5', '1_0', '1d', '1f', '١', '1,5', '1..2', '.e1',
    '1e999999999999', '1e-99999999999', '0e-99999999999', '1e2147483648', '1e-2147483648',
  ]) {
    expectValidation(() => normalizeNumber(s), `The parameter cannot be converted to a numeric value: ${s}`);
  }
});

test('normalizeNumber enforces 38 significant digits and the magnitude range', () => {
  const precision = 'Attempting to store more than 38 significant digits in a Number';
  const overflow = 'Number overflow. Attempting to store a number with magnitude larger than supported range';
  const underflow = 'Number underflow. Attempting to store a number with magnitude smaller than supported range';
  assert.equal(NUMBER_MESSAGES.precision, precision);
  expectValidation(() => normalizeNumber('123456789012345678901234567890123456789'), precision);
  expectValidation(() => normalizeNumber('-1.23456789012345678901234567890123456789'), precision);
  expectValidation(() => normalizeNumber('9.99999999999999999999999999999999999999E+125'), precision);
  expectValidation(() => normalizeNumber('1.' + '0'.repeat(150) + '1'), precision);
  // Precision is checked before the range (as DynamoDB Local does).
  expectValidation(() => normalizeNumber('123456789012345678901234567890123456789e200'), precision);
  expectValidation(() => normalizeNumber('1e126'), overflow);
  expectValidation(() => normalizeNumber('-1E+126'), overflow);
  expectValidation(() => normalizeNumber('11e125'), overflow);
  expectValidation(() => normalizeNumber('99999999999999999999999999999999999999e89'), overflow);
  expectValidation(() => normalizeNumber('1e2147483647'), overflow);
  expectValidation(() => normalizeNumber('1e-131'), underflow);
  expectValidation(() => normalizeNumber('-0.9e-130'), underflow);
  expectValidation(() => normalizeNumber('1e-2147483647'), underflow);
  // Leading and trailing zeros are not significant.
  assert.equal(normalizeNumber('000' + '1'.repeat(38) + '000.000'), '1'.repeat(38) + '000');
  assert.equal(normalizeNumber('0.000' + '1'.repeat(38) + '000'), '0.000' + '1'.repeat(38));
});

test('normalizeNumber: every spelling of a number gives its canonical text (property)', () => {
  fc.assert(
    fc.property(
      parts,
      fc.integer({ min: -3, max: 3 }),
      fc.nat({ max: 3 }),
      fc.nat({ max: 3 }),
      fc.constantFrom('e', 'E'),
      fc.boolean(),
      ({ neg, digits, exp }, shift, leadingZeros, trailingZeros, e, plus) => {
        const expected = format(neg, digits, exp);
        // d.ddd × 10^exp written as (digits with the point after `shift + 1` digits) × 10^(exp − shift).
        const point = Math.max(0, Math.min(digits.length, shift + 1));
        const mantissa =
          '0'.repeat(leadingZeros) + digits.slice(0, point) + '.' + digits.slice(point) + '0'.repeat(trailingZeros);
        const text = (neg ? '-' : plus ? '+' : '') + mantissa + e + (exp - (point - 1));
        assert.equal(normalizeNumber(text), expected, text);
        assert.equal(normalizeNumber(expected), expected);
      },
    ),
  );
});

// ---------------------------------------------------------------------------------------------
// compareNumbers, addNumbers, subtractNumbers

test('compareNumbers orders canonical numbers numerically', () => {
  const sorted = ['-1000', '-12.5', '-12.45', '-1', '-0.5', '-0.05', '0', '0.000001', '0.5', '1', '1.5', '9', '10', '12.45', '12.5', '100'];
  for (let i = 0; i < sorted.length; i++) {
    for (let j = 0; j < sorted.length; j++) {
      assert.equal(compareNumbers(sorted[i], sorted[j]), Math.sign(i - j), `${sorted[i]} vs ${sorted[j]}`);
    }
  }
  fc.assert(
    fc.property(canonicalNumber, canonicalNumber, (a, b) => {
      assert.equal(compareNumbers(a, b), sign(scaled(a) - scaled(b)));
    }),
  );
});

test('addNumbers and subtractNumbers are exact', () => {
  assert.equal(addNumbers('1.5', '2.5'), '4');
  assert.equal(addNumbers('0.1', '0.2'), '0.3');
  assert.equal(subtractNumbers('1', '1'), '0');
  assert.equal(subtractNumbers('-5', '-5'), '0');
  assert.equal(addNumbers('1', '10000000000000000000000'), '10000000000000000000001');
  assert.equal(subtractNumbers('10000000000000000000000', '1'), '9999999999999999999999');
  assert.equal(addNumbers('99999999999999999999999999999999999999', '1'), '1' + '0'.repeat(38));
  assert.equal(addNumbers(normalizeNumber('1E-130'), normalizeNumber('1E-130')), '0.' + '0'.repeat(129) + '2');
  assert.equal(subtractNumbers(normalizeNumber('2E-130'), normalizeNumber('1E-130')), normalizeNumber('1E-130'));
  assert.equal(addNumbers(normalizeNumber('1e125'), normalizeNumber('1e125')), normalizeNumber('2e125'));
  assert.equal(addNumbers('999999999999999', '1'), '1000000000000000');
  assert.equal(subtractNumbers('-999999999999999', '999999999999999'), '-1999999999999998');
  fc.assert(
    fc.property(canonicalNumber, canonicalNumber, (a, b) => {
      for (const [op, exact] of [
        [addNumbers, scaled(a) + scaled(b)],
        [subtractNumbers, scaled(a) - scaled(b)],
      ] as const) {
        let result: string;
        try {
          result = op(a, b);
        } catch (e) {
          assert.ok(e instanceof DynamoDBError && e.type === 'ValidationException', String(e));
          continue; // out of range or more than 38 digits
        }
        assert.equal(scaled(result), exact, `${a} ${op.name} ${b} = ${result}`);
        assert.equal(normalizeNumber(result), result);
      }
    }),
  );
});

test('arithmetic results are validated like DynamoDB UpdateExpression arithmetic', () => {
  const overflow = 'Number overflow. Attempting to store a number with magnitude larger than supported range';
  const underflow = 'Number underflow. Attempting to store a number with magnitude smaller than supported range';
  const max = normalizeNumber('9.9999999999999999999999999999999999999E+125');
  expectValidation(() => addNumbers(max, normalizeNumber('1E+88')), overflow);
  expectValidation(() => subtractNumbers('-' + max, normalizeNumber('1E+88')), overflow);
  expectValidation(() => addNumbers(normalizeNumber('9e125'), normalizeNumber('9e125')), overflow);
  // A result needing more than 38 digits is reported as an overflow by DynamoDB.
  expectValidation(() => addNumbers(normalizeNumber('1e50'), '1'), overflow);
  expectValidation(() => subtractNumbers(normalizeNumber('1e50'), '1'), overflow);
  expectValidation(() => addNumbers('12345678901234567890123456789012345678', '0.1'), overflow);
  expectValidation(() => subtractNumbers(normalizeNumber('1.5E-130'), normalizeNumber('1.4E-130')), underflow);
});

// ---------------------------------------------------------------------------------------------
// Key encoding

test('encodeNumberKey preserves numeric order under plain string comparison (property)', () => {
  fc.assert(
    fc.property(canonicalNumber, canonicalNumber, (a, b) => {
      const ka = encodeNumberKey(a);
      const kb = encodeNumberKey(b);
      assert.equal(ka < kb ? -1 : ka > kb ? 1 : 0, sign(scaled(a) - scaled(b)), `${a} vs ${b}`);
    }),
    { numRuns: 2000 },
  );
});

test('encodeNumberKey is a binary string, prefix-free, and decodes back (property)', () => {
  fc.assert(
    fc.property(canonicalNumber, canonicalNumber, fc.string(), fc.string(), (a, b, sa, sb) => {
      const ka = encodeNumberKey(a);
      for (let i = 0; i < ka.length; i++) assert.ok(ka.charCodeAt(i) <= 0xff);
      assert.ok(ka.length <= 22);
      assert.equal(decodeNumberKey(ka), a);
      assert.equal(numberKeyEnd(ka), ka.length);
      // Followed by arbitrary bytes, keys still order (and decode) like the numbers.
      const kb = encodeNumberKey(b);
      const order = sign(scaled(a) - scaled(b));
      if (order !== 0) {
        const xa = ka + sa;
        const xb = kb + sb;
        assert.equal(xa < xb ? -1 : 1, order);
        assert.ok(!kb.startsWith(ka) && !ka.startsWith(kb));
      }
      assert.equal(decodeNumberKey('pre' + ka + sa, 3), a);
      assert.equal(numberKeyEnd('pre' + ka + sa, 3), 3 + ka.length);
    }),
    { numRuns: 1000 },
  );
});

test('encodeNumberKey edge values', () => {
  const ordered = [
    '-' + normalizeNumber('9.9999999999999999999999999999999999999E+125'),
    '-1',
    '-' + normalizeNumber('1E-130'),
    '0',
    normalizeNumber('1E-130'),
    normalizeNumber('1.5E-130'),
    normalizeNumber('1E-129'),
    '0.5',
    '1',
    normalizeNumber('9.9999999999999999999999999999999999999E+125'),
  ];
  const keys = ordered.map(encodeNumberKey);
  for (let i = 1; i < keys.length; i++) assert.ok(keys[i - 1] < keys[i], `${ordered[i - 1]} < ${ordered[i]}`);
  keys.forEach((k, i) => assert.equal(decodeNumberKey(k), ordered[i]));
  assert.equal(encodeNumberKey('0'), '\x80\x01');
});

// ---------------------------------------------------------------------------------------------
// numberSize

test('numberSize matches the sizes DynamoDB charges (measured at the 400 KB limit)', () => {
  const cases: [string, number][] = [
    ['0', 1], ['1', 2], ['12', 2], ['123', 3], ['1234', 3], ['0042', 2], ['100', 2], ['1010', 3],
    ['0.0000001', 2], ['1E125', 2], ['1E-100', 2], ['1.5', 3], ['15', 2], ['1.2', 3], ['1.200', 3],
    ['1.234', 4], ['3.14159', 5], ['123456', 4], ['100.5', 4], ['0.15', 2], ['-42', 3], ['-0', 1],
    ['120', 3], ['0.012', 3], ['12000', 3], ['0.0012', 2], ['10', 2], ['1000', 2], ['-1', 3], ['-0.5', 3],
    ['12345678901234567890123456789012345678', 20],
    ['-12345678901234567890123456789012345678', 21],
    ['1.2345678901234567890123456789012345678', 21],
    ['-1.2345678901234567890123456789012345678', 21],
    ['-1234567890123456789012345678901234567', 21],
    ['1E-130', 2], ['1E-129', 2], ['9.9999999999999999999999999999999999999E+125', 20],
  ];
  for (const [literal, size] of cases) assert.equal(numberSize(normalizeNumber(literal)), size, literal);
});
