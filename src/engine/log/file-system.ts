// The file operations the log store and snapshots use, and nothing else: every byte the engine
// keeps on disk goes through this interface, so tests can swap in a file layer that injects
// faults (drops what was not synced, tears or reorders pages, fails with ENOSPC or EIO) and then
// simulates a crash, which a real SIGKILL cannot do.
//
// Durability model (what the fault layer simulates, and what the real one gets from the kernel):
// - bytes written to a file are durable once `datasync()` (or `sync()`) on that file returns, or
//   as they are written when the file was opened with `dsync`;
// - a file's creation, rename or removal is durable once `syncDir()` on its folder returns;
// - a file's length set by `truncate` is durable once `sync()` on the file returns.
// Anything not yet durable may, after a crash, be gone, half there, or there.
import * as fs from 'node:fs';

export interface FileHandle {
  readonly path: string;
  /** Reads up to `length` bytes at `position` into `buf` at `offset`; returns how many were read (0 at the end). */
  read(buf: Buffer, offset: number, length: number, position: number): number;
  /** Writes all of `buf` at `position` (however many calls the kernel takes). */
  write(buf: Buffer, position: number): void;
  /** As `write`, without blocking the event loop; resolves once written. */
  writeAsync(buf: Buffer, position: number): Promise<void>;
  /** Makes this file's written bytes durable. */
  datasync(): void;
  datasyncAsync(): Promise<void>;
  /** Makes this file's bytes and its length durable. */
  sync(): void;
  size(): number;
  truncate(length: number): void;
  close(): void;
}

export interface OpenOptions {
  /** Create the file if it is missing. */
  create?: boolean;
  /** Empty the file on open. */
  truncate?: boolean;
  /** Open for reading only. */
  readOnly?: boolean;
  /** Each write is durable when it returns (O_DSYNC). */
  dsync?: boolean;
}

export interface FileSystem {
  open(file: string, options?: OpenOptions): FileHandle;
  exists(file: string): boolean;
  /** Names of the entries of a folder. */
  list(dir: string): string[];
  mkdir(dir: string): void;
  /** Replaces `to` atomically; durable once `syncDir` on the folder returns. */
  rename(from: string, to: string): void;
  remove(file: string): void;
  syncDir(dir: string): void;
}

/**
 * Up to `length` bytes of `file` from `position` (fewer at its end), however many reads that
 * takes; the whole file when `length` is omitted.
 */
export function readBytes(fs: FileSystem, file: string, position = 0, length?: number): Buffer {
  const h = fs.open(file, { readOnly: true });
  try {
    const want = length ?? Math.max(0, h.size() - position);
    const buf = Buffer.allocUnsafe(want);
    let n = 0;
    while (n < want) {
      const got = h.read(buf, n, want - n, position + n);
      if (got === 0) break;
      n += got;
    }
    return buf.subarray(0, n);
  } finally {
    h.close();
  }
}

class NodeFileHandle implements FileHandle {
  constructor(readonly path: string, private readonly fd: number) {}

  read(buf: Buffer, offset: number, length: number, position: number): number {
    return fs.readSync(this.fd, buf, offset, length, position);
  }

  write(buf: Buffer, position: number): void {
    let done = 0;
    while (done < buf.length) done += fs.writeSync(this.fd, buf, done, buf.length - done, position + done);
  }

  writeAsync(buf: Buffer, position: number): Promise<void> {
    return new Promise((resolve, reject) => {
      fs.write(this.fd, buf, 0, buf.length, position, (err, written) => {
        if (err) reject(err);
        else if (written !== buf.length) this.writeAsync(buf.subarray(written), position + written).then(resolve, reject);
        else resolve();
      });
    });
  }

  datasync(): void {
    fs.fdatasyncSync(this.fd);
  }

  datasyncAsync(): Promise<void> {
    return new Promise((resolve, reject) => fs.fdatasync(this.fd, (err) => (err ? reject(err) : resolve())));
  }

  sync(): void {
    fs.fsyncSync(this.fd);
  }

  size(): number {
    return fs.fstatSync(this.fd).size;
  }

  truncate(length: number): void {
    fs.ftruncateSync(this.fd, length);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/** The real file system. */
export const nodeFileSystem: FileSystem = {
  open(file, options = {}) {
    const c = fs.constants;
    let flags = options.readOnly ? c.O_RDONLY : c.O_RDWR;
    if (options.create) flags |= c.O_CREAT;
    if (options.truncate) flags |= c.O_TRUNC;
    if (options.dsync) flags |= c.O_DSYNC;
    return new NodeFileHandle(file, fs.openSync(file, flags, 0o644));
  },
  exists: (file) => fs.existsSync(file),
  list: (dir) => fs.readdirSync(dir),
  mkdir: (dir) => void fs.mkdirSync(dir, { recursive: true }),
  rename: (from, to) => fs.renameSync(from, to),
  remove: (file) => fs.rmSync(file, { force: true }),
  syncDir(dir) {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  },
};
