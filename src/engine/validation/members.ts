// The one vocabulary of member specs every operation's declarative validator is written in
// (STYLE.md point 5): a member that appears in several operations (TableName, IndexName, the
// Return* options, expression members, legacy condition maps, key schemas, throughput) is
// described here once, so operations agree on its constraints and messages. Operation modules
// keep only the members that are theirs alone.
//
// Invariant: maps and lists whose elements an operation reads member by member declare the
// element's spec, so a null element is refused by validation rather than met by the operation
// (with "Member must not be null", or the spec's nullMember message where DynamoDB has its own).
import { DynamoDBError } from '../errors';
import type { Spec } from './shape';

const NAME_PATTERN = { pattern: /^[a-zA-Z0-9_.-]+$/, patternText: '[a-zA-Z0-9_.-]+' } as const;

/** `spec`, required. */
export function required(spec: Spec): Spec {
  return { ...spec, required: true };
}

// ---------------------------------------------------------------------------------------------
// Names

export const TABLE_NAME: Spec = { type: 'string', required: true, min: 3, max: 255, ...NAME_PATTERN };
/** A table name that may be absent (ListTables' ExclusiveStartTableName). */
export const OPTIONAL_TABLE_NAME: Spec = { ...TABLE_NAME, required: false };
/** Query's and Scan's IndexName; index definitions use `required(INDEX_NAME)`. */
export const INDEX_NAME: Spec = { type: 'string', min: 3, max: 255, ...NAME_PATTERN };

// ---------------------------------------------------------------------------------------------
// Table definitions

const KEY_SCHEMA_ELEMENT: Spec = {
  type: 'structure',
  members: {
    AttributeName: { type: 'string', required: true, min: 1, max: 255 },
    KeyType: { type: 'string', required: true, enum: ['HASH', 'RANGE'] },
  },
};

/** A table's or an index's KeySchema: one HASH element and an optional RANGE element (a null one gets DynamoDB Local's message). */
export const KEY_SCHEMA: Spec = { type: 'list', required: true, min: 1, max: 2, member: KEY_SCHEMA_ELEMENT, nullMember: () => 'Key schema element is invalid.' };
/** A GSI's KeySchema: up to four HASH and four RANGE elements (multi-attribute keys), counted by indexes/validate.ts. */
export const GSI_KEY_SCHEMA: Spec = { type: 'list', required: true, min: 1, member: KEY_SCHEMA_ELEMENT, nullMember: () => 'Key schema element is invalid.' };

export const ATTRIBUTE_DEFINITIONS: Spec = {
  type: 'list',
  member: {
    type: 'structure',
    members: {
      AttributeName: { type: 'string', required: true, min: 1, max: 255 },
      AttributeType: { type: 'string', required: true, enum: ['B', 'N', 'S'] },
    },
  },
};

/** A table's or a GSI's ProvisionedThroughput. */
export const PROVISIONED_THROUGHPUT: Spec = {
  type: 'structure',
  members: {
    ReadCapacityUnits: { type: 'integer', required: true, min: 1 },
    WriteCapacityUnits: { type: 'integer', required: true, min: 1 },
  },
};

export const BILLING_MODE: Spec = { type: 'string', enum: ['PROVISIONED', 'PAY_PER_REQUEST'] };
export const TABLE_CLASS: Spec = { type: 'string', enum: ['STANDARD', 'STANDARD_INFREQUENT_ACCESS'] };
/** A structure whose members the engine does not read, or reads itself (StreamSpecification, OnDemandThroughput...). */
export const OPAQUE_STRUCTURE: Spec = { type: 'structure', members: {} };

// ---------------------------------------------------------------------------------------------
// Items and requests

/** An item, a key or an ExclusiveStartKey: attribute values are checked by types/attribute-validation. */
export const ATTRIBUTE_MAP: Spec = { type: 'map' };
export const RETURN_CONSUMED: Spec = { type: 'string', enum: ['INDEXES', 'TOTAL', 'NONE'] };
/** TransactWriteItems' and ExecuteTransaction's idempotency token. */
export const CLIENT_REQUEST_TOKEN: Spec = { type: 'string', min: 1, max: 36 };

