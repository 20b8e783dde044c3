// Starts bench/lib/server-child.ts in its own process and talks to it.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

export interface ServerChild {
  readonly mode: string;
  readonly url: URL;
  readonly host: string;
  readonly port: number;
  /** CPU microseconds (user + system) the child has used so far. */
  cpuMicros(): Promise<number>;
  /** Sends `command` over IPC and resolves with the child's answer (`{done: command, ...}`). */
  command(command: string): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/**
 * `checkout`: another checkout of the project (e.g. a worktree of main) whose server the child
 * runs from source instead of this one's, to compare two builds in the same run.
 */
export async function startChild(mode: string, dir?: string, checkout?: string): Promise<ServerChild> {
  // From source the child runs through tsx; `npm run bench` runs bundles, the child's beside them.
  const bundled = __filename.endsWith('.js') && checkout === undefined;
  const script = checkout !== undefined
    ? path.join(checkout, 'bench', 'lib', 'server-child.ts')
    : bundled
      ? path.join(__dirname, 'lib', 'server-child.js')
      : path.join(__dirname, 'server-child.ts');
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the server child alone.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const args = [...nodeArgs, ...(bundled ? [] : ['--import', 'tsx']), script, mode, ...(dir ? [dir] : [])];
  // BENCH_SERVER_CPU (e.g. "1") pins the child to that core with taskset, so that a client pinned to
  // the other core takes no turns from it: throughput then follows the server's own cost per request.
  const cpu = process.env.BENCH_SERVER_CPU;
  const child: ChildProcess = cpu
    ? spawn('taskset', ['-c', cpu, process.execPath, ...args], { stdio: ['pipe', 'pipe', 'inherit', 'ipc'] })
    : spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`server child '${mode}' exited with ${code}`)));
  });
  const url = new URL(line.trim());
  return {
    mode,
    url,
    host: url.hostname,
    port: Number(url.port),
    cpuMicros: () =>
      new Promise((resolve) => {
        const onMessage = (m: any): void => {
          if (m && m.cpu) {
            child.off('message', onMessage);
            resolve(m.cpu.user + m.cpu.system);
          }
        };
        child.on('message', onMessage);
        child.send('cpu');
      }),
    command: (command) =>
      new Promise((resolve) => {
        const onMessage = (m: any): void => {
          if (m && m.done === command) {
            child.off('message', onMessage);
            resolve(m);
          }
        };
        child.on('message', onMessage);
        child.send(command);
      }),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
