// Shared pieces of the TTL tests: databases whose TTL changes settle at once and whose sweeper
// runs only when a test asks (db.ttl.sweepNow()), and a scratch data folder.
import * as fs from 'node:fs';
import type { Database, DatabaseOptions } from '../../../src/engine/database';
import { memoryDb } from '../indexes/helpers';
import { tempDir } from '../helpers';

/** TTL changes settle at once; no pass runs unless the test calls sweepNow(). */
export const SETTLED: DatabaseOptions = { ttlTransitionMs: 0, ttlSweepIntervalMs: 0 };

export function ttlMemoryDb(options: DatabaseOptions = {}): Promise<Database> {
  return memoryDb({ ...SETTLED, ...options });
}

/** Runs `fn` with a fresh data folder, removed afterwards whatever happens. */
export async function withDataDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = tempDir('dw-ttl-');
  try {
    await fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
