// PartiQL for DynamoDB: ExecuteStatement, BatchExecuteStatement and ExecuteTransaction.
//
//   tokens.ts   the lexer (keywords without case, "quoted" names, 'strings', ?)
//   parser.ts   the grammar (in its header) -> ast.ts
//   plan.ts     a statement -> the DynamoDB request doing the same work (GetItem, Query, Scan,
//               PutItem, UpdateItem, DeleteItem, or a transaction's ConditionCheck)
//   execute.ts  runs a plan through that operation's own code and shapes the answer
//   batch.ts    BatchExecuteStatement; transaction.ts ExecuteTransaction; capacity.ts sums
//
// Invariant: PartiQL has no evaluator or write path of its own. Conditions, filters, updates and
// projections are DynamoDB expressions evaluated by src/engine/expressions, and every write goes
// through the operation it stands for, so capacity, streams, the log and indexes see PartiQL
// writes exactly as they see the equivalent API call.
export { executeStatement, prepare, runPlan, requestOf, parse, duplicateItem, type ExecuteOptions, type StatementInput } from './execute';
export { batchExecuteStatement, errorCode, type BatchInput, type BatchStatement } from './batch';
export { sumCapacity } from './capacity';
export { executeTransaction, type ExecuteTransactionInput, type TransactionStatement } from './transaction';
export { parseStatement } from './parser';
export type { Plan } from './plan';
