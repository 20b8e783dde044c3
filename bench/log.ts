// The write-ahead log's costs, for this build (NEW) and the build before the log rewrite (OLD,
// commit fde3f25) measured in the same run, so the goal can be checked as ratios: the new
// format no slower than the old by more than 10% on open and on PutItem.
//
// Measured per build, each in fresh child processes, through the public API only (Database.open,
// db.execute, db.close), so the harness drives both builds alike:
// - log bytes per insert and per overwrite of a ~200 B item: the growth of the written part of
//   the folder's files (up to their last non-zero byte: segments may be preallocated with zeros),
//   with checkpoints held off;
// - open time of a folder of ITEMS items written and closed cleanly (so checkpointed), and the
//   time that close took (writing the checkpoint; one sample) and the folder's size after it;
// - open time of a folder holding RECORDS put records of log to replay (the writer is killed, never
//   closed, so nothing is checkpointed), and the replay speed that gives in records/s;
// - PutItem throughput in-process, 'process' durability (the default), 1024 requests in flight.
// Opens and throughput run ROUNDS times, alternating the builds, and report medians of wall-clock
// and of CPU time: the machine is shared, so wall-clock samples are noisy.
//
// The OLD build is bundled with esbuild from a worktree at fde3f25 (OLD_SRC, default /work/wt-old,
// created with `git worktree add --detach` if missing).
// Sizes (env): LOG_BENCH_ITEMS (1,000,000), LOG_BENCH_RECORDS (2,000,000), LOG_BENCH_PUTS
// (500,000), LOG_BENCH_BYTES_ITEMS (20,000), LOG_BENCH_ROUNDS (3). Output: bench/results/log.json.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { Database as NewDatabase } from '../src/engine/database';
import { cpuMs, median, round, writtenBytes } from './lib/measure';
import { report } from './lib/results';
import { TABLE, createTableBody, item } from './lib/workload';

const OLD_COMMIT = 'fde3f25';
const OLD_SRC = process.env.OLD_SRC ?? '/work/wt-old';
const ITEMS = Number(process.env.LOG_BENCH_ITEMS ?? 1_000_000);
const RECORDS = Number(process.env.LOG_BENCH_RECORDS ?? 2_000_000);
const PUTS = Number(process.env.LOG_BENCH_PUTS ?? 500_000);
const BYTES_ITEMS = Number(process.env.LOG_BENCH_BYTES_ITEMS ?? 20_000);
const ROUNDS = Number(process.env.LOG_BENCH_ROUNDS ?? 3);
/** Distinct items in the replay folder: each is written RECORDS / REPLAY_KEYS times. */
const REPLAY_KEYS = Math.min(RECORDS, 500_000);
const IN_FLIGHT = 1024;
const NO_CHECKPOINT = { checkpointBytes: Number.MAX_SAFE_INTEGER };

type Build = 'new' | 'old';

/** The surface both builds share, and all this bench uses. */
interface Db {
  execute(op: string, input: unknown): Promise<unknown>;
  close(): Promise<void>;
  tables: Map<string, { itemCount: number }>;
}
interface DbClass {
  open(dir: string, options?: object): Promise<Db>;
}

// ---- children ----

function databaseClass(build: Build, oldBundle: string): DbClass {
  return build === 'new' ? (NewDatabase as unknown as DbClass) : (require(oldBundle) as { Database: DbClass }).Database;
}

const key = (i: number) => `p${String(i).padStart(8, '0')}`;

/** Puts `count` items (keys cycling over `keys`), IN_FLIGHT at a time. */
async function put(db: Db, count: number, keys: number, seed: number): Promise<void> {
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    pending.push(db.execute('PutItem', { TableName: TABLE, Item: item(key(i % keys), 's000', seed + i) }));
    if (pending.length >= IN_FLIGHT) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
}



