// Monthly estimate of a provisioned table: capacity billed by the hour whether used or not,
// plus storage. List prices of the Standard table class in us-east-1; the free tier, reserved
// capacity and other regions are left out, which the texts using this say.
import { formatDollars } from './capacity';

export const PROVISIONED_PRICE = {
  region: 'us-east-1',
  perRcuHour: 0.00013,
  perWcuHour: 0.00065,
  storagePerGbMonth: 0.25,
  /** AWS bills a month as 730 hours */
  hoursPerMonth: 730,
};

export interface MonthlyEstimate {
  read: number;
  write: number;
  storage: number;
  total: number;
}

/** rcu/wcu: the table's plus its global indexes' provisioned units; storageBytes: table and index size. */
export function provisionedMonthly(rcu: number, wcu: number, storageBytes = 0): MonthlyEstimate {
  const p = PROVISIONED_PRICE;
  const read = rcu * p.perRcuHour * p.hoursPerMonth;
  const write = wcu * p.perWcuHour * p.hoursPerMonth;
  const storage = (storageBytes / 1024 ** 3) * p.storagePerGbMonth;
  return { read, write, storage, total: read + write + storage };
}

/** One line: "$2.09 a month (7 RCU $0.66 + 3 WCU $1.42 + storage $0)". */
export function monthlyText(rcu: number, wcu: number, storageBytes = 0): string {
  const e = provisionedMonthly(rcu, wcu, storageBytes);
  return `${formatDollars(e.total)} a month (${rcu} RCU ${formatDollars(e.read)} + ${wcu} WCU ${formatDollars(e.write)} + storage ${formatDollars(e.storage)})`;
}

/** Where the figures come from, for a hover or a form's footnote. */
export const PRICE_BASIS = `at ${PROVISIONED_PRICE.region} list prices: ${formatDollars(PROVISIONED_PRICE.perRcuHour)} per RCU-hour, ${formatDollars(PROVISIONED_PRICE.perWcuHour)} per WCU-hour, ${formatDollars(PROVISIONED_PRICE.storagePerGbMonth)} per GB-month of storage, ${PROVISIONED_PRICE.hoursPerMonth} hours a month; before the free tier`;
