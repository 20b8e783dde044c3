// DescribeEndpoints: the answer DynamoDB gives (its regional address, cached for a day). SDKs ask
// for it only with endpoint discovery on; the address is DynamoDB's, not this server's, as the
// real service names itself and not the proxy a client may have gone through.
import type { Operation } from './operation';

export const describeEndpoints: Operation<Record<string, never>> = {
  name: 'DescribeEndpoints',
  members: {},
  run(db) {
    return { Endpoints: [{ Address: `dynamodb.${db.region}.amazonaws.com`, CachePeriodInMinutes: 1440 }] };
  },
};
