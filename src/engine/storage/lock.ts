// One process owns a data folder. The owner writes LOCK and, once it serves HTTP, its endpoint URL
// to ENDPOINT, so another process (the CLI, a second VS Code window) can use that endpoint instead.
//
// LOCK is text: the owner's pid on the first line (what older versions wrote alone), then
// `boot=<kernel boot id>`, `start=<process start time in clock ticks since boot>` (both where
// /proc has them) and `token=<random>`, unique to this opening.
//
// Invariants:
// - LOCK appears whole or not at all (written to a private file, then hard-linked into place,
//   which fails if a LOCK exists).
// - A LOCK is taken over when its owner is gone: its pid is dead, or (where /proc tells) the live
//   process with that pid is another one (different boot or start time, or for a LOCK without
//   them, not a node/VS Code process): pids are reused, and a LOCK naming an unrelated process
//   must not block opening forever.
// - The owner can tell, cheaply, whether LOCK is still the one it wrote (`held`), and only ever
//   removes its own LOCK and ENDPOINT.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export class DatabaseLockedError extends Error {
  constructor(readonly dir: string, readonly pid: number, readonly endpoint?: string) {
    super(`The data folder ${dir} is in use by process ${pid}${endpoint ? `, which serves it at ${endpoint}` : ''}`);
    this.name = 'DatabaseLockedError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** This boot of the kernel (Linux); undefined elsewhere. */
function bootId(): string | undefined {
  return readText('/proc/sys/kernel/random/boot_id')?.trim() || undefined;
}

/** When `pid` started, in clock ticks since boot (Linux /proc); undefined when unknown. */
function startTime(pid: number | 'self'): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}

/** Whether the process's command line looks like one that can own a database (node, VS Code, Electron). */
function looksLikeOwner(pid: number): boolean | undefined {
  const cmdline = readText(`/proc/${pid}/cmdline`);
  if (cmdline === undefined) return undefined;
  return /node|code|electron|dynamo/i.test(cmdline.split('\0').slice(0, 2).join(' '));
}

interface LockInfo {
  pid: number;
  boot?: string;
  start?: string;
  token?: string;
}

function parseLock(text: string): LockInfo {
  const [first = '', ...rest] = text.split('\n');
  const info: LockInfo = { pid: /^\d+$/.test(first.trim()) ? Number(first.trim()) : 0 };
  for (const line of rest) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim();
    if (key === 'boot' || key === 'start' || key === 'token') info[key] = value;
  }
  return info;
}

/**
 * Whether the process a LOCK names is still the one that wrote it. Where /proc is missing
 * (macOS, Windows) a live pid is taken as the owner, as before.
 */
function ownerAlive(info: LockInfo): boolean {
  if (!(info.pid > 0) || !alive(info.pid)) return false;
  const start = startTime(info.pid);
  if (start === undefined) return true;
  if (info.boot !== undefined && info.start !== undefined) return info.boot === bootId() && info.start === start;
  return looksLikeOwner(info.pid) !== false;
}

export function readEndpoint(dir: string): string | undefined {
  return readText(path.join(dir, 'ENDPOINT'))?.trim() || undefined;
}

export class DirectoryLock {
  private constructor(
    readonly dir: string,
    private readonly content: string,
  ) {}

  static acquire(dir: string): DirectoryLock {
    const file = path.join(dir, 'LOCK');
    const token = randomBytes(12).toString('hex');
    const boot = bootId();
    const start = startTime('self');
    const content =
      `${process.pid}\n` + (boot !== undefined && start !== undefined ? `boot=${boot}\nstart=${start}\n` : '') + `token=${token}\n`;
    const draft = path.join(dir, `LOCK.${token}.tmp`);
    fs.writeFileSync(draft, content);
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          fs.linkSync(draft, file);
          fs.rmSync(path.join(dir, 'ENDPOINT'), { force: true });
          return new DirectoryLock(dir, content);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        }
        const existing = readText(file);
        if (existing === undefined) continue; // removed meanwhile: try again
        const info = parseLock(existing);
        if (ownerAlive(info)) throw new DatabaseLockedError(dir, info.pid, readEndpoint(dir));
        fs.rmSync(file, { force: true });
      }
      throw new Error(`could not lock ${dir}`);
    } finally {
      fs.rmSync(draft, { force: true });
    }
  }

  /** Whether LOCK is still the one this opening wrote (false once the folder or LOCK was removed or replaced). */
  held(): boolean {
    return readText(path.join(this.dir, 'LOCK')) === this.content;
  }

  /**
   * Calls `lost` once, within about `intervalMs`, after LOCK stops being this opening's. The timer
   * is unref'd (it never keeps a process alive); the returned function stops it.
   */
  watch(lost: () => void, intervalMs = 500): () => void {
    const timer = setInterval(() => {
      if (this.held()) return;
      clearInterval(timer);
      lost();
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  advertise(url: string): void {
    if (!this.held()) return;
    const tmp = path.join(this.dir, 'ENDPOINT.tmp');
    fs.writeFileSync(tmp, url + '\n');
    fs.renameSync(tmp, path.join(this.dir, 'ENDPOINT'));
  }

  /** Removes LOCK and ENDPOINT, if LOCK is still this opening's; another owner's are left alone. */
  release(): void {
    if (!this.held()) return;
    fs.rmSync(path.join(this.dir, 'ENDPOINT'), { force: true });
    fs.rmSync(path.join(this.dir, 'LOCK'), { force: true });
  }
}
