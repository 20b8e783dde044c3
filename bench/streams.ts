// DynamoDB Streams over HTTP, each figure against a reference measured in the same run, on a
// durable database (a temporary folder, 'process' durability) served by a child process:
//
//   drain     GetRecords (Limit 1000) reading a stream of BENCH_ITEMS records (default 1,000,000;
//             one per item, written by BatchWriteItem) from TRIM_HORIZON to its tip, shard by shard,
//             against a full Scan (1 MB pages) of the same items: records/s over items/s (goal >= 0.5),
//             with a lean client (reads only the paging members) and with one that parses every answer;
//             also the server's CPU per record against its CPU per scanned item
//   puts      PutItem/s into a table with a stream (NEW_AND_OLD_IMAGES) against one without, in the
//             same server, alternating short phases; the median of same-round ratios (goal >= 0.9),
//             and the server's CPU per PutItem on each side
//   logBytes  bytes the log grew by per change: the load (INSERTs) with a stream on, and the
//             alternating put phases (MODIFYs) with the stream on and off
//
// Drain and Scan alternate over BENCH_ROUNDS rounds (default 1): on a shared machine the better
// of each is reported beside the median ratio. Phases stop at BENCH_PHASE_LIMIT_S (default 300 s)
// and say how far they got. Prints one JSON object and writes bench/results/streams.json.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startChild, type ServerChild } from './lib/children';
import { encodeRequest, runLoad } from './lib/raw-client';
import { rawConnection, type Connection } from './lib/raw-connection';
import { report } from './lib/results';
import { summarize } from './lib/stats';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const LIMIT_MS = Number(process.env.BENCH_PHASE_LIMIT_S ?? 300) * 1000;
const PUT_ROUNDS = Number(process.env.BENCH_PUT_ROUNDS ?? 6);
const PUT_PHASE_MS = Number(process.env.BENCH_PUT_PHASE_MS ?? 1500);
const BATCH = 25;
const IN_FLIGHT = 16;
const STREAM_TABLE = 'streamed';
/** The PutItem comparison's tables: both empty at the start, in the same database. */
const PUT_TABLE_ON = 'puts-stream-on';
const PUT_TABLE_OFF = 'puts-stream-off';

/** ~200-byte items by DynamoDB's size rules. */
function item(i: number, salt = 0) {
  return {
    pk: { S: `p${String(i).padStart(8, '0')}` },
    n: { N: String(i + salt) },
    data: { S: ((i + salt).toString(36) + '-').repeat(40).slice(0, 170) },
  };
}

function createTable(TableName: string, stream: boolean) {
  return {
    TableName,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    ...(stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } } : {}),
  };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}


/** Total size of the log's segments in `dir`. */
function logBytes(dir: string): number {
  let total = 0;
  for (const name of fs.readdirSync(dir)) if (/^log-\d+\.seg$/.test(name)) total += fs.statSync(path.join(dir, name)).size;
  return total;
}

async function load(connections: Connection[], dir: string) {
  let next = 0;
  let loaded = 0;
  const latencies: number[] = [];
  const bytes0 = logBytes(dir);
  const t0 = performance.now();
  const worker = async (conn: Connection): Promise<void> => {
    while (next < ITEMS && performance.now() - t0 < LIMIT_MS) {
      const first = next;
      next += BATCH;
      const requests = [];
      for (let i = first; i < Math.min(first + BATCH, ITEMS); i++) requests.push({ PutRequest: { Item: item(i) } });
      const t = performance.now();
      const out = await conn.send('BatchWriteItem', { RequestItems: { [STREAM_TABLE]: requests } });
      if (Object.keys(out.UnprocessedItems ?? {}).length > 0) throw new Error('unprocessed items in the load');
      latencies.push(performance.now() - t);
      loaded += requests.length;
    }
  };
  await Promise.all(connections.map(worker));
  const seconds = (performance.now() - t0) / 1000;
  // Let the background flush reach the files before measuring them.
  await new Promise((r) => setTimeout(r, 500));
  const grown = logBytes(dir) - bytes0;
  return {
    items: loaded,
    complete: loaded === ITEMS,
    seconds: round3(seconds),
    itemsPerSec: Math.round(loaded / seconds),
    batchLatency: summarize(latencies),
    logBytesPerInsert: round3(grown / Math.max(1, loaded)),
  };
}

type ClientMode = 'lean' | 'parse';

