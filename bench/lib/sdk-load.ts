// Load through the real AWS SDK v3 client: `concurrency` loops, each with one call in flight.
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { summarize, type LatencySummary } from './stats';

// The SDK warns once per process that its 2027 releases will need Node 22; keep the log readable.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  if (String(warning instanceof Error ? warning.message : warning).startsWith('NodeVersionSupportWarning')) return;
  (emitWarning as (...a: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

export interface SdkLoadResult extends LatencySummary {
  ops: number;
  total: number;
  seconds: number;
  opsPerSec: number;
  errors: number;
  firstError?: string;
}

export function benchClient(endpoint: string, sockets: number): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    maxAttempts: 1,
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: sockets }) },
  });
}

export async function runSdkLoad(
  client: DynamoDBClient,
  makeCommand: (i: number) => Parameters<DynamoDBClient['send']>[0],
  options: { concurrency: number; durationMs: number; warmupMs: number },
): Promise<SdkLoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let total = 0;
  let firstError: string | undefined;
  let next = 0;
  const t0 = performance.now();
  const measureFrom = t0 + options.warmupMs;
  const measureTo = measureFrom + options.durationMs;
  let last = measureFrom;
  const loop = async (): Promise<void> => {
    for (;;) {
      const start = performance.now();
      if (start >= measureTo) return;
      let failed = false;
      try {
        await client.send(makeCommand(next++));
      } catch (err) {
        failed = true;
        if (firstError === undefined) firstError = String(err);
      }
      const end = performance.now();
      total++;
      if (end >= measureFrom && end < measureTo) {
        latencies.push(end - start);
        last = end;
        if (failed) errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  const seconds = (Math.min(last, measureTo) - measureFrom) / 1000;
  return {
    ops: latencies.length,
    total,
    seconds,
    opsPerSec: latencies.length / seconds,
    errors,
    ...(firstError !== undefined ? { firstError } : {}),
    ...summarize(latencies),
  };
}
