// Messages of the request inspector (webview/inspector), and the pure rules both sides share:
// which records a person sees (filters, the explorer's own requests), which rows stand out
// (failed, throttled, slow), the shape of a request (values removed) that groups identical calls,
// and the hints a group earns (an N+1 loop of GetItems, a Scan or filter that reads far more than
// it returns).
//
// Invariants:
// - Records are held newest first (largest `id` first) and at most `cap` of them; merging what the
//   host sends never duplicates an id, whatever order notifications and `ready` arrive in.
// - A shape never contains a value: only the operation, table, index, attribute names and the
//   expressions' structure (placeholders stay placeholders, names are substituted).
import type { RequestRecord, RequestStatus } from './request-record';

export const REQUEST_STATUSES: readonly RequestStatus[] = ['ok', 'conditional-check-failed', 'transaction-canceled', 'throttled', 'validation', 'not-found', 'in-use', 'error'];

/** How a status reads in the list. */
export const STATUS_TEXT: Record<RequestStatus, string> = {
  ok: 'OK',
  'conditional-check-failed': 'Condition failed',
  'transaction-canceled': 'Transaction canceled',
  throttled: 'Throttled',
  validation: 'Validation error',
  'not-found': 'Not found',
  'in-use': 'In use',
  error: 'Error',
};

/** A request slower than this (ms) stands out. */
export const SLOW_MS = 100;
/** A GetItem shape seen this many times within N_PLUS_ONE_WINDOW_MS is flagged as a loop. */
export const N_PLUS_ONE_COUNT = 5;
export const N_PLUS_ONE_WINDOW_MS = 1000;
/** A Scan or filtered read that examines this many times what it returns gets a hint. */
export const WASTE_RATIO = 5;
/** The host sends new records to the view at most this often (ms). */
export const NOTIFY_INTERVAL_MS = 100;

export interface InspectorFilter {
  /** empty: every operation */
  operations: string[];
  /** empty: every table */
  tables: string[];
  /** empty: every status */
  statuses: RequestStatus[];
  /** case-insensitive text searched in the operation, table, index, summary, error and client */
  text: string;
  /** the explorer's own requests are hidden unless this is set */
  showExplorer: boolean;
}

export const NO_FILTER: InspectorFilter = { operations: [], tables: [], statuses: [], text: '', showExplorer: false };

/** The key attributes of a table and its indexes, so a Scan hint can name the Query that would do. */
export interface KeySchema {
  hash: string;
  range?: string;
  indexes: { name: string; hash: string; range?: string }[];
}

export interface InspectorSession {
  connectionId: string;
  connectionLabel: string;
  /** undefined when the connection records requests; else why it does not (remote, shared, off) */
  unavailable?: string;
  /** newest first */
  records: RequestRecord[];
  cap: number;
  slowMs: number;
  keySchemas: Record<string, KeySchema>;
  /** the endpoint's URL, for the generated code */
  endpoint?: string;
}

export type CodeKind = 'sdk-v3' | 'boto3' | 'cli';
export const CODE_KINDS: readonly { kind: CodeKind; label: string }[] = [
  { kind: 'sdk-v3', label: 'AWS SDK v3' },
  { kind: 'boto3', label: 'boto3' },
  { kind: 'cli', label: 'AWS CLI' },
];

/** The view's own state, kept by VS Code across hides and window reloads. */
export interface InspectorViewState {
  filter: InspectorFilter;
  mode: 'list' | 'group';
  /** the record whose detail is open */
  selected?: number;
  /** the id above which records are held back while paused */
  pausedAfter?: number;
  jsonFormat: 'dynamo' | 'plain';
}

export const EMPTY_VIEW_STATE: InspectorViewState = { filter: NO_FILTER, mode: 'list', jsonFormat: 'dynamo' };

/** webview -> host requests: method -> [params, result] */
export type InspectorRequests = {
  ready: [void, InspectorSession];
  /** empties the recorder (every view of it) */
  clear: [void, void];
  /** the record's request as code, ready to run */
  code: [{ id: number; kind: CodeKind }, string];
  /** writes the text to the clipboard */
  copy: [{ text: string }, void];
  /** sends the record's request again through the connection (it shows up as the explorer's own) */
  replay: [{ id: number }, { status: RequestStatus | 'ok'; message: string }];
  /** opens the item, or the query, in the items panel */
  openInItems: [{ id: number }, void];
};

/** host -> webview notifications */
export type InspectorHostNotifications = {
  /** records recorded since the last batch, newest first */
  records: { records: RequestRecord[] };
  /** the recorder was cleared */
  cleared: Record<string, never>;
};

