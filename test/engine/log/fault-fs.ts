// An in-memory FileSystem that knows what a power loss would keep, for crash and fault tests.
//
// Model (the contract of src/engine/log/file-system.ts, made adversarial where the contract allows):
// - Each file (an inode, so a rename carries its content) has VOLATILE content, what reads see now,
//   and DURABLE content, what survives a power loss. Writes change the volatile content and mark
//   their 4 KiB pages dirty; `datasync`/`sync` copy the dirty pages to the durable content. A file
//   opened with `dsync` makes each write durable as it returns.
// - Length: `datasync` makes a length grown by writes durable (as fdatasync does), but a length cut
//   by `truncate` (or open with `truncate`) becomes durable only at `sync()`; until then the durable
//   file keeps its old, longer content past the cut: the stale bytes a log must never misread.
// - Folder entries (create, rename, remove) are operations in one pending queue; `syncDir(dir)`
//   makes durable those touching `dir` (either side of a rename), in order. At a crash a random
//   prefix of the still-pending queue survives (a journal commits in order).
// - `mkdir` is durable at once (a simplification: the engine creates its folders before any data,
//   and losing a whole folder is not a case the engine could act on).
// - `crash()` returns a NEW file system holding what a power loss leaves: durable content, and for
//   each dirty page independently (so pages reorder) one of: lost, kept, or torn (a random prefix of
//   the new bytes over the old). An unsynced cut by `truncate` survives or not, at random. All
//   choices come from a seeded source, so a failing case reproduces. `crashProcessOnly()` is a
//   kill -9: the kernel keeps everything, and nothing more is durable than before.
//   The instance that crashed keeps working on its own state; tests should drop it.
// - `failAfter` makes a chosen later write or sync throw an Error shaped like Node's (.code,
//   .syscall, .path); missing files give ENOENT the same way.
import * as path from 'node:path';
import type { FileHandle, FileSystem, OpenOptions } from '../../../src/engine/log/file-system';

export const PAGE_SIZE = 4096;

export type FaultCode = 'ENOSPC' | 'EIO';

export interface FailAfter {
  /** This many more writes succeed; the one after throws. */
  writes?: number;
  /** This many more syncs (datasync, sync, syncDir) succeed; the one after throws. */
  syncs?: number;
  code: FaultCode;
  /** Fail only once (default: every later call of that kind fails too, until `heal()`: a full disk stays full). */
  once?: boolean;
  /** Bytes of the failing write that land before it throws (default 0), as a short write would. */
  partialBytes?: number;
}

export interface CrashOptions {
  /** A seed for the built-in generator (default 1). Ignored when `random` is given. */
  seed?: number;
  /** A source of numbers in [0, 1), e.g. from fast-check's `fc.context` or a test's own generator. */
  random?: () => number;
  /** 'random' (default): each unsynced page or entry is lost, kept or torn at random; 'lose' drops all; 'keep' keeps all. */
  mode?: 'random' | 'lose' | 'keep';
}

export interface FaultStats {
  writes: number;
  bytesWritten: number;
  /** datasync and sync calls on files. */
  syncs: number;
  dirSyncs: number;
}

interface Bytes {
  buf: Buffer;
  len: number;
}

interface Inode {
  volatile: Bytes;
  durable: Bytes;
  dirty: Set<number>;
  /** Lowest length a truncate set since the last `sync()`, or undefined. */
  cutTo: number | undefined;
}

type DirOp = { kind: 'link'; path: string; inode: Inode } | { kind: 'unlink'; path: string } | { kind: 'rename'; from: string; to: string; inode: Inode };

