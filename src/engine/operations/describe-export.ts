import type { Operation } from './operation';
import { describeExport as describe } from '../backups/export';

export const describeExport: Operation<{ ExportArn: string }> = {
  name: 'DescribeExport',
  members: { ExportArn: { type: 'string', required: true, min: 37, max: 1024 } },
  run(db, input) {
    return { ExportDescription: describe(db, input.ExportArn) };
  },
};
