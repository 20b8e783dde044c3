// The S3 stand-in for export and import: a bucket is a folder under one root folder, and an
// object key is a path inside its bucket's folder ("a/b/c.json" -> <root>/<bucket>/a/b/c.json).
//
// The root is DatabaseOptions.bucketsRoot, or the `buckets` folder inside the data folder. A
// database in memory has no data folder: without an explicit bucketsRoot it refuses export and
// import with a ValidationException that says so, rather than writing into some temp folder the
// user never chose.
//
// Invariant: no bucket name or key ever resolves outside the root. Names and keys are checked
// segment by segment (no "..", ".", empty segment, backslash or NUL; no absolute key), and every
// folder on the way is resolved through the real file system, so a symlink inside the root that
// points elsewhere is refused too, whether it is the bucket itself or a folder under it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database } from '../database';
import { validation } from '../errors';

/** The buckets root of `db` (created if missing), or a ValidationException when it has none. */
export function bucketsRoot(db: Database): string {
  const root = db.options.bucketsRoot ?? (db.dir === undefined ? undefined : path.join(db.dir, 'buckets'));
  if (root === undefined) {
    throw validation('Export and import need a folder standing in for S3: this database is in memory, so give it one (the bucketsRoot option, or serve --buckets <folder>)');
  }
  fs.mkdirSync(root, { recursive: true });
  return fs.realpathSync(root);
}

/** The segments of an object key or prefix, refused when one could leave its folder. */
export function keySegments(key: string, what: string): string[] {
  if (key.includes('\\') || key.includes('\0')) throw validation(`${what} must not contain a backslash or a NUL character: ${key}`);
  const segments = key.split('/').filter((s, i, all) => !(s === '' && (i === 0 || i === all.length - 1)));
  if (key.startsWith('/')) throw validation(`${what} must be relative to the bucket, not start with '/': ${key}`);
  for (const s of segments) {
    if (s === '' || s === '.' || s === '..') throw validation(`${what} must not contain an empty, '.' or '..' segment: ${key}`);
  }
  return segments;
}

/** A bucket's folder and the keys under it, kept inside the buckets root. */
export class Bucket {
  private constructor(
    readonly name: string,
    readonly folder: string,
  ) {}

  /**
   * The bucket `name` of `db`'s root. `create`: make its folder if missing (an export's target);
   * otherwise a missing bucket is a ValidationException, as S3 reports NoSuchBucket.
   */
  static open(db: Database, name: string, create: boolean): Bucket {
    const root = bucketsRoot(db);
    keySegments(name, 'S3Bucket');
    if (name.includes('/')) throw validation(`S3Bucket must be a bucket name, not a path: ${name}`);
    const folder = path.join(root, name);
    if (!fs.existsSync(folder)) {
      if (!create) throw validation(`The specified bucket does not exist: ${name}`);
      fs.mkdirSync(folder);
    }
    const real = fs.realpathSync(folder);
    if (!inside(root, real)) throw validation(`S3Bucket ${name} leads outside the buckets folder`);
    if (!fs.statSync(real).isDirectory()) throw validation(`The specified bucket does not exist: ${name}`);
    return new Bucket(name, real);
  }

  /** The file of `key`, its folders created (and checked) when `create`; refused if any leads outside the bucket. */
  file(key: string, create = false): string {
    const segments = keySegments(key, 'S3 key');
    if (segments.length === 0) throw validation(`S3 key must not be empty`);
    return path.join(this.walkTo(segments.slice(0, -1), create, key), segments[segments.length - 1]);
  }

  /** The folder of a key prefix (every folder on the way resolved and checked); undefined when it does not exist and `create` is false. */
  folderOf(prefix: string, create: boolean): string | undefined {
    const segments = keySegments(prefix, 'S3 key prefix');
    try {
      return this.walkTo(segments, create, prefix);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  private walkTo(segments: string[], create: boolean, key: string): string {
    let at = this.folder;
    for (const s of segments) {
      const next = path.join(at, s);
      if (create && !fs.existsSync(next)) fs.mkdirSync(next);
      at = fs.realpathSync(next);
      if (!inside(this.folder, at)) throw validation(`S3 key ${key} leads outside the bucket`);
    }
    return at;
  }

  /**
   * Every object under `prefix` (recursively), as keys relative to the bucket, sorted; a prefix
   * that ends inside a name ("data/par") matches as S3 does (a plain string prefix).
   */
  list(prefix: string): string[] {
    const cut = prefix.lastIndexOf('/');
    const dirPart = cut < 0 ? '' : prefix.slice(0, cut);
    const start = this.folderOf(dirPart, false);
    if (start === undefined) return [];
    const out: string[] = [];
    const walk = (folder: string, keyPrefix: string): void => {
      for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
        const key = keyPrefix + entry.name;
        const full = path.join(folder, entry.name);
        // Symlinks are followed only while they stay inside the bucket.
        const real = fs.realpathSync(full);
        if (!inside(this.folder, real)) continue;
        if (fs.statSync(real).isDirectory()) walk(real, key + '/');
        else if (key.startsWith(prefix)) out.push(key);
      }
    };
    walk(start, dirPart === '' ? '' : dirPart + '/');
    return out.sort();
  }
}

function inside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Writes `data` to `file` durably and atomically (temp file, fsync, rename, folder fsync). */
export function writeFileDurably(file: string, data: string | Buffer): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  syncFolder(path.dirname(file));
}

export function syncFolder(folder: string): void {
  const fd = fs.openSync(folder, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