/** A small seeded generator (mulberry32), so crash choices reproduce from one number. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MESSAGES: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EEXIST: 'file already exists',
  EBADF: 'bad file descriptor',
  ENOSPC: 'no space left on device',
  EIO: 'i/o error',
  ENOTDIR: 'not a directory',
  EISDIR: 'illegal operation on a directory',
};

/** An Error as Node's fs throws it: `ENOENT: no such file or directory, open '/x'` with .code, .syscall, .path. */
export function fsError(code: string, syscall: string, file: string): NodeJS.ErrnoException {
  const error = new Error(`${code}: ${MESSAGES[code] ?? 'error'}, ${syscall} '${file}'`) as NodeJS.ErrnoException;
  error.code = code;
  error.syscall = syscall;
  error.path = file;
  return error;
}

function emptyBytes(): Bytes {
  return { buf: Buffer.alloc(0), len: 0 };
}

function cloneBytes(b: Bytes): Bytes {
  return { buf: Buffer.from(b.buf.subarray(0, b.len)), len: b.len };
}

/** Grows the backing buffer (zero-filled) so `len` bytes fit. */
function ensure(b: Bytes, len: number): void {
  if (len <= b.buf.length) return;
  const grown = Buffer.alloc(Math.max(len, Math.min(b.buf.length * 2, b.buf.length + (64 << 20))));
  b.buf.copy(grown, 0, 0, b.len);
  b.buf = grown;
}

/** Sets the length; bytes past it are zeroed, so a later extension reads zeros as a file does. */
function setLength(b: Bytes, len: number): void {
  if (len < b.len) b.buf.fill(0, len, b.len);
  else ensure(b, len);
  b.len = len;
}

function copyRange(from: Bytes, to: Bytes, start: number, end: number): void {
  end = Math.min(end, from.len);
  if (end <= start) return;
  ensure(to, end);
  from.buf.copy(to.buf, start, start, end);
  if (end > to.len) to.len = end;
}

function newInode(): Inode {
  return { volatile: emptyBytes(), durable: emptyBytes(), dirty: new Set(), cutTo: undefined };
}

export class FaultFileSystem implements FileSystem {
  readonly stats: FaultStats = { writes: 0, bytesWritten: 0, syncs: 0, dirSyncs: 0 };
  private readonly dirs = new Set<string>(['/']);
  private readonly files = new Map<string, Inode>();
  private readonly durableFiles = new Map<string, Inode>();
  private pending: DirOp[] = [];
  private writeFault: { left: number; spec: FailAfter } | undefined;
  private syncFault: { left: number; spec: FailAfter } | undefined;

  // ---- FileSystem ----

  open(file: string, options: OpenOptions = {}): FileHandle {
    const p = norm(file);
    if (this.dirs.has(p)) throw fsError('EISDIR', 'open', file);
    let inode = this.files.get(p);
    if (!inode) {
      if (!options.create || options.readOnly) throw fsError('ENOENT', 'open', file);
      if (!this.dirs.has(path.dirname(p))) throw fsError('ENOENT', 'open', file);
      inode = newInode();
      this.files.set(p, inode);
      this.pending.push({ kind: 'link', path: p, inode });
    } else if (options.truncate && !options.readOnly) {
      truncateInode(inode, 0);
    }
    return new FaultHandle(this, file, inode, options);
  }

  exists(file: string): boolean {
    const p = norm(file);
    return this.files.has(p) || this.dirs.has(p);
  }

  list(dir: string): string[] {
    const d = norm(dir);
    if (!this.dirs.has(d)) throw fsError(this.files.has(d) ? 'ENOTDIR' : 'ENOENT', 'scandir', dir);
    const names: string[] = [];
    for (const p of [...this.files.keys(), ...this.dirs]) if (p !== d && path.dirname(p) === d) names.push(path.basename(p));
    return names.sort();
  }

  mkdir(dir: string): void {
    for (let d = norm(dir); !this.dirs.has(d); d = path.dirname(d)) {
      if (this.files.has(d)) throw fsError('EEXIST', 'mkdir', dir);
      this.dirs.add(d);
    }
  }

