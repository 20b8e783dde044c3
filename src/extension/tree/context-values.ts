// Every contextValue the explorer gives a row. package.json's `view/item/context` menus select rows
// by these strings (`viewItem == ...`); test/extension/unit/manifest.test.ts checks that each one
// is used by a menu clause and that each clause names one of them. Rows without menus get none.
// No vscode import: the manifest test reads this file in plain Node.
export const CONTEXT_VALUES = {
  workspaceConnection: 'connection.workspace',
  remoteConnection: 'connection.remote',
  table: 'table',
  /** time to live is off: it can be enabled */
  ttlDisabled: 'ttl.disabled',
  /** time to live is on: it can be disabled (during a transition the row has no menu: DynamoDB refuses changes then) */
  ttlEnabled: 'ttl.enabled',
  /** the Backups row of a database that has backups: create one */
  backups: 'backups',
  /** an available backup: restore it to a new table, delete it */
  backup: 'backup',
  pitrDisabled: 'pitr.disabled',
  pitrEnabled: 'pitr.enabled',
  /** a table's Stream row, on or off (not where the database lacks Streams): opens the stream view */
  stream: 'stream',
} as const;

export type ContextValue = (typeof CONTEXT_VALUES)[keyof typeof CONTEXT_VALUES];