/** webview -> host notifications */
export type InspectorViewNotifications = {
  /** what the view shows, in words (tests and the status line's accessibility) */
  status: { message: string };
};

export function isFailure(r: RequestRecord): boolean {
  return r.status !== 'ok' && r.status !== 'throttled';
}

/** Why a row stands out, most serious first; empty for an ordinary one. */
export function rowMarks(r: RequestRecord, slowMs = SLOW_MS): ('failed' | 'throttled' | 'slow')[] {
  const marks: ('failed' | 'throttled' | 'slow')[] = [];
  if (isFailure(r)) marks.push('failed');
  if (r.status === 'throttled') marks.push('throttled');
  if (r.durationMs > slowMs) marks.push('slow');
  return marks;
}

function searchable(r: RequestRecord): string {
  return [r.operation, r.table, ...(r.tables ?? []), r.index, r.summary, STATUS_TEXT[r.status], r.errorType, r.errorMessage, r.client.sdk, r.client.userAgent].filter(Boolean).join('\n').toLowerCase();
}

export function matchesFilter(r: RequestRecord, f: InspectorFilter): boolean {
  if (r.client.explorer && !f.showExplorer) return false;
  if (f.operations.length && !f.operations.includes(r.operation)) return false;
  if (f.tables.length && !(r.tables ?? (r.table ? [r.table] : [])).some((t) => f.tables.includes(t))) return false;
  if (f.statuses.length && !f.statuses.includes(r.status)) return false;
  const text = f.text.trim().toLowerCase();
  return !text || searchable(r).includes(text);
}

export function filterIsActive(f: InspectorFilter): boolean {
  return f.operations.length > 0 || f.tables.length > 0 || f.statuses.length > 0 || f.text.trim() !== '';
}

/**
 * Adds `incoming` (any order) to `kept` (newest first), skipping ids already held, and keeps the
 * newest `cap`. Returns the new list (the old one is left alone, for Lit's change detection).
 */
export function mergeNewestFirst(kept: readonly RequestRecord[], incoming: readonly RequestRecord[], cap: number): RequestRecord[] {
  if (!incoming.length) return kept.slice(0, cap);
  const seen = new Set(kept.map((r) => r.id));
  const fresh = incoming.filter((r) => !seen.has(r.id) && (seen.add(r.id), true));
  const all = fresh.length ? [...fresh, ...kept] : [...kept];
  // most batches are newer than everything held: then the list is already in order
  if (fresh.length && !(isNewestFirst(fresh) && (!kept.length || fresh[fresh.length - 1]!.id > kept[0]!.id))) all.sort((a, b) => b.id - a.id);
  return all.slice(0, cap);
}

function isNewestFirst(list: readonly RequestRecord[]): boolean {
  for (let i = 1; i < list.length; i++) if (list[i]!.id > list[i - 1]!.id) return false;
  return true;
}

/** Records shown: the filter's, without those newer than the pause point. */
export function shownRecords(records: readonly RequestRecord[], f: InspectorFilter, pausedAfter?: number): RequestRecord[] {
  return records.filter((r) => (pausedAfter === undefined || r.id <= pausedAfter) && matchesFilter(r, f));
}

