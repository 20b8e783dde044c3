// DescribeLimits: the provisioned-throughput quotas CreateTable and UpdateTable enforce
// (capacity/quotas.ts), DynamoDB's defaults unless the database was opened with others.
import type { Operation } from './operation';
import { quotasOf } from '../capacity/quotas';

export const describeLimits: Operation<Record<string, never>> = {
  name: 'DescribeLimits',
  members: {},
  run(db) {
    const q = quotasOf(db);
    return {
      AccountMaxReadCapacityUnits: q.accountMaxReadCapacityUnits,
      AccountMaxWriteCapacityUnits: q.accountMaxWriteCapacityUnits,
      TableMaxReadCapacityUnits: q.tableMaxReadCapacityUnits,
      TableMaxWriteCapacityUnits: q.tableMaxWriteCapacityUnits,
    };
  },
};
