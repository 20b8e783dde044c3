import type { Operation } from './operation';
import { validation } from '../errors';
import { TABLE_NAME } from '../validation/members';
import type { Mutation } from '../log';
import { streamsOnDelete } from '../streams/specification';
import { catalogOf } from '../backups/catalog';
import { refuseWhileCreating } from '../backups/restore';

export const deleteTable: Operation<{ TableName: string }> = {
  name: 'DeleteTable',
  members: { TableName: TABLE_NAME },
  run(db, input) {
    refuseWhileCreating(db, input.TableName);
    const table = db.table(input.TableName, `Requested resource not found: Table: ${input.TableName} not found`);
    if (table.meta.deletionProtection) {
      throw validation(`Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.`);
    }
    const drop = (): Promise<{ TableDescription: Record<string, unknown> }> => {
      const description = table.describe('DELETING');
      const mutations: Mutation[] = [{ kind: 'deleteTable', tableId: table.meta.id }];
      // An enabled stream ends with the table, in the same record; it stays readable 24 hours (streams/catalog.ts).
      const streams = streamsOnDelete(db, table.meta, db.nextLsn);
      if (streams !== undefined) mutations.unshift({ kind: 'updateTable', tableId: table.meta.id, meta: { ...table.meta, streams } });
      return db.commit(mutations).then(() => ({ TableDescription: description }));
    };
    // With point-in-time recovery on, DynamoDB keeps the table as a SYSTEM backup, made durable first (backups/catalog.ts).
    if (table.meta.pitr?.enabled === true) return catalogOf(db).deleteWithSystemBackup(table, drop);
    return drop();
  },
};
