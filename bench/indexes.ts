// Secondary index benchmarks, in process on durable data folders:
//   - PutItem throughput (group commit, 64 in flight) into a table with 0, 1 and 5 GSIs;
//   - opening a folder of BENCH_OPEN_ITEMS items (default 100,000) with 0, 1 and 5 GSIs: open
//     time, then the time the bulk rebuild of the indexes from the checkpoint takes (it runs in
//     the background after opening, or at once when a request needs an index first);
//   - the background backfill of a GSI added by UpdateTable to a table of BENCH_ITEMS items
//     (default 1,000,000), with writes flowing meanwhile.
// Prints one JSON object and writes bench/results/indexes.json.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Database } from '../src/engine/database';
import { report } from './lib/results';
import { summarize } from './lib/stats';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const OPEN_ITEMS = Number(process.env.BENCH_OPEN_ITEMS ?? 100_000);
const BACKFILL_ITEMS = Number(process.env.BENCH_ITEMS ?? 1_000_000);
const TABLE = 'bench';
const IN_FLIGHT = 64;

/** ~200-byte items (DynamoDB's size rules) carrying five GSI key attributes g0..g4. */
function item(i: number): Record<string, unknown> {
  const out: Record<string, unknown> = { pk: { S: `p${String(i).padStart(8, '0')}` }, data: { S: (i.toString(36) + '-').repeat(30).slice(0, 120) } };
  for (let k = 0; k < 5; k++) out[`g${k}`] = { S: `v${(i * (k + 7)) % 5000}` };
  return out;
}

function createTable(gsis: number): Record<string, unknown> {
  const defs = [{ AttributeName: 'pk', AttributeType: 'S' }];
  const indexes = [];
  for (let k = 0; k < gsis; k++) {
    defs.push({ AttributeName: `g${k}`, AttributeType: 'S' });
    indexes.push({ IndexName: `byG${k}`, KeySchema: [{ AttributeName: `g${k}`, KeyType: 'HASH' }, { AttributeName: 'pk', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } });
  }
  return {
    TableName: TABLE,
    AttributeDefinitions: defs,
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    ...(gsis > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
  };
}

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'dw-idx-bench-'));

async function load(db: Database, n: number): Promise<void> {
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    pending.push(db.execute('PutItem', { TableName: TABLE, Item: item(i) }));
    if (pending.length >= 1024) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
}

/** Durable PutItem throughput with `gsis` GSIs on the table. */
async function writes(gsis: number): Promise<Record<string, unknown>> {
  const dir = tmp();
  const db = await Database.open(dir, { throttling: false });
  await db.execute('CreateTable', createTable(gsis));
  const latencies: number[] = [];
  let done = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  const loop = async (w: number): Promise<void> => {
    for (let i = w; performance.now() < end; i += IN_FLIGHT) {
      const t = performance.now();
      await db.execute('PutItem', { TableName: TABLE, Item: item(i) });
      latencies.push(performance.now() - t);
      done++;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, (_, w) => loop(w)));
  const seconds = (performance.now() - start) / 1000;
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return { gsis, opsPerSec: Math.round(done / seconds), ops: done, inFlight: IN_FLIGHT, ...summarize(latencies) };
}

/** Child process: opens `dir` and reports how long Database.open took. */
async function openChild(dir: string): Promise<void> {
  const t = performance.now();
  const db = await Database.open(dir, { throttling: false });
  const openMs = performance.now() - t;
  const table = db.tables.get(TABLE)!;
  // The indexes are built after opening, in the background; this forces what is left of that now.
  const b = performance.now();
  table.secondary.settle();
  const indexBuildMs = performance.now() - b;
  const counts = table.secondary.list.map((i) => i.itemCount);
  console.log(JSON.stringify({ openMs: Math.round(openMs), indexBuildMs: Math.round(indexBuildMs), items: table.itemCount, indexEntries: counts }));
  await db.close();
}

async function openTime(gsis: number): Promise<Record<string, unknown>> {
  const dir = tmp();
  const db = await Database.open(dir, { throttling: false, checkpointBytes: Number.MAX_SAFE_INTEGER });
  await db.execute('CreateTable', createTable(gsis));
  await load(db, OPEN_ITEMS);
  await db.close();
  const out = execFileSync(process.execPath, [...process.execArgv, '--max-old-space-size=8192', __filename, 'open', dir], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  return { gsis, ...JSON.parse(out.trim().split('\n').pop()!) };
}

/** Loads BACKFILL_ITEMS items, adds a GSI and times its backfill while writes go on. */
async function backfill(): Promise<Record<string, unknown>> {
  const dir = tmp();
  const db = await Database.open(dir, { throttling: false, checkpointBytes: Number.MAX_SAFE_INTEGER });
  await db.execute('CreateTable', createTable(0));
  const t0 = performance.now();
  await load(db, BACKFILL_ITEMS);
  const loadMs = performance.now() - t0;
  const start = performance.now();
  await db.execute('UpdateTable', {
    TableName: TABLE,
    AttributeDefinitions: [{ AttributeName: 'g0', AttributeType: 'S' }],
    GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'byG0', KeySchema: [{ AttributeName: 'g0', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } } }],
  });
  // Writes keep flowing during the backfill; their latency shows what the backfill slices cost them.
  const latencies: number[] = [];
  let writesDuring = 0;
  let active = false;
  const writer = (async () => {
    for (let i = BACKFILL_ITEMS; !active; i++) {
      const t = performance.now();
      await db.execute('PutItem', { TableName: TABLE, Item: item(i) });
      latencies.push(performance.now() - t);
      writesDuring++;
    }
  })();
  for (;;) {
    const t = ((await db.execute('DescribeTable', { TableName: TABLE })) as any).Table;
    if (t.GlobalSecondaryIndexes[0].IndexStatus === 'ACTIVE') break;
    await new Promise((r) => setTimeout(r, 5));
  }
  active = true;
  const backfillMs = performance.now() - start;
  await writer;
  const entries = db.tables.get(TABLE)!.secondary.get('byG0')!.itemCount;
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    items: BACKFILL_ITEMS,
    loadMs: Math.round(loadMs),
    backfillMs: Math.round(backfillMs),
    itemsPerSec: Math.round(BACKFILL_ITEMS / (backfillMs / 1000)),
    indexEntries: entries,
    writesDuringBackfill: writesDuring,
    writeLatencyDuringBackfill: summarize(latencies),
  };
}

async function main(): Promise<void> {
  const [mode, dir] = process.argv.slice(2);
  if (mode === 'open') return openChild(dir);
  const result: Record<string, unknown> = {};
  result.putItemWithGsis = [];
  for (const g of [0, 1, 5]) (result.putItemWithGsis as unknown[]).push(await writes(g));
  result.openWithGsis = [];
  for (const g of [0, 1, 5]) (result.openWithGsis as unknown[]).push(await openTime(g));
  result.backfill = await backfill();
  report('indexes.json', result);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
