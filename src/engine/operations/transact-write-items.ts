import type { Operation } from './operation';
import { MAX_TRANSACTION_ACTIONS, transactWrite, type TransactWriteItemsInput } from '../transactions';
import { ATTRIBUTE_MAP, CLIENT_REQUEST_TOKEN, actionList, EXPRESSION, EXPRESSION_MAP, RETURN_CONSUMED, RETURN_METRICS, RETURN_ON_CONDITION_FAILURE, TABLE_NAME, required } from '../validation/members';
import type { Spec } from '../validation/shape';

const COMMON: Record<string, Spec> = {
  TableName: TABLE_NAME,
  ConditionExpression: EXPRESSION,
  ExpressionAttributeNames: EXPRESSION_MAP,
  ExpressionAttributeValues: EXPRESSION_MAP,
  ReturnValuesOnConditionCheckFailure: RETURN_ON_CONDITION_FAILURE,
};

export const transactWriteItems: Operation<TransactWriteItemsInput> = {
  name: 'TransactWriteItems',
  members: {
    TransactItems: actionList(MAX_TRANSACTION_ACTIONS, {
      ConditionCheck: { type: 'structure', members: { ...COMMON, Key: required(ATTRIBUTE_MAP), ConditionExpression: required(EXPRESSION) } },
      Put: { type: 'structure', members: { ...COMMON, Item: required(ATTRIBUTE_MAP) } },
      Delete: { type: 'structure', members: { ...COMMON, Key: required(ATTRIBUTE_MAP) } },
      Update: { type: 'structure', members: { ...COMMON, Key: required(ATTRIBUTE_MAP), UpdateExpression: required(EXPRESSION) } },
    }),
    ReturnConsumedCapacity: RETURN_CONSUMED,
    ReturnItemCollectionMetrics: RETURN_METRICS,
    ClientRequestToken: CLIENT_REQUEST_TOKEN,
  },
  run: transactWrite,
};
