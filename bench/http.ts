// HTTP benchmark: our server against a do-nothing node:http server, measured by the same lean
// client, in one run. Servers run in child processes (a core each for server and client).
//
//   node --import tsx bench/http.ts [--quick] [--no-sdk] [--no-disk] [--modes=baseline,protocol,...] [--against=DIR]
//
// Rows per op (PutItem, GetItem, Query; ~200-byte items, 10 per partition, 32 in flight):
//   baseline   do-nothing node:http server answering `{}` with the same headers
//   baseline-batched  the same, answering from setImmediate as our server does (what batching alone gives)
//   protocol   our server over an engine that answers `{}` at once (the protocol layer alone)
//   memory     our server over an in-memory Database
//   disk       our server over a durable Database in a temporary folder
// Lean-client rows alternate between servers over several short rounds; ratios are medians of
// same-round ratios, which damps the noise of a shared machine; `serverCpuUsPerOp` is the server
// process's CPU time per request. Then the same ops through the AWS SDK v3 client.
// --against=DIR adds `protocol@old` and `memory@old`: the same servers run from another checkout
// (e.g. a worktree of main), alternated in the same rounds; summary.againstOld is the median of
// same-round ratios this/old.
// Writes JSON to stdout and to bench/results/http.json.
import { mkdtempSync, rmSync } from 'node:fs';
import { report } from './lib/results';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { startChild, type ServerChild } from './lib/children';
import { runLoad, sendAll, type LoadResult } from './lib/raw-client';
import { benchClient, runSdkLoad, type SdkLoadResult } from './lib/sdk-load';
import { createTableRequest, DEFAULT_WORKLOAD, OPS, preloadRequests, rawRequests, sdkCommand } from './lib/workload';

const args = new Set(process.argv.slice(2));
const modesArg = process.argv.find((a) => a.startsWith('--modes='))?.slice('--modes='.length);
const quick = args.has('--quick');
const against = process.argv.find((a) => a.startsWith('--against='))?.slice('--against='.length);
const OLD = '@old';
const CONFIG = {
  connections: 32,
  rounds: quick ? 1 : 6,
  phaseMs: quick ? 800 : 1500,
  warmupMs: quick ? 300 : 400,
  sdkConcurrency: 32,
  sdkPhaseMs: quick ? 800 : 2000,
  sdkWarmupMs: quick ? 300 : 500,
  workload: DEFAULT_WORKLOAD,
};

type Row = LoadResult & { serverCpuUsPerOp: number; medianOpsPerSec: number; rounds: number[]; ratio?: number; cpuRatio?: number };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
type SdkRow = SdkLoadResult & { ratio?: number };

const round1 = (x: number): number => Math.round(x * 10) / 10;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

async function prepare(server: ServerChild): Promise<void> {
  const failures = await sendAll(server.host, server.port, 1, [createTableRequest()]);
  if (failures.length) throw new Error(`CreateTable on ${server.mode}: ${failures[0]}`);
  const loadFailures = await sendAll(server.host, server.port, CONFIG.connections, preloadRequests(CONFIG.workload));
  if (loadFailures.length) throw new Error(`preload on ${server.mode}: ${loadFailures.length} failures, first: ${loadFailures[0]}`);
}

async function measure(server: ServerChild, requests: Buffer[]): Promise<LoadResult & { serverCpuUsPerOp: number }> {
  const cpu0 = await server.cpuMicros();
  const r = await runLoad({
    host: server.host,
    port: server.port,
    connections: CONFIG.connections,
    requests,
    durationMs: CONFIG.phaseMs,
    warmupMs: CONFIG.warmupMs,
  });
  const cpu1 = await server.cpuMicros();
  return { ...r, serverCpuUsPerOp: round1((cpu1 - cpu0) / Math.max(1, r.total)) };
}

