// The timeline app's calls to its host, each taking the host so Node tests can pass a real one
// wired to a TimelinePanel's handlers. Each checks what the webview can check before sending
// (a time inside the window, a valid table or backup name) and says why in words.
import type { RequestMap } from '../../src/protocol/rpc';
import { clampToWindow, inWindow, type BackupMark, type PreviewResult, type RestoreSource, type TimelineRequests, type TimelineSnapshot } from '../../src/protocol/timeline';
import { backupNameProblem, recoveryPeriodProblem, tableNameProblem } from '../../src/protocol/names';

/** The one thing actions need of the webview's Host. */
export interface Requester<R extends RequestMap> {
  request<K extends keyof R & string>(method: K, params: R[K][0]): Promise<R[K][1]>;
}
export type TimelineHost = Requester<TimelineRequests>;

export class ActionProblem extends Error {}

/** A time the user picked, as a whole second inside the window; refused when there is no window. */
export function pick(snapshot: TimelineSnapshot, time: number): number {
  if (snapshot.pitr?.status !== 'ENABLED') throw new ActionProblem('Point-in-time recovery is off: there is no second to restore');
  return clampToWindow(time, snapshot.pitr);
}

export async function preview(host: TimelineHost, snapshot: TimelineSnapshot, time: number): Promise<PreviewResult> {
  if (snapshot.unavailable.preview) throw new ActionProblem(snapshot.unavailable.preview);
  if (!inWindow(time, snapshot.pitr)) throw new ActionProblem('That second is outside the point-in-time recovery window');
  return host.request('preview', { time });
}

export async function restore(host: TimelineHost, source: RestoreSource, targetName: string, existing: readonly string[] = []): Promise<{ tableName: string; active: boolean }> {
  const problem = tableNameProblem(targetName.trim(), existing);
  if (problem) throw new ActionProblem(problem);
  return host.request('restore', { source, targetName: targetName.trim() });
}

export async function createBackup(host: TimelineHost, name: string): Promise<BackupMark> {
  const problem = backupNameProblem(name.trim());
  if (problem) throw new ActionProblem(problem);
  return host.request('createBackup', { name: name.trim() });
}

/** Parses the recovery period field: a whole number of days from 1 to 35, as DynamoDB allows. */
export function recoveryDays(text: string): number {
  const problem = recoveryPeriodProblem(text);
  if (problem) throw new ActionProblem(problem);
  return Number(text.trim());
}

export async function setPitr(host: TimelineHost, enabled: boolean, daysText?: string): Promise<TimelineSnapshot> {
  return host.request('setPitr', { enabled, recoveryPeriodInDays: enabled && daysText !== undefined && daysText.trim() !== '' ? recoveryDays(daysText) : undefined });
}
