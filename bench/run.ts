// `npm run bench`: bundles every benchmark with esbuild (as the CLI and the extension are
// bundled: running through tsx's on-the-fly transform costs up to twice the CPU) and runs each
// in its own process so they do not disturb each other. Results: bench/results/*.json.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

const BENCHES = ['engine', 'http', 'open', 'query-scan-batch', 'indexes', 'capacity', 'log', 'streams', 'backups', 'transactions', 'partiql', 'inspector'];

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'dist', 'bench');
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('-'));
const benches = BENCHES.filter((b) => fs.existsSync(path.join(__dirname, `${b}.ts`)) && (wanted.length === 0 || wanted.includes(b)));
buildSync({
  entryPoints: [...benches.map((b) => path.join(__dirname, `${b}.ts`)), path.join(__dirname, 'lib', 'server-child.ts')],
  outbase: __dirname,
  outdir: out,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
});
for (const b of benches) {
  console.error(`== bench/${b}`);
  execFileSync(process.execPath, [path.join(out, `${b}.js`), ...passThrough], { stdio: 'inherit', cwd: root });
}
