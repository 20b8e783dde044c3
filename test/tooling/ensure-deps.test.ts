// scripts/ensure-deps.mjs, run for real in a scratch copy of the project with a stand-in `npm`
// first on PATH that records its arguments: it must run `npm ci` exactly when node_modules is
// missing or differs from package-lock.json, and stay silent (no install) when they match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

function scratch(installed: ((lock: { packages: Record<string, { version?: string }> }) => void) | 'none') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ensure-deps-'));
  fs.mkdirSync(path.join(dir, 'scripts'));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.copyFileSync(path.join(ROOT, 'package-lock.json'), path.join(dir, 'package-lock.json'));
  fs.copyFileSync(path.join(ROOT, 'scripts', 'ensure-deps.mjs'), path.join(dir, 'scripts', 'ensure-deps.mjs'));
  fs.writeFileSync(path.join(dir, 'bin', 'npm'), `#!/bin/sh\necho "$@" >> "${path.join(dir, 'npm-calls')}"\n`, { mode: 0o755 });
  if (installed !== 'none') {
    // what npm ci would record: the lock file's packages, minus optional ones for other platforms
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
    const hidden = { ...lock, packages: Object.fromEntries(Object.entries(lock.packages as Record<string, { optional?: boolean }>).filter(([k, v]) => k && !v.optional)) };
    installed(hidden);
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.writeFileSync(path.join(dir, 'node_modules', '.package-lock.json'), JSON.stringify(hidden));
  }
  const r = spawnSync(process.execPath, [path.join(dir, 'scripts', 'ensure-deps.mjs')], {
    env: { ...process.env, PATH: `${path.join(dir, 'bin')}${path.delimiter}${process.env.PATH}` },
    encoding: 'utf8',
  });
  const calls = fs.existsSync(path.join(dir, 'npm-calls')) ? fs.readFileSync(path.join(dir, 'npm-calls'), 'utf8').trim() : '';
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: r.status, stderr: r.stderr, calls };
}

test('installs nothing when node_modules matches package-lock.json', () => {
  const r = scratch(() => undefined);
  assert.equal(r.status, 0);
  assert.equal(r.calls, '');
  assert.equal(r.stderr, '');
});

test('runs npm ci, saying why, when node_modules is missing', () => {
  const r = scratch('none');
  assert.equal(r.calls, 'ci --no-audit --no-fund');
  assert.match(r.stderr, /node_modules is missing: running npm ci/);
});

test('runs npm ci when an installed version differs from the lock file', () => {
  const r = scratch((lock) => {
    const name = Object.keys(lock.packages).find((k) => k.endsWith('node_modules/lit'))!;
    lock.packages[name] = { ...lock.packages[name], version: '0.0.1' };
  });
  assert.equal(r.calls, 'ci --no-audit --no-fund');
  assert.match(r.stderr, /lit is 0\.0\.1, package-lock\.json wants /);
});

test('runs npm ci when a locked package is not installed at all', () => {
  const r = scratch((lock) => {
    delete lock.packages[Object.keys(lock.packages).find((k) => k.endsWith('node_modules/fast-check'))!];
  });
  assert.equal(r.calls, 'ci --no-audit --no-fund');
  assert.match(r.stderr, /fast-check is not installed/);
});
