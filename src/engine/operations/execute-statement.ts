import type { Operation } from './operation';
import { executeStatement, type ExecuteOptions, type StatementInput } from '../partiql';
import { PAGE_LIMIT, PARAMETERS, RETURN_CONSUMED, RETURN_ON_CONDITION_FAILURE, STATEMENT } from '../validation/members';

export const executeStatementOperation: Operation<StatementInput & ExecuteOptions> = {
  name: 'ExecuteStatement',
  members: {
    Statement: STATEMENT,
    Parameters: PARAMETERS,
    ConsistentRead: { type: 'boolean' },
    NextToken: { type: 'string', min: 1, max: 32768 },
    ReturnConsumedCapacity: RETURN_CONSUMED,
    Limit: PAGE_LIMIT,
    ReturnValuesOnConditionCheckFailure: RETURN_ON_CONDITION_FAILURE,
  },
  run: executeStatement,
};
