// What the log tests share: the table they write to, a way to wrap a file system's handles, and a
// log store with no tables behind it, opened on a test's file system.
import { LogStore, type LogOwner, type LogStoreOptions, type Mutation } from '../../../src/engine/log';
import type { FileHandle, FileSystem } from '../../../src/engine/log/file-system';

/** A table keyed by a string `pk`, on demand (no throttling in the way of a test's writes). */
export const THINGS = {
  TableName: 'Things',
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  BillingMode: 'PAY_PER_REQUEST',
};

/** A file system that passes everything to `inner`, each opened file's handle through `wrap` (a test's faults or observers). */
export function wrapHandles(inner: FileSystem, wrap: (h: FileHandle, file: string) => FileHandle): FileSystem {
  return {
    open: (file, options) => wrap(inner.open(file, options), file),
    exists: (f) => inner.exists(f),
    list: (d) => inner.list(d),
    mkdir: (d) => inner.mkdir(d),
    rename: (a, b) => inner.rename(a, b),
    remove: (f) => inner.remove(f),
    syncDir: (d) => inner.syncDir(d),
  };
}

/** A delete of key `k${n}` carrying a 200-byte old image, so a few records fill a small segment. */
export function change(n: number): Mutation[] {
  return [{ kind: 'delete', tableId: 't', key: `k${n}`, old: 'o'.repeat(200) }];
}

/** An owner with no tables: nothing to load, apply or snapshot, and no one to tell of acknowledgements or failures. */
export const NO_TABLES: LogOwner = {
  load: () => undefined,
  apply: () => undefined,
  snapshot: () => [],
  acknowledged: () => undefined,
  failed: () => undefined,
};

/**
 * Opens log stores at `dir` over no tables, with the clock at 0, segments of `segmentBytes` and no
 * checkpoint unless a test asks for one; `options` override any of these.
 */
export function storeOpener(dir: string, segmentBytes: number) {
  return (fileSystem: FileSystem, options: Partial<LogStoreOptions> = {}): Promise<LogStore> =>
    LogStore.open(dir, { now: () => 0, fileSystem, segmentBytes, checkpointBytes: Number.MAX_SAFE_INTEGER, ...options }, NO_TABLES);
}
