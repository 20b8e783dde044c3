import type { Operation } from './operation';
import { executeTransaction, type ExecuteTransactionInput } from '../partiql';
import { MAX_TRANSACTION_ACTIONS } from '../transactions';
import { CLIENT_REQUEST_TOKEN, PARAMETERS, actionList, RETURN_CONSUMED, RETURN_ON_CONDITION_FAILURE, STATEMENT } from '../validation/members';

export const executeTransactionOperation: Operation<ExecuteTransactionInput> = {
  name: 'ExecuteTransaction',
  members: {
    TransactStatements: actionList(MAX_TRANSACTION_ACTIONS, {
      Statement: STATEMENT,
      Parameters: PARAMETERS,
      ReturnValuesOnConditionCheckFailure: RETURN_ON_CONDITION_FAILURE,
    }),
    ClientRequestToken: CLIENT_REQUEST_TOKEN,
    ReturnConsumedCapacity: RETURN_CONSUMED,
  },
  run: executeTransaction,
};
