// What every registerXCommands shares: the extension's objects, the pickers that ask for a
// connection or table when a command was given none, and `run`, which turns a failure into one
// error message (through notify.ts) and an `undefined` result instead of a rejected command.
import * as vscode from 'vscode';
import type { TableTarget } from '../command-args';
import { describeError, type Connection } from '../connection';
import type { ConnectionEntry, ConnectionManager } from '../manager';
import { showMessage } from '../notify';
import { listAllTables } from '../tables';
import type { ExplorerTree } from '../tree';
import type { CommandId } from './ids';

export interface CommandContext {
  extensionUri: vscode.Uri;
  manager: ConnectionManager;
  tree: ExplorerTree;
  log: vscode.OutputChannel;
}

export interface Pickers {
  pickEntry(target: TableTarget): Promise<ConnectionEntry | undefined>;
  pickConnection(target: TableTarget): Promise<Connection | undefined>;
  pickTable(target: TableTarget): Promise<{ connection: Connection; tableName: string } | undefined>;
}

export function pickers(manager: ConnectionManager): Pickers {
  const pickEntry = async (target: TableTarget): Promise<ConnectionEntry | undefined> => {
    const entries = manager.entries();
    if (target.connectionId) {
      const entry = entries.find((e) => e.id === target.connectionId);
      if (!entry) throw new Error(`There is no connection ${target.connectionId}.`);
      return entry;
    }
    if (entries.length === 0) {
      void showMessage('warning', 'Open a folder for a workspace database, or add a remote connection.');
      return undefined;
    }
    if (entries.length === 1) return entries[0];
    const pick = await vscode.window.showQuickPick(
      entries.map((e) => ({ label: e.label, description: e.kind === 'workspace' ? 'workspace database' : 'remote', entry: e })),
      { title: 'Connection', placeHolder: 'Choose a database' },
    );
    return pick?.entry;
  };

  const pickConnection = async (target: TableTarget): Promise<Connection | undefined> => {
    const entry = await pickEntry(target);
    return entry ? manager.get(entry.id) : undefined;
  };

  const pickTable = async (target: TableTarget): Promise<{ connection: Connection; tableName: string } | undefined> => {
    const connection = await pickConnection(target);
    if (!connection) return undefined;
    if (target.tableName) return { connection, tableName: target.tableName };
    const names = await listAllTables(connection);
    if (!names.length) {
      void showMessage('info', `${connection.label} has no tables yet.`);
      return undefined;
    }
    const tableName = await vscode.window.showQuickPick(names, { title: 'Table', placeHolder: `A table of ${connection.label}` });
    return tableName ? { connection, tableName } : undefined;
  };

  return { pickEntry, pickConnection, pickTable };
}

/** Wraps a command body: an error is logged and shown once, and the command resolves to undefined. */
export function runner(log: vscode.OutputChannel) {
  return <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R | undefined> => {
      try {
        return await fn(...args);
      } catch (e) {
        log.appendLine(`${new Date().toISOString()} ${describeError(e)}`);
        void showMessage('error', describeError(e));
        return undefined;
      }
    };
}

/** Registers a command by its id in ids.ts (the only way command ids reach VS Code). */
export function register(id: CommandId, fn: (...args: any[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, fn);
}
