import type { Operation } from './operation';
import { TABLE_NAME } from '../validation/members';
import { describeCreating } from '../backups/restore';

export const describeTable: Operation<{ TableName: string }> = {
  name: 'DescribeTable',
  members: { TableName: TABLE_NAME },
  run(db, input) {
    const creating = describeCreating(db, input.TableName);
    if (creating !== undefined) return { Table: creating };
    const table = db.table(input.TableName, `Requested resource not found: Table: ${input.TableName} not found`);
    return { Table: table.describe('ACTIVE') };
  },
};
