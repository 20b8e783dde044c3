// Runs one server for the benchmarks in its own process, so that server and client use a core each.
//
//   node --import tsx bench/lib/server-child.ts baseline|null-engine|memory|disk [dir]
//
// Prints the endpoint URL as its first line of stdout; stops on SIGTERM or when stdin closes.
//   baseline     a do-nothing node:http server: reads the request, answers a fixed `{}` with the same headers
//   baseline-batched  the same, but answering in the event loop's check phase (setImmediate), the way
//                our server batches its answers: shows what that batching alone is worth
//   null-engine  our server over an engine that answers `{}` at once (protocol overhead alone)
//   memory/disk  our server over a real Database, in memory or in `dir`
//   memory-recorded  `memory` with a request recorder (src/server/inspector), off until the parent
//                sends 'record-on' / 'record-on-nobodies' ('record-off' stops it): bench/inspector.ts
//                compares the three states in one process
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import { RequestRecorder, startServer, type Engine } from '../../src/server/index';

const BASELINE_BODY = Buffer.from('{}');
const BASELINE_HEADERS = [
  'x-amzn-RequestId',
  'BASELINE0000000000000000000000000000000000000000000',
  'Content-Type',
  'application/x-amz-json-1.0',
  'Content-Length',
  String(BASELINE_BODY.length),
  'x-amz-crc32',
  String(crc32(BASELINE_BODY)),
];

function startBaseline(batched: boolean): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer({ noDelay: true }, (req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      if (batched) {
        setImmediate(() => {
          res.writeHead(200, BASELINE_HEADERS);
          res.end(BASELINE_BODY);
        });
      } else {
        res.writeHead(200, BASELINE_HEADERS);
        res.end(BASELINE_BODY);
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

let recorder: RequestRecorder | undefined;

async function main(): Promise<void> {
  const mode = process.argv[2] ?? 'baseline';
  let stop: () => Promise<void>;
  let url: string;
  if (mode === 'baseline' || mode === 'baseline-batched') {
    const s = await startBaseline(mode === 'baseline-batched');
    url = s.url;
    stop = s.close;
  } else {
    let db: Engine & { close?(): Promise<void> };
    if (mode === 'null-engine') {
      const empty = {};
      db = { execute: () => Promise.resolve(empty) };
    } else {
      // Loaded lazily so that the baseline runs even while the engine is being written.
      const { Database } = (await import('../../src/engine/database')) as typeof import('../../src/engine/database');
      const dir = process.argv[3];
      if (mode === 'disk' && !dir) throw new Error('disk mode needs a directory');
      db = await Database.open(dir ?? '', { inMemory: mode === 'memory' || mode === 'memory-recorded' });
    }
    recorder = mode === 'memory-recorded' ? new RequestRecorder({ enabled: false, capacity: process.env.BENCH_RECORDER_CAPACITY ? Number(process.env.BENCH_RECORDER_CAPACITY) : undefined }) : undefined;
    const s = await startServer({ db, port: 0, recorder });
    url = s.url;
    stop = async () => {
      await s.close(1000);
      await db.close?.();
    };
  }
  process.stdout.write(url + '\n');
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(String(err) + '\n');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  process.stdin.on('end', shutdown);
  process.stdin.resume();
  // With an IPC channel (bench/lib/children.ts), the parent asks for CPU time used so far.
  if (process.send) {
    process.on('message', (m) => {
      if (m === 'cpu') process.send!({ cpu: process.cpuUsage() });
      else if (typeof m === 'string' && m.startsWith('record-') && recorder !== undefined) {
        recorder.enabled = m !== 'record-off';
        recorder.bodies = m === 'record-on';
        // The CPU used so far, read as the state changes: bench/inspector.ts charges each slice of a
        // run to the state it ran in. monoUs (the monotonic clock a --cpu-prof profile is stamped
        // with) lets a profile's samples be sorted into the same slices.
        process.send!({ done: m, recorded: recorder.size, cpu: process.cpuUsage(), monoUs: Number(process.hrtime.bigint() / 1000n), memory: process.memoryUsage() });
      }
    });
    process.on('disconnect', shutdown);
  }
}

main().catch((err) => {
  process.stderr.write(`server-child: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