// ---- shapes and groups ----

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An expression with #names replaced by the attribute names; :placeholders stay (they hold the values). */
export function nameSubstituted(expression: string, names: unknown): string {
  const map = isObject(names) ? names : {};
  return expression.replace(/#[A-Za-z0-9_]+/g, (p) => (typeof map[p] === 'string' ? (map[p] as string) : p)).replace(/\s+/g, ' ').trim();
}

/** Placeholders renamed to `?`, so `a = :x` and `a = :y` are one shape. */
function valueless(expression: string): string {
  return expression.replace(/:[A-Za-z0-9_]+/g, '?');
}

function keyNames(key: unknown): string {
  return isObject(key) ? Object.keys(key).sort().join(',') : '';
}

/** Legacy KeyConditions / ScanFilter / QueryFilter: attribute names and operators, no values. */
function legacyConditions(c: unknown): string {
  if (!isObject(c)) return '';
  return Object.keys(c)
    .sort()
    .map((name) => `${name} ${isObject(c[name]) ? String((c[name] as Loose).ComparisonOperator ?? '') : ''}`.trim())
    .join(' AND ');
}

/** The request with its values removed: what identical calls in a loop have in common. */
export function requestShape(r: RequestRecord): string {
  const req = isObject(r.request) ? r.request : {};
  const names = req.ExpressionAttributeNames;
  const expr = (field: string): string | undefined => (typeof req[field] === 'string' ? valueless(nameSubstituted(req[field] as string, names)) : undefined);
  const parts: string[] = [r.operation, r.table ?? (r.tables ?? []).join('+')];
  if (r.index) parts.push(`index ${r.index}`);
  if (req.Key) parts.push(`key(${keyNames(req.Key)})`);
  if (isObject(req.Item)) parts.push(`item(${keyNames(req.Item)})`);
  const fields: [string, string][] = [
    ['KeyConditionExpression', 'where'],
    ['FilterExpression', 'filter'],
    ['ConditionExpression', 'if'],
    ['UpdateExpression', 'update'],
    ['ProjectionExpression', 'select'],
  ];
  for (const [field, label] of fields) {
    const e = expr(field);
    if (e) parts.push(`${label} ${e}`);
  }
  if (req.KeyConditions) parts.push(`where ${legacyConditions(req.KeyConditions)}`);
  if (req.ScanFilter || req.QueryFilter) parts.push(`filter ${legacyConditions(req.ScanFilter ?? req.QueryFilter)}`);
  if (typeof req.Statement === 'string') parts.push(req.Statement.replace(/'(?:[^']|'')*'|\b\d+(\.\d+)?\b/g, '?').replace(/\s+/g, ' ').trim());
  // without the body (bodies off) the summary's shape is the best there is
  if (!r.request) parts.push(r.summary.replace(/=\s*("[^"]*"|'[^']*'|[^\s,)]+)/g, '= ?'));
  return parts.filter(Boolean).join(' · ');
}

export interface RequestGroup {
  shape: string;
  operation: string;
  table?: string;
  index?: string;
  count: number;
  failed: number;
  throttled: number;
  read: number;
  write: number;
  costUsd: number;
  durationMs: number;
  items: number;
  scanned: number;
  bytes: number;
  first: number;
  last: number;
  /** the newest record of the group, for its detail */
  latestId: number;
  /** the most of its calls that fell within N_PLUS_ONE_WINDOW_MS: a loop when large */
  burst: number;
  hints: string[];
}

/** Most calls of one group within any window of `windowMs` (times in any order). */
export function densestBurst(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < t.length; j++) {
    while (t[j]! - t[i]! > windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

/** The attributes a filter expression tests for equality: `a = :v` or `:v = a` (names substituted). */
function equalityAttributes(filter: string): string[] {
  const out: string[] = [];
  for (const m of filter.matchAll(/([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*:[A-Za-z0-9_]+|:[A-Za-z0-9_]+\s*=\s*([A-Za-z_][A-Za-z0-9_.]*)/g)) out.push((m[1] ?? m[2])!);
  return out;
}

/** A key a Query could use instead of this Scan's filter: the table's or an index's partition key tested for equality. */
export function queryAlternative(r: RequestRecord, schemas: Record<string, KeySchema>): string | undefined {
  const schema = r.table ? schemas[r.table] : undefined;
  const req = isObject(r.request) ? r.request : {};
  if (!schema || typeof req.FilterExpression !== 'string') return undefined;
  const tested = equalityAttributes(nameSubstituted(req.FilterExpression, req.ExpressionAttributeNames));
  if (tested.includes(schema.hash)) return `the table's key ${schema.hash}`;
  const index = schema.indexes.find((i) => tested.includes(i.hash));
  return index ? `the index ${index.name} (key ${index.hash})` : undefined;
}

function ratioText(ratio: number): string {
  return ratio >= 10 ? String(Math.round(ratio)) : ratio.toFixed(1).replace(/\.0$/, '');
}

/**
 * Requests grouped by shape, the largest totals first (by count, then read+write units), each
 * with its totals and hints. `records` may be in any order.
 */
export function groupRequests(records: readonly RequestRecord[], schemas: Record<string, KeySchema> = {}): RequestGroup[] {
  const groups = new Map<string, { g: RequestGroup; times: number[]; sample: RequestRecord }>();
  for (const r of records) {
    const shape = requestShape(r);
    let entry = groups.get(shape);
    if (!entry) {
      entry = {
        g: { shape, operation: r.operation, table: r.table, index: r.index, count: 0, failed: 0, throttled: 0, read: 0, write: 0, costUsd: 0, durationMs: 0, items: 0, scanned: 0, bytes: 0, first: r.time, last: r.time, latestId: r.id, burst: 0, hints: [] },
        times: [],
        sample: r,
      };
      groups.set(shape, entry);
    }
    const g = entry.g;
    g.count++;
    if (isFailure(r)) g.failed++;
    if (r.status === 'throttled') g.throttled++;
    g.read += r.capacity?.read ?? 0;
    g.write += r.capacity?.write ?? 0;
    g.costUsd += r.costUsd ?? 0;
    g.durationMs += r.durationMs;
    g.items += r.count ?? 0;
    g.scanned += r.scannedCount ?? 0;
    g.bytes += r.requestBytes + r.responseBytes;
    g.first = Math.min(g.first, r.time);
    g.last = Math.max(g.last, r.time);
    if (r.id > g.latestId) {
      g.latestId = r.id;
      entry.sample = r;
    }
    entry.times.push(r.time);
  }
  const out: RequestGroup[] = [];
  for (const { g, times, sample } of groups.values()) {
    g.burst = densestBurst(times, N_PLUS_ONE_WINDOW_MS);
    if ((g.operation === 'GetItem' || g.operation === 'Query') && g.burst >= N_PLUS_ONE_COUNT)
      g.hints.push(`N+1: ${g.burst} ${g.operation} calls of this shape within ${N_PLUS_ONE_WINDOW_MS / 1000} s — one ${g.operation === 'GetItem' ? 'BatchGetItem (up to 100 keys)' : 'Query over the shared key'} would do`);
    if (g.scanned > 0 && g.scanned >= WASTE_RATIO * Math.max(g.items, 1)) {
      const ratio = g.scanned / Math.max(g.items, 1);
      const alt = g.operation === 'Scan' ? queryAlternative(sample, schemas) : undefined;
      const what = g.operation === 'Scan' ? 'Scan' : 'filter';
      g.hints.push(
        alt
          ? `This ${what} reads ${ratioText(ratio)}× more items than it returns (${g.scanned} read, ${g.items} returned): a Query on ${alt} would read ${ratioText(ratio)}× less`
          : `This ${what} reads ${ratioText(ratio)}× more items than it returns (${g.scanned} read, ${g.items} returned): a key condition (or an index on the filtered attribute) would read less`,
      );
    }
    out.push(g);
  }
  return out.sort((a, b) => b.count - a.count || b.read + b.write - (a.read + a.write) || a.shape.localeCompare(b.shape));
}

// ---- text for cells ----

export function capacityText(r: Pick<RequestRecord, 'capacity'>): string {
  const c = r.capacity;
  if (!c) return '—';
  const parts: string[] = [];
  if (c.read) parts.push(`${unitText(c.read)} RCU`);
  if (c.write) parts.push(`${unitText(c.write)} WCU`);
  return parts.join(' · ') || '0';
}

/** Each index's units, one line each, for the capacity cell's tooltip and the detail. */
export function capacityDetail(r: Pick<RequestRecord, 'capacity' | 'table'>): string[] {
  const c = r.capacity;
  if (!c) return [];
  const lines = [`${r.table ?? 'table'}: ${unitText(c.read)} RCU, ${unitText(c.write)} WCU`];
  for (const [name, u] of Object.entries(c.indexes ?? {})) lines.push(`${name}: ${unitText(u.read)} RCU, ${unitText(u.write)} WCU`);
  return lines;
}

export function unitText(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0+$/, '').replace(/\.$/, '');
}

/**
 * A request's price. One request costs millionths of a cent, which no one reads well as a number
 * (6.2e-8): below a hundredth of a cent it is given as what a million such requests cost, the way
 * DynamoDB's own prices are quoted.
 */
/** A sum of requests' prices (a group's total), written out in full: "per 1M" would read as per group. */
export function amountText(usd: number | undefined): string {
  if (usd === undefined) return '—';
  if (usd === 0) return '$0';
  if (usd >= 0.01) return `$${usd.toFixed(2)}`;
  return `$${usd.toFixed(Math.min(12, 1 - Math.floor(Math.log10(usd))))}`;
}

export function dollarsText(usd: number | undefined): string {
  if (usd === undefined) return '—';
  if (usd === 0) return '$0';
  if (usd >= 0.01) return `$${usd.toFixed(2)}`;
  if (usd >= 0.0001) return `$${usd.toPrecision(2)}`;
  const perMillion = usd * 1e6;
  const digits = perMillion >= 100 ? 0 : perMillion >= 1 ? 2 : Math.min(6, 1 - Math.floor(Math.log10(perMillion)));
  return `$${perMillion.toFixed(digits)} per 1M`;
}

export function bytesText(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function clientText(r: RequestRecord): string {
  if (r.client.explorer) return 'explorer';
  if (r.client.sdk) return r.client.sdkVersion ? `${r.client.sdk} ${r.client.sdkVersion}` : r.client.sdk;
  return r.client.userAgent ? r.client.userAgent.split(' ')[0]! : 'unknown';
}

export function countsText(r: RequestRecord): string {
  if (r.count === undefined) return '';
  return r.scannedCount !== undefined && r.scannedCount !== r.count ? `${r.count} of ${r.scannedCount}` : String(r.count);
}