/** A required list of 1 to `max` actions, each a structure of `members` (transactions, statement batches). */
export function actionList(max: number, members: Record<string, Spec>): Spec {
  return { type: 'list', required: true, min: 1, max, member: { type: 'structure', members } };
}
export const RETURN_METRICS: Spec = { type: 'string', enum: ['SIZE', 'NONE'] };
export const RETURN_ON_CONDITION_FAILURE: Spec = { type: 'string', enum: ['ALL_OLD', 'NONE'] };
/** PartiQL: a statement's text and its `?` values (ExecuteStatement, batches, transactions). */
export const STATEMENT: Spec = { type: 'string', required: true, min: 1, max: 8192 };
export const PARAMETERS: Spec = { type: 'list', min: 1 };
export const RETURN_VALUES: Spec = { type: 'string', enum: ['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW'] };
export const SELECT: Spec = { type: 'string', enum: ['ALL_ATTRIBUTES', 'ALL_PROJECTED_ATTRIBUTES', 'SPECIFIC_ATTRIBUTES', 'COUNT'] };
export const PAGE_LIMIT: Spec = { type: 'integer', min: 1 };
export const EXPRESSION: Spec = { type: 'string' };
/** ExpressionAttributeNames and ExpressionAttributeValues (their entries are checked by the expression compiler). */
export const EXPRESSION_MAP: Spec = { type: 'map' };

// ---------------------------------------------------------------------------------------------
// Legacy (pre-expression) parameters

const COMPARISON_OPERATOR: Spec = { type: 'string' };
// A null entry in these maps gets the message DynamoDB Local gives.

/** A Condition (QueryFilter, ScanFilter, KeyConditions entries). */
export const CONDITION_MAP: Spec = {
  type: 'map',
  nullMember: (attribute) => `The filter condition for an attribute cannot be null: ${attribute}`,
  value: { type: 'structure', members: { ComparisonOperator: COMPARISON_OPERATOR, AttributeValueList: { type: 'list' } } },
};
/** ExpectedAttributeValue entries. */
export const EXPECTED_MAP: Spec = {
  type: 'map',
  nullMember: (attribute) => `One or more parameter values were invalid: ExpectedAttributeValue must not be null for Attribute: ${attribute}`,
  value: {
    type: 'structure',
    members: { Value: ATTRIBUTE_MAP, Exists: { type: 'boolean' }, ComparisonOperator: COMPARISON_OPERATOR, AttributeValueList: { type: 'list' } },
  },
};
/** AttributeValueUpdate entries. */
export const ATTRIBUTE_UPDATES_MAP: Spec = {
  type: 'map',
  value: { type: 'structure', members: { Value: ATTRIBUTE_MAP, Action: { type: 'string', enum: ['ADD', 'PUT', 'DELETE'] } } },
};
export const ATTRIBUTES_TO_GET: Spec = { type: 'list', min: 1, member: { type: 'string' } };
export const CONDITIONAL_OPERATOR: Spec = { type: 'string', enum: ['AND', 'OR'] };

/** The condition members of every conditional single-item write, expression and legacy forms. */
export const CONDITION_MEMBERS: Record<string, Spec> = {
  ConditionExpression: EXPRESSION,
  ExpressionAttributeNames: EXPRESSION_MAP,
  ExpressionAttributeValues: EXPRESSION_MAP,
  ConditionalOperator: CONDITIONAL_OPERATOR,
  Expected: EXPECTED_MAP,
};

// ---------------------------------------------------------------------------------------------
// Backups, export and import

/** A table's ARN where an operation names the table by it (exports, backups). */
export const TABLE_ARN: Spec = { type: 'string', min: 1, max: 1024 };
/** A timestamp member: epoch seconds, a JSON number (fractions allowed); the operation checks its range. */
export const TIMESTAMP: Spec = { type: 'any' };
export const CLIENT_TOKEN: Spec = { type: 'string', pattern: /^[^$]+$/, patternText: '^[^\\$]+$' };
export const S3_BUCKET: Spec = { type: 'string', max: 255, pattern: /^[a-z0-9A-Z]+[.\-\w]*[a-z0-9A-Z]+$/, patternText: '^[a-z0-9A-Z]+[\\.\\-\\w]*[a-z0-9A-Z]+$' };
export const S3_BUCKET_OWNER: Spec = { type: 'string', pattern: /^[0-9]{12}$/, patternText: '[0-9]{12}' };
export const S3_PREFIX: Spec = { type: 'string', max: 1024 };

// ---------------------------------------------------------------------------------------------
// Backups

/** A backup's ARN (DescribeBackup, DeleteBackup, RestoreTableFromBackup, ListBackups' ExclusiveStartBackupArn). */
export const BACKUP_ARN: Spec = { type: 'string', min: 37, max: 1024 };
/** A table's name or ARN (botocore's TableArn shape: CreateBackup's and ListBackups' TableName). */
export const TABLE_NAME_OR_ARN: Spec = { type: 'string', min: 1, max: 1024 };

/**
 * A timestamp member (the Spec vocabulary has no timestamp type): epoch seconds, as the SDKs send
 * them (a JSON number); anything else is a SerializationException, as DynamoDB's deserializer says.
 */
export function timestamp(value: unknown, member: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new DynamoDBError('SerializationException', `${member} must be a number of seconds since the epoch`);
  }
  return value;
}
