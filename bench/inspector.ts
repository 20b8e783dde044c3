// What the request recorder (src/server/inspector) costs the HTTP endpoint: one server process over
// an in-memory Database with a recorder, measured by the lean client with recording off, on with
// bodies (the extension's default) and on without bodies, switched over IPC between phases, in
// alternating order over several rounds. Same process, same data, same client: only the recorder
// differs. Goal: recording costs at most 5% of throughput (ratio >= 0.95).
//
//   node --import tsx bench/inspector.ts [--quick]
//
// Rows per op (PutItem, GetItem, Query of bench/lib/workload.ts, 32 connections in flight):
// medianOpsPerSec per state, `ratio` = median over rounds of (state ops/s / off ops/s in the same
// round), `cpuUsPerOp` = median server CPU per request and `cpuRatio` = state CPU / off CPU.
// No subscriber is attached (the panel closed): records are built only when something reads them.
// Writes JSON to stdout and to bench/results/inspector.json.
import { cpus, loadavg } from 'node:os';
import { writeResult } from './lib/results';
import { startChild, type ServerChild } from './lib/children';
import { runLoad, sendAll, type LoadResult } from './lib/raw-client';
import { createTableRequest, DEFAULT_WORKLOAD, OPS, preloadRequests, rawRequests } from './lib/workload';

const quick = process.argv.includes('--quick');
const CONFIG = {
  connections: 32,
  rounds: quick ? 2 : 8,
  phaseMs: quick ? 700 : 1500,
  warmupMs: quick ? 250 : 400,
  workload: DEFAULT_WORKLOAD,
};
const STATES = ['record-off', 'record-on', 'record-on-nobodies'] as const;
type State = (typeof STATES)[number];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
const round1 = (x: number): number => Math.round(x * 10) / 10;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

async function measure(server: ServerChild, state: State, requests: Buffer[]): Promise<LoadResult & { cpuUsPerOp: number }> {
  await server.command(state);
  const cpu0 = await server.cpuMicros();
  const r = await runLoad({ host: server.host, port: server.port, connections: CONFIG.connections, requests, durationMs: CONFIG.phaseMs, warmupMs: CONFIG.warmupMs });
  const cpu1 = await server.cpuMicros();
  return { ...r, cpuUsPerOp: (cpu1 - cpu0) / Math.max(1, r.total) };
}

async function main(): Promise<void> {
  const started = Date.now();
  const log = (msg: string): void => void process.stderr.write(`[bench/inspector ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);
  const server = await startChild('memory-recorded');
  try {
    const created = await sendAll(server.host, server.port, 1, [createTableRequest()]);
    if (created.length) throw new Error(`CreateTable: ${created[0]}`);
    const loaded = await sendAll(server.host, server.port, CONFIG.connections, preloadRequests(CONFIG.workload));
    if (loaded.length) throw new Error(`preload: ${loaded.length} failures, first: ${loaded[0]}`);
    const ops: Record<string, Record<string, unknown>> = {};
    const summary: Record<string, Record<string, number>> = { ratio: {}, ratioNoBodies: {}, cpuRatio: {}, cpuRatioNoBodies: {} };
    for (const op of OPS) {
      const requests = rawRequests(op, CONFIG.workload);
      const samples = new Map<State, (LoadResult & { cpuUsPerOp: number })[]>(STATES.map((s) => [s, []]));
      for (let round = 0; round < CONFIG.rounds; round++) {
        // Alternate the order so that drift in the machine's load favours no state.
        for (const state of round % 2 === 0 ? STATES : [...STATES].reverse()) {
          const r = await measure(server, state, requests);
          log(`${op} ${state} round ${round + 1}: ${Math.round(r.opsPerSec)} ops/s, ${round1(r.cpuUsPerOp)} us CPU/op${r.errors ? `, ${r.errors} errors: ${r.firstError}` : ''}`);
          samples.get(state)!.push(r);
        }
      }
      const off = samples.get('record-off')!;
      const offCpu = median(off.map((r) => r.cpuUsPerOp));
      ops[op] = Object.fromEntries(
        STATES.map((state) => {
          const runs = samples.get(state)!;
          const cpu = median(runs.map((r) => r.cpuUsPerOp));
          return [
            state,
            {
              medianOpsPerSec: Math.round(median(runs.map((r) => r.opsPerSec))),
              rounds: runs.map((r) => Math.round(r.opsPerSec)),
              p50Ms: median(runs.map((r) => r.p50Ms)),
              p99Ms: median(runs.map((r) => r.p99Ms)),
              cpuUsPerOp: round1(cpu),
              ratio: round3(median(runs.map((r, i) => r.opsPerSec / off[i]!.opsPerSec))),
              cpuRatio: round3(cpu / offCpu),
              errors: runs.reduce((n, r) => n + r.errors, 0),
            },
          ];
        }),
      );
      const row = ops[op] as Record<State, { ratio: number; cpuRatio: number }>;
      summary.ratio![op] = row['record-on'].ratio;
      summary.ratioNoBodies![op] = row['record-on-nobodies'].ratio;
      summary.cpuRatio![op] = row['record-on'].cpuRatio;
      summary.cpuRatioNoBodies![op] = row['record-on-nobodies'].cpuRatio;
    }
    const recorded = (await server.command('record-off')).recorded;
    const result = {
      benchmark: 'inspector',
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      loadAverageAtStart: loadavg().map(round1),
      durationSeconds: round1((Date.now() - started) / 1000),
      config: CONFIG,
      notes: [
        'one server process with a request recorder switched between phases: off, on with bodies (the extension default), on without bodies',
        'ratio = median over rounds of (ops/s in that state / ops/s with recording off in the same round); goal >= 0.95',
        'cpuUsPerOp = median server CPU (user + system) per request; cpuRatio = that / the same with recording off',
        `the recorder held ${String(recorded)} records at the end (ring of 10,000, no subscriber)`,
      ],
      summary,
      ops,
    };
    const json = JSON.stringify(result, null, 2);
    process.stdout.write(json + '\n');
    writeResult('inspector.json', json);
  } finally {
    await server.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`bench/inspector: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
