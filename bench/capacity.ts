// What capacity accounting costs per operation: in-memory PutItem and GetItem (the engine's
// fastest paths, so the overhead is as visible as it gets) with the capacity module stubbed out,
// on an on-demand table, and on a provisioned table with throttling on; and the bare charge calls.
// The database runs on a clock that advances 50 µs per operation, so the provisioned table stays
// within its throughput and partitions. Prints one JSON object; writes bench/results/capacity.json.
import { Database } from '../src/engine/database';
import { report } from './lib/results';

const OPS = Number(process.env.BENCH_OPS ?? 200_000);
const ROUNDS = 3;

type Variant = 'stub' | 'on-demand' | 'provisioned';

async function open(variant: Variant): Promise<{ db: Database; tick: () => void }> {
  let now = Date.UTC(2026, 0, 1);
  const db = await Database.open('', { inMemory: true, now: () => now });
  await db.execute('CreateTable', {
    TableName: 'bench',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    ...(variant === 'provisioned' ? { ProvisionedThroughput: { ReadCapacityUnits: 40000, WriteCapacityUnits: 40000 } } : { BillingMode: 'PAY_PER_REQUEST' }),
  });
  if (variant === 'stub') {
    const c = db.capacity as unknown as Record<string, unknown>;
    c.write = () => undefined;
    c.read = () => undefined;
    c.conditionFailed = () => undefined;
  }
  return { db, tick: () => (now += 0.05) };
}

const item = (i: number) => ({ pk: { S: `user#${i % 50_000}` }, name: { S: `name ${i}` }, n: { N: String(i) }, tags: { SS: ['a', 'b'] } });

async function timeOps(db: Database, tick: () => void, op: (i: number) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < OPS; i++) {
    tick();
    await op(i);
  }
  return ((performance.now() - start) * 1000) / OPS;
}

async function main(): Promise<void> {
  const results: Record<string, Record<string, number>> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of ['stub', 'on-demand', 'provisioned'] as Variant[]) {
      const { db, tick } = await open(variant);
      const put = await timeOps(db, tick, (i) => db.execute('PutItem', { TableName: 'bench', Item: item(i) }));
      const get = await timeOps(db, tick, (i) => db.execute('GetItem', { TableName: 'bench', Key: { pk: { S: `user#${i % 50_000}` } } }));
      const r = (results[variant] ??= { putMicros: Infinity, getMicros: Infinity });
      r.putMicros = Math.min(r.putMicros!, put);
      r.getMicros = Math.min(r.getMicros!, get);
      await db.close();
    }
  }
  // The charge calls alone, on the provisioned table (admission, buckets, counters, hot keys).
  const { db, tick } = await open('provisioned');
  const table = db.table('bench');
  const keys = Array.from({ length: 1000 }, (_, i) => table.keyOf(item(i) as never));
  const newItem = item(1) as never;
  let start = performance.now();
  for (let i = 0; i < OPS; i++) {
    tick();
    db.capacity.write('PutItem', {}, table, keys[i % 1000]!, undefined, newItem, 60);
  }
  const writeCharge = ((performance.now() - start) * 1000) / OPS;
  start = performance.now();
  for (let i = 0; i < OPS; i++) {
    tick();
    db.capacity.read('GetItem', {}, table, { key: keys[i % 1000]!, bytes: 60, consistent: false });
  }
  const readCharge = ((performance.now() - start) * 1000) / OPS;
  await db.close();
  const round2 = (n: number) => Math.round(n * 100) / 100;
  const out = {
    ops: OPS,
    putItemMicros: { stub: round2(results.stub!.putMicros!), onDemand: round2(results['on-demand']!.putMicros!), provisioned: round2(results.provisioned!.putMicros!) },
    getItemMicros: { stub: round2(results.stub!.getMicros!), onDemand: round2(results['on-demand']!.getMicros!), provisioned: round2(results.provisioned!.getMicros!) },
    overheadMicros: {
      putOnDemand: round2(results['on-demand']!.putMicros! - results.stub!.putMicros!),
      putProvisioned: round2(results.provisioned!.putMicros! - results.stub!.putMicros!),
      getOnDemand: round2(results['on-demand']!.getMicros! - results.stub!.getMicros!),
      getProvisioned: round2(results.provisioned!.getMicros! - results.stub!.getMicros!),
    },
    chargeCallMicros: { write: round2(writeCharge), read: round2(readCharge) },
  };
  report('capacity.json', out);
}

void main();
