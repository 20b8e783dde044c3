// What the request recorder (src/server/inspector) costs the HTTP endpoint: one server process over
// an in-memory Database with a recorder, loaded by the lean client, while the recorder is switched
// between states in short slices of one continuous run: off, on with bodies (the extension's
// default), on without bodies, and off again under a second name (the noise floor: two names for
// the same state should measure the same). Same process, same data, same client, same moments:
// only the recorder differs. Goal: recording costs at most 5% of throughput (ratio >= 0.95).
//
// Why slices: on this kind of machine a whole phase of a second or two varies by 5-10% from the
// next for reasons of its own (other tenants, timers, GC), which is as large as the effect
// measured. Slices of a quarter second, the states in rotating order, spread that drift over every
// state alike. Each slice's server CPU is read as the state changes (the child answers the switch
// with its cpuUsage) and its answers are counted by the client as they arrive.
//
// Where the machine has two cores or more, the server runs pinned to the last one and this client
// to the others (taskset), so that the two take no turns from each other: the server then sets the
// pace, and its cost per request is what moves the throughput. BENCH_NO_PIN=1 turns that off.
//
//   node --import tsx bench/inspector.ts [--quick]     (BENCH_INSPECTOR_OPS=GetItem,Query: some ops only)
//
// Per op (PutItem, GetItem, Query of bench/lib/workload.ts, 32 connections in flight) and state:
// opsPerSec = answers / time over all its slices, ratio = that / the same with recording off,
// cpuUsPerOp = server CPU per answer, cpuRatio = that / off's, and the quartiles of the ratio over
// the rounds (one slice of each state per round). No subscriber is attached (the panel closed):
// records are built only when something reads them.
// Writes JSON to stdout and to bench/results/inspector.json.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { report } from './lib/results';
import { startChild, type ServerChild } from './lib/children';
import { runLoad, sendAll } from './lib/raw-client';
import { createTableRequest, DEFAULT_WORKLOAD, OPS, preloadRequests, rawRequests } from './lib/workload';

const quick = process.argv.includes('--quick');
const CONFIG = {
  connections: 32,
  sliceMs: 250,
  /** Rounds per op: each round is one slice of every state. */
  rounds: quick ? 6 : 40,
  warmupMs: quick ? 300 : 1000,
  workload: DEFAULT_WORKLOAD,
};
/** `record-off#2` is sent to the server as `record-off`. */
const STATES = ['record-off', 'record-on', 'record-on-nobodies', 'record-off#2'] as const;
type State = (typeof STATES)[number];

const round1 = (x: number): number => Math.round(x * 10) / 10;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (at - lo);
}

/** Pins the server to the last core and this process to the others; returns whether it could. */
function pin(): boolean {
  const n = cpus().length;
  if (process.env.BENCH_NO_PIN || n < 2) return false;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', n === 2 ? '0' : `0-${n - 2}`, String(process.pid)], { stdio: 'ignore' });
  } catch {
    return false;
  }
  process.env.BENCH_SERVER_CPU = String(n - 1);
  return true;
}

interface Tally {
  answers: number;
  ms: number;
  cpuUs: number;
}

async function switchTo(server: ServerChild, state: State): Promise<{ at: number; cpuUs: number }> {
  const done = await server.command(state.split('#')[0]!);
  const cpu = done.cpu as { user: number; system: number };
  return { at: performance.now(), cpuUs: cpu.user + cpu.system };
}

/** One continuous run of `requests`, the recorder switched every slice; tallies per state and per round. */
async function measure(server: ServerChild, requests: Buffer[], log: (msg: string) => void): Promise<{ totals: Map<State, Tally>; rounds: Map<State, Tally>[] }> {
  let answers = 0;
  const totalMs = CONFIG.warmupMs + CONFIG.rounds * STATES.length * CONFIG.sliceMs + 2000;
  const load = runLoad({ host: server.host, port: server.port, connections: CONFIG.connections, requests, durationMs: totalMs, warmupMs: 0, onAnswer: () => answers++ });
  const totals = new Map<State, Tally>(STATES.map((s) => [s, { answers: 0, ms: 0, cpuUs: 0 }]));
  const rounds: Map<State, Tally>[] = [];
  await new Promise((r) => setTimeout(r, CONFIG.warmupMs));
  for (let round = 0; round < CONFIG.rounds; round++) {
    // Rotated and reversed in turn, so that no state always follows the same one.
    const rot = round % STATES.length;
    let order = [...STATES.slice(rot), ...STATES.slice(0, rot)];
    if (round % 2 === 1) order = order.reverse();
    const perRound = new Map<State, Tally>();
    for (const state of order) {
      const start = await switchTo(server, state);
      const answersAt = answers;
      await new Promise((r) => setTimeout(r, CONFIG.sliceMs));
      // The next switch ends this slice; reading the CPU is that switch's answer.
      const end = await switchTo(server, state);
      const t: Tally = { answers: answers - answersAt, ms: end.at - start.at, cpuUs: end.cpuUs - start.cpuUs };
      perRound.set(state, t);
      const sum = totals.get(state)!;
      sum.answers += t.answers;
      sum.ms += t.ms;
      sum.cpuUs += t.cpuUs;
    }
    rounds.push(perRound);
  }
  log(`${CONFIG.rounds} rounds done`);
  await server.command('record-off');
  const r = await load;
  if (r.errors) throw new Error(`${r.errors} errors, first: ${r.firstError}`);
  return { totals, rounds };
}

