// Issue 14's figures, each against a reference measured in the same run (the machine is shared,
// so only ratios taken side by side mean anything):
// - RestoreTableToPointInTime of an N-item table (default 1,000,000) with N changes in its PITR
//   window, to a second in the middle of those changes, from the call to the new table being
//   ACTIVE; against the time to open a folder of N items of the same shape (goal: at most 3x).
//   The restored table is checked: N items, the first half of the changes in it, the second not.
// - PutItem/s with PITR on against off (goal: at least 0.9), also per CPU second (steadier on a
//   shared machine), and the folder's growth per put in both (disk kept per change), PUTS puts
//   after a warm-up, alternating on and off PUT_ROUNDS times.
// - ExportTableToPointInTime of the N items (DYNAMODB_JSON) and ImportTable of that export into
//   a new table, in items/s, from the call to COMPLETED.
// Every step runs in a fresh child process through the public API (Database.open, db.execute),
// so one step's heap and caches never flatter the next. Sizes (env): BENCH_BACKUP_ITEMS,
// BENCH_BACKUP_PUTS (200,000), BENCH_BACKUP_ROUNDS (3), BENCH_BACKUP_PUT_ROUNDS (5). Output: bench/results/backups.json.
// For working on the restore: BENCH_BACKUP_ONLY=restore measures only the open and the restore
// (no result file written), and BENCH_BACKUP_KEEP=<dir> builds the two folders there once and
// reuses them in later runs (building them takes minutes). BENCH_BACKUP_PROFILE=<dir> runs the
// restore children with --cpu-prof, writing their profiles there.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Database } from '../src/engine/database';
import { cpuMs, median, round, writtenBytes } from './lib/measure';
import { report } from './lib/results';
import { TABLE, createTableBody, item } from './lib/workload';

const N = Number(process.env.BENCH_BACKUP_ITEMS ?? 1_000_000);
const PUTS = Number(process.env.BENCH_BACKUP_PUTS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_BACKUP_ROUNDS ?? 3);
/** PutItem rounds are cheap and noisy: more of them. */
const PUT_ROUNDS = Number(process.env.BENCH_BACKUP_PUT_ROUNDS ?? 5);
const IN_FLIGHT = 1024;
const HALF = Math.floor(N / 2);
const ONLY_RESTORE = process.env.BENCH_BACKUP_ONLY === 'restore';
const KEEP = process.env.BENCH_BACKUP_KEEP;
const PROFILE = process.env.BENCH_BACKUP_PROFILE;
const NO_CHECKPOINT = { checkpointBytes: Number.MAX_SAFE_INTEGER };

const key = (i: number) => `p${String(i).padStart(8, '0')}`;

