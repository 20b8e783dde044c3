// Member specs shared by ExecuteStatement, BatchExecuteStatement and ExecuteTransaction
// (limits from DynamoDB's API model).
import type { Spec } from '../validation/shape';

export const STATEMENT: Spec = { type: 'string', required: true, min: 1, max: 8192 };
export const PARAMETERS: Spec = { type: 'list', min: 1 };
