// When an item expires, and what state a table's time to live is in: pure functions of the
// item's TTL attribute, the table's TTL settings and the current time, with no engine state.
//
// DynamoDB's rules, as its developer guide states them:
// - the TTL attribute must be a Number holding epoch seconds; any other type (a String, a Number
//   Set, a Map, ...) means the item never expires;
// - an item expires once that time is in the past (strictly less than now);
// - a value more than five years in the past is taken for a mistake (milliseconds read as
//   seconds, say): such an item is never deleted.
// The table's TTL change (UpdateTimeToLive) is in transition (ENABLING or DISABLING) for a while
// after it was made, then settles (ENABLED or DISABLED); the status is derived from when the
// change was made, so nothing has to be written when it settles and a reopen derives the same.
import type { AttributeValue } from '../types/attribute-value';
import { encodeNumberKey, normalizeNumber } from '../types/number';
import { KEY_PART_END, escapeKeyPart } from '../indexes';

/** How far in the past an expiry time may be and still be honoured (five 365-day years). */
export const MAX_PAST_SECONDS = 5 * 365 * 24 * 3600;

/** A table's time-to-live settings, kept in its metadata (and so logged with the table). */
export interface TtlMeta {
  attributeName: string;
  /** What the last UpdateTimeToLive asked for. */
  enabled: boolean;
  /** When that change was made (epoch milliseconds). */
  changedAt: number;
}

/**
 * How long a TTL change stays ENABLING or DISABLING (DynamoDB: up to an hour, and any other
 * UpdateTimeToLive meanwhile is refused). Short here so that tests and users see both states.
 */
export const DEFAULT_TTL_TRANSITION_MS = 1000;

export type TtlStatus = 'ENABLING' | 'ENABLED' | 'DISABLING' | 'DISABLED';

/** The table's TTL status at `nowMs`, when a change takes `transitionMs` to settle. */
export function ttlStatus(ttl: TtlMeta | undefined, nowMs: number, transitionMs: number): TtlStatus {
  if (ttl === undefined) return 'DISABLED';
  const settled = nowMs - ttl.changedAt >= transitionMs;
  if (ttl.enabled) return settled ? 'ENABLED' : 'ENABLING';
  return settled ? 'DISABLED' : 'DISABLING';
}

/** Whether the table's items carry expiry times worth tracking (TTL enabled or being enabled). */
export function tracksExpiry(ttl: TtlMeta | undefined): boolean {
  return ttl?.enabled === true;
}

/** The expiry time (canonical decimal epoch seconds) a TTL attribute value gives, if any. */
export function expiryOf(value: AttributeValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  const n = (value as { N?: unknown }).N;
  return typeof n === 'string' ? n : undefined;
}

/**
 * Where an item whose TTL attribute holds `value` sorts in the expiry index (the part of its entry
 * key before the table key), or undefined if it never expires.
 */
export function expiryPart(value: AttributeValue | undefined): string | undefined {
  const at = expiryOf(value);
  return at === undefined ? undefined : expiryKey(at) + KEY_PART_END;
}

/**
 * Whether an item whose TTL attribute holds `value` has expired at `nowMs` (pass `range` =
 * dueRange(nowMs) when checking many). Decided on the exact decimal value, never rounded through
 * a double, and in the same order the expiry index keeps, so the two always agree.
 */
export function isExpired(value: AttributeValue | undefined, nowMs: number, range = dueRange(nowMs)): boolean {
  const part = expiryPart(value);
  return part !== undefined && part >= range.from && part < range.until;
}

/**
 * An expiry time as an order-preserving string (escaped so that a terminator can follow it):
 * the expiry index sorts its entries by these, so the items due at some time form one range.
 */
export function expiryKey(seconds: string): string {
  return escapeKeyPart(encodeNumberKey(seconds));
}

/**
 * The range of expiry keys due at `nowMs`: from five years ago (inclusive) to now (exclusive).
 * An entry key is expiryKey(t) + 0x00 0x00 + table key, which sorts below the bound for `now`
 * exactly when t < now.
 */
export function dueRange(nowMs: number): { from: string; until: string } {
  const now = nowMs / 1000;
  return { from: expiryKey(secondsText(now - MAX_PAST_SECONDS)), until: expiryKey(secondsText(now)) };
}

function secondsText(seconds: number): string {
  // Millisecond precision is all a clock gives; the fixed notation avoids exponents.
  return normalizeNumber(seconds.toFixed(3));
}
