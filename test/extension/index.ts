// Entry of the integration suite inside a real extension host (code-server here, or desktop VS Code
// through @vscode/test-electron: see scripts/test-desktop.mjs). Same contract for both: run()
// resolves when every test passed. With DW_TEST_RESULTS set, the counts are written there as JSON.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  if (process.env.DW_TEST_GREP) mocha.grep(process.env.DW_TEST_GREP);
  for (const f of fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      if (process.env.DW_TEST_RESULTS) {
        const s = runner.stats;
        fs.writeFileSync(process.env.DW_TEST_RESULTS, JSON.stringify({ passes: s?.passes ?? 0, failures: s?.failures ?? failures, pending: s?.pending ?? 0 }));
      }
      if (failures) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
  });
}
