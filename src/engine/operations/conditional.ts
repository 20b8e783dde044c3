import { DynamoDBError } from '../errors';
import type { Item } from '../types/attribute-value';

/** ConditionalCheckFailedException, carrying the item when ReturnValuesOnConditionCheckFailure asks for it. */
export function ConditionalCheckFailed(returnOnFailure: string | undefined, old: Item | undefined): DynamoDBError {
  return new DynamoDBError(
    'ConditionalCheckFailedException',
    'The conditional request failed',
    returnOnFailure === 'ALL_OLD' && old ? { Item: old } : undefined,
  );
}
