// Capacity units as DynamoDB charges them: reads in 4 KB units (half for eventually consistent),
// writes in 1 KB units; a zero-byte access still costs one unit.
export const READ_UNIT_BYTES = 4096;
export const WRITE_UNIT_BYTES = 1024;

export function readUnits(size: number, consistent: boolean): number {
  const units = Math.max(1, Math.ceil(size / READ_UNIT_BYTES));
  return consistent ? units : units / 2;
}

export function writeUnits(size: number): number {
  return Math.max(1, Math.ceil(size / WRITE_UNIT_BYTES));
}
