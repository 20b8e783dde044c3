import type { Operation } from './operation';
import { validation } from '../errors';
import { TABLE_NAME } from '../validation/members';

export const deleteTable: Operation<{ TableName: string }> = {
  name: 'DeleteTable',
  members: { TableName: TABLE_NAME },
  run(db, input) {
    const table = db.table(input.TableName, `Requested resource not found: Table: ${input.TableName} not found`);
    if (table.meta.deletionProtection) {
      throw validation(`Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.`);
    }
    const description = table.describe('DELETING');
    return db.commit([{ kind: 'deleteTable', tableId: table.meta.id }]).then(() => ({ TableDescription: description }));
  },
};
