// TransactWriteItems of 10 items against the same 10 items written by 10 PutItems, in the same
// run, in process and over HTTP, on a durable folder (default 'process' durability):
//   tx10     one TransactWriteItems of 10 Puts (one log record), TX_IN_FLIGHT requests in flight
//   puts10   10 PutItems sent together (10 log records); a unit ends when all 10 are answered
// In process the phases alternate ROUNDS times (the heap grows as items are added, so whichever
// runs later is slower): medians per field, and each round's ratio.
// Figures: units per second, items per second, p50/p99 of a unit, and tx10/puts10 (items/s ratio).
// Over HTTP, puts10 is measured as single PutItems on 10x the connections (items per second
// compare directly; the latency is one PutItem's). Prints JSON; writes bench/results/transactions.json.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Database } from '../src/engine/database';
import { startChild } from './lib/children';
import { encodeRequest, runLoad } from './lib/raw-client';
import { rawConnection } from './lib/raw-connection';
import { report } from './lib/results';
import { summarize } from './lib/stats';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const IN_FLIGHT = Number(process.env.TX_IN_FLIGHT ?? 16);
const ITEMS_PER_UNIT = 10;
/** In process, the two phases alternate this many times; figures are medians per field. */
const ROUNDS = Number(process.env.TX_ROUNDS ?? 3);
const TABLE = 'transfers';

const createTable = {
  TableName: TABLE,
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  BillingMode: 'PAY_PER_REQUEST',
};

/** ~150-byte items; keys cycle over 200,000, so that after the warm-up both phases mostly overwrite. */
const item = (n: number) => ({ pk: { S: `k${n % 200_000}` }, n: { N: String(n) }, data: { S: 'x'.repeat(120) } });
const putInput = (n: number) => ({ TableName: TABLE, Item: item(n) });
const txInput = (unit: number) => ({
  TransactItems: Array.from({ length: ITEMS_PER_UNIT }, (_, i) => ({ Put: { TableName: TABLE, Item: item(unit * ITEMS_PER_UNIT + i) } })),
});

async function measure(unit: (u: number) => Promise<unknown>): Promise<Record<string, number>> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  const loop = async (): Promise<void> => {
    while (performance.now() < end) {
      const u = next++;
      const t = performance.now();
      await unit(u);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, loop));
  const seconds = (performance.now() - start) / 1000;
  const s = summarize(latencies);
  return { unitsPerSec: Math.round(latencies.length / seconds), itemsPerSec: Math.round((latencies.length * ITEMS_PER_UNIT) / seconds), units: latencies.length, p50Ms: s.p50Ms, p99Ms: s.p99Ms, maxMs: s.maxMs };
}

function median(rounds: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(rounds[0]!)) {
    const v = rounds.map((r) => r[k]!).sort((a, b) => a - b);
    out[k] = v[Math.floor(v.length / 2)]!;
  }
  return out;
}

const ratio = (tx: Record<string, number>, puts: Record<string, number>): number => Math.round((tx.itemsPerSec! / puts.itemsPerSec!) * 100) / 100;

async function inProcess(): Promise<Record<string, unknown>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-bench-tx-'));
  const db = await Database.open(dir);
  try {
    await db.execute('CreateTable', createTable);
    // Warm-up of both paths, then alternate the measured phases so neither has the warmer heap.
    await measureOnce(db);
    const txRounds: Record<string, number>[] = [];
    const putRounds: Record<string, number>[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      txRounds.push(await measure((u) => db.execute('TransactWriteItems', txInput(r * 1_000_000 + u))));
      putRounds.push(await measure((u) => Promise.all(Array.from({ length: ITEMS_PER_UNIT }, (_, i) => db.execute('PutItem', putInput(10_000_000 + r * 1_000_000 + u * ITEMS_PER_UNIT + i))))));
    }
    const tx10 = median(txRounds);
    const puts10 = median(putRounds);
    return { tx10, puts10, itemsPerSecRatio: ratio(tx10, puts10), rounds: ROUNDS, roundRatios: txRounds.map((t, r) => ratio(t, putRounds[r]!)) };
  } finally {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function measureOnce(db: Database): Promise<void> {
  for (let u = 0; u < 200; u++) {
    await db.execute('TransactWriteItems', txInput(5_000_000 + u));
    await Promise.all(Array.from({ length: ITEMS_PER_UNIT }, (_, i) => db.execute('PutItem', putInput(7_000_000 + u * ITEMS_PER_UNIT + i))));
  }
}

async function overHttp(): Promise<Record<string, unknown>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-bench-tx-http-'));
  const server = await startChild('disk', dir);
  try {
    const conn = rawConnection(server.host, server.port);
    await conn.send('CreateTable', createTable);
    conn.close();
    const encode = (target: string, body: unknown) => encodeRequest({ target: `DynamoDB_20120810.${target}`, body: JSON.stringify(body) });
    const txRequests = Array.from({ length: 4096 }, (_, u) => encode('TransactWriteItems', txInput(u)));
    const putRequests = Array.from({ length: 4096 * ITEMS_PER_UNIT }, (_, n) => encode('PutItem', putInput(3_000_000 + n)));
    const t = await runLoad({ host: server.host, port: server.port, connections: IN_FLIGHT, requests: txRequests, durationMs: SECONDS * 1000, warmupMs: 500 });
    const p = await runLoad({ host: server.host, port: server.port, connections: IN_FLIGHT * ITEMS_PER_UNIT, requests: putRequests, durationMs: SECONDS * 1000, warmupMs: 500 });
    const tx10 = { unitsPerSec: Math.round(t.opsPerSec), itemsPerSec: Math.round(t.opsPerSec * ITEMS_PER_UNIT), errors: t.errors, p50Ms: t.p50Ms, p99Ms: t.p99Ms, maxMs: t.maxMs };
    const putItem = { requestsPerSec: Math.round(p.opsPerSec), itemsPerSec: Math.round(p.opsPerSec), errors: p.errors, p50Ms: p.p50Ms, p99Ms: p.p99Ms, maxMs: p.maxMs };
    return { tx10, putItem, itemsPerSecRatio: Math.round((tx10.itemsPerSec / putItem.itemsPerSec) * 100) / 100, ...(t.firstError || p.firstError ? { firstError: t.firstError ?? p.firstError } : {}) };
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = { node: process.version, cpus: os.cpus().length, secondsPerPhase: SECONDS, inFlight: IN_FLIGHT, itemsPerUnit: ITEMS_PER_UNIT };
  results.inProcess = await inProcess();
  results.http = await overHttp();
  report('transactions.json', results);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
