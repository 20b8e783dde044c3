// Binds the extension to the embedded engine (src/engine) and its HTTP endpoint (src/server).
import { Database, DatabaseLockedError } from '../engine/database';
import { changeVolume, preview } from '../engine/backups/timeline';
import { RequestRecorder, startServer } from '../server';
import { sigV4Authorizer } from '../server/auth';
import type { EmbeddedDatabase, EngineBinding } from './workspace-db';

export const engineBinding: EngineBinding = {
  open: (dir, { durability, logHistoryBytes, ttlSweepIntervalMs }) => Database.open(dir, { durability, logHistoryBytes, ttlSweepIntervalMs }),
  lockedBy: (error) => (error instanceof DatabaseLockedError ? (error.endpoint ?? '') : undefined),
  startServer: ({ db, host, port, authKeys, allowedOrigins, recorder }) =>
    startServer({ db: db as EmbeddedDatabase & Database, host, port, allowedOrigins, authorize: authKeys ? sigV4Authorizer({ keys: authKeys }) : undefined, recorder }),
  history: (db) => ({
    volume: (tableName, { from, bucketMs }) => changeVolume(db as EmbeddedDatabase & Database, tableName, { from, bucketMs }),
    preview: (tableName, time, limit) => preview(db as EmbeddedDatabase & Database, tableName, time, { limit }),
  }),
  requests: (options) => new RequestRecorder(options),
};
