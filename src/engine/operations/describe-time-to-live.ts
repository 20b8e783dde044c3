import type { Operation } from './operation';
import { TABLE_NAME } from '../validation/members';

export const describeTimeToLive: Operation<{ TableName: string }> = {
  name: 'DescribeTimeToLive',
  members: { TableName: TABLE_NAME },
  run(db, input) {
    const table = db.table(input.TableName, `Requested resource not found: Table: ${input.TableName} not found`);
    const status = db.ttl.status(table);
    const description: Record<string, unknown> = { TimeToLiveStatus: status };
    // DynamoDB names the attribute in every state but DISABLED.
    if (status !== 'DISABLED') description.AttributeName = table.meta.ttl!.attributeName;
    return { TimeToLiveDescription: description };
  },
};
