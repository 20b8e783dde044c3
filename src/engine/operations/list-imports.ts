import type { Operation } from './operation';
import { validation } from '../errors';
import { page, transfers } from '../backups/transfers';
import { TABLE_ARN } from '../validation/members';

interface ListImportsInput {
  TableArn?: string;
  PageSize?: number;
  NextToken?: string;
}

const SUMMARY_MEMBERS = ['ImportArn', 'ImportStatus', 'TableArn', 'S3BucketSource', 'CloudWatchLogGroupArn', 'InputFormat', 'StartTime', 'EndTime'];

export const listImports: Operation<ListImportsInput> = {
  name: 'ListImports',
  members: {
    TableArn: TABLE_ARN,
    PageSize: { type: 'integer', min: 1, max: 25 },
    NextToken: { type: 'string', min: 112, max: 1024, pattern: /^([0-9a-f]{16})+$/, patternText: '([0-9a-f]{16})+' },
  },
  run(db, input) {
    const all = [...transfers(db).imports.values()].filter((d) => input.TableArn === undefined || d.TableArn === input.TableArn);
    const { items, next } = page(all, (d) => d.ImportArn as string, input.PageSize ?? 25, input.NextToken, () => validation('Invalid NextToken'));
    const out: Record<string, unknown> = {
      ImportSummaryList: items.map((d) => Object.fromEntries(SUMMARY_MEMBERS.filter((k) => d[k] !== undefined).map((k) => [k, d[k]]))),
    };
    if (next !== undefined) out.NextToken = next;
    return out;
  },
};
