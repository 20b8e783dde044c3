// One recorded request as a line of text, for `dynamo-workspace serve --record-requests` (stderr):
// the CLI's view of what the inspector panel shows. Never includes a body or a header but the
// client's name, so a log of it holds no item data beyond the summary's key and no credentials.
import type { RequestRecord } from '../../protocol/request-record';

function units(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0+$/, '');
}

export function formatRequestLine(r: RequestRecord): string {
  const time = new Date(r.time).toISOString().slice(11, 23);
  const where = r.table === undefined ? '' : ` ${r.table}${r.index !== undefined ? `/${r.index}` : ''}`;
  const status = r.status === 'ok' ? 'ok' : `${r.status}${r.errorType !== undefined ? ` (${r.errorType})` : ''}`;
  const parts = [`${time} ${r.operation || '?'}${where}`];
  if (r.summary !== '') parts.push(r.summary);
  parts.push(status);
  if (r.capacity !== undefined) {
    const cap: string[] = [];
    if (r.capacity.read > 0) cap.push(`${units(r.capacity.read)} RCU`);
    if (r.capacity.write > 0) cap.push(`${units(r.capacity.write)} WCU`);
    if (cap.length > 0) parts.push(cap.join(' '));
  }
  if (r.count !== undefined) parts.push(`${r.count}/${r.scannedCount ?? r.count} items`);
  parts.push(`${r.durationMs.toFixed(1)} ms`);
  if (r.client.sdk !== undefined) parts.push(`${r.client.sdk}${r.client.sdkVersion !== undefined ? `/${r.client.sdkVersion}` : ''}`);
  return parts.join(' · ');
}
