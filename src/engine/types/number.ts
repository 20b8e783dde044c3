// DynamoDB numbers: exact decimals with at most 38 significant digits and a magnitude between
// 1E-130 and 9.9999999999999999999999999999999999999E+125 (or zero). They are never held as JS
// doubles: the canonical form is the plain decimal text DynamoDB itself returns (no exponent, no
// leading zeros, no trailing fractional zeros, no "-0"), and the helpers below work on that text.

import { validation, type DynamoDBError } from '../errors.js';

/** Exact messages of the ValidationExceptions DynamoDB raises for numbers. */
export const NUMBER_MESSAGES = {
  /** Suffixed with ": <input>" when the input is not empty. */
  notANumber: 'The parameter cannot be converted to a numeric value',
  precision: 'Attempting to store more than 38 significant digits in a Number',
  overflow: 'Number overflow. Attempting to store a number with magnitude larger than supported range',
  underflow: 'Number underflow. Attempting to store a number with magnitude smaller than supported range',
} as const;

export const MAX_SIGNIFICANT_DIGITS = 38;
/** Decimal exponent of the leading digit: 1E-130 <= |n| < 1E+126. */
const MIN_EXPONENT = -130;
const MAX_EXPONENT = 125;
const INT32_MAX = 2147483647;

const notANumber = (text: string): DynamoDBError =>
  validation(text === '' ? NUMBER_MESSAGES.notANumber : `${NUMBER_MESSAGES.notANumber}: ${text}`);

/**
 * Parses DynamoDB's number syntax (`[+-]digits[.digits][(e|E)[+-]digits]`, at least one mantissa
 * digit, no whitespace) and returns the canonical text. Throws DynamoDB's ValidationException
 * for text that is not a number, more than 38 significant digits, overflow or underflow.
 */
export function normalizeNumber(text: string): string {
  // Fast path: text that is already canonical and short enough (at most 38 characters, so at most
  // 38 digits and a magnitude well inside the range) is returned as is, without allocating.
  const len = text.length;
  if (len !== 0 && len <= 38) {
    let i = 0;
    let c = text.charCodeAt(0);
    if (c === 45 /* - */) {
      if (len === 1) return normalizeSlow(text);
      c = text.charCodeAt(++i);
    }
    if (c === 48 /* 0 */) {
      // "0" alone, or "0.<fraction>" / "-0.<fraction>".
      i++;
      if (i === len) return i === 1 ? text : normalizeSlow(text); // "-0" -> "0"
      if (text.charCodeAt(i) !== 46 /* . */) return normalizeSlow(text);
    } else if (c >= 49 && c <= 57) {
      i++;
      while (i < len && (c = text.charCodeAt(i)) >= 48 && c <= 57) i++;
      if (i === len) return text;
      if (c !== 46) return normalizeSlow(text);
    } else {
      return normalizeSlow(text);
    }
    // At the '.'; the fraction must be digits and end in a non-zero digit.
    const fractionStart = ++i;
    while (i < len && (c = text.charCodeAt(i)) >= 48 && c <= 57) i++;
    if (i === len && i > fractionStart && c !== 48) return text;
  }
  return normalizeSlow(text);
}

/** A parsed non-zero number: sign, significant digits (no leading/trailing zeros), and the
 * decimal exponent of the first digit (value = d.ddd × 10^exp). Zero has digits ''. */
interface Decimal {
  neg: boolean;
  digits: string;
  exp: number;
}

function normalizeSlow(text: string): string {
  const d = parseNumberText(text);
  checkRange(d, NUMBER_MESSAGES.precision);
  return formatDecimal(d);
}

