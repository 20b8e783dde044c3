// The timeline app's view of a snapshot, as pure functions (Node tests run them): the chart's data
// (stacked writes per bucket, the PITR window as the band, backups as markers), the places a pick
// can jump to, and the sentences the panel shows. No DOM and no host here.
import type { TimeChartData } from '../shared/components/time-chart';
import { bucketFor, clampToWindow, denseSeries, formatLocal, inWindow, lastBigChange, type BackupMark, type PreviewResult, type TimelineSnapshot, type VolumeSeries } from '../../src/protocol/timeline';
import { formatBytes } from '../../src/protocol/capacity';

/** "second", "5 seconds", "minute", "hour", "day": what one bar of the chart counts. */
export function stepLabel(step: number): string {
  const units: [number, string][] = [[86_400_000, 'day'], [3_600_000, 'hour'], [60_000, 'minute'], [1000, 'second']];
  for (const [ms, name] of units) {
    if (step % ms === 0) {
      const n = step / ms;
      return n === 1 ? name : `${n} ${name}s`;
    }
  }
  return `${step} ms`;
}

/** The series the chart draws: the host's, or (no history: a remote table) an empty one over the window and backups. */
export function volumeOf(s: TimelineSnapshot): VolumeSeries {
  if (s.volume) return s.volume;
  const from = Math.min(s.pitr?.earliest ?? s.now - 3600_000, ...s.backups.map((b) => b.created));
  return denseSeries([], from, s.now, bucketFor(s.now - from));
}

export function backupLabel(b: BackupMark): string {
  return `${b.name} (${b.type === 'USER' ? 'on-demand' : b.type === 'SYSTEM' ? 'system' : 'AWS Backup'} backup)`;
}

export function chartData(s: TimelineSnapshot): TimeChartData {
  const v = volumeOf(s);
  const pitrOn = s.pitr?.status === 'ENABLED' && s.pitr.earliest !== undefined && s.pitr.latest !== undefined;
  return {
    start: v.start,
    step: v.step,
    yLabel: `Writes per ${stepLabel(v.step)}`,
    unit: 'writes',
    series: [
      { id: 'inserts', label: 'Inserts', values: v.inserts, kind: 'bar', stack: 'writes', color: '--vscode-charts-green' },
      { id: 'modifications', label: 'Modifications', values: v.modifications, kind: 'bar', stack: 'writes', color: '--vscode-charts-blue' },
      { id: 'removals', label: 'Removals', values: v.removals, kind: 'bar', stack: 'writes', color: '--vscode-charts-red' },
    ],
    band: pitrOn ? { from: s.pitr!.earliest!, to: s.pitr!.latest!, label: 'PITR window' } : undefined,
    markers: s.backups.map((b) => ({ at: b.created, label: backupLabel(b), icon: b.type === 'USER' ? 'archive' : 'server-process', id: b.arn })),
    selectable: pitrOn,
  };
}

export interface JumpTarget {
  id: string;
  label: string;
  time: number;
}

/** Where "Jump to" can go: the window's ends, just before the last big change, each backup inside the window. */
export function jumpTargets(s: TimelineSnapshot): JumpTarget[] {
  const pitr = s.pitr;
  if (pitr?.status !== 'ENABLED' || pitr.earliest === undefined || pitr.latest === undefined) return [];
  const out: JumpTarget[] = [];
  const big = s.volume ? lastBigChange(s.volume) : undefined;
  if (big !== undefined && inWindow(big, pitr)) out.push({ id: 'big-change', label: 'Just before the last big change', time: big });
  out.push({ id: 'earliest', label: 'Earliest restorable', time: clampToWindow(pitr.earliest, pitr) });
  out.push({ id: 'latest', label: 'Latest restorable', time: clampToWindow(pitr.latest, pitr) });
  for (const b of s.backups) if (inWindow(b.created, pitr)) out.push({ id: b.arn, label: `Backup ${b.name}`, time: clampToWindow(b.created, pitr) });
  return out;
}

/** "3 items, 1.2 KB". */
export function sideText(side: { itemCount: number; sizeBytes: number }): string {
  return `${side.itemCount.toLocaleString('en-US')} item${side.itemCount === 1 ? '' : 's'}, ${formatBytes(side.sizeBytes)}`;
}

/** The preview's first line: then against now, and how many items differ. */
export function previewSummary(p: PreviewResult): string {
  const differ = p.differenceCount === 0 ? 'no item differs' : `${p.differenceCount.toLocaleString('en-US')} item${p.differenceCount === 1 ? ' differs' : 's differ'}`;
  const shown = p.differences.length < p.differenceCount ? ` (the first ${p.differences.length} shown)` : '';
  return `At ${formatLocal(p.time)}: ${sideText(p.then)}. Now: ${sideText(p.now)}. ${differ}${shown}.`;
}