async function child(task: string, Database: DbClass, dir: string, n: number): Promise<unknown> {
  switch (task) {
    case 'bytes': {
      const db = await Database.open(dir, NO_CHECKPOINT);
      await db.execute('CreateTable', JSON.parse(createTableBody));
      const start = writtenBytes(dir);
      await put(db, n, n, 0);
      const inserted = writtenBytes(dir);
      await put(db, n, n, 1_000_000);
      const overwritten = writtenBytes(dir);
      // No close: a clean close would checkpoint and change the folder being measured.
      return { logBytesPerInsert: (inserted - start) / n, logBytesPerOverwrite: (overwritten - inserted) / n };
    }
    case 'build-checkpointed': {
      const db = await Database.open(dir, NO_CHECKPOINT);
      await db.execute('CreateTable', JSON.parse(createTableBody));
      await put(db, n, n, 0);
      // Closing cleanly writes the checkpoint: its time is the time of a checkpoint of n items.
      const t = performance.now();
      await db.close();
      return { closeCheckpointMs: performance.now() - t, checkpointedFolderBytes: writtenBytes(dir) };
    }
    case 'build-log': {
      const db = await Database.open(dir, NO_CHECKPOINT);
      await db.execute('CreateTable', JSON.parse(createTableBody));
      await put(db, n, REPLAY_KEYS, 0);
      // Killed rather than closed: every acknowledged record is in the log and none checkpointed.
      return { records: n };
    }
    case 'open': {
      const t = performance.now();
      const cpu = process.cpuUsage();
      const db = await Database.open(dir, NO_CHECKPOINT);
      const openMs = performance.now() - t;
      const openCpuMs = cpuMs(cpu);
      // Not closed: closing would checkpoint, and the next round must open the same folder.
      return { openMs, openCpuMs, items: db.tables.get(TABLE)?.itemCount };
    }
    case 'put': {
      const db = await Database.open(dir);
      await db.execute('CreateTable', JSON.parse(createTableBody));
      await put(db, Math.min(n, 20_000), 8192, 0); // warm-up
      const t = performance.now();
      const cpu = process.cpuUsage();
      await put(db, n, 8192, 7);
      const putsPerSec = n / ((performance.now() - t) / 1000);
      const putsPerCpuSec = n / (cpuMs(cpu) / 1000);
      await db.close();
      return { putsPerSec, putsPerCpuSec };
    }
  }
  throw new Error(`unknown task ${task}`);
}

// ---- parent ----

