// Open time and memory of a data folder holding N items of ~200 bytes (default 1,000,000).
// The folder is built once in a child process; a fresh child then opens it and reports how long
// Database.open took and how much heap the items hold, against their raw size by DynamoDB's rules.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Database } from '../src/engine/database';
import { report } from './lib/results';
import { TABLE, createTableBody, item } from './lib/workload';

const N = Number(process.env.BENCH_OPEN_ITEMS ?? 1_000_000);

async function build(dir: string): Promise<void> {
  const db = await Database.open(dir, { checkpointBytes: Number.MAX_SAFE_INTEGER });
  await db.execute('CreateTable', JSON.parse(createTableBody));
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < N; i++) {
    pending.push(db.execute('PutItem', { TableName: TABLE, Item: item(`p${String(i % (N / 10)).padStart(7, '0')}`, `s${String(Math.floor(i / (N / 10))).padStart(3, '0')}`, i) }));
    if (pending.length >= 1024) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  await db.close();
}

async function open(dir: string): Promise<void> {
  global.gc?.();
  const before = process.memoryUsage();
  const t = performance.now();
  const db = await Database.open(dir);
  const openMs = performance.now() - t;
  // Memory is measured once the point-read map that fills after opening is complete.
  for (const table of db.tables.values()) table.settle();
  // Two collections a turn apart: buffers are released by the first, their memory after it.
  global.gc?.();
  await new Promise((r) => setImmediate(r));
  global.gc?.();
  const after = process.memoryUsage();
  const table = db.tables.get(TABLE)!;
  const raw = table.sizeBytes;
  const held = after.heapUsed + after.external + after.arrayBuffers - (before.heapUsed + before.external + before.arrayBuffers);
  console.log(JSON.stringify({
    items: table.itemCount,
    openMs: Math.round(openMs),
    rawItemBytes: raw,
    heapBytesHeld: held,
    memoryRatio: Math.round((held / raw) * 100) / 100,
    rssMB: Math.round(after.rss / 1e6),
    heapUsedMB: Math.round((after.heapUsed - before.heapUsed) / 1e6),
    externalMB: Math.round((after.external + after.arrayBuffers - before.external - before.arrayBuffers) / 1e6),
  }));
  await db.close();
}

async function main(): Promise<void> {
  const [mode, dir] = process.argv.slice(2);
  if (mode === 'build') return build(dir);
  if (mode === 'open') return open(dir);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-open-'));
  const data = path.join(work, 'data');
  const self = [...process.execArgv, '--expose-gc', '--max-old-space-size=8192', __filename];
  const t = performance.now();
  execFileSync(process.execPath, [...self, 'build', data], { stdio: 'inherit' });
  const buildMs = Math.round(performance.now() - t);
  const out = execFileSync(process.execPath, [...self, 'open', data], { encoding: 'utf8' });
  const result = { ...JSON.parse(out.trim().split('\n').pop()!), buildMs, folderMB: Math.round(dirSize(data) / 1e6) };
  report('open.json', result);
  fs.rmSync(work, { recursive: true, force: true });
}

function dirSize(dir: string): number {
  return fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