async function main(): Promise<void> {
  const started = Date.now();
  const log = (msg: string): void => void process.stderr.write(`[bench/inspector ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);
  const pinned = pin();
  const server = await startChild('memory-recorded');
  try {
    const created = await sendAll(server.host, server.port, 1, [createTableRequest()]);
    if (created.length) throw new Error(`CreateTable: ${created[0]}`);
    const loaded = await sendAll(server.host, server.port, CONFIG.connections, preloadRequests(CONFIG.workload));
    if (loaded.length) throw new Error(`preload: ${loaded.length} failures, first: ${loaded[0]}`);
    // Before anything is recorded: the recorder has allocated nothing yet.
    const memoryBefore = (await server.command('record-off')).memory as NodeJS.MemoryUsage;
    const ops: Record<string, Record<string, unknown>> = {};
    const summary: Record<string, Record<string, number>> = { ratio: {}, ratioNoBodies: {}, noiseFloor: {}, cpuRatio: {}, cpuRatioNoBodies: {} };
    for (const op of (process.env.BENCH_INSPECTOR_OPS?.split(',') ?? OPS) as typeof OPS) {
      const { totals, rounds } = await measure(server, rawRequests(op, CONFIG.workload), (m) => log(`${op}: ${m}`));
      const rate = (t: Tally): number => t.answers / (t.ms / 1000);
      const cpuPerOp = (t: Tally): number => t.cpuUs / Math.max(1, t.answers);
      const off = totals.get('record-off')!;
      ops[op] = Object.fromEntries(
        STATES.map((state) => {
          const t = totals.get(state)!;
          const perRound = rounds.map((r) => rate(r.get(state)!) / rate(r.get('record-off')!));
          const row = {
            opsPerSec: Math.round(rate(t)),
            cpuUsPerOp: round1(cpuPerOp(t)),
            ratio: round3(rate(t) / rate(off)),
            cpuRatio: round3(cpuPerOp(t) / cpuPerOp(off)),
            roundRatioQuartiles: [0.25, 0.5, 0.75].map((q) => round3(quantile(perRound, q))),
            slices: rounds.length,
            seconds: round1(t.ms / 1000),
          };
          log(`${op} ${state}: ${row.opsPerSec} ops/s, ratio ${row.ratio}, ${row.cpuUsPerOp} us CPU/op (x${row.cpuRatio})`);
          return [state, row];
        }),
      );
      const row = ops[op] as Record<State, { ratio: number; cpuRatio: number }>;
      summary.ratio![op] = row['record-on'].ratio;
      summary.ratioNoBodies![op] = row['record-on-nobodies'].ratio;
      summary.noiseFloor![op] = row['record-off#2'].ratio;
      summary.cpuRatio![op] = row['record-on'].cpuRatio;
      summary.cpuRatioNoBodies![op] = row['record-on-nobodies'].cpuRatio;
    }
    const last = await server.command('record-off');
    const recorded = last.recorded;
    const memoryAfter = last.memory as NodeJS.MemoryUsage;
    const mb = (n: number): number => round1(n / (1024 * 1024));
    // What the full recorder holds: its byte arenas and number blocks are ArrayBuffers; the heap
    // figure moves with GC timing as well, so it is the rougher of the two.
    const memory = {
      recordsHeld: recorded,
      arrayBuffersMB: mb(memoryAfter.arrayBuffers - memoryBefore.arrayBuffers),
      heapUsedMB: mb(memoryAfter.heapUsed - memoryBefore.heapUsed),
      rssMB: mb(memoryAfter.rss - memoryBefore.rss),
    };
    log(`memory held with ${String(recorded)} records: ${memory.arrayBuffersMB} MB of ArrayBuffers, heap ${memory.heapUsedMB} MB, RSS ${memory.rssMB} MB more than before recording`);
    const result = {
      benchmark: 'inspector',
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      pinned,
      loadAverageAtStart: loadavg().map(round1),
      durationSeconds: round1((Date.now() - started) / 1000),
      config: CONFIG,
      notes: [
        'one server process, one continuous run per op; the recorder is switched every slice between off, on with bodies (the extension default), on without bodies, and off again (record-off#2, the noise floor)',
        'ratio = answers per second over all slices in that state / the same with recording off; goal >= 0.95',
        'cpuUsPerOp = server CPU (user + system) per answer; cpuRatio = that / the same with recording off',
        'roundRatioQuartiles: the ratio of single slices against the off slice of the same round (25th, 50th, 75th percentile)',
        `the recorder held ${String(recorded)} records at the end (ring of 10,000, no subscriber)`,
        'memory: growth from before the first record to the end, as process.memoryUsage() reports it (ArrayBuffers: the byte arenas and the ring)',
      ],
      summary,
      memory,
      ops,
    };
    report('inspector.json', result);
  } finally {
    await server.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`bench/inspector: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
