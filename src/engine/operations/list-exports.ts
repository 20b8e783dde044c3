import type { Operation } from './operation';
import { validation } from '../errors';
import { page, transfers } from '../backups/transfers';
import { TABLE_ARN } from '../validation/members';

interface ListExportsInput {
  TableArn?: string;
  MaxResults?: number;
  NextToken?: string;
}

export const listExports: Operation<ListExportsInput> = {
  name: 'ListExports',
  members: { TableArn: TABLE_ARN, MaxResults: { type: 'integer', min: 1, max: 25 }, NextToken: { type: 'string' } },
  run(db, input) {
    const all = [...transfers(db).exports.values()].filter((d) => input.TableArn === undefined || d.TableArn === input.TableArn);
    const { items, next } = page(all, (d) => d.ExportArn as string, input.MaxResults ?? 25, input.NextToken, () => validation('Invalid NextToken'));
    const out: Record<string, unknown> = {
      ExportSummaries: items.map((d) => ({ ExportArn: d.ExportArn, ExportStatus: d.ExportStatus, ExportType: d.ExportType })),
    };
    if (next !== undefined) out.NextToken = next;
    return out;
  },
};
