import type { Operation } from './operation';
import { executeTransaction, type ExecuteTransactionInput } from '../partiql';
import { MAX_TRANSACTION_ACTIONS } from '../transactions';
import { PARAMETERS, RETURN_CONSUMED, RETURN_ON_CONDITION_FAILURE, STATEMENT } from '../validation/members';

export const executeTransactionOperation: Operation<ExecuteTransactionInput> = {
  name: 'ExecuteTransaction',
  members: {
    TransactStatements: {
      type: 'list',
      required: true,
      min: 1,
      max: MAX_TRANSACTION_ACTIONS,
      member: {
        type: 'structure',
        members: { Statement: STATEMENT, Parameters: PARAMETERS, ReturnValuesOnConditionCheckFailure: RETURN_ON_CONDITION_FAILURE },
      },
    },
    ClientRequestToken: { type: 'string', min: 1, max: 36 },
    ReturnConsumedCapacity: RETURN_CONSUMED,
  },
  run: executeTransaction,
};
