// Who owns a data folder: a LOCK naming a live but unrelated process is taken over, a LOCK of a
// real owner (another node process with the folder open) is respected, and an opening only ever
// removes its own LOCK.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { DatabaseLockedError, DirectoryLock } from '../../src/engine/storage/lock';

const hasProc = existsSync('/proc/self/stat');

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'dw-lock-'));
}

/** A live process that has nothing to do with any database. */
async function unrelatedProcess(): Promise<ChildProcess & { pid: number }> {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  return child as ChildProcess & { pid: number };
}

describe('a LOCK left behind by another process', () => {
  test('a LOCK holding only the pid of a live unrelated process (sleep) is taken over', { skip: !hasProc && 'needs /proc' }, async () => {
    const dir = tempDir();
    const sleeper = await unrelatedProcess();
    try {
      writeFileSync(path.join(dir, 'LOCK'), String(sleeper.pid));
      const lock = DirectoryLock.acquire(dir);
      assert.equal(readFileSync(path.join(dir, 'LOCK'), 'utf8').split('\n')[0], String(process.pid));
      assert.ok(lock.held());
      lock.release();
    } finally {
      sleeper.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a LOCK whose pid is live but started at another time (a reused pid) is taken over', { skip: !hasProc && 'needs /proc' }, async () => {
    const dir = tempDir();
    const sleeper = await unrelatedProcess();
    try {
      const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
      writeFileSync(path.join(dir, 'LOCK'), `${sleeper.pid}\nboot=${boot}\nstart=1\ntoken=old\n`);
      const lock = DirectoryLock.acquire(dir);
      assert.ok(lock.held());
      lock.release();
      assert.ok(!existsSync(path.join(dir, 'LOCK')));
    } finally {
      sleeper.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a folder held by another live node process is refused with its pid, and stays locked', async () => {
    const dir = tempDir();
    const lockModule = path.resolve(__dirname, '../../src/engine/storage/lock.ts');
    const owner = spawn(
      process.execPath,
      ['--import', 'tsx', '-e', `require(${JSON.stringify(lockModule)}).DirectoryLock.acquire(${JSON.stringify(dir)}); console.log('locked'); setInterval(() => {}, 1000);`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        createInterface({ input: owner.stdout! }).once('line', () => resolve());
        owner.once('exit', (code) => reject(new Error(`owner exited with ${code}`)));
      });
      assert.throws(
        () => DirectoryLock.acquire(dir),
        (err: unknown) => err instanceof DatabaseLockedError && err.pid === owner.pid,
      );
      assert.equal(readFileSync(path.join(dir, 'LOCK'), 'utf8').split('\n')[0], String(owner.pid));
    } finally {
      owner.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('an opening and its own LOCK', () => {
  test('held() turns false when LOCK is removed or replaced, and release() then leaves the new owner alone', () => {
    const dir = tempDir();
    try {
      const first = DirectoryLock.acquire(dir);
      assert.ok(first.held());
      rmSync(path.join(dir, 'LOCK'));
      assert.equal(first.held(), false);
      const second = DirectoryLock.acquire(dir);
      assert.equal(first.held(), false);
      first.release();
      assert.ok(second.held(), 'the first opening removed the second one\'s LOCK');
      second.release();
      assert.ok(!existsSync(path.join(dir, 'LOCK')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('watch() reports a deleted folder within a second', async () => {
    const dir = tempDir();
    const lock = DirectoryLock.acquire(dir);
    let lostAt = 0;
    // The watch timer is unref'd on purpose; this one keeps the test's event loop alive meanwhile.
    const keepAlive = setTimeout(() => {}, 10_000);
    const lost = new Promise<void>((resolve) => lock.watch(() => ((lostAt = Date.now()), resolve()), 200));
    const removedAt = Date.now();
    rmSync(dir, { recursive: true, force: true });
    await lost;
    clearTimeout(keepAlive);
    assert.ok(lostAt - removedAt < 5_000, `noticed after ${lostAt - removedAt} ms`);
  });
});
