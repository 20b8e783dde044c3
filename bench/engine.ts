// In-process engine benchmarks: GetItem, durable PutItem under group commit (in each durability
// mode), Query of 10 items; and, in the same run, the machine's ceiling for the GetItem and
// durable PutItem workloads (bench/lib/ceiling.ts), which the engine's figures are read against.
// Prints one JSON object and writes bench/results/engine.json.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Database } from '../src/engine/database';
import { BareDurableWrites, BareReads } from './lib/ceiling';
import { report } from './lib/results';
import { summarize } from './lib/stats';
import { TABLE, createTableBody, item, pk, sk } from './lib/workload';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

async function load(db: Database, partitions: number, perPartition: number): Promise<void> {
  await db.execute('CreateTable', JSON.parse(createTableBody));
  const batch: Promise<unknown>[] = [];
  for (let p = 0; p < partitions; p++) {
    for (let s = 0; s < perPartition; s++) {
      batch.push(db.execute('PutItem', { TableName: TABLE, Item: item(pk(p), sk(s), p * perPartition + s) }));
      if (batch.length >= 256) await Promise.all(batch.splice(0));
    }
  }
  await Promise.all(batch);
}

/** Runs `op` with `inFlight` concurrent loops for SECONDS; latency of every call is recorded. */
async function measure(inFlight: number, op: (i: number) => Promise<unknown>): Promise<Record<string, unknown>> {
  const latencies: number[] = [];
  let done = 0;
  const end = performance.now() + SECONDS * 1000;
  const start = performance.now();
  const loop = async (w: number) => {
    let i = w;
    while (performance.now() < end) {
      const t = performance.now();
      await op(i);
      latencies.push(performance.now() - t);
      i += inFlight;
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, (_, w) => loop(w)));
  const seconds = (performance.now() - start) / 1000;
  return { opsPerSec: Math.round(done / seconds), ops: done, inFlight, ...summarize(latencies) };
}

/** GetItem called back to back without awaiting each (as a caller holding many keys would). */
function getThroughput(getItem: (input: { TableName: string; Key: any }) => Promise<unknown>, keys: number): Record<string, unknown> {
  const inputs = Array.from({ length: 4096 }, (_, i) => ({ TableName: TABLE, Key: { pk: { S: pk((i * 7919) % keys) }, sk: { S: sk(i % 10) } } }));
  let n = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  const latencies: number[] = [];
  while (performance.now() < end) {
    for (let i = 0; i < 4096; i++) void getItem(inputs[i]);
    n += 4096;
    const t = performance.now();
    void getItem(inputs[n % 4096]);
    latencies.push(performance.now() - t);
  }
  const seconds = (performance.now() - start) / 1000;
  return { opsPerSec: Math.round(n / seconds), ops: n, tableItems: keys * 10, ...summarize(latencies) };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** The same GetItem and durable PutItem workloads served by bench/lib/ceiling.ts. */
async function measureCeiling(): Promise<Record<string, unknown>> {
  const items = function* () {
    for (let p = 0; p < 10_000; p++) for (let s = 0; s < 10; s++) yield item(pk(p), sk(s), p * 10 + s);
  };
  const reads = BareReads.asObjects(TABLE, items());
  const getItem = getThroughput((input) => reads.getItem(input), 10_000);
  const compact = BareReads.compact(TABLE, items());
  const getItemCompact = getThroughput((input) => compact.getItem(input), 10_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-bench-'));
  const writes = new BareDurableWrites(dir, TABLE);
  try {
    const durablePutItem = await measure(64, (i) => writes.putItem({ TableName: TABLE, Item: item(pk(i % 100_000), sk(i % 10), i) }));
    // The 64 writers building their requests, with puts that do nothing: what the harness costs.
    const emptyPutItem = await measure(64, (i) => Promise.resolve(item(pk(i % 100_000), sk(i % 10), i)));
    return { getItem, getItemCompact, durablePutItem, emptyPutItem };
  } finally {
    writes.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = { node: process.version, cpus: os.cpus().length, secondsPerPhase: SECONDS };
  // The ceiling first, on a heap that holds nothing else: if anything, it comes out high.
  results.ceiling = await measureCeiling();
  const mem = await Database.open('', { inMemory: true });
  await load(mem, 10_000, 10);
  results.getItem = getThroughput((input) => mem.execute('GetItem', input), 10_000);
  results.getItemAwaited = await measure(64, (i) => mem.execute('GetItem', { TableName: TABLE, Key: { pk: { S: pk((i * 7919) % 10_000) }, sk: { S: sk(i % 10) } } }));
  results.query10 = await measure(64, (i) =>
    mem.execute('Query', { TableName: TABLE, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: pk((i * 7919) % 10_000) } } }),
  );
  // The same writes as the durable phases below, without a log: what the write path costs in CPU.
  results.memoryPutItem = await measure(64, (i) => mem.execute('PutItem', { TableName: TABLE, Item: item(pk(i % 100_000), sk(i % 10), i) }));
  await mem.close();

  // 'process' (the default): acknowledged once written to the kernel; 'disk': once on the disk.
  for (const [name, durability] of [
    ['durablePutItem', 'process'],
    ['durablePutItemDiskSync', 'disk'],
  ] as const) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-bench-'));
    const disk = await Database.open(dir, { durability });
    await disk.execute('CreateTable', JSON.parse(createTableBody));
    results[name] = await measure(64, (i) => disk.execute('PutItem', { TableName: TABLE, Item: item(pk(i % 100_000), sk(i % 10), i) }));
    await disk.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const rate = (r: unknown): number => (r as { opsPerSec: number }).opsPerSec;
  const ceiling = results.ceiling as Record<string, unknown>;
  results.targets = {
    getItem: {
      target: 1_000_000,
      engine: rate(results.getItem),
      ceiling: rate(ceiling.getItem),
      engineOfCeiling: round2(rate(results.getItem) / rate(ceiling.getItem)),
      compactCeiling: rate(ceiling.getItemCompact),
      engineOfCompactCeiling: round2(rate(results.getItem) / rate(ceiling.getItemCompact)),
    },
    durablePutItem: {
      target: 200_000,
      engine: rate(results.durablePutItem),
      ceiling: rate(ceiling.durablePutItem),
      engineOfCeiling: round2(rate(results.durablePutItem) / rate(ceiling.durablePutItem)),
    },
  };

  report('engine.json', results);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
