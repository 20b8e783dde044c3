// The child process of a crash suite, bundled once per suite (a plain `node child.js` starts fast
// and runs the engine exactly as it ships), in a scratch folder removed after the suite.
import { after, before } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { build } from 'esbuild';

export interface BundledChild {
  /** The suite's scratch folder (data folders go here). */
  readonly work: string;
  /** The bundled script to run with `node`. */
  readonly script: string;
}

/** Registers before/after hooks that bundle `entry` into a fresh scratch folder and remove it. */
export function bundledChild(entry: string, prefix: string): BundledChild {
  const out = { work: '', script: '' };
  before(async () => {
    out.work = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    out.script = path.join(out.work, 'child.js');
    await build({ entryPoints: [entry], bundle: true, platform: 'node', outfile: out.script, logLevel: 'error' });
  });
  after(() => fs.rmSync(out.work, { recursive: true, force: true }));
  return out;
}

/**
 * Runs `node script ...args`, hands each line it prints (but "ready") to `onLine`, and once it has
 * printed "ready" lets it work `workMs` more, then kills it with SIGKILL. Rejects if it exits
 * before, or writes to stderr.
 */
export async function runUntilKilled(script: string, args: string[], workMs: number, onLine: (line: string) => void): Promise<void> {
  const proc = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let buffer = '';
  let stderr = '';
  let ready: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  proc.stderr.on('data', (d) => (stderr += d));
  proc.stdout.on('data', (chunk) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line === 'ready') ready();
      else onLine(line);
    }
  });
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  await Promise.race([isReady, exited]);
  if (stderr !== '' || proc.exitCode !== null) throw new Error(`the child failed: ${stderr}`);
  await new Promise((r) => setTimeout(r, workMs));
  proc.kill('SIGKILL');
  await exited;
  if (stderr !== '') throw new Error(`the child failed: ${stderr}`);
}
