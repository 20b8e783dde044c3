import type { Operation } from './operation';
import { OPTIONAL_TABLE_NAME } from '../validation/members';

export const listTables: Operation<{ ExclusiveStartTableName?: string; Limit?: number }> = {
  name: 'ListTables',
  members: {
    ExclusiveStartTableName: OPTIONAL_TABLE_NAME,
    Limit: { type: 'integer', min: 1, max: 100 },
  },
  run(db, input) {
    const limit = input.Limit ?? 100;
    const start = input.ExclusiveStartTableName;
    const names = [...new Set([...db.tables.keys(), ...db.creating.keys()])].sort().filter((n) => start === undefined || n > start);
    const page = names.slice(0, limit);
    const out: Record<string, unknown> = { TableNames: page };
    if (names.length > limit) out.LastEvaluatedTableName = page[page.length - 1];
    return out;
  },
};
