// Capacity units as DynamoDB charges them: reads in 4 KB units (half for eventually consistent,
// double for transactional), writes in 1 KB units (double for transactional); a zero-byte access
// (a missing item) still costs one unit.
export const READ_UNIT_BYTES = 4096;
export const WRITE_UNIT_BYTES = 1024;

export function readUnits(size: number, consistent: boolean, transactional = false): number {
  const units = Math.max(1, Math.ceil(size / READ_UNIT_BYTES));
  if (transactional) return units * 2;
  return consistent ? units : units / 2;
}

export function writeUnits(size: number, transactional = false): number {
  const units = Math.max(1, Math.ceil(size / WRITE_UNIT_BYTES));
  return transactional ? units * 2 : units;
}

/**
 * Write units one secondary index is charged for a base-table write, from the sizes of the
 * index entry before and after (0 = no entry): a new entry is one put, a removed entry one
 * delete, an entry whose index key moved a delete plus a put, an entry updated in place one
 * write sized by the larger image; no entry before or after costs nothing.
 */
export function indexWriteUnits(oldSize: number, newSize: number, keyChanged: boolean): number {
  if (oldSize <= 0 && newSize <= 0) return 0;
  if (oldSize <= 0) return writeUnits(newSize);
  if (newSize <= 0) return writeUnits(oldSize);
  if (keyChanged) return writeUnits(oldSize) + writeUnits(newSize);
  return writeUnits(Math.max(oldSize, newSize));
}
