// Waiting, backing off and pacing for bulk writes (copy-table.ts, and transfer.ts's imports).
//
// Invariants:
// - Every wait goes through a Clock, so tests drive the same code with the engine's hand-moved
//   clock (a virtual clock) instead of real time, and every wait ends early, rejecting with
//   CopyCancelled, as soon as the AbortSignal fires.
// - Backoff is "full jitter": attempt n waits a uniformly random time in [0, min(cap, base*2^n)),
//   so parallel writers retrying the same throttled table spread out instead of retrying in step.
// - The pacer never lets more than `rate` write units per second start, averaged from the first
//   request on; it does not hoard unused time (an idle pause does not turn into a burst).
import { errorInfo } from '../connection';

export interface Clock {
  now(): number;
  /** resolves after `ms`, or rejects with CopyCancelled when `signal` fires first */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The copy (or import) was cancelled: thrown out of waits, caught by the copy to report what it did. */
export class CopyCancelled extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'CopyCancelled';
  }
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new CopyCancelled());
      const onAbort = () => {
        clearTimeout(timer);
        reject(new CopyCancelled());
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CopyCancelled();
}

/** The service refused the request for lack of capacity or request rate; the same request may pass later. */
export function isThrottled(error: unknown): boolean {
  const type = errorInfo(error).type;
  return type === 'ProvisionedThroughputExceededException' || type === 'ThrottlingException' || type === 'RequestLimitExceeded';
}

const TRANSIENT = new Set(['InternalServerError', 'ServiceUnavailable', 'ServiceUnavailableException', 'TimeoutError', 'NetworkingError', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']);

/**
 * Throttles plus the service's transient failures and dropped connections, which DynamoDB asks
 * clients to retry (the writes here are puts of whole items: sending one twice does no harm).
 */
export function isRetryable(error: unknown): boolean {
  return isThrottled(error) || TRANSIENT.has(errorInfo(error).type);
}

export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  /** in [0, 1); Math.random unless a test fixes it */
  random?: () => number;
}

/** Milliseconds to wait before retry number `attempt` (0 for the first retry). */
export function backoffDelay(attempt: number, { baseMs = 50, capMs = 20_000, random = Math.random }: BackoffOptions = {}): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/** Retries one request while it fails with a retryable error, backing off between tries. */
export async function withRetries<T>(
  request: () => Promise<T>,
  options: BackoffOptions & { clock?: Clock; signal?: AbortSignal; maxAttempts?: number; onRetry?: (error: unknown) => void } = {},
): Promise<T> {
  const { clock = realClock, signal, maxAttempts = 12 } = options;
  for (let attempt = 0; ; attempt++) {
    throwIfCancelled(signal);
    try {
      return await request();
    } catch (e) {
      if (!isRetryable(e) || attempt + 1 >= maxAttempts) throw e;
      options.onRetry?.(e);
      await clock.sleep(backoffDelay(attempt, options), signal);
    }
  }
}

/**
 * Spaces out writes to `rate` units per second: `take(units)` waits until those units fit.
 * Infinity (on-demand targets) never waits.
 */
export class WritePacer {
  private nextFree = -Infinity;

  constructor(
    readonly rate: number,
    private readonly clock: Clock = realClock,
  ) {}

  async take(units: number, signal?: AbortSignal): Promise<void> {
    if (!Number.isFinite(this.rate)) return;
    const now = this.clock.now();
    const start = Math.max(now, this.nextFree);
    this.nextFree = start + (units / this.rate) * 1000;
    if (start > now) await this.clock.sleep(start - now, signal);
  }
}