  rename(from: string, to: string): void {
    const f = norm(from);
    const t = norm(to);
    const inode = this.files.get(f);
    if (!inode) throw fsError('ENOENT', 'rename', from);
    if (!this.dirs.has(path.dirname(t))) throw fsError('ENOENT', 'rename', to);
    if (this.dirs.has(t)) throw fsError('EISDIR', 'rename', to);
    if (f === t) return;
    this.files.delete(f);
    this.files.set(t, inode);
    this.pending.push({ kind: 'rename', from: f, to: t, inode });
  }

  remove(file: string): void {
    const p = norm(file);
    if (this.dirs.has(p)) throw fsError('EISDIR', 'rm', file);
    if (!this.files.delete(p)) return; // like rm with force: a missing file is not an error
    this.pending.push({ kind: 'unlink', path: p });
  }

  syncDir(dir: string): void {
    const d = norm(dir);
    if (!this.dirs.has(d)) throw fsError('ENOENT', 'open', dir);
    this.beforeSync('fsync', dir);
    this.stats.dirSyncs++;
    const touches = (op: DirOp) => (op.kind === 'rename' ? path.dirname(op.from) === d || path.dirname(op.to) === d : path.dirname(op.path) === d);
    const rest: DirOp[] = [];
    for (const op of this.pending) {
      if (touches(op)) applyDirOp(this.durableFiles, op);
      else rest.push(op);
    }
    this.pending = rest;
  }

  // ---- faults ----

  /** Arms a failure: see `FailAfter`. Replaces an earlier one of the same kind. */
  failAfter(spec: FailAfter): void {
    if (spec.writes !== undefined) this.writeFault = { left: spec.writes, spec };
    if (spec.syncs !== undefined) this.syncFault = { left: spec.syncs, spec };
  }

  /** Disarms every failure (the disk has room again). */
  heal(): void {
    this.writeFault = undefined;
    this.syncFault = undefined;
  }

  /** What a power loss leaves; see the header. This instance is not changed. */
  crash(options: CrashOptions = {}): FaultFileSystem {
    const mode = options.mode ?? 'random';
    const random = options.random ?? seededRandom(options.seed ?? 1);
    const next = new FaultFileSystem();
    for (const d of this.dirs) next.dirs.add(d);
    // Folder entries: the durable ones plus a random prefix of the pending queue.
    const names = new Map(this.durableFiles);
    const kept = mode === 'keep' || this.pending.length === 0 ? this.pending.length : mode === 'lose' ? 0 : Math.floor(random() * (this.pending.length + 1));
    for (const op of this.pending.slice(0, kept)) applyDirOp(names, op);
    // Contents: one surviving copy per inode, shared by every name that points at it.
    const survivors = new Map<Inode, Inode>();
    for (const [p, inode] of [...names].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      let copy = survivors.get(inode);
      if (!copy) {
        const content = crashContent(inode, mode, random);
        copy = { volatile: content, durable: cloneBytes(content), dirty: new Set(), cutTo: undefined };
        survivors.set(inode, copy);
      }
      next.files.set(p, copy);
      next.durableFiles.set(p, copy);
    }
    return next;
  }

  /** What a kill -9 leaves: everything written is there, and exactly as durable as it was. */
  crashProcessOnly(): FaultFileSystem {
    const next = new FaultFileSystem();
    for (const d of this.dirs) next.dirs.add(d);
    const copies = new Map<Inode, Inode>();
    const copyOf = (inode: Inode): Inode => {
      let copy = copies.get(inode);
      if (!copy) {
        copy = { volatile: cloneBytes(inode.volatile), durable: cloneBytes(inode.durable), dirty: new Set(inode.dirty), cutTo: inode.cutTo };
        copies.set(inode, copy);
      }
      return copy;
    };
    for (const [p, inode] of this.files) next.files.set(p, copyOf(inode));
    for (const [p, inode] of this.durableFiles) next.durableFiles.set(p, copyOf(inode));
    next.pending = this.pending.map((op) => ('inode' in op ? { ...op, inode: copyOf(op.inode) } : { ...op }));
    return next;
  }

  // ---- helpers for tests ----

