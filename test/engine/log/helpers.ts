// What the log tests share: the table they write to, and a way to wrap a file system's handles.
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
