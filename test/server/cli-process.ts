// `dynamo-workspace serve` as a child process, as users run it, for the CLI suites. Resolves once
// the first line on stdout names the endpoint; rejects when that line is anything else, or when the
// process exits or stays silent for `timeoutMs` first (with its stderr, to show why).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  /** The endpoint URL: the first capture group of `endpointLine`. */
  url: string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<void>;
}

export interface StartOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  endpointLine: RegExp;
  timeoutMs: number;
}

/** Runs `node <argv>` and waits for its endpoint line. */
export function startCli(argv: string[], options: StartOptions): Promise<RunningCli> {
  const child = spawn(process.execPath, argv, { cwd: options.cwd, env: options.env });
  let err = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no endpoint line; stderr: ${err}`)), options.timeoutMs);
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      const m = options.endpointLine.exec(line);
      if (!m) reject(new Error(`unexpected first line: ${line}`));
      else resolve({ child, url: m[1]!, stderr: () => err, exited, stop });
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before serving; stderr: ${err}`));
    });
  });
}
