// Offers once per folder to keep the data folder out of git.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** True if `.gitignore` of `folder` already covers `relative` (a plain line match, with or without slashes). */
export function isIgnored(gitignoreText: string, relative: string): boolean {
  const want = relative.replace(/^\.\//, '').replace(/\/+$/, '');
  return gitignoreText
    .split(/\r?\n/)
    .map((l) => l.trim())
    .some((l) => l && !l.startsWith('#') && l.replace(/^\//, '').replace(/\/+$/, '') === want);
}

export function addToGitignore(folder: string, relative: string): void {
  const file = path.join(folder, '.gitignore');
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (isIgnored(text, relative)) return;
  const line = `${relative.replace(/\/+$/, '')}/`;
  fs.writeFileSync(file, text + (text && !text.endsWith('\n') ? '\n' : '') + line + '\n');
}

export async function offerGitignore(memento: vscode.Memento, folder: vscode.WorkspaceFolder, dataDir: string): Promise<void> {
  const root = folder.uri.fsPath;
  const relative = path.relative(root, dataDir);
  if (!relative || relative.startsWith('..') || path.isAbsolute(relative)) return;
  if (!fs.existsSync(path.join(root, '.git'))) return;
  const key = `gitignore.asked:${folder.uri.toString()}`;
  if (memento.get<boolean>(key)) return;
  const gitignore = path.join(root, '.gitignore');
  if (fs.existsSync(gitignore) && isIgnored(fs.readFileSync(gitignore, 'utf8'), relative)) return;
  await memento.update(key, true);
  const choice = await vscode.window.showInformationMessage(`Add the workspace database folder "${relative}" to .gitignore?`, 'Add to .gitignore', 'Not now');
  if (choice === 'Add to .gitignore') addToGitignore(root, relative);
}
