// x-amzn-RequestId values shaped like DynamoDB's: 52 characters from [0-9A-Z].
// A random per-process prefix plus a base-36 counter: unique, and cheap to produce per request.
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const COUNTER_DIGITS = 12;
const ZEROS = '0'.repeat(COUNTER_DIGITS);

function randomPrefix(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! % 36];
  return out;
}

const prefix = randomPrefix(52 - COUNTER_DIGITS);
let counter = 0;

export function nextRequestId(): string {
  const digits = (++counter).toString(36).toUpperCase();
  return prefix + ZEROS.slice(digits.length) + digits;
}