  /** The file's current (volatile) content. */
  readFile(file: string): Buffer {
    const inode = this.files.get(norm(file));
    if (!inode) throw fsError('ENOENT', 'open', file);
    return Buffer.from(inode.volatile.buf.subarray(0, inode.volatile.len));
  }

  /** Creates or replaces a file with `data`, durable at once (test set-up, or a corruption a test plants). */
  writeFile(file: string, data: Uint8Array): void {
    const p = norm(file);
    this.mkdir(path.dirname(p));
    const inode = this.files.get(p) ?? newInode();
    inode.volatile = { buf: Buffer.from(data), len: data.length };
    inode.durable = { buf: Buffer.from(data), len: data.length };
    inode.dirty.clear();
    inode.cutTo = undefined;
    this.files.set(p, inode);
    this.durableFiles.set(p, inode);
  }

  /** Flips one bit of a file, in both its volatile and durable content (bit rot on the medium). */
  flipBit(file: string, offset: number, bit = 0): void {
    const inode = this.files.get(norm(file));
    if (!inode || offset >= inode.volatile.len) throw fsError('ENOENT', 'flip', file);
    inode.volatile.buf[offset] ^= 1 << bit;
    if (offset < inode.durable.len) inode.durable.buf[offset] ^= 1 << bit;
  }

  /** Whether anything is written but not yet durable (content or folder entries). */
  hasUnsynced(): boolean {
    if (this.pending.length > 0) return true;
    for (const inode of this.files.values()) if (inode.dirty.size > 0 || inode.cutTo !== undefined) return true;
    return false;
  }

  // ---- used by FaultHandle ----

  /** @internal Counts a write; if one is armed to fail, says how much lands first and with which code it fails. */
  beforeWrite(length: number): { landed: number; fails?: FaultCode } {
    this.stats.writes++;
    const fault = this.writeFault;
    if (!fault || fault.left-- > 0) return { landed: length };
    if (fault.spec.once) this.writeFault = undefined;
    return { landed: Math.min(fault.spec.partialBytes ?? 0, length), fails: fault.spec.code };
  }

  /** @internal */
  beforeSync(syscall: string, file: string): void {
    const fault = this.syncFault;
    if (!fault) return;
    if (fault.left-- > 0) return;
    if (fault.spec.once) this.syncFault = undefined;
    throw fsError(fault.spec.code, syscall, file);
  }

}

function norm(file: string): string {
  return path.resolve(file);
}

function applyDirOp(names: Map<string, Inode>, op: DirOp): void {
  if (op.kind === 'link') names.set(op.path, op.inode);
  else if (op.kind === 'unlink') names.delete(op.path);
  else {
    names.delete(op.from);
    names.set(op.to, op.inode);
  }
}

function truncateInode(inode: Inode, length: number): void {
  if (length < inode.volatile.len) inode.cutTo = Math.min(inode.cutTo ?? length, length);
  // Pages past the new end hold nothing to sync any more, except the page the end falls in.
  for (const page of inode.dirty) if (page * PAGE_SIZE >= length) inode.dirty.delete(page);
  setLength(inode.volatile, length);
  // Growing a file is a length change too: the zeros it exposes become durable with the length.
  if (length > inode.durable.len) for (let p = Math.floor(inode.durable.len / PAGE_SIZE); p * PAGE_SIZE < length; p++) inode.dirty.add(p);
}

