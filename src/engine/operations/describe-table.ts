import type { Operation } from './operation';
import { TABLE_NAME } from '../validation/members';

export const describeTable: Operation<{ TableName: string }> = {
  name: 'DescribeTable',
  members: { TableName: TABLE_NAME },
  run(db, input) {
    const table = db.table(input.TableName, `Requested resource not found: Table: ${input.TableName} not found`);
    return { Table: table.describe('ACTIVE') };
  },
};
