// TransactionCanceledException: one CancellationReason per action, in action order. An action
// that would have gone through is {Code: 'None'}; a failed condition is ConditionalCheckFailed
// (with the stored item when the action asked for ReturnValuesOnConditionCheckFailure ALL_OLD);
// a refusal that depends on the stored item (an update's operand of the wrong type, an item grown
// past 400 KB, a key attribute in an update, a key value of the wrong type) is ValidationError
// with the message the single-item operation would give; an item collection grown past its limit
// is ItemCollectionSizeLimitExceeded; a throttled table is ThrottlingError.
import { DynamoDBError } from '../errors';
import type { Item } from '../types/attribute-value';

export interface CancellationReason {
  Code: 'None' | 'ConditionalCheckFailed' | 'ValidationError' | 'ItemCollectionSizeLimitExceeded' | 'ThrottlingError' | 'TransactionConflict';
  Message?: string;
  Item?: Item;
}

export const NONE: CancellationReason = { Code: 'None' };
export const CONDITION_FAILED_MESSAGE = 'The conditional request failed';

export function conditionFailed(returnOnFailure: string | undefined, old: Item | undefined): CancellationReason {
  const r: CancellationReason = { Code: 'ConditionalCheckFailed', Message: CONDITION_FAILED_MESSAGE };
  if (returnOnFailure === 'ALL_OLD' && old !== undefined) r.Item = old;
  return r;
}

/** The reason for a refusal thrown while planning one action: ValidationError with its message. */
export function validationReason(e: DynamoDBError): CancellationReason {
  return { Code: 'ValidationError', Message: e.message };
}

/** An action that would grow an item collection (a partition key's items in a table with local indexes) past its limit. */
export function collectionReason(e: DynamoDBError): CancellationReason {
  return { Code: 'ItemCollectionSizeLimitExceeded', Message: e.message };
}

/** A throttled action: ThrottlingError with the throttle's own message. */
export function throttleReason(e: DynamoDBError): CancellationReason {
  return { Code: 'ThrottlingError', Message: e.message };
}

/** The exception, its message listing the codes as DynamoDB does. */
export function transactionCanceled(reasons: readonly CancellationReason[]): DynamoDBError {
  return new DynamoDBError(
    'TransactionCanceledException',
    `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
    { CancellationReasons: reasons.map((r) => ({ ...r })) },
  );
}
