// ExecuteStatement SELECT by full key against GetItem of the same items, in the same run:
//   in process  db.executeJson (what the HTTP endpoint calls), alternating rounds of each
//   over HTTP   a server child on memory, raw keep-alive connections, alternating rounds
// The statement is sent with `?` parameters (its text is the same every call, as applications
// send it) and with the key spelled in the text (a new text per key, so each call parses).
// Goal: ExecuteStatement at least 0.7 of GetItem's throughput. On a machine shared with other
// work, calls per second swing with the neighbours' load, so each kind's CPU per call (this
// process in process, the server child over HTTP) is reported too, and its ratio (GetItem's CPU
// per call over ExecuteStatement's) is the steadier figure. Writes bench/results/partiql.json.
import { performance } from 'node:perf_hooks';
import { Database } from '../src/engine/database';
import { startChild } from './lib/children';
import { encodeRequest, runLoad } from './lib/raw-client';
import { report } from './lib/results';
import { summarize } from './lib/stats';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 10_000);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TABLE = 'pqb';

const createTable = {
  TableName: TABLE,
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  BillingMode: 'PAY_PER_REQUEST',
};
const pk = (i: number) => `p${String(Math.floor(i / 10)).padStart(6, '0')}`;
const sk = (i: number) => String(i % 10);
const item = (i: number) => ({ pk: { S: pk(i) }, sk: { N: sk(i) }, name: { S: `item ${i}` }, n: { N: String(i) }, tags: { SS: ['a', 'b'] } });

const key = (i: number) => i * 7919 % ITEMS;
const requests = {
  GetItem: (i: number) => ({ TableName: TABLE, Key: { pk: { S: pk(key(i)) }, sk: { N: sk(key(i)) } } }),
  ExecuteStatement: (i: number) => ({ Statement: `SELECT * FROM ${TABLE} WHERE pk = ? AND sk = ?`, Parameters: [{ S: pk(key(i)) }, { N: sk(key(i)) }] }),
  ExecuteStatementLiteral: (i: number) => ({ Statement: `SELECT * FROM ${TABLE} WHERE pk = '${pk(key(i))}' AND sk = ${sk(key(i))}` }),
};
type Kind = keyof typeof requests;
const KINDS = Object.keys(requests) as Kind[];
const operationOf = (k: Kind) => (k === 'GetItem' ? 'GetItem' : 'ExecuteStatement');

async function load(db: Database): Promise<void> {
  await db.execute('CreateTable', createTable);
  for (let i = 0; i < ITEMS; i += 25) {
    const batch = [];
    for (let j = i; j < Math.min(i + 25, ITEMS); j++) batch.push({ PutRequest: { Item: item(j) } });
    await db.execute('BatchWriteItem', { RequestItems: { [TABLE]: batch } });
  }
}

/** Calls per second of one kind for ROUND_MS, 8 in flight, their latencies, and CPU µs per call. */
async function round(db: Database, kind: Kind, samples: number[], cpu: number[]): Promise<number> {
  const op = operationOf(kind);
  const make = requests[kind];
  let done = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const end = start + ROUND_MS;
  await Promise.all(Array.from({ length: 8 }, async (_, w) => {
    for (let i = w; performance.now() < end; i += 8) {
      const t = performance.now();
      await db.executeJson(op, make(i));
      samples.push(performance.now() - t);
      done++;
    }
  }));
  const used = process.cpuUsage(cpu0);
  cpu.push((used.user + used.system) / done);
  return done / ((performance.now() - start) / 1000);
}

const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
const fresh = (): Record<Kind, number[]> => ({ GetItem: [], ExecuteStatement: [], ExecuteStatementLiteral: [] });

function figures(rates: Record<Kind, number[]>, cpu: Record<Kind, number[]>, latencies?: Record<Kind, number[]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of KINDS) {
    out[k] = { opsPerSec: Math.round(median(rates[k])), rounds: rates[k].map(Math.round), cpuMicrosPerCall: Math.round(median(cpu[k]) * 100) / 100, ...(latencies ? summarize(latencies[k]) : {}) };
  }
  out.ratio = ratio(median(rates.ExecuteStatement), median(rates.GetItem));
  out.ratioLiteral = ratio(median(rates.ExecuteStatementLiteral), median(rates.GetItem));
  out.cpuRatio = ratio(median(cpu.GetItem), median(cpu.ExecuteStatement));
  out.cpuRatioLiteral = ratio(median(cpu.GetItem), median(cpu.ExecuteStatementLiteral));
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function inProcess(): Promise<Record<string, unknown>> {
  const db = await Database.open('', { inMemory: true });
  try {
    await load(db);
    const rates = fresh();
    const latencies = fresh();
    const cpu = fresh();
    for (const k of KINDS) await round(db, k, [], []); // warm-up
    for (let r = 0; r < ROUNDS; r++) for (const k of KINDS) rates[k].push(await round(db, k, latencies[k], cpu[k]));
    return figures(rates, cpu, latencies);
  } finally {
    await db.close();
  }
}

async function overHttp(): Promise<Record<string, unknown>> {
  const child = await startChild('memory');
  try {
    const send = async (target: string, body: unknown) => {
      const r = await fetch(child.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${target}`, authorization: 'AWS4-HMAC-SHA256 Credential=a/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' }, body: JSON.stringify(body) });
      if (!r.ok) throw new Error(await r.text());
    };
    await send('CreateTable', createTable);
    for (let i = 0; i < ITEMS; i += 25) {
      const batch = [];
      for (let j = i; j < Math.min(i + 25, ITEMS); j++) batch.push({ PutRequest: { Item: item(j) } });
      await send('BatchWriteItem', { RequestItems: { [TABLE]: batch } });
    }
    const encoded = Object.fromEntries(KINDS.map((k) => [k, Array.from({ length: 2048 }, (_, i) => encodeRequest({ target: `DynamoDB_20120810.${operationOf(k)}`, body: JSON.stringify(requests[k](i)) }))])) as Record<Kind, Buffer[]>;
    const rates = fresh();
    const cpu = fresh();
    for (let r = 0; r < ROUNDS; r++) {
      for (const k of KINDS) {
        const before = await child.cpuMicros();
        const res = await runLoad({ host: child.host, port: child.port, connections: 16, requests: encoded[k], durationMs: ROUND_MS, warmupMs: 200 });
        if (res.errors > 0) throw new Error(`${k}: ${res.firstError}`);
        rates[k].push(res.opsPerSec);
        cpu[k].push(((await child.cpuMicros()) - before) / res.total);
      }
    }
    return figures(rates, cpu);
  } finally {
    await child.stop();
  }
}

async function main(): Promise<void> {
  const result = { items: ITEMS, roundMs: ROUND_MS, rounds: ROUNDS, goalRatio: 0.7, inProcess: await inProcess(), http: await overHttp() };
  report('partiql.json', result);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
