// TransactGetItems: up to 100 Gets over any number of tables, read in one synchronous turn of the
// engine (so no write lands between two of them: the items come from one state, never from both
// sides of another transaction), each charged as a transactional strongly consistent read (two
// units per 4 KB). Items come back in request order, {} for an absent one.
import type { Database } from '../database';
import { validation } from '../errors';
import { compileRequest } from '../operations/legacy';
import { encodeKey } from '../operations/common';
import { EncodedItem, encodedItemSize } from '../codec/item-codec';
import type { CompiledProjection } from '../expressions';
import type { Table } from '../table';
import { MISSING_TABLE, SAME_ITEM, chargeActions, reportCapacity } from './write';

export interface TransactGetItemsInput {
  TransactItems: { Get: { TableName: string; Key: Record<string, unknown>; ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> } }[];
  ReturnConsumedCapacity?: string;
}

interface Read {
  table: Table;
  key: string;
  projection: CompiledProjection | undefined;
}

export function transactGet(db: Database, input: TransactGetItemsInput): Record<string, unknown> {
  const reads = input.TransactItems.map(({ Get: g }): Read => {
    const projection = g.ProjectionExpression !== undefined || g.ExpressionAttributeNames
      ? compileRequest('GetItem', { ProjectionExpression: g.ProjectionExpression, ExpressionAttributeNames: g.ExpressionAttributeNames }).projection
      : undefined;
    const table = db.table(g.TableName, MISSING_TABLE);
    return { table, key: encodeKey(table, g.Key), projection };
  });
  const seen = new Set<string>();
  for (const r of reads) {
    const id = `${r.table.meta.id}\u0000${r.key}`;
    if (seen.has(id)) throw validation(SAME_ITEM);
    seen.add(id);
  }
  const stored = reads.map((r) => r.table.get(r.key));
  const used = chargeActions(db, reads.map((r, i) => ({
    kind: 'read' as const, op: 'TransactGetItems', table: r.table,
    spec: { key: r.key, bytes: stored[i] === undefined ? 0 : encodedItemSize(stored[i]!), consistent: true, transactional: true },
  })));
  const responses = reads.map((r, i) => {
    const s = stored[i];
    if (s === undefined) return {};
    return { Item: r.projection ? r.projection.project(r.table.codec.decode(s)) : new EncodedItem(r.table.codec, s) };
  });
  const out: Record<string, unknown> = {};
  const capacity = reportCapacity(input.ReturnConsumedCapacity, used, 'read');
  if (capacity) out.ConsumedCapacity = capacity;
  out.Responses = responses;
  return out;
}
