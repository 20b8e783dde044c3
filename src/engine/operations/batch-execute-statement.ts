import type { Operation } from './operation';
import { batchExecuteStatement, type BatchInput } from '../partiql';
import { PARAMETERS, actionList, RETURN_CONSUMED, RETURN_ON_CONDITION_FAILURE, STATEMENT } from '../validation/members';

export const batchExecuteStatementOperation: Operation<BatchInput> = {
  name: 'BatchExecuteStatement',
  members: {
    Statements: actionList(25, {
      Statement: STATEMENT,
      Parameters: PARAMETERS,
      ConsistentRead: { type: 'boolean' },
      ReturnValuesOnConditionCheckFailure: RETURN_ON_CONDITION_FAILURE,
    }),
    ReturnConsumedCapacity: RETURN_CONSUMED,
  },
  run: batchExecuteStatement,
};