function parseNumberText(text: string): Decimal {
  const len = text.length;
  let i = 0;
  let neg = false;
  let c = text.charCodeAt(0);
  if (c === 45 /* - */) {
    neg = true;
    i++;
  } else if (c === 43 /* + */) {
    i++;
  }
  const intStart = i;
  while (i < len && (c = text.charCodeAt(i)) >= 48 && c <= 57) i++;
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  if (i < len && c === 46 /* . */) {
    fracStart = ++i;
    while (i < len && (c = text.charCodeAt(i)) >= 48 && c <= 57) i++;
    fracEnd = i;
  }
  if (intEnd === intStart && fracEnd === fracStart) throw notANumber(text);
  let exponent = 0;
  if (i < len && (c === 101 /* e */ || c === 69 /* E */)) {
    i++;
    let expNeg = false;
    c = text.charCodeAt(i);
    if (c === 45) {
      expNeg = true;
      i++;
    } else if (c === 43) {
      i++;
    }
    const expStart = i;
    while (i < len && (c = text.charCodeAt(i)) === 48) i++; // leading zeros of the exponent
    const expDigits = i;
    while (i < len && (c = text.charCodeAt(i)) >= 48 && c <= 57) i++;
    if (i === expStart) throw notANumber(text);
    // Like Java's BigDecimal, which DynamoDB uses: the exponent must fit a 32-bit int.
    if (i - expDigits > 10) throw notANumber(text);
    exponent = i === expDigits ? 0 : Number(text.slice(expDigits, i));
    if (exponent > INT32_MAX) throw notANumber(text);
    if (expNeg) exponent = -exponent;
  }
  if (i !== len) throw notANumber(text);
  // ... and so must the resulting scale (fraction digits minus exponent).
  const scale = fracEnd - fracStart - exponent;
  if (scale > INT32_MAX || scale < -INT32_MAX - 1) throw notANumber(text);

  const all = intEnd === intStart ? text.slice(fracStart, fracEnd) : fracEnd === fracStart
    ? text.slice(intStart, intEnd)
    : text.slice(intStart, intEnd) + text.slice(fracStart, fracEnd);
  let first = 0;
  while (first < all.length && all.charCodeAt(first) === 48) first++;
  if (first === all.length) return { neg: false, digits: '', exp: 0 };
  let last = all.length - 1;
  while (all.charCodeAt(last) === 48) last--;
  return {
    neg,
    digits: first === 0 && last === all.length - 1 ? all : all.slice(first, last + 1),
    exp: intEnd - intStart - 1 - first + exponent,
  };
}

/** Throws DynamoDB's precision/overflow/underflow error for an out-of-range value. Precision is
 * checked first, as DynamoDB Local does (e.g. for 39 digits × 1E+200). */
function checkRange(d: Decimal, precisionMessage: string): void {
  if (d.digits === '') return;
  if (d.digits.length > MAX_SIGNIFICANT_DIGITS) throw validation(precisionMessage);
  if (d.exp > MAX_EXPONENT) throw validation(NUMBER_MESSAGES.overflow);
  if (d.exp < MIN_EXPONENT) throw validation(NUMBER_MESSAGES.underflow);
}

function formatDecimal(d: Decimal): string {
  const { digits, exp } = d;
  if (digits === '') return '0';
  let out: string;
  if (exp < 0) {
    out = '0.' + '0'.repeat(-exp - 1) + digits;
  } else if (digits.length <= exp + 1) {
    out = digits.length === exp + 1 ? digits : digits + '0'.repeat(exp + 1 - digits.length);
  } else {
    out = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
  }
  return d.neg ? '-' + out : out;
}

// ------------------------------------------------------------------------------------------------
// Comparison and arithmetic

/** Numeric comparison of two canonical numbers. */
export function compareNumbers(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  const aNeg = a.charCodeAt(0) === 45;
  const bNeg = b.charCodeAt(0) === 45;
  if (aNeg !== bNeg) return aNeg ? -1 : 1;
  // Same sign; zero is "0" and never negative.
  const mag = compareMagnitudes(a, aNeg ? 1 : 0, b, bNeg ? 1 : 0);
  return (aNeg ? -mag : mag) as -1 | 0 | 1;
}

function compareMagnitudes(a: string, as: number, b: string, bs: number): -1 | 0 | 1 {
  let ad = a.indexOf('.', as);
  if (ad < 0) ad = a.length;
  let bd = b.indexOf('.', bs);
  if (bd < 0) bd = b.length;
  // Canonical integer parts have no leading zeros (a pure fraction's integer part is "0"), so a
  // longer integer part is a larger magnitude, and equal lengths compare character by character.
  const al = ad - as;
  const bl = bd - bs;
  if (al !== bl) return al < bl ? -1 : 1;
  const an = a.length - as;
  const bn = b.length - bs;
  const n = an < bn ? an : bn;
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(as + i);
    const y = b.charCodeAt(bs + i);
    if (x !== y) return x < y ? -1 : 1;
  }
  return an === bn ? 0 : an < bn ? -1 : 1;
}

