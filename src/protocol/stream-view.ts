// Messages of the stream view (webview/stream): the live records of one table's DynamoDB stream,
// and the pure rules both sides share (a wire record -> a row, the filter, the image diff, the cap).
//
// Invariants:
// - A record's `n` is its arrival number in this panel (0, 1, 2, … since the last replay): rows
//   are shown in that order, oldest first, and pausing freezes the view at an arrival number.
// - The host keeps at most RECORD_CAP records; `dropped` counts the oldest ones let go since the
//   last replay, so the view can say that its list is not the whole stream.
// - Records arrive in each shard's sequence order, and a child shard is read only after its
//   parent is drained, so for any one item the rows are in the order its writes happened.
import type { AttributeValue, Item } from './dynamo-json';
import { displayValue, sameValue } from './dynamo-json';

export type StreamEventName = 'INSERT' | 'MODIFY' | 'REMOVE';
export const STREAM_EVENTS: readonly StreamEventName[] = ['INSERT', 'MODIFY', 'REMOVE'];

export type StreamViewType = 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';
export const STREAM_VIEW_TYPES: readonly StreamViewType[] = ['NEW_AND_OLD_IMAGES', 'NEW_IMAGE', 'OLD_IMAGE', 'KEYS_ONLY'];

/** Where reading starts: new records only, or everything the stream still holds (24 hours). */
export type StreamStart = 'LATEST' | 'TRIM_HORIZON';

/** Records kept per panel; older ones are dropped (and counted) as new ones arrive. */
export const RECORD_CAP = 1000;

/** One stream record as the view shows it. */
export interface StreamRecordView {
  /** arrival number in this panel */
  n: number;
  seq: string;
  shardId: string;
  event: StreamEventName;
  /** ApproximateCreationDateTime, in milliseconds since the epoch */
  time: number;
  keys: Item;
  oldImage?: Item;
  newImage?: Item;
  sizeBytes?: number;
  /** set for deletions by Time to Live (userIdentity dynamodb.amazonaws.com) */
  byTtl?: boolean;
}

export interface StreamInfo {
  arn: string;
  label?: string;
  viewType?: StreamViewType;
  status?: string;
}

/** Whether the table has a stream to show, and if not, whether one can be turned on. */
export type StreamAvailability =
  | { state: 'on'; stream: StreamInfo }
  | { state: 'off' }
  | { state: 'unavailable'; reason: string };

/** What the host is doing: reading (pollMs between calls while idle), stopped (hidden panel), or failed. */
export interface ReadingStatus {
  reading: 'polling' | 'stopped' | 'failed';
  pollMs?: number;
  shards?: number;
  error?: string;
  /** DescribeStream's StreamStatus (ENABLING, ENABLED, DISABLING, DISABLED) */
  streamStatus?: string;
}

export interface StreamSession {
  connectionId: string;
  connectionLabel: string;
  tableName: string;
  keyNames: string[];
  availability: StreamAvailability;
  start: StreamStart;
  records: StreamRecordView[];
  dropped: number;
  cap: number;
  status: ReadingStatus;
  /** shard id -> last sequence number read */
  positions: Record<string, string>;
}

/** The view's own state, kept by VS Code across hides and window reloads (getState/setState). */
export interface StreamViewState {
  filter: StreamFilter;
  /** arrival number the view froze at, when paused */
  pausedAt?: number;
  expanded: string[];
  /** a window reload loses the host: the records and where each shard was read up to come back from here */
  records?: StreamRecordView[];
  dropped?: number;
  positions?: Record<string, string>;
  start?: StreamStart;
}

export interface StreamFilter {
  events: StreamEventName[];
  /** case-insensitive text searched in the key's text */
  keyText: string;
}

export const ALL_EVENTS: StreamFilter = { events: [...STREAM_EVENTS], keyText: '' };

/** webview -> host requests: method -> [params, result] */
export type StreamRequests = {
  ready: [void, StreamSession];
  /** read again from the oldest record the stream still holds; the kept records are cleared */
  replay: [void, StreamSession];
  /** back to new records only */
  tailLatest: [void, StreamSession];
  enableStream: [{ viewType: StreamViewType }, StreamSession];
  /** opens the item (by its key) in the items panel's editor */
  openItem: [{ keys: Item }, void];
};

