// The child process of a crash suite, bundled once per suite (a plain `node child.js` starts fast
// and runs the engine exactly as it ships), in a scratch folder removed after the suite.
import { after, before } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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