async function main(): Promise<void> {
  const started = Date.now();
  const log = (msg: string): void => void process.stderr.write(`[bench/http ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);
  const modes = modesArg
    ? ['baseline', ...modesArg.split(',').filter((m) => m !== 'baseline')]
    : against !== undefined
      ? ['baseline', 'protocol', 'protocol' + OLD, 'memory', 'memory' + OLD]
      : ['baseline', 'baseline-batched', 'protocol', 'memory', ...(args.has('--no-disk') ? [] : ['disk'])];
  const diskDir = mkdtempSync(path.join(tmpdir(), 'dw-bench-'));
  const servers = new Map<string, ServerChild>();
  try {
    for (const mode of modes) {
      const old = mode.endsWith(OLD);
      const kind = old ? mode.slice(0, -OLD.length) : mode;
      if (old && against === undefined) throw new Error(`${mode} needs --against=DIR`);
      servers.set(mode, await startChild(kind === 'protocol' ? 'null-engine' : kind, kind === 'disk' ? diskDir : undefined, old ? against : undefined));
      log(`started ${mode} server at ${servers.get(mode)!.url.origin}`);
    }
    for (const mode of ['memory', 'disk', 'memory' + OLD]) {
      const s = servers.get(mode);
      if (s) {
        log(`preparing ${mode}: ${CONFIG.workload.partitions * CONFIG.workload.itemsPerPartition} items`);
        await prepare(s);
      }
    }

    const lean: Record<string, Record<string, Row>> = {};
    for (const op of OPS) {
      const requests = rawRequests(op, CONFIG.workload);
      const samples = new Map<string, (LoadResult & { serverCpuUsPerOp: number })[]>(modes.map((m) => [m, []]));
      for (let round = 0; round < CONFIG.rounds; round++) {
        // Alternate the order so that drift in the machine's load does not favour one server.
        for (const mode of round % 2 === 0 ? modes : [...modes].reverse()) {
          const r = await measure(servers.get(mode)!, requests);
          log(`${op} ${mode} round ${round + 1}: ${Math.round(r.opsPerSec)} ops/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.serverCpuUsPerOp} us CPU/op${r.errors ? `, ${r.errors} errors: ${r.firstError}` : ''}`);
          samples.get(mode)!.push(r);
        }
      }
      const base = samples.get('baseline')!;
      const baseCpu = median(base.map((r) => r.serverCpuUsPerOp));
      lean[op] = {};
      for (const mode of modes) {
        const runs = samples.get(mode)!;
        const best = runs.reduce((a, b) => (b.opsPerSec > a.opsPerSec ? b : a));
        const cpu = median(runs.map((r) => r.serverCpuUsPerOp));
        const row: Row = {
          ...best,
          opsPerSec: Math.round(best.opsPerSec),
          seconds: round3(best.seconds),
          medianOpsPerSec: Math.round(median(runs.map((r) => r.opsPerSec))),
          serverCpuUsPerOp: round1(cpu),
          rounds: runs.map((r) => Math.round(r.opsPerSec)),
        };
        if (mode !== 'baseline') {
          row.ratio = round3(median(runs.map((r, i) => r.opsPerSec / base[i]!.opsPerSec)));
          row.cpuRatio = round3(baseCpu / cpu);
        }
        lean[op]![mode] = row;
      }
    }

    const againstOld: Record<string, Record<string, number>> = {};
    for (const mode of modes.filter((m) => m.endsWith(OLD) && modes.includes(m.slice(0, -OLD.length)))) {
      const current = mode.slice(0, -OLD.length);
      againstOld[current] = Object.fromEntries(
        OPS.map((op) => {
          const mine = lean[op]![current]!.rounds;
          const theirs = lean[op]![mode]!.rounds;
          return [op, round3(median(mine.map((x, i) => x / theirs[i]!)))];
        }),
      );
    }

    const sdk: Record<string, Record<string, SdkRow>> = {};
    if (!args.has('--no-sdk')) {
      for (const op of OPS) {
        sdk[op] = {};
        for (const mode of modes.filter((m) => !m.startsWith('protocol') && m !== 'baseline-batched')) {
          const s = servers.get(mode)!;
          const client = benchClient(s.url.origin, CONFIG.sdkConcurrency);
          const r: SdkRow = await runSdkLoad(client, sdkCommand(op, CONFIG.workload), {
            concurrency: CONFIG.sdkConcurrency,
            durationMs: CONFIG.sdkPhaseMs,
            warmupMs: CONFIG.sdkWarmupMs,
          });
          client.destroy();
          r.opsPerSec = Math.round(r.opsPerSec);
          r.seconds = round3(r.seconds);
          log(`SDK ${op} ${mode}: ${r.opsPerSec} ops/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms${r.errors ? `, ${r.errors} errors: ${r.firstError}` : ''}`);
          sdk[op]![mode] = r;
        }
        const base = sdk[op]!.baseline!;
        for (const [mode, row] of Object.entries(sdk[op]!)) if (mode !== 'baseline') row.ratio = round3(row.opsPerSec / base.opsPerSec);
      }
    }

    const summary: Record<string, Record<string, Record<string, number | undefined>>> = { lean: {}, leanCpu: {}, sdk: {} };
    for (const mode of modes.filter((m) => m !== 'baseline')) {
      summary.lean![mode] = Object.fromEntries(OPS.map((op) => [op, lean[op]![mode]!.ratio]));
      summary.leanCpu![mode] = Object.fromEntries(OPS.map((op) => [op, lean[op]![mode]!.cpuRatio]));
      if (sdk.PutItem?.[mode]) summary.sdk![mode] = Object.fromEntries(OPS.map((op) => [op, sdk[op]![mode]!.ratio]));
    }
    // Ratios against the batched baseline: the protocol's and engine's own cost, batching set aside.
    if (modes.includes('baseline-batched')) {
      summary.leanVsBatchedBaseline = {};
      for (const mode of modes.filter((m) => !m.startsWith('baseline'))) {
        summary.leanVsBatchedBaseline[mode] = Object.fromEntries(
          OPS.map((op) => [op, round3(lean[op]![mode]!.opsPerSec / lean[op]!['baseline-batched']!.opsPerSec)]),
        );
      }
    }
    const result = {
      benchmark: 'http',
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      loadAverageAtStart: loadavg().map(round1),
      durationSeconds: round1((Date.now() - started) / 1000),
      config: CONFIG,
      notes: [
        'lean rows: opsPerSec, p50Ms, p99Ms are from the best of `rounds` alternating rounds; `rounds` lists every round',
        'ratio = median over rounds of (opsPerSec / baseline opsPerSec in the same round), same op and client; goal >= 0.8 for PutItem, GetItem, Query with the lean client',
        'serverCpuUsPerOp = median server-process CPU time per request; cpuRatio = baseline / this (less sensitive to other load on the machine)',
        'our server writes the answers of one event-loop turn together (setImmediate); baseline-batched does the same with the do-nothing server, and summary.leanVsBatchedBaseline compares best rounds against it',
        'sdk rows: one run each; ratio = opsPerSec / baseline opsPerSec with the same SDK client',
      ],
      summary: { ...summary, ...(against !== undefined ? { againstOld, againstCheckout: against } : {}) },
      lean,
      sdk,
    };
    report('http.json', result);
  } finally {
    for (const s of servers.values()) await s.stop();
    rmSync(diskDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`bench/http: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
