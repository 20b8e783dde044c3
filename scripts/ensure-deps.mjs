// Installs the npm dependencies when they are missing or do not match package-lock.json, so
// `npm start` and `npm test` work on a fresh clone. Cheap when up to date (it reads two JSON
// files; CI's own `npm ci` leaves nothing to do): every package the lock file requires must be in
// node_modules/.package-lock.json (npm's record of what it installed) at the locked version.
// Optional packages (other platforms' binaries) may be absent. Uses only Node's standard library.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const installed = join(root, 'node_modules', '.package-lock.json');

function staleReason() {
  if (!existsSync(join(root, 'node_modules'))) return 'node_modules is missing';
  if (!existsSync(installed)) return 'node_modules was not installed by npm from package-lock.json';
  const want = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages ?? {};
  const have = JSON.parse(readFileSync(installed, 'utf8')).packages ?? {};
  for (const [name, entry] of Object.entries(want)) {
    if (!name) continue; // the project itself
    const got = have[name];
    if (!got && !entry.optional && !entry.peer) return `${name.replace(/^.*node_modules\//, '')} is not installed`;
    if (got && got.version !== entry.version) return `${name.replace(/^.*node_modules\//, '')} is ${got.version}, package-lock.json wants ${entry.version}`;
  }
  return undefined;
}

const reason = staleReason();
if (reason) {
  console.error(`[deps] ${reason}: running npm ci`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
