// Serves a fresh in-memory Database on a free loopback port for test suites written in other
// languages (the boto3 suite). Prints the endpoint URL as its first line on stdout, then serves
// until SIGTERM/SIGINT or until its stdin closes (so it never outlives the test runner).
// DW_BUCKETS_ROOT, when set, is the folder standing in for S3 (export and import).
import { Database } from '../../src/engine/database';
import { startServer } from '../../src/server/index';

async function main(): Promise<void> {
  // TTL sweeps every second (default 5 s) so the TTL suite sees deletions quickly.
  const db = await Database.open('', { inMemory: true, ttlSweepIntervalMs: 1000, bucketsRoot: process.env.DW_BUCKETS_ROOT || undefined });
  const server = await startServer({ db, port: Number(process.env.PORT ?? 0) });
  process.stdout.write(server.url + '\n');
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server
      .close(1000)
      .then(() => db.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
}

main().catch((err) => {
  process.stderr.write(`serve-for-tests: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
