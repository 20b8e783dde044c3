// ExecuteStatement SELECT by full key against GetItem of the same items, in the same run:
//   in process  db.executeJson (what the HTTP endpoint calls), alternating rounds of each
//   over HTTP   a server child on memory, raw keep-alive connections, alternating rounds
// The statement is sent with `?` parameters (its text is the same every call, as applications
// send it) and with the key spelled in the text (a new text per key, so each call parses).
// Goal: ExecuteStatement at least 0.7 of GetItem's throughput. Writes bench/results/partiql.json.
import { performance } from 'node:perf_hooks';
import { Database } from '../src/engine/database';
import { startChild } from './lib/children';
import { encodeRequest, runLoad } from './lib/raw-client';
import { writeResult } from './lib/results';
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

/** Calls per second of one kind for ROUND_MS, 8 in flight, and their latencies. */
async function round(db: Database, kind: Kind, samples: number[]): Promise<number> {
  const op = operationOf(kind);
  const make = requests[kind];
  let done = 0;
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
  return done / ((performance.now() - start) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function inProcess(): Promise<Record<string, unknown>> {
  const db = await Database.open('', { inMemory: true });
  try {
    await load(db);
    const rates: Record<Kind, number[]> = { GetItem: [], ExecuteStatement: [], ExecuteStatementLiteral: [] };
    const latencies: Record<Kind, number[]> = { GetItem: [], ExecuteStatement: [], ExecuteStatementLiteral: [] };
    for (const k of KINDS) await round(db, k, []); // warm-up
    for (let r = 0; r < ROUNDS; r++) for (const k of KINDS) rates[k].push(await round(db, k, latencies[k]));
    const out: Record<string, unknown> = {};
    for (const k of KINDS) out[k] = { opsPerSec: Math.round(median(rates[k])), rounds: rates[k].map(Math.round), ...summarize(latencies[k]) };
    out.ratio = Math.round((median(rates.ExecuteStatement) / median(rates.GetItem)) * 1000) / 1000;
    out.ratioLiteral = Math.round((median(rates.ExecuteStatementLiteral) / median(rates.GetItem)) * 1000) / 1000;
    return out;
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
    const rates: Record<Kind, number[]> = { GetItem: [], ExecuteStatement: [], ExecuteStatementLiteral: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const k of KINDS) {
        const res = await runLoad({ host: child.host, port: child.port, connections: 16, requests: encoded[k], durationMs: ROUND_MS, warmupMs: 200 });
        if (res.errors > 0) throw new Error(`${k}: ${res.firstError}`);
        rates[k].push(res.opsPerSec);
      }
    }
    const out: Record<string, unknown> = {};
    for (const k of KINDS) out[k] = { opsPerSec: Math.round(median(rates[k])), rounds: rates[k].map(Math.round) };
    out.ratio = Math.round((median(rates.ExecuteStatement) / median(rates.GetItem)) * 1000) / 1000;
    out.ratioLiteral = Math.round((median(rates.ExecuteStatementLiteral) / median(rates.GetItem)) * 1000) / 1000;
    return out;
  } finally {
    await child.stop();
  }
}

async function main(): Promise<void> {
  const result = { items: ITEMS, roundMs: ROUND_MS, rounds: ROUNDS, goalRatio: 0.7, inProcess: await inProcess(), http: await overHttp() };
  const json = JSON.stringify(result, null, 2);
  console.log(json);
  writeResult('partiql.json', json);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
