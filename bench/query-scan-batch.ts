// Query, Scan and BatchWriteItem at scale, in process and over HTTP:
//   load    BatchWriteItem of BENCH_ITEMS items (default 1,000,000; 25 per call, several calls in flight), durable
//   query   a page of 100 items from one partition (100 items per partition), many queries in flight
//   scan    a full Scan with a filter matching 1% of the items, page after page (1 MB each)
// Each phase stops at BENCH_PHASE_LIMIT_S seconds (default 120) and reports how far it got.
// Prints one JSON object and writes bench/results/query-scan-batch.json.
import { report } from './lib/results';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Database } from '../src/engine/database';
import { startChild } from './lib/children';
import { encodeRequest, runLoad } from './lib/raw-client';
import { rawConnection } from './lib/raw-connection';
import { summarize } from './lib/stats';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const LIMIT_MS = Number(process.env.BENCH_PHASE_LIMIT_S ?? 120) * 1000;
const PER_PARTITION = 100;
const BATCH = 25;
const IN_FLIGHT_BATCHES = 16;
const TABLE = 'qsb';
const PARTITIONS = Math.max(1, Math.ceil(ITEMS / PER_PARTITION));

const pk = (p: number): string => `p${String(p).padStart(7, '0')}`;
/** ~200-byte items by DynamoDB's size rules; `cat` is 0-99, so `cat = 7` matches 1%. */
function item(i: number) {
  return {
    pk: { S: pk(Math.floor(i / PER_PARTITION)) },
    sk: { N: String(i % PER_PARTITION) },
    cat: { N: String((i * 37) % 100) },
    data: { S: (i.toString(36) + '-').repeat(30).slice(0, 160) },
  };
}

const createTable = {
  TableName: TABLE,
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'N' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  BillingMode: 'PAY_PER_REQUEST',
};

function batchInput(first: number) {
  const requests = [];
  for (let i = first; i < Math.min(first + BATCH, ITEMS); i++) requests.push({ PutRequest: { Item: item(i) } });
  return { RequestItems: { [TABLE]: requests } };
}

const queryInput = (i: number) => ({
  TableName: TABLE,
  KeyConditionExpression: 'pk = :p',
  ExpressionAttributeValues: { ':p': { S: pk((i * 7919) % PARTITIONS) } },
  Limit: 100,
});

const scanInput = (start?: unknown) => ({
  TableName: TABLE,
  FilterExpression: 'cat = :c',
  ExpressionAttributeValues: { ':c': { N: '7' } },
  ...(start ? { ExclusiveStartKey: start } : {}),
});

interface LoadFigures {
  items: number;
  calls: number;
  seconds: number;
  itemsPerSec: number;
  complete: boolean;
  [k: string]: unknown;
}

/** Runs `call(first, worker)` for every batch, IN_FLIGHT_BATCHES at a time, within the phase limit. */
async function loadBatches(call: (first: number, worker: number) => Promise<unknown>): Promise<LoadFigures> {
  const latencies: number[] = [];
  let next = 0;
  let loaded = 0;
  const start = performance.now();
  const deadline = start + LIMIT_MS;
  const worker = async (w: number): Promise<void> => {
    while (next < ITEMS && performance.now() < deadline) {
      const first = next;
      next += BATCH;
      const t = performance.now();
      await call(first, w);
      latencies.push(performance.now() - t);
      loaded += Math.min(BATCH, ITEMS - first);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT_BATCHES }, (_, w) => worker(w)));
  const seconds = (performance.now() - start) / 1000;
  return { items: loaded, calls: latencies.length, seconds: round(seconds), itemsPerSec: Math.round(loaded / seconds), complete: loaded === ITEMS, ...summarize(latencies) };
}

/** Pages through the whole table with `page(start)`; per-page latency, items read per second. */
async function fullScan(page: (start: unknown) => Promise<any>): Promise<Record<string, unknown>> {
  const latencies: number[] = [];
  let start: unknown;
  let scanned = 0;
  let matched = 0;
  const t0 = performance.now();
  do {
    const t = performance.now();
    const r = await page(start);
    latencies.push(performance.now() - t);
    scanned += r.ScannedCount;
    matched += r.Count;
    start = r.LastEvaluatedKey;
  } while (start && performance.now() - t0 < LIMIT_MS);
  const seconds = (performance.now() - t0) / 1000;
  return { pages: latencies.length, scanned, matched, seconds: round(seconds), itemsScannedPerSec: Math.round(scanned / seconds), complete: !start, pageLatency: summarize(latencies) };
}

async function measure(inFlight: number, op: (i: number) => Promise<unknown>): Promise<Record<string, unknown>> {
  const latencies: number[] = [];
  let done = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  const loop = async (w: number): Promise<void> => {
    for (let i = w; performance.now() < end; i += inFlight) {
      const t = performance.now();
      await op(i);
      latencies.push(performance.now() - t);
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, (_, w) => loop(w)));
  const seconds = (performance.now() - start) / 1000;
  return { opsPerSec: Math.round(done / seconds), ops: done, inFlight, ...summarize(latencies) };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

async function inProcess(): Promise<Record<string, unknown>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-qsb-'));
  const db = await Database.open(dir);
  try {
    await db.execute('CreateTable', createTable);
    const load = await loadBatches((first) => db.execute('BatchWriteItem', batchInput(first)));
    const query = await measure(16, (i) => db.execute('Query', queryInput(i)));
    const scan = await fullScan((start) => db.execute('Scan', scanInput(start)));
    return { batchWriteLoad: load, query100: query, scanWithFilter: scan };
  } finally {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function overHttp(): Promise<Record<string, unknown>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-qsb-http-'));
  const server = await startChild('disk', dir);
  const connections = Array.from({ length: IN_FLIGHT_BATCHES }, () => rawConnection(server.host, server.port));
  try {
    await connections[0]!.send('CreateTable', createTable);
    // One connection per worker: each carries one request at a time.
    const load = await loadBatches((first, w) => connections[w]!.send('BatchWriteItem', batchInput(first)));
    const requests = Array.from({ length: 4096 }, (_, i) => encodeRequest({ target: 'DynamoDB_20120810.Query', body: JSON.stringify(queryInput(i)) }));
    const q = await runLoad({ host: server.host, port: server.port, connections: 16, requests, durationMs: SECONDS * 1000, warmupMs: 500 });
    const query = { opsPerSec: Math.round(q.opsPerSec), ops: q.ops, connections: 16, errors: q.errors, p50Ms: q.p50Ms, p90Ms: q.p90Ms, p99Ms: q.p99Ms, maxMs: q.maxMs, meanMs: q.meanMs };
    const scan = await fullScan((start) => connections[0]!.send('Scan', scanInput(start)));
    return { batchWriteLoad: load, query100: query, scanWithFilter: scan };
  } finally {
    for (const conn of connections) conn.close();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = {
    node: process.version,
    cpus: os.cpus().length,
    items: ITEMS,
    itemsPerPartition: PER_PARTITION,
    secondsPerTimedPhase: SECONDS,
    phaseLimitSeconds: LIMIT_MS / 1000,
  };
  results.inProcess = await inProcess();
  results.http = await overHttp();
  report('query-scan-batch.json', results);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
