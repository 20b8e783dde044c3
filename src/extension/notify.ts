// Every message the extension shows goes through here, so the last one can be read back: the
// integration tests run with notification toasts hidden, and assert what the user was told.
import * as vscode from 'vscode';

export type Severity = 'info' | 'warning' | 'error';
let last: { severity: Severity; text: string } | undefined;

export function lastMessage(): { severity: Severity; text: string } | undefined {
  return last;
}

export function showMessage(severity: Severity, text: string, ...actions: string[]): Thenable<string | undefined> {
  last = { severity, text };
  if (severity === 'error') return vscode.window.showErrorMessage(text, ...actions);
  if (severity === 'warning') return vscode.window.showWarningMessage(text, ...actions);
  return vscode.window.showInformationMessage(text, ...actions);
}
