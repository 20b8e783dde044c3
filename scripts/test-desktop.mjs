// Runs the extension-host integration suite in desktop VS Code through @vscode/test-electron,
// for machines that can download VS Code (this project's CI uses the code-server harness instead:
// test/e2e/run.sh). Build first: node esbuild.mjs && node scripts/build-tests.mjs
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

const root = resolve(import.meta.dirname, '..');
const workspace = mkdtempSync(join(tmpdir(), 'dw-desktop-ws-'));
mkdirSync(join(workspace, '.git'));
mkdirSync(join(workspace, '.vscode'));
writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'dynamoWorkspace.endpoint.port': 0 }));
try {
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out', 'test', 'extension', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (e) {
  console.error(e);
  process.exit(1);
}