/** Copies dirty pages to the durable content; `full` (sync) also makes a cut length durable. */
function syncInode(inode: Inode, full: boolean): void {
  const v = inode.volatile;
  const d = inode.durable;
  if (full && inode.cutTo !== undefined) {
    // Everything from the cut on is what the volatile file holds now, synced earlier or not.
    setLength(d, Math.min(d.len, inode.cutTo));
    copyRange(v, d, inode.cutTo, v.len);
    inode.cutTo = undefined;
  }
  for (const page of inode.dirty) copyRange(v, d, page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
  inode.dirty.clear();
  if (inode.cutTo === undefined) setLength(d, v.len);
  else if (v.len > d.len) setLength(d, v.len);
}

/** The content a power loss leaves for one file; see the header. */
function crashContent(inode: Inode, mode: 'random' | 'lose' | 'keep', random: () => number): Bytes {
  const out = cloneBytes(inode.durable);
  const v = inode.volatile;
  if (inode.cutTo !== undefined && (mode === 'keep' || (mode === 'random' && random() < 0.5))) setLength(out, Math.min(out.len, inode.cutTo));
  const pages = [...inode.dirty].sort((a, b) => a - b);
  for (const page of pages) {
    const start = page * PAGE_SIZE;
    const end = Math.min((page + 1) * PAGE_SIZE, v.len);
    if (end <= start) continue;
    const r = mode === 'keep' ? 0.5 : mode === 'lose' ? 0 : random();
    if (r < 1 / 3) continue; // lost
    const tornEnd = r < 2 / 3 ? end : start + 1 + Math.floor(random() * (end - start - 1 || 1));
    copyRange(v, out, start, Math.min(end, tornEnd));
  }
  // `mode: keep` must equal the volatile state, including a cut that was not synced yet.
  if (mode === 'keep') setLength(out, v.len);
  return out;
}

class FaultHandle implements FileHandle {
  private closed = false;

  constructor(
    private readonly owner: FaultFileSystem,
    readonly path: string,
    private readonly inode: Inode,
    private readonly options: OpenOptions,
  ) {}

  read(buf: Buffer, offset: number, length: number, position: number): number {
    this.check('read');
    const v = this.inode.volatile;
    if (position >= v.len) return 0;
    const n = Math.min(length, v.len - position, buf.length - offset);
    v.buf.copy(buf, offset, position, position + n);
    return n;
  }

  write(buf: Buffer, position: number): void {
    this.check('write');
    if (this.options.readOnly) throw fsError('EBADF', 'write', this.path);
    const { landed, fails } = this.owner.beforeWrite(buf.length);
    if (landed > 0) this.put(buf.subarray(0, landed), position);
    if (fails) throw fsError(fails, 'write', this.path);
  }

  writeAsync(buf: Buffer, position: number): Promise<void> {
    return settle(() => this.write(buf, position));
  }

  datasync(): void {
    this.check('fdatasync');
    this.owner.beforeSync('fdatasync', this.path);
    this.owner.stats.syncs++;
    syncInode(this.inode, false);
  }

  datasyncAsync(): Promise<void> {
    return settle(() => this.datasync());
  }

  sync(): void {
    this.check('fsync');
    this.owner.beforeSync('fsync', this.path);
    this.owner.stats.syncs++;
    syncInode(this.inode, true);
  }

  size(): number {
    this.check('fstat');
    return this.inode.volatile.len;
  }

  truncate(length: number): void {
    this.check('ftruncate');
    if (this.options.readOnly) throw fsError('EBADF', 'ftruncate', this.path);
    truncateInode(this.inode, length);
  }

  close(): void {
    this.check('close');
    this.closed = true;
  }

  private put(data: Buffer, position: number): void {
    const v = this.inode.volatile;
    const end = position + data.length;
    // A write past the end leaves a hole of zeros, which becomes part of the file like the data.
    const first = Math.floor(Math.min(position, v.len) / PAGE_SIZE);
    ensure(v, end);
    data.copy(v.buf, position);
    if (end > v.len) v.len = end;
    for (let p = first; p * PAGE_SIZE < end; p++) this.inode.dirty.add(p);
    this.owner.stats.bytesWritten += data.length;
    if (this.options.dsync) syncInode(this.inode, false);
  }

  private check(syscall: string): void {
    if (this.closed) throw fsError('EBADF', syscall, this.path);
  }
}

/** Runs `fn` now and reports on a later tick, as an asynchronous call would. */
function settle(fn: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let error: unknown;
    let failed = false;
    try {
      fn();
    } catch (e) {
      error = e;
      failed = true;
    }
    setImmediate(() => (failed ? reject(error) : resolve()));
  });
}