/** host -> webview notifications */
export type StreamHostNotifications = {
  records: { records: StreamRecordView[]; dropped: number; positions: Record<string, string> };
  status: ReadingStatus;
  /** a new session (the stream was enabled, replaced or replayed elsewhere): start over */
  session: StreamSession;
};

/** webview -> host notifications */
export type StreamViewNotifications = {
  /** what the view shows, in words (for tests and the accessibility of the status line) */
  status: { message: string };
};

/** A record of GetRecords' output (wire JSON) as a row; undefined for shapes it cannot read. */
export function recordFromWire(wire: unknown, shardId: string, n: number): StreamRecordView | undefined {
  if (!wire || typeof wire !== 'object') return undefined;
  const r = wire as { eventName?: unknown; dynamodb?: Record<string, unknown>; userIdentity?: { PrincipalId?: unknown } };
  const d = r.dynamodb;
  if (!d || (r.eventName !== 'INSERT' && r.eventName !== 'MODIFY' && r.eventName !== 'REMOVE') || typeof d.SequenceNumber !== 'string') return undefined;
  const seconds = typeof d.ApproximateCreationDateTime === 'number' ? d.ApproximateCreationDateTime : Number(d.ApproximateCreationDateTime);
  const out: StreamRecordView = {
    n,
    seq: d.SequenceNumber,
    shardId,
    event: r.eventName,
    time: Number.isFinite(seconds) ? Math.round(seconds * 1000) : 0,
    keys: (d.Keys as Item | undefined) ?? {},
  };
  if (d.OldImage) out.oldImage = d.OldImage as Item;
  if (d.NewImage) out.newImage = d.NewImage as Item;
  if (typeof d.SizeBytes === 'number') out.sizeBytes = d.SizeBytes;
  if (r.userIdentity?.PrincipalId === 'dynamodb.amazonaws.com') out.byTtl = true;
  return out;
}

/** The key as one line, key attributes in schema order: `customer=alice · orderId=7`. */
export function keyText(keys: Item, keyNames: readonly string[]): string {
  const names = [...keyNames.filter((k) => keys[k]), ...Object.keys(keys).filter((k) => !keyNames.includes(k)).sort()];
  return names.map((k) => `${k}=${displayValue(keys[k])}`).join(' · ');
}

export function matchesFilter(record: StreamRecordView, filter: StreamFilter, keyNames: readonly string[]): boolean {
  if (!filter.events.includes(record.event)) return false;
  const text = filter.keyText.trim().toLowerCase();
  return !text || keyText(record.keys, keyNames).toLowerCase().includes(text);
}

export type DiffKind = 'added' | 'removed' | 'changed' | 'same';

export interface DiffRow {
  name: string;
  kind: DiffKind;
  old?: string;
  new?: string;
}

/**
 * The attributes of the old and new images side by side: key attributes first (schema order),
 * then the others by name. Either image may be missing (INSERT, REMOVE, or a view type without
 * it): then every attribute of the other one is added or removed.
 */
export function imageDiff(oldImage: Item | undefined, newImage: Item | undefined, keyNames: readonly string[] = []): DiffRow[] {
  const names = new Set([...Object.keys(oldImage ?? {}), ...Object.keys(newImage ?? {})]);
  const ordered = [...keyNames.filter((k) => names.has(k)), ...[...names].filter((k) => !keyNames.includes(k)).sort()];
  return ordered.map((name) => {
    const a: AttributeValue | undefined = oldImage?.[name];
    const b: AttributeValue | undefined = newImage?.[name];
    const kind: DiffKind = !a ? 'added' : !b ? 'removed' : sameValue(a, b) ? 'same' : 'changed';
    const row: DiffRow = { name, kind };
    if (a) row.old = displayValue(a);
    if (b) row.new = displayValue(b);
    return row;
  });
}

/** Appends `incoming` to `kept` and drops the oldest beyond `cap`; returns how many were dropped. */
export function appendCapped<T>(kept: T[], incoming: readonly T[], cap: number): number {
  kept.push(...incoming);
  const over = Math.max(0, kept.length - cap);
  if (over) kept.splice(0, over);
  return over;
}

/** "1 record", "2 records", "1,000 records". */
export function countText(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}
