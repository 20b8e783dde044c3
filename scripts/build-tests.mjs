// Bundles the extension-host integration suite (test/extension/*.ts) to out/test/extension/,
// one file per test module plus the index. 'vscode' comes from the host; mocha from node_modules.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';

const dir = 'test/extension';
const entryPoints = readdirSync(dir).filter((f) => f === 'index.ts' || f.endsWith('.test.ts')).map((f) => `${dir}/${f}`);
rmSync('out/test/extension', { recursive: true, force: true });
await esbuild.build({
  entryPoints,
  outdir: 'out/test/extension',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});
