// Every command id the extension registers, in one map. package.json declares exactly these
// (test/extension/unit/manifest.test.ts checks both ways), the register files in this folder
// register them, and the tree and other commands refer to them through this map, never by a
// string of their own. No vscode import: the manifest test reads this file in plain Node.
export const COMMANDS = {
  // connections (connections.ts)
  addConnection: 'dynamoWorkspace.addConnection',
  removeConnection: 'dynamoWorkspace.removeConnection',
  revealDataFolder: 'dynamoWorkspace.revealDataFolder',
  refresh: 'dynamoWorkspace.refresh',
  // the endpoint and the status bar (endpoint.ts)
  copyEndpoint: 'dynamoWorkspace.copyEndpoint',
  copySnippet: 'dynamoWorkspace.copySnippet',
  statusActions: 'dynamoWorkspace.statusActions',
  setEndpointAccessKey: 'dynamoWorkspace.setEndpointAccessKey',
  // tables (tables.ts)
  createTable: 'dynamoWorkspace.createTable',
  deleteTable: 'dynamoWorkspace.deleteTable',
  // items (items.ts)
  openItems: 'dynamoWorkspace.openItems',
  putItem: 'dynamoWorkspace.putItem',
  importItems: 'dynamoWorkspace.importItems',
  exportItems: 'dynamoWorkspace.exportItems',
  // copying tables between connections (copy.ts)
  copyTable: 'dynamoWorkspace.copyTable',
  // the stream view (streams.ts)
  openStream: 'dynamoWorkspace.openStream',
  // capacity and cost (capacity.ts)
  openCapacity: 'dynamoWorkspace.openCapacity',
  // time to live (ttl.ts)
  enableTtl: 'dynamoWorkspace.enableTtl',
  disableTtl: 'dynamoWorkspace.disableTtl',
  // backups and point-in-time recovery (backups.ts)
  createBackup: 'dynamoWorkspace.createBackup',
  deleteBackup: 'dynamoWorkspace.deleteBackup',
  restoreBackup: 'dynamoWorkspace.restoreBackup',
  enablePitr: 'dynamoWorkspace.enablePitr',
  disablePitr: 'dynamoWorkspace.disablePitr',
  setRecoveryPeriod: 'dynamoWorkspace.setRecoveryPeriod',
  // the backup/PITR timeline (timeline.ts)
  openTimeline: 'dynamoWorkspace.openTimeline',
  // the request inspector (inspector.ts)
  openInspector: 'dynamoWorkspace.openInspector',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];
