import type { Operation } from './operation';
import { describeImport as describe } from '../backups/import';

export const describeImport: Operation<{ ImportArn: string }> = {
  name: 'DescribeImport',
  members: { ImportArn: { type: 'string', required: true, min: 37, max: 1024 } },
  run(db, input) {
    return { ImportTableDescription: describe(db, input.ImportArn) };
  },
};
