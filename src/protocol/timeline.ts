// Messages of the timeline panel (webview/timeline): one table's change volume, backups and PITR
// window; pick a second, preview it, restore it into a new table; manage backups and PITR. Also the
// pure pieces both sides share (time formats, bucket sizes, "just before the last big change",
// the side-by-side diff rows), so they run in plain Node tests.
//
// Invariants:
// - Every time crossing this protocol is epoch milliseconds (the wire's epoch seconds are turned
//   into ms by the host); a picked time is always a whole second.
// - A restore goes to a whole second inside the PITR window [earliest, latest]; `clampToWindow`
//   is the one place that enforces it on this side.
// - A remote or shared connection has no change volume and no preview: `unavailable` says why,
//   in words the panel shows as they are.
import { diffLines } from 'diff';
import type { Item } from './dynamo-json';

export type BackupType = 'USER' | 'SYSTEM' | 'AWS_BACKUP';

export interface BackupMark {
  arn: string;
  name: string;
  type: BackupType;
  status: string;
  /** creation time, ms */
  created: number;
  sizeBytes?: number;
}

export interface PitrState {
  status: 'ENABLED' | 'DISABLED' | 'ENABLING' | 'DISABLING';
  recoveryPeriodInDays?: number;
  /** the restorable window, ms (only while ENABLED) */
  earliest?: number;
  latest?: number;
}

/** Writes per bucket, dense from `start` (ms) in steps of `step` ms. */
export interface VolumeSeries {
  start: number;
  step: number;
  inserts: number[];
  modifications: number[];
  removals: number[];
}

export interface TimelineSnapshot {
  tableName: string;
  connectionLabel: string;
  /** key attribute names, partition key first */
  keyNames: string[];
  /** when the host took this snapshot, ms */
  now: number;
  pitr?: PitrState;
  backups: BackupMark[];
  volume?: VolumeSeries;
  /** what this connection cannot show or do, and why, in the panel's words */
  unavailable: { pitr?: string; backups?: string; volume?: string; preview?: string };
}

export interface PreviewSide {
  itemCount: number;
  sizeBytes: number;
}

export interface PreviewDiff {
  key: Item;
  /** the item at the previewed second (absent: it did not exist then) */
  then?: Item;
  /** the item now (absent: deleted since) */
  now?: Item;
}

export interface PreviewResult {
  time: number;
  then: PreviewSide;
  now: PreviewSide;
  differences: PreviewDiff[];
  /** all differing keys (more than differences.length when the list was cut) */
  differenceCount: number;
}

export type RestoreSource = { time: number } | { backupArn: string; backupName: string };

/** webview -> host requests: method -> [params, result] */
export type TimelineRequests = {
  ready: [void, TimelineSnapshot];
  refresh: [void, TimelineSnapshot];
  preview: [{ time: number }, PreviewResult];
  /** resolves once the new table is ACTIVE (or the user stopped waiting: `active` false) */
  restore: [{ source: RestoreSource; targetName: string }, { tableName: string; active: boolean }];
  createBackup: [{ name: string }, BackupMark];
  /** asks the user first; false when they declined */
  deleteBackup: [{ arn: string; name: string }, boolean];
  setPitr: [{ enabled: boolean; recoveryPeriodInDays?: number }, TimelineSnapshot];
};

/** host -> webview notifications */
export type TimelineHostNotifications = {
  /** the table was written or its backups/PITR changed: a fresh snapshot */
  changed: TimelineSnapshot;
};

/** webview -> host notifications */
export type TimelineViewNotifications = {
  status: { message: string };
};

/** What the webview keeps across reloads (getState/setState). */
export interface TimelineViewState {
  selected?: number;
  targetName?: string;
}

export const SECOND_MS = 1000;

/** Bucket sizes the chart uses, smallest first: the first that gives at most MAX_BUCKETS wins. */
export const BUCKET_STEPS_MS = [1, 5, 10, 30, 60, 300, 900, 3600, 6 * 3600, 86_400].map((s) => s * SECOND_MS);
export const MAX_BUCKETS = 120;

/** The bucket size for a span of `spanMs`: fine enough to tell writes seconds apart in a short window. */
export function bucketFor(spanMs: number): number {
  return BUCKET_STEPS_MS.find((step) => spanMs / step <= MAX_BUCKETS) ?? BUCKET_STEPS_MS[BUCKET_STEPS_MS.length - 1]!;
}

/** Sparse buckets (the engine leaves out empty ones) -> dense series from `from` to `to` (ms). */
export function denseSeries(buckets: readonly { start: number; inserts: number; modifications: number; removals: number }[], from: number, to: number, step: number): VolumeSeries {
  const start = Math.floor(from / step) * step;
  const length = Math.max(1, Math.floor((to - start) / step) + 1);
  const series: VolumeSeries = { start, step, inserts: new Array(length).fill(0), modifications: new Array(length).fill(0), removals: new Array(length).fill(0) };
  for (const b of buckets) {
    const i = Math.floor((b.start - start) / step);
    if (i < 0 || i >= length) continue;
    series.inserts[i]! += b.inserts;
    series.modifications[i]! += b.modifications;
    series.removals[i]! += b.removals;
  }
  return series;
}