/** Puts items `from`..`to`-1 (keys cycling over `keys`) with seeds offset by `seed`, IN_FLIGHT at a time. */
async function put(db: Database, from: number, to: number, seed: number, keys = N): Promise<void> {
  const pending: Promise<unknown>[] = [];
  for (let i = from; i < to; i++) {
    pending.push(db.execute('PutItem', { TableName: TABLE, Item: item(key(i % keys), 's000', seed + i) }));
    if (pending.length >= IN_FLIGHT) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
}

const enablePitr = (db: Database) =>
  db.execute('UpdateContinuousBackups', { TableName: TABLE, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` every 20 ms until it answers true. */
async function until(probe: () => Promise<boolean>): Promise<void> {
  while (!(await probe())) await sleep(20);
}

async function child(task: string, dir: string, arg: string): Promise<unknown> {
  switch (task) {
    case 'build-plain': {
      const db = await Database.open(dir, NO_CHECKPOINT);
      await db.execute('CreateTable', JSON.parse(createTableBody));
      await put(db, 0, N, 0);
      await db.close();
      return { folderBytes: writtenBytes(dir) };
    }
    case 'open': {
      const t = performance.now();
      const cpu = process.cpuUsage();
      const db = await Database.open(dir);
      // Not closed: the next round opens the same folder as this one found it.
      return { openMs: performance.now() - t, openCpuMs: cpuMs(cpu), items: db.tables.get(TABLE)?.itemCount };
    }
    case 'build-pitr': {
      const db = await Database.open(dir);
      await db.execute('CreateTable', JSON.parse(createTableBody));
      await enablePitr(db);
      await put(db, 0, N, 0);
      const beforeChanges = writtenBytes(dir);
      // N changes, each overwriting one of the N items; the middle second falls between the halves.
      await put(db, 0, HALF, N);
      const middle = Math.ceil((Date.now() + 1) / 1000) * 1000;
      await sleep(middle + 1100 - Date.now());
      await put(db, HALF, N, N);
      const afterChanges = writtenBytes(dir);
      await db.close();
      return { middle, diskBytesPerChangePitrOn: (afterChanges - beforeChanges) / N, folderBytes: writtenBytes(dir) };
    }
    case 'restore': {
      const db = await Database.open(dir);
      for (const table of db.tables.values()) table.settle();
      const target = `restored-${Date.now()}`;
      const t = performance.now();
      const cpu = process.cpuUsage();
      await db.execute('RestoreTableToPointInTime', { SourceTableName: TABLE, TargetTableName: target, RestoreDateTime: Number(arg) / 1000 });
      // Answered once the table at T is known (read from the history); ACTIVE once its record is durable.
      const answeredMs = performance.now() - t;
      const answeredCpuMs = cpuMs(cpu);
      await until(async () => ((await db.execute('DescribeTable', { TableName: target })) as any).Table.TableStatus === 'ACTIVE');
      const restoreMs = performance.now() - t;
      const restoreCpuMs = cpuMs(cpu);
      const described = (await db.execute('DescribeTable', { TableName: target })) as any;
      const seed = async (i: number) => Number(((await db.execute('GetItem', { TableName: target, Key: { pk: { S: key(i) }, sk: { S: 's000' } } })) as any).Item?.n?.N);
      // The first half of the changes came before the middle second, the second half after it.
      const check = { items: described.Table.ItemCount, firstChanged: (await seed(0)) === N, lastUnchanged: (await seed(N - 1)) === N - 1 };
      if (check.items !== N || !check.firstChanged || !check.lastUnchanged) throw new Error(`wrong restore: ${JSON.stringify(check)}`);
      return { restoreMs, restoreCpuMs, answeredMs, answeredCpuMs };
    }
    case 'put': {
      const db = await Database.open(dir);
      await db.execute('CreateTable', JSON.parse(createTableBody));
      if (arg === 'on') await enablePitr(db);
      await put(db, 0, Math.min(PUTS, 20_000), 0, 8192); // warm-up
      const start = writtenBytes(dir);
      const t = performance.now();
      const cpu = process.cpuUsage();
      await put(db, 0, PUTS, 7, 8192);
      const putsPerSec = PUTS / ((performance.now() - t) / 1000);
      // Per CPU second too: on a shared machine wall-clock rates swing with the neighbours' load.
      const putsPerCpuSec = PUTS / (cpuMs(cpu) / 1000);
      const bytesPerPut = (writtenBytes(dir) - start) / PUTS;
      await db.close();
      return { putsPerSec, putsPerCpuSec, bytesPerPut };
    }
    case 'export-import': {
      const db = await Database.open(dir, { bucketsRoot: arg });
      for (const table of db.tables.values()) table.settle();
      const arn = ((await db.execute('DescribeTable', { TableName: TABLE })) as any).Table.TableArn;
      let t = performance.now();
      const exp = ((await db.execute('ExportTableToPointInTime', { TableArn: arn, S3Bucket: 'bench', ExportFormat: 'DYNAMODB_JSON' })) as any).ExportDescription;
      let done: any;
      await until(async () => (done = ((await db.execute('DescribeExport', { ExportArn: exp.ExportArn })) as any).ExportDescription).ExportStatus !== 'IN_PROGRESS');
      const exportMs = performance.now() - t;
      if (done.ExportStatus !== 'COMPLETED' || done.ItemCount !== N) throw new Error(`export: ${JSON.stringify(done)}`);
      const dataPrefix = path.posix.join(path.posix.dirname(done.ExportManifest), 'data') + '/';
      t = performance.now();
      const imp = ((await db.execute('ImportTable', {
        S3BucketSource: { S3Bucket: 'bench', S3KeyPrefix: dataPrefix },
        InputFormat: 'DYNAMODB_JSON',
        InputCompressionType: 'GZIP',
        TableCreationParameters: { ...JSON.parse(createTableBody), TableName: 'imported' },
      })) as any).ImportTableDescription;
      await until(async () => (done = ((await db.execute('DescribeImport', { ImportArn: imp.ImportArn })) as any).ImportTableDescription).ImportStatus !== 'IN_PROGRESS');
      await until(async () => ((await db.execute('DescribeTable', { TableName: 'imported' })) as any).Table.TableStatus === 'ACTIVE');
      const importMs = performance.now() - t;
      if (done.ImportStatus !== 'COMPLETED' || done.ImportedItemCount !== N) throw new Error(`import: ${JSON.stringify(done)}`);
      return { exportItemsPerSec: N / (exportMs / 1000), importItemsPerSec: N / (importMs / 1000), exportMs, importMs };
    }
  }
  throw new Error(`unknown task ${task}`);
}

// ---- parent ----

function run(task: string, dir: string, arg = ''): Record<string, number> {
  const profile = PROFILE !== undefined && task === 'restore' ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : [];
  const args = [...process.execArgv, ...profile, '--max-old-space-size=8192', __filename, 'child', task, dir, arg];
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
}

const log = (s: string) => console.error(`[backups] ${s}`);

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-backups-bench-'));
  try {
    const kept = KEEP === undefined ? work : path.join(KEEP, String(N));
    const plain = path.join(kept, 'plain');
    const pitr = path.join(kept, 'pitr');
    const builtFile = path.join(kept, 'built.json');
    let built: Record<string, number>;
    if (KEEP !== undefined && fs.existsSync(builtFile)) built = JSON.parse(fs.readFileSync(builtFile, 'utf8'));
    else {
      fs.rmSync(kept, { recursive: true, force: true });
      fs.mkdirSync(kept, { recursive: true });
      log(`building a folder of ${N} items (the reference)`);
      run('build-plain', plain);
      log(`building a PITR folder of ${N} items and ${N} changes`);
      built = run('build-pitr', pitr);
      if (KEEP !== undefined) fs.writeFileSync(builtFile, JSON.stringify(built));
    }

    execFileSync('sync');
    const opens: number[] = [];
    const openCpus: number[] = [];
    const restores: number[] = [];
    const restoreCpus: number[] = [];
    const answered: number[] = [];
    const answeredCpus: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const o = run('open', plain);
      opens.push(o.openMs!);
      openCpus.push(o.openCpuMs!);
      // Each round restores in its own copy, so every round finds the folder as it was built.
      const copy = path.join(work, `pitr-${r}`);
      fs.cpSync(pitr, copy, { recursive: true });
      // The copy's gigabyte of dirty pages would otherwise be flushed inside the restore's fsyncs.
      execFileSync('sync');
      const rs = run('restore', copy, String(built.middle));
      fs.rmSync(copy, { recursive: true, force: true });
      restores.push(rs.restoreMs!);
      restoreCpus.push(rs.restoreCpuMs!);
      answered.push(rs.answeredMs!);
      answeredCpus.push(rs.answeredCpuMs!);
      log(`round ${r + 1}: open ${round(o.openMs!)} ms (CPU ${round(o.openCpuMs!)}), restore ${round(rs.restoreMs!)} ms (CPU ${round(rs.restoreCpuMs!)}; answered after ${round(rs.answeredMs!)} ms)`);
    }

    if (ONLY_RESTORE) {
      const restoreMs = median(restores);
      const openMs = median(opens);
      console.log(JSON.stringify({ openMs: round(openMs), restoreMs: round(restoreMs), ratioToOpen: round(restoreMs / openMs, 2), cpuRatioToOpen: round(median(restoreCpus) / median(openCpus), 2) }));
      return;
    }

    const on: Record<string, number>[] = [];
    const off: Record<string, number>[] = [];
    for (let r = 0; r < PUT_ROUNDS; r++) {
      for (const mode of r % 2 ? ['on', 'off'] : ['off', 'on']) {
        const dir = path.join(work, `put-${mode}-${r}`);
        (mode === 'on' ? on : off).push(run('put', dir, mode));
        fs.rmSync(dir, { recursive: true, force: true });
      }
      log(`round ${r + 1}: PutItem/s off ${round(off[r]!.putsPerSec!)}, on ${round(on[r]!.putsPerSec!)}; per CPU second off ${round(off[r]!.putsPerCpuSec!)}, on ${round(on[r]!.putsPerCpuSec!)}`);
    }

    log(`export and import of ${N} items`);
    const ei = run('export-import', pitr, path.join(work, 'buckets'));

    const openMs = median(opens);
    const restoreMs = median(restores);
    const openCpuMs = median(openCpus);
    const restoreCpuMs = median(restoreCpus);
    const putsCpuOff = median(off.map((x) => x.putsPerCpuSec!));
    const putsCpuOn = median(on.map((x) => x.putsPerCpuSec!));
    const putsOff = median(off.map((x) => x.putsPerSec!));
    const putsOn = median(on.map((x) => x.putsPerSec!));
    const result = {
      items: N,
      changesInWindow: N,
      rounds: ROUNDS,
      reference: { openMsOfNItemFolder: round(openMs), openCpuMs: round(openCpuMs), openSamplesMs: opens.map((x) => round(x)) },
      restoreToPointInTime: {
        restoreMs: round(restoreMs),
        restoreCpuMs: round(restoreCpuMs),
        answeredMs: round(median(answered)),
        answeredCpuMs: round(median(answeredCpus)),
        samplesMs: restores.map((x) => round(x)),
        ratioToOpen: round(restoreMs / openMs, 2),
        cpuRatioToOpen: round(restoreCpuMs / openCpuMs, 2),
        goal: '<= 3',
        met: restoreMs / openMs <= 3,
      },
      putItem: {
        putsPerSecPitrOff: round(putsOff),
        putsPerSecPitrOn: round(putsOn),
        ratioOnToOff: round(putsOn / putsOff, 3),
        putsPerCpuSecPitrOff: round(putsCpuOff),
        putsPerCpuSecPitrOn: round(putsCpuOn),
        cpuRatioOnToOff: round(putsCpuOn / putsCpuOff, 3),
        goal: '>= 0.9',
        met: putsOn / putsOff >= 0.9,
        diskBytesPerPutPitrOff: round(median(off.map((x) => x.bytesPerPut!)), 1),
        diskBytesPerPutPitrOn: round(median(on.map((x) => x.bytesPerPut!)), 1),
      },
      diskBytesPerChangePitrOn: round(built.diskBytesPerChangePitrOn!, 1),
      pitrFolderBytes: built.folderBytes,
      exportItemsPerSec: round(ei.exportItemsPerSec!),
      importItemsPerSec: round(ei.importItemsPerSec!),
    };
    report('backups.json', result);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'child') {
  child(process.argv[3]!, process.argv[4]!, process.argv[5] ?? '')
    .then((r) => {
      console.log(JSON.stringify(r));
      // Children that opened a folder without closing it exit here, as a kill would leave it.
      process.exit(0);
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
} else {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