/** Exact a + b of two canonical numbers, validated like DynamoDB's UpdateExpression arithmetic. */
export function addNumbers(a: string, b: string): string {
  return addSigned(a, b, false);
}

/** Exact a − b of two canonical numbers, validated like DynamoDB's UpdateExpression arithmetic. */
export function subtractNumbers(a: string, b: string): string {
  return addSigned(a, b, true);
}

// Small integers (at most 15 characters, so |n| < 10^15) add exactly as doubles.
const SMALL_INT = /^-?\d{1,15}$/;

function addSigned(a: string, b: string, negateB: boolean): string {
  if (a.length <= 16 && b.length <= 16 && SMALL_INT.test(a) && SMALL_INT.test(b)) {
    const r = negateB ? Number(a) - Number(b) : Number(a) + Number(b);
    return r === 0 ? '0' : String(r);
  }
  const x = toScaled(a);
  const y = toScaled(b);
  const scale = x.scale > y.scale ? x.scale : y.scale;
  const xv = x.scale === scale ? x.value : x.value * 10n ** BigInt(scale - x.scale);
  let yv = y.scale === scale ? y.value : y.value * 10n ** BigInt(scale - y.scale);
  if (negateB) yv = -yv;
  const sum = xv + yv;
  if (sum === 0n) return '0';
  const neg = sum < 0n;
  const text = (neg ? -sum : sum).toString();
  let last = text.length - 1;
  while (text.charCodeAt(last) === 48) last--;
  const d: Decimal = { neg, digits: text.slice(0, last + 1), exp: text.length - 1 - scale };
  // DynamoDB reports a result that needs more than 38 digits as an overflow, not as a precision
  // error (observed on DynamoDB itself, e.g. for 1E+50 + 1).
  checkRange(d, NUMBER_MESSAGES.overflow);
  return formatDecimal(d);
}

function toScaled(s: string): { value: bigint; scale: number } {
  const dot = s.indexOf('.');
  if (dot < 0) return { value: BigInt(s), scale: 0 };
  return { value: BigInt(s.slice(0, dot) + s.slice(dot + 1)), scale: s.length - dot - 1 };
}

// ------------------------------------------------------------------------------------------------
// Order-preserving key encoding
//
// A non-zero number is written as ±0.(p1 p2 … pk) × 100^E, with base-100 digits p (p1 ≠ 0, pk ≠ 0)
// and E in [-64, 63]. The encoding is a string of char codes 0x00–0xFF:
//   positive: 0x80 + (E + 64), then each p as p + 2 (0x02–0x65), then the terminator 0x01;
//   negative: 0x7F − (E + 64), then each p as 0xFE − p (0x9B–0xFE), then the terminator 0xFF;
//   zero:     0x80 0x01 (below every positive, whose second byte is at least 0x03).
// Keys are prefix-free (digit bytes never equal the terminator), so they stay ordered when more
// bytes follow them in a composite key.

const ZERO_KEY = '\x80\x01';

