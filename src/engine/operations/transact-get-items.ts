import type { Operation } from './operation';
import { MAX_TRANSACTION_ACTIONS, transactGet, type TransactGetItemsInput } from '../transactions';
import { ATTRIBUTE_MAP, actionList, EXPRESSION, EXPRESSION_MAP, RETURN_CONSUMED, TABLE_NAME, required } from '../validation/members';

export const transactGetItems: Operation<TransactGetItemsInput> = {
  name: 'TransactGetItems',
  members: {
    TransactItems: actionList(MAX_TRANSACTION_ACTIONS, {
      Get: required({
        type: 'structure',
        members: { TableName: TABLE_NAME, Key: required(ATTRIBUTE_MAP), ProjectionExpression: EXPRESSION, ExpressionAttributeNames: EXPRESSION_MAP },
      }),
    }),
    ReturnConsumedCapacity: RETURN_CONSUMED,
  },
  run: transactGet,
};