/**
 * "Just before the last big change": the second before the burst that holds the most writes (the
 * latest such burst on a tie), where a burst is a run of consecutive non-empty buckets. Undefined
 * when nothing was written. The result is a whole second before every write of that burst.
 */
export function lastBigChange(series: VolumeSeries): number | undefined {
  const total = (i: number) => series.inserts[i]! + series.modifications[i]! + series.removals[i]!;
  let best: { start: number; writes: number } | undefined;
  let i = 0;
  while (i < series.inserts.length) {
    if (total(i) === 0) {
      i++;
      continue;
    }
    const first = i;
    let writes = 0;
    while (i < series.inserts.length && total(i) > 0) writes += total(i++);
    if (best === undefined || writes >= best.writes) best = { start: series.start + first * series.step, writes };
  }
  return best === undefined ? undefined : floorSecond(best.start - 1);
}

export function floorSecond(ms: number): number {
  return Math.floor(ms / SECOND_MS) * SECOND_MS;
}

/** `time` as a whole second inside the PITR window (earliest rounded up, latest down). */
export function clampToWindow(time: number, pitr: PitrState | undefined): number {
  const t = floorSecond(time);
  if (pitr?.earliest === undefined || pitr.latest === undefined) return t;
  const earliest = Math.ceil(pitr.earliest / SECOND_MS) * SECOND_MS;
  const latest = floorSecond(pitr.latest);
  return Math.min(Math.max(t, earliest), Math.max(earliest, latest));
}

export function inWindow(time: number, pitr: PitrState | undefined): boolean {
  return pitr?.earliest !== undefined && pitr.latest !== undefined && time >= pitr.earliest && time <= pitr.latest;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `YYYY-MM-DD HH:MM:SS` in the local time zone: what the time field shows and accepts. */
export function formatLocal(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The same second in UTC, ISO 8601 (the hover text). */
export function formatUtc(ms: number): string {
  return new Date(floorSecond(ms)).toISOString().replace('.000Z', 'Z');
}

/**
 * A typed local date and time (`YYYY-MM-DD HH:MM[:SS]`, a `T` instead of the space too) -> ms, or
 * undefined when it is not one or names a time the local zone skips (a DST gap).
 */
export function parseLocal(text: string): number | undefined {
  const m = /^\s*(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?\s*$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  const date = new Date(y, mo - 1, d, h, mi, s);
  // Date rolls 2026-02-30 over to March and skips DST gaps: refuse what does not read back the same
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d || date.getHours() !== h || date.getMinutes() !== mi || date.getSeconds() !== s) return undefined;
  return date.getTime();
}

/** The local time zone's name (`Europe/Berlin`) and offset (`UTC+01:00`) at `ms`. */
export function zoneLabel(ms: number): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const offset = -new Date(ms).getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${zone} (UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)})`;
}

export interface DiffCell {
  text: string;
  /** 'same' on both sides; 'removed' only left (then), 'added' only right (now) */
  kind: 'same' | 'removed' | 'added';
}

/** One row of the side-by-side diff: a line of the old version beside the matching line of the new. */
export interface DiffRow {
  left?: DiffCell;
  right?: DiffCell;
}

/**
 * Two texts as aligned rows: unchanged lines on both sides, a run of removed lines paired row by
 * row with the run of added lines that replaces it, the longer run padded with empty cells.
 */
export function sideBySide(oldText: string, newText: string): DiffRow[] {
  const rows: DiffRow[] = [];
  const lines = (value: string) => value.replace(/\n$/, '').split('\n');
  const parts = diffLines(oldText, newText);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (!part.added && !part.removed) {
      for (const text of lines(part.value)) rows.push({ left: { text, kind: 'same' }, right: { text, kind: 'same' } });
      continue;
    }
    const removed = part.removed ? lines(part.value) : [];
    let added: string[] = part.added ? lines(part.value) : [];
    if (part.removed && parts[i + 1]?.added) added = lines(parts[++i]!.value);
    for (let r = 0; r < Math.max(removed.length, added.length); r++) {
      const row: DiffRow = {};
      if (r < removed.length) row.left = { text: removed[r]!, kind: 'removed' };
      if (r < added.length) row.right = { text: added[r]!, kind: 'added' };
      rows.push(row);
    }
  }
  return rows;
}

/** What a preview difference is, in a word: the item was added since, removed since, or changed. */
export function changeKind(d: PreviewDiff): 'added since' | 'removed since' | 'changed' {
  if (d.then === undefined) return 'added since';
  if (d.now === undefined) return 'removed since';
  return 'changed';
}
