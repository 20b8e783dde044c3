// A restore into a new table, with its progress in a notification: the request is sent, then the
// new table is polled until ACTIVE (DynamoDB creates it at once and fills it in the background).
// Cancel stops the waiting only: no API stops a restore, so the service goes on restoring.
// Shared by the Backups rows' Restore command and the timeline panel.
import * as vscode from 'vscode';
import type { Connection } from './connection';

/** How often the new table is checked for ACTIVE, at first and at most. */
const POLL_FIRST_MS = 250;
const POLL_MAX_MS = 5000;

/**
 * Runs `start` (the restore request), reports the new table's status until it is ACTIVE, and
 * calls `created` once the table exists (the explorer can show it). True when it became ACTIVE,
 * false when the user stopped waiting.
 */
export function restoreWithProgress(connection: Connection, options: { title: string; targetName: string; start: () => Promise<unknown>; created?: () => void }): Thenable<boolean> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: options.title, cancellable: true }, async (progress, token) => {
    progress.report({ message: 'starting' });
    await options.start();
    options.created?.();
    for (let wait = POLL_FIRST_MS; !token.isCancellationRequested; wait = Math.min(wait * 2, POLL_MAX_MS)) {
      const status = (await connection.send('DescribeTable', { TableName: options.targetName })).Table?.TableStatus;
      if (status === 'ACTIVE') return true;
      progress.report({ message: `table ${String(status ?? 'creating').toLowerCase()}` });
      await new Promise((r) => setTimeout(r, wait));
    }
    return false;
  });
}
