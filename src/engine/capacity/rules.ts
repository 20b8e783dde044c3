// UpdateTable's throughput rules, for a table and for each GSI alike:
//   - decreases: 4 per UTC day, then one more each 3,600 s after the last accepted decrease; the
//     count resets at 00:00 UTC; one call lowering both RCU and WCU (or lowering one and raising
//     the other) counts once; refused calls change nothing (LimitExceededException naming the
//     next allowed time);
//   - switching a table from PROVISIONED to PAY_PER_REQUEST: at most 4 times in any 24 hours;
//     switching back to PROVISIONED is allowed at any time.
import { DynamoDBError } from '../errors';

export const DECREASES_PER_DAY = 4;
export const DECREASE_INTERVAL_SECONDS = 3600;
export const PAY_PER_REQUEST_SWITCHES_PER_DAY = 4;
const DAY = 86400;

const FULL_UTC = new Intl.DateTimeFormat('en-US', { dateStyle: 'full', timeStyle: 'full', timeZone: 'UTC' });

/** "Friday, October 9, 2026 at 12:21:34 AM Coordinated Universal Time", as DynamoDB writes times. */
export function formatUtc(epochSeconds: number): string {
  return FULL_UTC.format(new Date(Math.floor(epochSeconds) * 1000));
}

/** Java's Date.toString in UTC: "Sat Feb 23 03:07:45 UTC 2019". */
function javaDate(epochSeconds: number): string {
  const d = new Date(Math.floor(epochSeconds) * 1000);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

function utcDay(epochSeconds: number): number {
  return Math.floor(epochSeconds / DAY);
}

/** Throughput bookkeeping a table's or a GSI's metadata carries. */
export interface ThroughputRecord {
  read?: number;
  write?: number;
  lastIncrease?: number;
  lastDecrease?: number;
  decreasesToday?: number;
}

/** Decreases made so far in the UTC day of `now` (the stored count belongs to the day of the last one). */
export function decreasesToday(r: ThroughputRecord, now: number): number {
  return r.lastDecrease !== undefined && utcDay(r.lastDecrease) === utcDay(now) ? r.decreasesToday ?? 0 : 0;
}

/**
 * The bookkeeping after changing provisioned throughput from `r` to `read`/`write` at `now`
 * (epoch seconds): LastIncreaseDateTime for any increase, LastDecreaseDateTime and the day's count
 * for any decrease. Throws LimitExceededException when the day's decreases are used up.
 */
export function throughputChange(r: ThroughputRecord, read: number, write: number, now: number): ThroughputRecord {
  const out: ThroughputRecord = { lastIncrease: r.lastIncrease, lastDecrease: r.lastDecrease, decreasesToday: decreasesToday(r, now) };
  const oldRead = r.read ?? 0;
  const oldWrite = r.write ?? 0;
  if (read < oldRead || write < oldWrite) {
    const count = out.decreasesToday!;
    if (count >= DECREASES_PER_DAY && r.lastDecrease !== undefined && now - r.lastDecrease < DECREASE_INTERVAL_SECONDS) {
      const midnight = (utcDay(now) + 1) * DAY;
      const next = Math.min(Math.floor(r.lastDecrease) + DECREASE_INTERVAL_SECONDS, midnight);
      throw new DynamoDBError(
        'LimitExceededException',
        `Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day. After the first ${DECREASES_PER_DAY} decreases, each subsequent decrease in the same UTC day can be performed at most once every ${DECREASE_INTERVAL_SECONDS} seconds. Number of decreases today: ${count}. Last decrease at ${formatUtc(r.lastDecrease)}. Next decrease can be made at ${formatUtc(next)}`,
      );
    }
    out.lastDecrease = now;
    out.decreasesToday = count + 1;
  }
  if (read > oldRead || write > oldWrite) out.lastIncrease = now;
  return out;
}

/**
 * A switch from PROVISIONED to PAY_PER_REQUEST at `now`: the switch times to keep (those of the
 * last 24 hours, this one included), or LimitExceededException past 4 in 24 hours.
 */
export function payPerRequestSwitch(previous: readonly number[] | undefined, now: number): number[] {
  const recent = (previous ?? []).filter((t) => now - t < DAY).sort((a, b) => a - b);
  if (recent.length >= PAY_PER_REQUEST_SWITCHES_PER_DAY) {
    throw new DynamoDBError(
      'LimitExceededException',
      `Subscriber limit exceeded: Update to PayPerRequest mode are limited to ${PAY_PER_REQUEST_SWITCHES_PER_DAY} times in 1 day(s). Last update at ${javaDate(recent[recent.length - 1]!)}. Next update can be made at ${javaDate(recent[0]! + DAY)}`,
    );
  }
  return [...recent, now];
}
