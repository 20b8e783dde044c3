// The capacity panel's calls to its host, with the host passed in (a Host in the page, a stand-in
// that answers from a real engine in tests), so the page's wiring stays in main.ts.
import { DESCRIBED_REFRESH_MS, REFRESH_MS, type CapacityRequests, type CapacityResult, type CapacityViewNotifications, type CapacityWindowId } from '../../src/protocol/capacity-view';

/** The part of webview/shared/host.ts's Host these actions use. */
export interface CapacityHost {
  request<K extends keyof CapacityRequests & string>(method: K, params: CapacityRequests[K][0]): Promise<CapacityRequests[K][1]>;
  notify<K extends keyof CapacityViewNotifications & string>(method: K, params: CapacityViewNotifications[K]): void;
}

/**
 * Fetches the figures of the table (or index) for the window, and tells the host what the page
 * shows, so reopening or restoring the panel shows the same.
 */
export async function loadSnapshot(host: CapacityHost, index: string | undefined, windowId: CapacityWindowId): Promise<CapacityResult> {
  host.notify('viewState', { index, windowId });
  return host.request('snapshot', { index, windowId });
}

/**
 * Whether the live refresh should ask again now: at every tick while there are charts, but a page
 * showing only DescribeTable's figures (no counters) asks every DESCRIBED_REFRESH_MS.
 */
export function refreshDue(last: CapacityResult | undefined, loadedAt: number, now: number): boolean {
  if (!last) return true;
  const period = last.available ? REFRESH_MS : DESCRIBED_REFRESH_MS;
  // a tick comes a little before or after the period: within half a tick counts as due
  return now - loadedAt >= period - REFRESH_MS / 2;
}

/**
 * Calls `tick` every `ms` while the page is visible, and at once when it becomes visible again;
 * returns the function that stops it. A tick still running when the next is due is not doubled.
 */
export function everyWhileVisible(tick: () => Promise<void>, ms: number, doc: Pick<Document, 'visibilityState' | 'addEventListener' | 'removeEventListener'> = document): () => void {
  let running = false;
  const run = () => {
    if (running || doc.visibilityState !== 'visible') return;
    running = true;
    void tick().finally(() => (running = false));
  };
  const timer = setInterval(run, ms);
  const onVisible = () => run();
  doc.addEventListener('visibilitychange', onVisible);
  return () => {
    clearInterval(timer);
    doc.removeEventListener('visibilitychange', onVisible);
  };
}
