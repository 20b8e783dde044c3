// `npm run bench`: every benchmark, each in its own process so they do not disturb each other.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const benches = ['engine.ts', 'http.ts', 'open.ts', 'query-scan-batch.ts'];
for (const b of benches) {
  console.error(`== bench/${b}`);
  execFileSync(process.execPath, ['--import', 'tsx', path.join(__dirname, b)], { stdio: 'inherit' });
}
