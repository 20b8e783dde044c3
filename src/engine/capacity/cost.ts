// Money from capacity: on-demand request units, provisioned capacity-hours and storage, for the
// Standard and Standard-IA table classes, from the price list in prices.json (us-east-1 unless a
// region with its own prices is asked for; other regions fall back to the default region's prices
// and say so).
import prices from './prices.json';

export type TableClass = 'STANDARD' | 'STANDARD_INFREQUENT_ACCESS';
export const TABLE_CLASSES: readonly TableClass[] = ['STANDARD', 'STANDARD_INFREQUENT_ACCESS'];

export interface ClassPrices {
  readRequestUnitsPerMillion: number;
  writeRequestUnitsPerMillion: number;
  readCapacityUnitHour: number;
  writeCapacityUnitHour: number;
  storageGbMonth: number;
}

export interface PriceList {
  region: string;
  /** True when `region` has no prices of its own and the default region's are used. */
  fallback: boolean;
  currency: string;
  classes: Record<TableClass, ClassPrices>;
}

export const HOURS_PER_MONTH: number = prices.hoursPerMonth;
export const STORAGE_OVERHEAD_BYTES_PER_ITEM: number = prices.storageOverheadBytesPerItem;
export const PRICE_SOURCE: string = prices.source;
const GB = 1024 ** 3;

export function priceList(region?: string): PriceList {
  const regions = prices.regions as Record<string, Record<TableClass, ClassPrices>>;
  const own = region !== undefined ? regions[region] : undefined;
  const used = own ? region! : prices.defaultRegion;
  return { region: region ?? used, fallback: own === undefined && region !== undefined && region !== used, currency: prices.currency, classes: regions[used]! };
}

/** On-demand price of `readUnits` read request units and `writeUnits` write request units. */
export function requestCost(readUnits: number, writeUnits: number, p: ClassPrices): number {
  return (readUnits * p.readRequestUnitsPerMillion + writeUnits * p.writeRequestUnitsPerMillion) / 1e6;
}

/** Price of one hour of provisioned capacity. */
export function provisionedHourCost(rcu: number, wcu: number, p: ClassPrices): number {
  return rcu * p.readCapacityUnitHour + wcu * p.writeCapacityUnitHour;
}

/** Price of one hour of storage: item bytes plus DynamoDB's 100 bytes of overhead per item. */
export function storageHourCost(bytes: number, items: number, p: ClassPrices): number {
  return (((bytes + items * STORAGE_OVERHEAD_BYTES_PER_ITEM) / GB) * p.storageGbMonth) / HOURS_PER_MONTH;
}
