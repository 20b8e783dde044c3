// Item size and capacity-unit arithmetic, by DynamoDB's published rules. Shared by the extension
// host (tree hovers) and the webviews (item and result-bar hover hints).
import type { AttributeValue, Item } from './dynamo-json';

const utf8 = new TextEncoder();

function base64Length(b64: string): number {
  const clean = b64.replace(/[^A-Za-z0-9+/]/g, '');
  return Math.floor((clean.length * 3) / 4);
}

/** Bytes of a number: one per two significant digits, plus one (plus one more if negative). */
export function numberSize(n: string): number {
  let text = n.trim();
  let negative = false;
  if (text.startsWith('-')) {
    negative = true;
    text = text.slice(1);
  } else if (text.startsWith('+')) text = text.slice(1);
  let mantissa = text.toLowerCase().split('e')[0] ?? '';
  mantissa = mantissa.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  if (mantissa === '') return 1;
  return Math.ceil(mantissa.length / 2) + 1 + (negative ? 1 : 0);
}

export function valueSize(value: AttributeValue): number {
  if ('S' in value) return utf8.encode(value.S).length;
  if ('N' in value) return numberSize(value.N);
  if ('B' in value) return base64Length(value.B);
  if ('BOOL' in value || 'NULL' in value) return 1;
  if ('SS' in value) return value.SS.reduce((sum, s) => sum + utf8.encode(s).length, 0);
  if ('NS' in value) return value.NS.reduce((sum, s) => sum + numberSize(s), 0);
  if ('BS' in value) return value.BS.reduce((sum, s) => sum + base64Length(s), 0);
  if ('L' in value) return value.L.reduce((sum, v) => sum + valueSize(v) + 1, 3);
  if ('M' in value) return Object.entries(value.M).reduce((sum, [k, v]) => sum + utf8.encode(k).length + valueSize(v) + 1, 3);
  return 0;
}

/** Item size in bytes: attribute names count, as DynamoDB bills them. */
export function itemSize(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += utf8.encode(name).length + valueSize(value);
  return size;
}

export interface ItemCost {
  sizeBytes: number;
  /** read units for one GetItem of this item */
  readStrong: number;
  readEventual: number;
  readTransactional: number;
  /** write units for one PutItem/UpdateItem/DeleteItem of this item */
  write: number;
  writeTransactional: number;
}

export function itemCost(item: Item): ItemCost {
  const sizeBytes = itemSize(item);
  const r = Math.max(1, Math.ceil(sizeBytes / 4096));
  const w = Math.max(1, Math.ceil(sizeBytes / 1024));
  return { sizeBytes, readStrong: r, readEventual: r / 2, readTransactional: r * 2, write: w, writeTransactional: w * 2 };
}

/** On-demand prices of the Standard table class in us-east-1, USD per million request units. */
export const ON_DEMAND_PRICE = { region: 'us-east-1', readPerMillion: 0.125, writePerMillion: 0.625 };

export function onDemandPrice(readUnits: number, writeUnits: number): number {
  return (readUnits * ON_DEMAND_PRICE.readPerMillion + writeUnits * ON_DEMAND_PRICE.writePerMillion) / 1e6;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10240 ? 2 : 1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

export function formatUnits(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 2 : 1).replace(/\.?0+$/, '');
}

/**
 * Dollars as a person reads them, never in scientific notation: cents from a dollar up
 * ("$1,234.57"), below a dollar three significant digits written out in full and at least two
 * decimals ("$0.125", "$0.10", "$0.000000125"), so a price list reads as published.
 */
export function formatDollars(amount: number): string {
  if (!Number.isFinite(amount)) return '$?';
  if (amount < 0) return `-${formatDollars(-amount)}`;
  if (amount === 0) return '$0';
  if (amount >= 1) {
    const cents = Math.round(amount * 100) / 100;
    return `$${cents.toLocaleString('en-US', { minimumFractionDigits: Number.isInteger(cents) ? 0 : 2, maximumFractionDigits: 2 })}`;
  }
  const decimals = Math.min(20, Math.max(2, 2 - Math.floor(Math.log10(amount))));
  const text = amount.toFixed(decimals).replace(/0+$/, '');
  const fraction = text.length - text.indexOf('.') - 1;
  return `$${fraction < 2 ? text + '0'.repeat(2 - fraction) : text}`;
}
