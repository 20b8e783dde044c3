import type { Operation } from './operation';
import { batchExecuteStatement, type BatchInput } from '../partiql';
import { PARAMETERS, RETURN_CONSUMED, RETURN_ON_CONDITION_FAILURE, STATEMENT } from '../validation/members';

export const batchExecuteStatementOperation: Operation<BatchInput> = {
  name: 'BatchExecuteStatement',
  members: {
    Statements: {
      type: 'list',
      required: true,
      min: 1,
      max: 25,
      member: {
        type: 'structure',
        members: {
          Statement: STATEMENT,
          Parameters: PARAMETERS,
          ConsistentRead: { type: 'boolean' },
          ReturnValuesOnConditionCheckFailure: RETURN_ON_CONDITION_FAILURE,
        },
      },
    },
    ReturnConsumedCapacity: RETURN_CONSUMED,
  },
  run: batchExecuteStatement,
};
