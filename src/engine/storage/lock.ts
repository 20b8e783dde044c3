// One process owns a data folder. The owner writes its pid to LOCK and, once it serves HTTP, its
// endpoint URL to ENDPOINT, so another process (the CLI, a second VS Code window) can use that
// endpoint instead. A LOCK left by a killed process is taken over.
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

export function readEndpoint(dir: string): string | undefined {
  try {
    return fs.readFileSync(path.join(dir, 'ENDPOINT'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

export class DirectoryLock {
  private constructor(readonly dir: string) {}

  static acquire(dir: string): DirectoryLock {
    const file = path.join(dir, 'LOCK');
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = fs.openSync(file, 'wx');
        fs.writeSync(fd, String(process.pid));
        fs.closeSync(fd);
        fs.rmSync(path.join(dir, 'ENDPOINT'), { force: true });
        return new DirectoryLock(dir);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (pid > 0 && alive(pid)) throw new DatabaseLockedError(dir, pid, readEndpoint(dir));
      fs.rmSync(file, { force: true });
    }
    throw new Error(`could not lock ${dir}`);
  }

  advertise(url: string): void {
    const tmp = path.join(this.dir, 'ENDPOINT.tmp');
    fs.writeFileSync(tmp, url + '\n');
    fs.renameSync(tmp, path.join(this.dir, 'ENDPOINT'));
  }

  release(): void {
    fs.rmSync(path.join(this.dir, 'ENDPOINT'), { force: true });
    fs.rmSync(path.join(this.dir, 'LOCK'), { force: true });
  }
}
