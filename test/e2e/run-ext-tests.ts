// Runs the extension's mocha suite inside code-server's extension host and exits with its status.
//   node --import tsx test/e2e/run-ext-tests.ts TEST_URL [--timeout SECONDS]
import { runExtensionTests } from './lib/workbench';

const args = process.argv.slice(2);
const url = args.find((a) => /^https?:\/\//.test(a));
const t = args.indexOf('--timeout');
if (!url) {
  console.error('usage: run-ext-tests.ts TEST_URL [--timeout SECONDS]');
  process.exit(2);
}
const started = Date.now();
runExtensionTests(url, { timeout: t >= 0 ? Number(args[t + 1]) * 1000 : undefined }).then(
  (code) => {
    console.error(`[e2e] extension-host suite exited with ${code} after ${Date.now() - started} ms`);
    process.exit(code);
  },
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
