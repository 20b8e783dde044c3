// `dynamo-workspace`: the workspace database without VS Code.
//
//   dynamo-workspace serve [--dir D] [--port P] [--host H] [--in-memory] [--durability process|disk] [--log-history-mb N]
//                          [--ttl-sweep-seconds S] [--allow-origin O]... [--allow-host N]... [--auth-keys FILE]
//                          [--buckets D] [--record-requests[=N]]
//   dynamo-workspace repair [--dir D] [--yes]
//
// The first line on stdout is always `Dynamo Workspace endpoint: <url>` once serving, so scripts
// can read the URL; everything else goes to stderr.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Database, DatabaseLockedError, type DatabaseOptions } from './engine/database';
import { repairLog, type RepairPlan } from './engine/log';
import { segmentName } from './engine/log/format';
import { DirectoryLock } from './engine/storage/lock';
import { AuthKeysError, parseKeysFile, parseKeysList, sigV4Authorizer } from './server/auth/index';
import { isLoopbackHost } from './server/access';
import { RequestRecorder, startServer } from './server/index';
import { formatRequestLine } from './server/inspector/log-line';

const USAGE = `Usage: dynamo-workspace <command> [options]

Commands:
  serve         Serve a workspace database over the DynamoDB API on loopback
  repair        Report where a damaged log stops the data folder from opening, and what
                cutting it there would lose; with --yes, cut it (the folder must not be open)

Options for serve:
  --dir <path>      Data folder (default: .dynamodb in the current folder)
  --port <n>        TCP port (default: 8000; 0 picks a free one)
  --host <addr>     Address to bind (default: 127.0.0.1)
  --in-memory       Keep everything in memory; nothing is written to disk
  --durability <m>  What an acknowledged write survives (default: process):
                      process  the server being killed at any moment
                      disk     also a power loss or an OS crash (each write waits for the
                               disk: much slower)
  --log-history-mb <n>  Most log history kept for Streams and point-in-time recovery, in MiB
                      (default: 1024); beyond it the oldest history goes first
  --ttl-sweep-seconds <s>  How often items whose time to live has passed are deleted, in
                      seconds (default: 5; decimals allowed; 0 never deletes them). DynamoDB
                      itself deletes them within a few days
  --buckets <path>  Folder standing in for S3 in ExportTableToPointInTime and ImportTable: each
                    bucket is a folder in it (default: the buckets folder of the data folder;
                    with --in-memory, export and import are refused without it)
  --allow-origin <o>  Let web pages from origin <o> (e.g. http://localhost:3000) call the
                      endpoint; repeatable. By default requests from any web page are refused.
  --allow-host <name> Also accept requests addressed to host name <name> (besides localhost,
                      127.0.0.1, [::1] and the bound address); repeatable
  --auth-keys <file>  Require every request to be signed (Signature Version 4) with one of the
                      access keys in <file>: a JSON object {"<access key id>": "<secret>"} or an
                      AWS credentials-style INI file (aws_access_key_id, aws_secret_access_key).
                      The environment variable DYNAMO_WORKSPACE_AUTH_KEYS=<id>:<secret>[,...]
                      does the same (both: the keys of both are accepted)
  --record-requests[=<n>]  Record the requests served (the last <n>, default 10000) and
                      print one line per request to stderr: time, operation, table, key or
                      key condition, status, capacity, latency and client. Off by default
                      (recording costs a little throughput); credentials are never recorded

Options for repair:
  --dir <path>      Data folder (default: .dynamodb in the current folder)
  --yes             Cut the log at the damage (without it, only report)

  -h, --help        Show this help

Point any AWS SDK, the AWS CLI or boto3 at the printed endpoint, with any region and any
credentials (or one of the --auth-keys keys when given), e.g.  aws dynamodb list-tables --endpoint-url http://127.0.0.1:8000
`;

/** Exit codes. */
const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;
const EXIT_LOCKED = 3;

class UsageError extends Error {}

/** A day: a longer interval is surely a typo (and setTimeout cannot wait beyond ~24.8 days). */
const MAX_TTL_SWEEP_SECONDS = 86_400;