/** Order-preserving, prefix-free binary-string encoding of a canonical number. */
export function encodeNumberKey(canonical: string): string {
  const s = canonical;
  const len = s.length;
  const neg = s.charCodeAt(0) === 45;
  let dot = s.indexOf('.');
  if (dot < 0) dot = len;
  // First and last non-zero digits, and their decimal exponents.
  let first = neg ? 1 : 0;
  let c: number;
  while (first < len && ((c = s.charCodeAt(first)) === 48 || c === 46)) first++;
  if (first === len) return ZERO_KEY;
  let last = len - 1;
  while ((c = s.charCodeAt(last)) === 48 || c === 46) last--;
  const firstExp = first < dot ? dot - 1 - first : dot - first;
  const lastExp = last < dot ? dot - 1 - last : dot - last;
  // Base-100 digit k covers decimal exponents 2k+1 and 2k; the leading one is k = E − 1.
  const top = firstExp >> 1;
  const bottom = lastExp >> 1;
  const codes = new Array<number>(top - bottom + 3);
  codes[0] = neg ? 0x7f - (top + 65) : 0x80 + (top + 65);
  let n = 1;
  for (let k = top; k >= bottom; k--) {
    const highExp = 2 * k + 1;
    const highPos = highExp >= 0 ? dot - 1 - highExp : dot - highExp;
    const lowPos = highExp - 1 >= 0 ? dot - highExp : dot - highExp + 1;
    const high = highPos >= first && highPos <= last ? s.charCodeAt(highPos) - 48 : 0;
    const low = lowPos >= first && lowPos <= last ? s.charCodeAt(lowPos) - 48 : 0;
    const p = high * 10 + low;
    codes[n++] = neg ? 0xfe - p : p + 2;
  }
  codes[n] = neg ? 0xff : 0x01;
  return String.fromCharCode.apply(null, codes);
}

/** Index just past the number key that starts at `offset` in `encoded`. */
export function numberKeyEnd(encoded: string, offset = 0): number {
  const terminator = encoded.charCodeAt(offset) >= 0x80 ? 0x01 : 0xff;
  let i = offset + 1;
  while (i < encoded.length && encoded.charCodeAt(i) !== terminator) i++;
  if (i >= encoded.length) throw new Error('truncated number key');
  return i + 1;
}

/** Inverse of encodeNumberKey: the canonical number whose key starts at `offset`. */
export function decodeNumberKey(encoded: string, offset = 0): string {
  const head = encoded.charCodeAt(offset);
  const neg = head < 0x80;
  if (!neg && encoded.charCodeAt(offset + 1) === 0x01) return '0';
  const e100 = (neg ? 0x7f - head : head - 0x80) - 64;
  const end = numberKeyEnd(encoded, offset) - 1;
  let digits = '';
  for (let i = offset + 1; i < end; i++) {
    const c = encoded.charCodeAt(i);
    const p = neg ? 0xfe - c : c - 2;
    digits += p < 10 ? '0' + p : String(p);
  }
  // The first pair digit sits at decimal exponent 2·E − 1.
  let exp = 2 * e100 - 1;
  let first = 0;
  if (digits.charCodeAt(0) === 48) {
    first = 1;
    exp--;
  }
  let last = digits.length - 1;
  if (digits.charCodeAt(last) === 48) last--;
  return formatDecimal({ neg, digits: digits.slice(first, last + 1), exp });
}

// ------------------------------------------------------------------------------------------------
// Size

/**
 * Bytes DynamoDB counts for a canonical number: one byte of exponent plus one byte per base-100
 * digit pair (pairs aligned on the decimal point, leading and trailing zero pairs dropped), plus a
 * sign byte for negative numbers that have fewer than 20 pairs. Zero is 1 byte. This matches the
 * documented "1 byte per two significant digits + 1" for aligned digits, and DynamoDB's measured
 * sizes where the digits straddle a pair boundary (e.g. 1.5 and 120 are 3 bytes each).
 */
export function numberSize(canonical: string): number {
  const len = canonical.length;
  const neg = canonical.charCodeAt(0) === 45;
  const start = neg ? 1 : 0;
  let dot = canonical.indexOf('.', start);
  if (dot < 0) dot = len;
  // Position of the first and last non-zero digit.
  let first = start;
  let c: number;
  while (first < len && ((c = canonical.charCodeAt(first)) === 48 || c === 46)) first++;
  if (first === len) return 1; // zero
  let last = len - 1;
  while ((c = canonical.charCodeAt(last)) === 48 || c === 46) last--;
  // Decimal exponents of those digits, then base-100 pair indexes (floor(exp / 2)).
  const firstExp = first < dot ? dot - 1 - first : dot - first;
  const lastExp = last < dot ? dot - 1 - last : dot - last;
  const pairs = (firstExp >> 1) - (lastExp >> 1) + 1;
  return 1 + pairs + (neg && pairs < 20 ? 1 : 0);
}
