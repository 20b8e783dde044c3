// ExecuteTransaction: up to 100 statements as one transaction, run by src/engine/transactions
// (so it is all-or-nothing, one log record, serializable, and idempotent by ClientRequestToken
// exactly as TransactWriteItems / TransactGetItems are):
//   all SELECTs, each naming a whole primary key        -> TransactGetItems
//   INSERT / UPDATE / DELETE / EXISTS(SELECT ...)        -> TransactWriteItems Put / Update /
//                                                          Delete / ConditionCheck
// A refused INSERT (its key taken) is reported in CancellationReasons as DynamoDB Local reports
// it: ValidationError "Duplicate primary key exists in table".
import type { Database } from '../database';
import { DynamoDBError, validation } from '../errors';
import { transactGet, transactWrite, transactionCanceled, type CancellationReason } from '../transactions';
import type { TransactWriteItem } from '../transactions/write';
import { decoded, prepare, reshape, type StatementInput } from './execute';
import type { Plan } from './plan';
import { TOO_MANY_IN } from './parser';

export interface TransactionStatement extends StatementInput {
  ReturnValuesOnConditionCheckFailure?: string;
}

export interface ExecuteTransactionInput {
  TransactStatements: TransactionStatement[];
  ClientRequestToken?: string;
  ReturnConsumedCapacity?: string;
}

/** A failed condition as the statement kind reports it (DynamoDB Local's codes and messages). */
function statementReason(p: Plan | undefined, r: CancellationReason): CancellationReason {
  if (p?.insert) return { Code: 'ValidationError', Message: 'Duplicate primary key exists in table' };
  if (p?.operation === 'ConditionCheck') return { ...r, Message: 'The conditional request failed.' };
  return r;
}

const inStatement = (i: number, message: string) => validation(`Validation failed in TransactStatements[${i}]: ${message}`);

export function executeTransaction(db: Database, input: ExecuteTransactionInput): Record<string, unknown> | Promise<Record<string, unknown>> {
  const statements = input.TransactStatements;
  const plans: Plan[] = statements.map((s, i) => {
    let p: Plan;
    try {
      p = prepare(db, s, true);
    } catch (e) {
      if (e instanceof DynamoDBError && e.type === 'ValidationException' && e.message.startsWith(TOO_MANY_IN)) throw inStatement(i, e.message);
      throw e;
    }
    if (p.operation === 'Query' || p.operation === 'Scan') throw inStatement(i, 'Select statements within ExecuteTransaction must specify the primary key in the where clause.');
    if (p.input.ReturnValues !== undefined) throw inStatement(i, 'RETURNING clause is not supported in ExecuteTransaction.');
    if (p.operation === 'ConditionCheck' && p.input.ConditionExpression === p.existsOnly) {
      throw inStatement(i, 'EXISTS() must contain a single item read with additional condition');
    }
    return p;
  });
  const reads = plans.filter((p) => p.operation === 'GetItem').length;
  if (reads > 0 && reads < plans.length) throw validation('ExecuteTransaction API does not support both read and write operations in the same request.');
  if (reads > 0) return readTransaction(db, input, plans);

  const TransactItems: TransactWriteItem[] = plans.map((p, i) => {
    const body: Record<string, unknown> = { ...p.input };
    const onFailure = statements[i].ReturnValuesOnConditionCheckFailure;
    if (onFailure !== undefined) body.ReturnValuesOnConditionCheckFailure = onFailure;
    const kind = p.operation === 'PutItem' ? 'Put' : p.operation === 'UpdateItem' ? 'Update' : p.operation === 'DeleteItem' ? 'Delete' : 'ConditionCheck';
    return { [kind]: body } as TransactWriteItem;
  });
  const request = { TransactItems, ClientRequestToken: input.ClientRequestToken, ReturnConsumedCapacity: input.ReturnConsumedCapacity };
  const answer = (r: Record<string, unknown>) => {
    const out: Record<string, unknown> = { Responses: [] };
    if (r.ConsumedCapacity !== undefined) out.ConsumedCapacity = r.ConsumedCapacity;
    return out;
  };
  const refusal = (e: unknown) => {
    if (!(e instanceof DynamoDBError) || e.type !== 'TransactionCanceledException') return e;
    const reasons = (e.extra?.CancellationReasons ?? []) as CancellationReason[];
    return transactionCanceled(reasons.map((r, i) => (r.Code === 'ConditionalCheckFailed' ? statementReason(plans[i], r) : r)));
  };
  let result: Record<string, unknown> | Promise<Record<string, unknown>>;
  try {
    result = transactWrite(db, request);
  } catch (e) {
    throw refusal(e);
  }
  return result instanceof Promise ? result.then(answer, (e) => Promise.reject(refusal(e))) : answer(result);
}

function readTransaction(db: Database, input: ExecuteTransactionInput, plans: readonly Plan[]): Record<string, unknown> {
  const TransactItems = plans.map((p) => ({ Get: p.input as { TableName: string; Key: Record<string, unknown> } }));
  const r = transactGet(db, { TransactItems, ReturnConsumedCapacity: input.ReturnConsumedCapacity });
  const Responses = (r.Responses as Record<string, unknown>[]).map((resp, i) =>
    resp.Item === undefined ? {} : { Item: decoded(reshape(plans[i], [resp.Item])[0]) },
  );
  const out: Record<string, unknown> = { Responses };
  if (r.ConsumedCapacity !== undefined) out.ConsumedCapacity = r.ConsumedCapacity;
  return out;
}
