// Errors carry DynamoDB's exception name (the part after '#' in "__type") and its exact message.
export type DynamoDBErrorType =
  | 'ValidationException'
  | 'ResourceNotFoundException'
  | 'ResourceInUseException'
  | 'ConditionalCheckFailedException'
  | 'ProvisionedThroughputExceededException'
  | 'ThrottlingException'
  | 'LimitExceededException'
  | 'ItemCollectionSizeLimitExceededException'
  | 'TransactionCanceledException'
  | 'TransactionConflictException'
  | 'IdempotentParameterMismatchException'
  | 'RequestLimitExceeded'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'InternalServerError'
  | 'BackupNotFoundException'
  | 'BackupInUseException'
  | 'TableNotFoundException'
  | 'TableAlreadyExistsException'
  | 'TableInUseException'
  | 'ContinuousBackupsUnavailableException'
  | 'PointInTimeRecoveryUnavailableException'
  | 'InvalidRestoreTimeException'
  | 'InvalidExportTimeException'
  | 'ExportNotFoundException'
  | 'ExportConflictException'
  | 'ImportNotFoundException'
  | 'ImportConflictException'
  | 'ExpiredIteratorException'
  | 'TrimmedDataAccessException'
  | 'DuplicateItemException'
  | 'AccessDeniedException'
  | 'MissingAuthenticationTokenException';

/** Exceptions DynamoDB returns in the `com.amazon.coral.validate#` / `com.amazon.coral.service#` namespaces. */
const CORAL_NAMESPACE: Partial<Record<DynamoDBErrorType, string>> = {
  ValidationException: 'com.amazon.coral.validate#',
  SerializationException: 'com.amazon.coral.service#',
  UnknownOperationException: 'com.amazon.coral.service#',
  AccessDeniedException: 'com.amazon.coral.service#',
  MissingAuthenticationTokenException: 'com.amazon.coral.service#',
};

export class DynamoDBError extends Error {
  readonly type: DynamoDBErrorType;
  readonly statusCode: number;
  /** Extra members of the error body (CancellationReasons, Item for ReturnValuesOnConditionCheckFailure). */
  readonly extra: Record<string, unknown> | undefined;

  constructor(type: DynamoDBErrorType, message: string, extra?: Record<string, unknown>, statusCode?: number) {
    super(message);
    this.name = type;
    this.type = type;
    this.extra = extra;
    this.statusCode = statusCode ?? (type === 'InternalServerError' ? 500 : 400);
  }

  /** The `__type` value of the JSON error body. */
  get wireType(): string {
    return (CORAL_NAMESPACE[this.type] ?? 'com.amazonaws.dynamodb.v20120810#') + this.type;
  }
}

export const validation = (message: string): DynamoDBError => new DynamoDBError('ValidationException', message);
export const invalidParameter = (message: string): DynamoDBError =>
  new DynamoDBError('ValidationException', `One or more parameter values were invalid: ${message}`);
export const resourceNotFound = (message = 'Requested resource not found'): DynamoDBError =>
  new DynamoDBError('ResourceNotFoundException', message);
export const resourceInUse = (message: string): DynamoDBError => new DynamoDBError('ResourceInUseException', message);