async function fullScan(conn: Connection, server: ServerChild, mode: ClientMode) {
  let start: unknown;
  let scanned = 0;
  let pages = 0;
  let bytes = 0;
  const cpu0 = await server.cpuMicros();
  const t0 = performance.now();
  do {
    const r = await conn.send('Scan', { TableName: STREAM_TABLE, ...(start ? { ExclusiveStartKey: start } : {}) }, 'dynamodb', mode === 'lean' ? { from: 'Count', count: '{"pk":' } : undefined);
    const n = mode === 'lean' ? r.$count : r.Items.length;
    if (n !== r.ScannedCount) throw new Error(`a page of ${r.ScannedCount} items held ${n}`);
    scanned += n;
    bytes += r.$bytes;
    pages++;
    start = r.LastEvaluatedKey;
  } while (start && performance.now() - t0 < LIMIT_MS);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = (await server.cpuMicros()) - cpu0;
  return {
    items: scanned,
    pages,
    complete: !start,
    seconds: round3(seconds),
    itemsPerSec: Math.round(scanned / seconds),
    serverCpuUsPerItem: round3(cpu / Math.max(1, scanned)),
    responseMB: round3(bytes / 2 ** 20),
  };
}

/** Reads every shard of the stream from TRIM_HORIZON to its tip, parents first (DescribeStream lists them in order). */
async function drain(conn: Connection, arn: string, server: ServerChild, mode: ClientMode) {
  let records = 0;
  let calls = 0;
  let bytes = 0;
  let lastSequence = -1n;
  const cpu0 = await server.cpuMicros();
  const t0 = performance.now();
  const shards: any[] = [];
  let startShard: string | undefined;
  do {
    const d = await conn.send('DescribeStream', { StreamArn: arn, ...(startShard ? { ExclusiveStartShardId: startShard } : {}) }, 'streams');
    shards.push(...d.StreamDescription.Shards);
    startShard = d.StreamDescription.LastEvaluatedShardId;
  } while (startShard);
  let timedOut = false;
  for (const shard of shards) {
    let it: string | undefined = (await conn.send('GetShardIterator', { StreamArn: arn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }, 'streams')).ShardIterator;
    while (it) {
      if (performance.now() - t0 > LIMIT_MS) {
        timedOut = true;
        break;
      }
      const r = await conn.send('GetRecords', { ShardIterator: it, Limit: 1000 }, 'streams', mode === 'lean' ? { from: 'NextShardIterator', count: '"eventID":' } : undefined);
      calls++;
      bytes += r.$bytes;
      const n: number = mode === 'lean' ? r.$count : r.Records.length;
      if (n > 0) {
        // A cheap check that the drain reads forwards: sequence numbers only grow.
        const seq = BigInt(mode === 'lean' ? r.$lastSequence : r.Records[n - 1].dynamodb.SequenceNumber);
        if (seq <= lastSequence) throw new Error('sequence numbers went backwards');
        lastSequence = seq;
      }
      records += n;
      it = r.NextShardIterator;
      if (n === 0) break;
    }
    if (timedOut) break;
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = (await server.cpuMicros()) - cpu0;
  return {
    records,
    serverCpuUsPerRecord: round3(cpu / Math.max(1, records)),
    shards: shards.length,
    calls,
    complete: !timedOut && records >= ITEMS,
    seconds: round3(seconds),
    recordsPerSec: Math.round(records / seconds),
    recordsPerCall: round3(records / Math.max(1, calls)),
    responseMB: round3(bytes / 2 ** 20),
  };
}

/** PutItem/s into the streamed table against the plain one, alternating within each round. */
async function puts(server: ServerChild, dir: string) {
  const encode = (table: string, salt: number) =>
    Array.from({ length: 4096 }, (_, i) => encodeRequest({ target: 'DynamoDB_20120810.PutItem', body: JSON.stringify({ TableName: table, Item: item(i % 8192, salt + i) }) }));
  const rows: Record<'on' | 'off', number[]> = { on: [], off: [] };
  const bytesPerPut: Record<'on' | 'off', number[]> = { on: [], off: [] };
  const cpuPerPut: Record<'on' | 'off', number[]> = { on: [], off: [] };
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  for (let round = 0; round < PUT_ROUNDS; round++) {
    const got: Partial<Record<'on' | 'off', number>> = {};
    // Alternate which goes first, so a drift over the round does not favour one side.
    const order: Array<'on' | 'off'> = round % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
    for (const side of order) {
      const before = logBytes(dir);
      const cpu0 = await server.cpuMicros();
      const r = await runLoad({
        host: server.host,
        port: server.port,
        connections: 32,
        requests: encode(side === 'on' ? PUT_TABLE_ON : PUT_TABLE_OFF, round * 7 + 1),
        durationMs: PUT_PHASE_MS,
        warmupMs: 300,
      });
      if (r.errors > 0) throw new Error(`PutItem errors: ${r.firstError}`);
      // The settling time lets the background flush of this side's writes land in this side's figures.
      await new Promise((res) => setTimeout(res, 300));
      cpuPerPut[side].push(((await server.cpuMicros()) - cpu0) / Math.max(1, r.total));
      bytesPerPut[side].push((logBytes(dir) - before) / Math.max(1, r.total));
      rows[side].push(r.opsPerSec);
      got[side] = r.opsPerSec;
    }
    ratios.push(got.on! / got.off!);
    cpuRatios.push(cpuPerPut.off.at(-1)! / cpuPerPut.on.at(-1)!);
  }
  return {
    rounds: PUT_ROUNDS,
    phaseMs: PUT_PHASE_MS,
    connections: 32,
    streamOnOpsPerSec: Math.round(median(rows.on)),
    streamOffOpsPerSec: Math.round(median(rows.off)),
    ratio: round3(median(ratios)),
    roundRatios: ratios.map(round3),
    // Server CPU per PutItem with the stream off over with it on: the ratio a server-bound run approaches, steadier on a shared machine.
    serverCpuUsPerPut: { streamOn: round3(median(cpuPerPut.on)), streamOff: round3(median(cpuPerPut.off)) },
    serverCpuRatio: round3(median(cpuRatios)),
    logBytesPerModify: { streamOn: Math.round(median(bytesPerPut.on)), streamOff: Math.round(median(bytesPerPut.off)) },
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const log = (msg: string): void => void process.stderr.write(`[bench/streams ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-bench-streams-'));
  const server = await startChild('disk', dir);
  const connections = Array.from({ length: IN_FLIGHT }, () => rawConnection(server.host, server.port));
  const results: Record<string, unknown> = { node: process.version, cpus: os.cpus().length, loadavg: os.loadavg().map(round3), items: ITEMS, rounds: ROUNDS };
  try {
    const c = connections[0]!;
    // PutItem first, on two empty tables, so neither side writes into a bigger table than the other.
    await c.send('CreateTable', createTable(PUT_TABLE_ON, true));
    await c.send('CreateTable', createTable(PUT_TABLE_OFF, false));
    log('PutItem with the stream on and off');
    const p = await puts(server, dir);
    results.puts = { ...p, goal: 0.9 };
    log(`puts: ratio ${p.ratio} (${p.roundRatios.join(', ')}), server CPU ratio ${p.serverCpuRatio}`);
    const arn: string = (await c.send('CreateTable', createTable(STREAM_TABLE, true))).TableDescription.LatestStreamArn;
    log(`loading ${ITEMS} items into a table with a stream`);
    results.load = await load(connections, dir);
    log(`loaded: ${JSON.stringify(results.load)}`);
    // Two clients: 'lean' reads only the paging members of each answer (as the http bench's client
    // does, so the server is what is measured); 'parse' JSON.parses every answer, as an SDK does.
    for (const mode of ['lean', 'parse'] as const) {
      const scans = [];
      const drains = [];
      const ratios = [];
      const cpuRatios = [];
      for (let r = 0; r < ROUNDS; r++) {
        const scan = await fullScan(c, server, mode);
        log(`scan (${mode}): ${JSON.stringify(scan)}`);
        const drained = await drain(c, arn, server, mode);
        log(`drain (${mode}): ${JSON.stringify(drained)}`);
        scans.push(scan);
        drains.push(drained);
        ratios.push(drained.recordsPerSec / scan.itemsPerSec);
        cpuRatios.push(scan.serverCpuUsPerItem / drained.serverCpuUsPerRecord);
      }
      const bestScan = scans.reduce((a, b) => (b.itemsPerSec > a.itemsPerSec ? b : a));
      const bestDrain = drains.reduce((a, b) => (b.recordsPerSec > a.recordsPerSec ? b : a));
      results[mode === 'lean' ? 'drain' : 'drainParsingClient'] = {
        getRecords: bestDrain,
        scan: bestScan,
        ratio: round3(median(ratios)),
        roundRatios: ratios.map(round3),
        // Server CPU per item scanned over server CPU per record drained: the rate ratio a server-bound run approaches.
        serverCpuRatio: round3(median(cpuRatios)),
        goal: 0.5,
      };
    }
    results.logBytesPerChange = {
      insertStreamOn: (results.load as { logBytesPerInsert: number }).logBytesPerInsert,
      modifyStreamOn: p.logBytesPerModify.streamOn,
      modifyStreamOff: p.logBytesPerModify.streamOff,
    };
    results.seconds = round3((Date.now() - started) / 1000);
  } finally {
    for (const conn of connections) conn.close();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  report('streams.json', results);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