function bundleOld(outDir: string): string {
  if (!fs.existsSync(path.join(OLD_SRC, 'src', 'engine', 'database.ts'))) {
    execFileSync('git', ['worktree', 'add', '--detach', OLD_SRC, OLD_COMMIT], { stdio: 'inherit' });
  }
  const out = path.join(outDir, 'old-database.js');
  // Required at run time: esbuild cannot be bundled into this bench.
  const { buildSync } = createRequire(__filename)('esbuild') as typeof import('esbuild');
  buildSync({ entryPoints: [path.join(OLD_SRC, 'src', 'engine', 'database.ts')], outfile: out, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning', nodePaths: [path.resolve('node_modules')] });
  return out;
}

function run(task: string, build: Build, dir: string, n: number, oldBundle: string): Record<string, number> {
  const args = [...process.execArgv, '--max-old-space-size=8192', __filename, 'child', task, build, dir, String(n), oldBundle];
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
}


async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-log-bench-'));
  const oldBundle = bundleOld(work);
  const builds: Build[] = ['new', 'old'];
  const folder = (build: Build, name: string) => path.join(work, `${build}-${name}`);
  const results: Record<Build, Record<string, unknown>> = { new: {}, old: {} };
  try {
    for (const build of builds) {
      console.error(`log bench: ${build}: log bytes, building folders`);
      Object.assign(results[build], run('bytes', build, folder(build, 'bytes'), BYTES_ITEMS, oldBundle));
      const { closeCheckpointMs, checkpointedFolderBytes } = run('build-checkpointed', build, folder(build, 'checkpointed'), ITEMS, oldBundle);
      Object.assign(results[build], { closeCheckpointMs: round(closeCheckpointMs), checkpointedFolderBytes });
      run('build-log', build, folder(build, 'log'), RECORDS, oldBundle);
    }
    const metrics = ['openCheckpointedMs', 'openCheckpointedCpuMs', 'openReplayMs', 'openReplayCpuMs', 'putsPerSec', 'putsPerCpuSec'] as const;
    type Metric = (typeof metrics)[number];
    const samples = { new: {}, old: {} } as Record<Build, Record<Metric, number[]>>;
    for (const build of builds) for (const m of metrics) samples[build][m] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // Alternating the order each round spreads a slow moment of the shared machine over both.
      for (const build of r % 2 === 0 ? builds : [...builds].reverse()) {
        console.error(`log bench: round ${r + 1}/${ROUNDS}: ${build}`);
        const s = samples[build];
        const checkpointed = run('open', build, folder(build, 'checkpointed'), 0, oldBundle);
        if (checkpointed.items !== ITEMS) throw new Error(`${build} opened ${checkpointed.items} items of ${ITEMS}`);
        s.openCheckpointedMs.push(checkpointed.openMs);
        s.openCheckpointedCpuMs.push(checkpointed.openCpuMs);
        const replay = run('open', build, folder(build, 'log'), 0, oldBundle);
        if (replay.items !== REPLAY_KEYS) throw new Error(`${build} replayed to ${replay.items} items of ${REPLAY_KEYS}`);
        s.openReplayMs.push(replay.openMs);
        s.openReplayCpuMs.push(replay.openCpuMs);
        const putDir = folder(build, `put-${r}`);
        const puts = run('put', build, putDir, PUTS, oldBundle);
        s.putsPerSec.push(puts.putsPerSec);
        s.putsPerCpuSec.push(puts.putsPerCpuSec);
        fs.rmSync(putDir, { recursive: true, force: true });
      }
    }
    // Medians of wall-clock times, and of CPU times: other work on the shared machine stretches
    // the wall clock far more than the CPU a build spends (wall samples ranged 2x in one run).
    for (const build of builds) {
      const s = samples[build];
      for (const m of metrics) results[build][m] = round(median(s[m]));
      results[build].replayRecordsPerSec = round(RECORDS / (median(s.openReplayMs) / 1000));
      results[build].replayRecordsPerCpuSec = round(RECORDS / (median(s.openReplayCpuMs) / 1000));
      results[build].samples = Object.fromEntries(metrics.map((m) => [m, s[m].map((x) => round(x))]));
    }
    const ratio = (k: string) => round((results.new[k] as number) / (results.old[k] as number), 3);
    const ratios = Object.fromEntries(['logBytesPerInsert', 'logBytesPerOverwrite', 'closeCheckpointMs', 'checkpointedFolderBytes', ...metrics].map((k) => [k, ratio(k)]));
    // The goal: open no more than 10% slower, PutItem throughput no more than 10% lower.
    const goal = (open1: string, open2: string, puts: string) => ({
      openCheckpointed: ratios[open1] <= 1.1,
      openReplay: ratios[open2] <= 1.1,
      putItem: ratios[puts] >= 1 / 1.1,
    });
    report('log.json', {
      config: { items: ITEMS, records: RECORDS, replayKeys: REPLAY_KEYS, puts: PUTS, bytesItems: BYTES_ITEMS, rounds: ROUNDS, old: OLD_COMMIT, durability: 'process', cpus: os.cpus().length },
      new: results.new,
      old: results.old,
      ratiosNewOverOld: ratios,
      goal: { wallClock: goal('openCheckpointedMs', 'openReplayMs', 'putsPerSec'), cpuTime: goal('openCheckpointedCpuMs', 'openReplayCpuMs', 'putsPerCpuSec') },
    });
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'child') {
  const [, , , task, build, dir, n, oldBundle] = process.argv;
  child(task, databaseClass(build as Build, oldBundle), dir, Number(n)).then(
    (result) => {
      console.log(JSON.stringify(result));
      process.exit(0);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
} else {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
