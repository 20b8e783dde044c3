// BatchExecuteStatement: up to 25 statements, each run on its own (no atomicity, as in DynamoDB);
// a statement's refusal becomes its response's Error and the others still run. A SELECT must name
// a whole primary key (it is a GetItem), a batch holds reads or writes, not both, and no item
// twice (those two refuse the whole request, as DynamoDB does).
import type { Database } from '../database';
import { DynamoDBError, validation } from '../errors';
import { decoded, prepare, runPlan, type StatementInput } from './execute';
import type { Plan } from './plan';
import { sumCapacity } from './capacity';

export interface BatchStatement extends StatementInput {
  ConsistentRead?: boolean;
  ReturnValuesOnConditionCheckFailure?: string;
}

export interface BatchInput {
  Statements: BatchStatement[];
  ReturnConsumedCapacity?: string;
}

/** BatchStatementError codes: the exception's name without "Exception", as DynamoDB's enum has them. */
export function errorCode(e: DynamoDBError): string {
  switch (e.type) {
    case 'ValidationException':
      return 'ValidationError';
    case 'ThrottlingException':
      return 'ThrottlingError';
    default:
      return e.type.replace(/Exception$/, '');
  }
}

type Response = Record<string, unknown>;

/** An INSERT's key, as its table's key attributes in the item (for the duplicate check). */
function keyOfItem(db: Database, p: Plan): Record<string, unknown> {
  const item = p.input.Item as Record<string, unknown>;
  const schema = db.table(p.input.TableName as string).schema;
  return schema.sortName === undefined
    ? { [schema.partitionName]: item[schema.partitionName] }
    : { [schema.partitionName]: item[schema.partitionName], [schema.sortName]: item[schema.sortName] };
}

export function batchExecuteStatement(db: Database, input: BatchInput): Promise<Record<string, unknown>> {
  const plans: (Plan | DynamoDBError)[] = input.Statements.map((s) => {
    try {
      const p = prepare(db, s);
      if (p.operation === 'Query' || p.operation === 'Scan') return validation('Only single item select is supported');
      return p;
    } catch (e) {
      if (e instanceof DynamoDBError) return e;
      throw e;
    }
  });
  const reads = plans.filter((p) => !(p instanceof DynamoDBError) && p.operation === 'GetItem').length;
  const writes = plans.filter((p) => !(p instanceof DynamoDBError) && p.operation !== 'GetItem').length;
  if (reads > 0 && writes > 0) throw validation('Read and write requests together in the same batch is not supported.');
  const keys = new Set<string>();
  for (const p of plans) {
    if (p instanceof DynamoDBError) continue;
    const key = JSON.stringify([p.input.TableName, p.input.Key ?? keyOfItem(db, p)]);
    if (keys.has(key)) throw validation('Provided list of item keys contains duplicates');
    keys.add(key);
  }
  const capacity: Record<string, unknown>[] = [];
  const failed = (e: unknown, table?: string): Response => {
    if (!(e instanceof DynamoDBError)) throw e;
    const error: Record<string, unknown> = { Code: errorCode(e), Message: e.message };
    if (e.extra?.Item !== undefined) error.Item = e.extra.Item;
    return table === undefined ? { Error: error } : { TableName: table, Error: error };
  };
  const responses: (Response | Promise<Response>)[] = plans.map((p, i) => {
    if (p instanceof DynamoDBError) return failed(p);
    const table = p.input.TableName as string;
    const done = (r: Record<string, unknown>): Response => {
      if (r.ConsumedCapacity !== undefined) capacity.push(r.ConsumedCapacity as Record<string, unknown>);
      // A SELECT's item, or a write's RETURNING item.
      const items = r.Items as unknown[];
      return items.length > 0 ? { TableName: table, Item: decoded(items[0]) } : { TableName: table };
    };
    try {
      const options = { ...input.Statements[i], ReturnConsumedCapacity: input.ReturnConsumedCapacity };
      const r = runPlan(db, p, options);
      return r instanceof Promise ? r.then(done, (e) => failed(e, table)) : done(r);
    } catch (e) {
      return failed(e, table);
    }
  });
  return Promise.all(responses).then((Responses) => {
    const out: Record<string, unknown> = { Responses };
    if (capacity.length > 0) out.ConsumedCapacity = sumCapacity(capacity);
    return out;
  });
}