interface ServeOptions {
  dir: string;
  port: number;
  host: string;
  inMemory: boolean;
  durability: NonNullable<DatabaseOptions['durability']>;
  logHistoryBytes: number | undefined;
  /** The TTL sweeper's interval (undefined: the engine's default). */
  ttlSweepIntervalMs: number | undefined;
  allowOrigins: string[];
  allowHosts: string[];
  /** Access key id -> secret; undefined leaves requests unverified. */
  authKeys: Map<string, string> | undefined;
  /** The buckets root for export and import (undefined: the engine's default). */
  bucketsRoot: string | undefined;
  /** --record-requests: how many requests to keep (undefined: not recorded). */
  recordRequests: number | undefined;
}

/**
 * `--record-requests` takes an optional value, which parseArgs cannot express: it is taken out of
 * the arguments here. Returns the remaining arguments and the ring size (undefined: not given).
 */
function takeRecordRequests(args: string[]): { rest: string[]; size: number | undefined } {
  const rest: string[] = [];
  let size: number | undefined;
  for (const arg of args) {
    if (arg === '--record-requests') size = 10_000;
    else if (arg.startsWith('--record-requests=')) {
      const value = arg.slice('--record-requests='.length);
      if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1_000_000) {
        throw new UsageError(`--record-requests takes a number of requests from 1 to 1000000, not '${value}'`);
      }
      size = Number(value);
    } else rest.push(arg);
  }
  return { rest, size };
}

/** Keys from --auth-keys and DYNAMO_WORKSPACE_AUTH_KEYS together; undefined when neither is given. */
function loadAuthKeys(file: string | undefined, env: string | undefined): Map<string, string> | undefined {
  if (file === undefined && (env === undefined || env.trim() === '')) return undefined;
  const keys = new Map<string, string>();
  try {
    if (file !== undefined) {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (err) {
        throw new AuthKeysError(`--auth-keys ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
      }
      for (const [id, secret] of parseKeysFile(text, `--auth-keys ${file}`)) keys.set(id, secret);
    }
    if (env !== undefined && env.trim() !== '') {
      for (const [id, secret] of parseKeysList(env, 'DYNAMO_WORKSPACE_AUTH_KEYS')) {
        if (keys.has(id) && keys.get(id) !== secret) throw new AuthKeysError(`access key id ${id} has different secrets in --auth-keys and DYNAMO_WORKSPACE_AUTH_KEYS`);
        keys.set(id, secret);
      }
    }
  } catch (err) {
    if (err instanceof AuthKeysError) throw new UsageError(err.message);
    throw err;
  }
  return keys;
}

/** An origin as a browser sends it: http(s)://host[:port], nothing after. */
function parseOrigin(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const bare = value.replace(/\/+$/, '').toLowerCase();
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== bare) {
    throw new UsageError(`--allow-origin takes an origin such as http://localhost:3000 (scheme, host and port only), not '${value}'`);
  }
  return url.origin;
}

function parseHostName(value: string): string {
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)$/.test(value)) {
    throw new UsageError(`--allow-host takes a host name or address without a port, such as devbox.local, not '${value}'`);
  }
  return value;
}

function parseServe(allArgs: string[]): ServeOptions | 'help' {
  const { rest: args, size: recordRequests } = takeRecordRequests(allArgs);
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        dir: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'in-memory': { type: 'boolean' },
        durability: { type: 'string' },
        'log-history-mb': { type: 'string' },
        'ttl-sweep-seconds': { type: 'string' },
        'allow-origin': { type: 'string', multiple: true },
        'allow-host': { type: 'string', multiple: true },
        'auth-keys': { type: 'string' },
        buckets: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  let port = 8000;
  if (v.port !== undefined) {
    port = Number(v.port);
    if (!/^\d+$/.test(v.port) || !Number.isInteger(port) || port < 0 || port > 65535) {
      throw new UsageError(`--port must be an integer from 0 to 65535, not '${v.port}'`);
    }
  }
  const host = v.host ?? '127.0.0.1';
  if (host === '') throw new UsageError('--host must not be empty');
  if (v['in-memory'] && v.dir !== undefined) throw new UsageError('--in-memory and --dir cannot be used together');
  const durability = v.durability ?? 'process';
  if (durability !== 'process' && durability !== 'disk') throw new UsageError(`--durability must be 'process' or 'disk', not '${durability}'`);
  const historyMb = v['log-history-mb'];
  if (historyMb !== undefined && (!/^\d+$/.test(historyMb) || Number(historyMb) < 1)) {
    throw new UsageError(`--log-history-mb must be a whole number of MiB, at least 1, not '${historyMb}'`);
  }
  const sweep = v['ttl-sweep-seconds'];
  if (sweep !== undefined && (!/^\d+(\.\d+)?$/.test(sweep) || Number(sweep) > MAX_TTL_SWEEP_SECONDS)) {
    throw new UsageError(`--ttl-sweep-seconds must be a number of seconds from 0 to ${MAX_TTL_SWEEP_SECONDS}, not '${sweep}'`);
  }
  return {
    dir: path.resolve(v.dir ?? '.dynamodb'),
    port,
    host,
    inMemory: v['in-memory'] ?? false,
    durability,
    logHistoryBytes: historyMb === undefined ? undefined : Number(historyMb) * 1024 * 1024,
    ttlSweepIntervalMs: sweep === undefined ? undefined : Number(sweep) === 0 ? 0 : Math.max(1, Math.round(Number(sweep) * 1000)),
    allowOrigins: (v['allow-origin'] ?? []).map(parseOrigin),
    allowHosts: (v['allow-host'] ?? []).map(parseHostName),
    authKeys: loadAuthKeys(v['auth-keys'], process.env.DYNAMO_WORKSPACE_AUTH_KEYS),
    bucketsRoot: v.buckets === undefined ? undefined : path.resolve(v.buckets),
    recordRequests,
  };
}

function isLocked(err: unknown): err is DatabaseLockedError & { pid?: number } {
  return err instanceof DatabaseLockedError || (err instanceof Error && err.name === 'DatabaseLockedError');
}

async function serve(options: ServeOptions): Promise<number> {
  let db: Database;
  try {
    db = await Database.open(options.dir, {
      inMemory: options.inMemory,
      durability: options.durability,
      logHistoryBytes: options.logHistoryBytes,
      ttlSweepIntervalMs: options.ttlSweepIntervalMs,
      bucketsRoot: options.bucketsRoot,
    });
  } catch (err) {
    if (isLocked(err)) {
      const owner = typeof err.pid === 'number' ? `process ${err.pid}` : 'another process';
      if (err.endpoint) {
        process.stderr.write(
          `dynamo-workspace: ${err.dir} is already open in ${owner}, which serves it at ${err.endpoint}\n` +
            `Use that endpoint (e.g. --endpoint-url ${err.endpoint}), or stop that process first.\n`,
        );
      } else {
        process.stderr.write(`dynamo-workspace: ${err.dir} is already open in ${owner}, which serves no endpoint.\nStop that process first.\n`);
      }
      return EXIT_LOCKED;
    }
    process.stderr.write(`dynamo-workspace: cannot open ${options.dir}: ${(err as Error).message}\n`);
    return EXIT_FAILURE;
  }

  let recorder: RequestRecorder | undefined;
  if (options.recordRequests !== undefined) {
    recorder = new RequestRecorder({ capacity: options.recordRequests, bodies: false });
    recorder.subscribe((r) => process.stderr.write(formatRequestLine(r) + '\n'));
  }
  let server;
  try {
    server = await startServer({
      db,
      recorder,
      host: options.host,
      port: options.port,
      allowedOrigins: options.allowOrigins,
      allowedHosts: options.allowHosts,
      authorize: options.authKeys ? sigV4Authorizer({ keys: options.authKeys }) : undefined,
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'EADDRINUSE'
        ? `port ${options.port} on ${options.host} is already in use (try --port 0 for a free one)`
        : e.code === 'EADDRNOTAVAIL'
          ? `${options.host} is not an address of this machine`
          : e.message;
    process.stderr.write(`dynamo-workspace: cannot listen: ${why}\n`);
    await db.close();
    return EXIT_FAILURE;
  }

  // Signal handlers go in before the endpoint is printed: whoever reads that line may stop us at once.
  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        process.stderr.write(`dynamo-workspace: ${signal} again, exiting now\n`);
        process.exit(130);
      }
      stopping = true;
      process.stderr.write(`Stopping (${signal})...\n`);
      server
        .close()
        .then(() => db.close())
        .then(
          () => resolve(EXIT_OK),
          (err: unknown) => {
            process.stderr.write(`dynamo-workspace: error while stopping: ${(err as Error).message}\n`);
            resolve(EXIT_FAILURE);
          },
        );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

  try {
    await db.advertiseEndpoint(server.url);
  } catch (err) {
    process.stderr.write(`dynamo-workspace: warning: could not record the endpoint next to the data: ${(err as Error).message}\n`);
  }

  process.stdout.write(`Dynamo Workspace endpoint: ${server.url}\n`);
  if (!isLoopbackHost(options.host)) {
    const wildcard = server.bindUrl !== server.url;
    process.stderr.write(
      (wildcard
        ? `Listening on ${server.bindUrl} (every network interface); from this machine use ${server.url}, from others http://<this machine's address>:${server.port}\n`
        : `Listening on ${server.bindUrl}\n`) +
        (options.authKeys === undefined
          ? 'WARNING: the database is reachable from the network without credentials: anyone who can connect can read, change and delete every table.\n' +
            'Bind to 127.0.0.1 (the default) unless that is what you want, or require signed requests with --auth-keys.\n'
          : 'The database is reachable from the network; only requests signed with one of the access keys are served (plain HTTP: anyone on the path can read the traffic).\n'),
    );
  }
  if (options.authKeys !== undefined) {
    process.stderr.write(`Requests must be signed (Signature Version 4) with one of ${options.authKeys.size} access key${options.authKeys.size === 1 ? '' : 's'}: ${[...options.authKeys.keys()].join(', ')}\n`);
  }
  if (options.allowOrigins.length > 0) process.stderr.write(`Web pages allowed to call the endpoint: ${options.allowOrigins.join(', ')}\n`);
  process.stderr.write(`${options.inMemory ? 'Data: in memory (discarded on exit)' : `Data: ${options.dir}`}\nPress Ctrl+C to stop.\n`);
  return stopped;
}

function describePlan(dir: string, plan: RepairPlan): string {
  const lines = [`The log of ${dir} does not open: ${plan.error.reason} (${plan.error.file}, byte ${plan.error.offset}).`];
  lines.push(`Cutting it there keeps every record up to lsn ${plan.lastLsnKept} and loses:`);
  if (plan.offset > 0) lines.push(`  - ${plan.bytesLostInSegment} bytes of records in ${segmentName(plan.segment)} from byte ${plan.offset}`);
  for (const s of plan.laterSegments) {
    lines.push(`  - ${segmentName(s.segment)}${s.firstLsn === undefined ? '' : ` (records from lsn ${s.firstLsn}`}${s.firstLsn === undefined ? '' : `, ${s.readableRecords} still readable)`}`);
  }
  if (plan.offset > 0 && plan.laterSegments.length === 0 && plan.bytesLostInSegment === 0) lines.push('  - nothing but the damaged frame');
  return lines.join('\n') + '\n';
}

/** `repair`: exit 0 when the log opens (or was cut), 1 when damage is reported but not cut. */
async function repair(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { dir: { type: 'string' }, yes: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (parsed.values.help) {
    process.stdout.write(USAGE);
    return EXIT_OK;
  }
  const dir = path.resolve(parsed.values.dir ?? '.dynamodb');
  if (!fs.existsSync(dir)) throw new UsageError(`there is no data folder at ${dir}`);
  let lock: DirectoryLock;
  try {
    lock = DirectoryLock.acquire(dir);
  } catch (err) {
    if (err instanceof DatabaseLockedError) {
      process.stderr.write(`dynamo-workspace: ${err.message}; stop it before repairing.\n`);
      return EXIT_LOCKED;
    }
    throw err;
  }
  try {
    const plan = repairLog(dir);
    if (plan === undefined) {
      process.stdout.write(`The log of ${dir} is intact: nothing to repair.\n`);
      return EXIT_OK;
    }
    process.stdout.write(describePlan(dir, plan));
    if (plan.checkpointAhead) {
      process.stdout.write('The checkpoint holds records past the damage, so cutting the log cannot make the folder open. Nothing was changed.\n');
      return EXIT_FAILURE;
    }
    if (!parsed.values.yes) {
      process.stdout.write('Nothing was changed. Run again with --yes to cut the log there.\n');
      return EXIT_FAILURE;
    }
    repairLog(dir, { apply: true });
    process.stdout.write('The log was cut; the folder opens again.\n');
    return EXIT_OK;
  } finally {
    lock.release();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve': {
        const options = parseServe(rest);
        if (options === 'help') {
          process.stdout.write(USAGE);
          return EXIT_OK;
        }
        return await serve(options);
      }
      case 'repair':
        return await repair(rest);
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(USAGE);
        return EXIT_OK;
      case undefined:
        process.stderr.write(USAGE);
        return EXIT_USAGE;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`dynamo-workspace: ${err.message}\nRun 'dynamo-workspace --help' for usage.\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`dynamo-workspace: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(EXIT_FAILURE);
    },
  );
}
