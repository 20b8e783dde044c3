// A recorded request (src/protocol/request-record.ts) turned into something a person can run or
// reuse: AWS SDK for JavaScript v3 code, boto3 code, an AWS CLI command, the request to send again
// ("replay"), what the items panel needs to open its item or query, and plain-JSON views of the
// request and response.
//
// Invariants:
// - The generated code sends exactly the recorded input: numbers keep their decimal text (N is a
//   string on the wire and in every SDK), binaries become bytes of exactly the recorded base64,
//   sets stay sets, maps and lists nest as they came.
// - Nothing secret is written into code: clients take credentials from their usual environment.
// - A truncated record is refused with a message saying why (its input is not all there).
// - Where attribute values sit in a request or response is known by field name, except in maps
//   keyed by user names (tables, attributes, indexes): those are walked by position, so a table or
//   attribute called "Item" is never mistaken for the field of that name.
import { stringifyLossless, toPlain, type AttributeValue, type LosslessValue } from './dynamo-json';
import type { QuerySpec } from './items';
import type { RequestRecord } from './request-record';
import { legacyConditions, requestExpressions, type SubstitutedExpression } from './request-expressions';

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where the code connects: the endpoint URL and the region to sign for. */
export interface CodeTarget {
  endpoint: string;
  region: string;
}

/** Fields whose value is a map of attribute name -> attribute value (Keys: a list of them in BatchGetItem, a map in a stream record). */
const AV_MAPS = new Set(['Item', 'Key', 'Keys', 'ExpressionAttributeValues', 'ExclusiveStartKey', 'Attributes', 'LastEvaluatedKey', 'ItemCollectionKey', 'NewImage', 'OldImage']);
/** Fields whose value is a list of attribute-value maps. */
const AV_MAP_LISTS = new Set(['Items']);
/** Fields whose value is one attribute value. */
const AV_SINGLE = new Set(['Value']);
/** Fields whose value is a list of attribute values. */
const AV_LISTS = new Set(['AttributeValueList', 'Parameters']);
/** Maps keyed by user names (tables, attributes, indexes) whose values are request structure again. */
const USER_KEYED = new Set([
  'RequestItems',
  'Expected',
  'AttributeUpdates',
  'KeyConditions',
  'QueryFilter',
  'ScanFilter',
  'UnprocessedItems',
  'UnprocessedKeys',
  'Responses',
  'ItemCollectionMetrics',
  'GlobalSecondaryIndexes',
  'LocalSecondaryIndexes',
  'ExpressionAttributeNames',
]);

/**
 * The request or response JSON with every attribute value passed through `av`. Structure stays;
 * only the attribute values change.
 */
export function mapAttributeValues<T>(json: unknown, av: (value: AttributeValue) => T): unknown {
  const avMap = (m: unknown) => (isObject(m) ? Object.fromEntries(Object.entries(m).map(([k, v]) => [k, isObject(v) ? av(v as AttributeValue) : v])) : m);
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!isObject(v)) return v;
    const out: Loose = {};
    for (const [field, value] of Object.entries(v)) {
      if (AV_MAPS.has(field)) out[field] = Array.isArray(value) ? value.map(avMap) : avMap(value);
      else if (AV_MAP_LISTS.has(field)) out[field] = Array.isArray(value) ? value.map(avMap) : value;
      else if (AV_SINGLE.has(field)) out[field] = isObject(value) ? av(value as AttributeValue) : value;
      else if (AV_LISTS.has(field)) out[field] = Array.isArray(value) ? value.map((x) => (isObject(x) ? av(x as AttributeValue) : x)) : value;
      else if (field === 'Responses' && isObject(value)) out[field] = Object.fromEntries(Object.entries(value).map(([t, items]) => [t, Array.isArray(items) ? items.map(avMap) : walk(items)]));
      else if (field === 'ItemCollectionMetrics' && isObject(value) && 'ItemCollectionKey' in value) out[field] = walk(value);
      else if (USER_KEYED.has(field) && isObject(value)) out[field] = Object.fromEntries(Object.entries(value).map(([k, x]) => [k, walk(x)]));
      else out[field] = walk(value);
    }
    return out;
  };
  return walk(json);
}

/** A binary value in generated code: its base64 text, turned into bytes by the target language. */
class Bytes {
  constructor(readonly base64: string) {}
}

/** The input with binaries marked, ready for an emitter. */
function codeInput(request: unknown): unknown {
  const av = (v: AttributeValue): unknown => {
    if ('B' in v) return { B: new Bytes(v.B) };
    if ('BS' in v) return { BS: v.BS.map((b) => new Bytes(b)) };
    if ('L' in v) return { L: v.L.map(av) };
    if ('M' in v) return { M: Object.fromEntries(Object.entries(v.M).map(([k, x]) => [k, av(x)])) };
    return v;
  };
  return mapAttributeValues(request, av);
}

function hasBytes(v: unknown): boolean {
  if (v instanceof Bytes) return true;
  if (Array.isArray(v)) return v.some(hasBytes);
  return isObject(v) && Object.values(v).some(hasBytes);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A JS literal. `bytes(...)` is the helper the generated module defines when it needs it. */
function jsLiteral(v: unknown, depth: number): string {
  const pad = '  '.repeat(depth + 1);
  const end = '  '.repeat(depth);
  if (v instanceof Bytes) return `bytes(${JSON.stringify(v.base64)})`;
  if (Array.isArray(v)) return v.length ? `[\n${v.map((x) => pad + jsLiteral(x, depth + 1)).join(',\n')},\n${end}]` : '[]';
  if (isObject(v)) {
    const entries = Object.entries(v);
    if (!entries.length) return '{}';
    return `{\n${entries.map(([k, x]) => `${pad}${IDENTIFIER.test(k) ? k : JSON.stringify(k)}: ${jsLiteral(x, depth + 1)}`).join(',\n')},\n${end}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

/** A Python bytes literal: printable ASCII as itself, everything else escaped. */
function pyBytes(base64: string): string {
  let out = "b'";
  for (const byte of Buffer.from(base64, 'base64')) {
    if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x27) out += "\\'";
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += '\\x' + byte.toString(16).padStart(2, '0');
  }
  return out + "'";
}

/**
 * A Python literal. JSON's string escapes (\" \\ \n \uXXXX ...) are all Python's too, so a JSON
 * string is a Python str literal.
 */
function pyLiteral(v: unknown, depth: number): string {
  const pad = '    '.repeat(depth + 1);
  const end = '    '.repeat(depth);
  if (v instanceof Bytes) return pyBytes(v.base64);
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  if (Array.isArray(v)) return v.length ? `[\n${v.map((x) => pad + pyLiteral(x, depth + 1)).join(',\n')},\n${end}]` : '[]';
  if (isObject(v)) {
    const entries = Object.entries(v);
    if (!entries.length) return '{}';
    return `{\n${entries.map(([k, x]) => `${pad}${JSON.stringify(k)}: ${pyLiteral(x, depth + 1)}`).join(',\n')},\n${end}}`;
  }
  return JSON.stringify(v);
}

/** Thrown for a record that cannot be turned into code or replayed; the message says why. */
export class RequestCodeError extends Error {}

/** The recorded input, or a clear refusal when it is not all there. */
function inputOf(record: RequestRecord): Loose {
  if (record.requestTruncated)
    throw new RequestCodeError(`The ${record.operation} request was ${record.requestBytes} bytes, more than the inspector keeps, so it cannot be turned into code or replayed`);
  if (record.request === undefined) throw new RequestCodeError(`The ${record.operation} request's body was not recorded (recording bodies is off)`);
  if (!isObject(record.request)) throw new RequestCodeError(`The ${record.operation} request's body is not a JSON object`);
  return record.request;
}

/** Whether the record went to DynamoDB Streams (target DynamoDBStreams_20120810) rather than DynamoDB. */
export function isStreamsRecord(record: Pick<RequestRecord, 'target'>): boolean {
  return record.target.startsWith('DynamoDBStreams');
}

const OPERATION = /^[A-Z][A-Za-z]+$/;

function operationOf(record: RequestRecord): string {
  if (!OPERATION.test(record.operation)) throw new RequestCodeError(`"${record.operation}" is not an operation name`);
  return record.operation;
}

/** PutItem -> put_item, DescribeTimeToLive -> describe_time_to_live. */
export function snakeCase(operation: string): string {
  return operation.replace(/(?<=[a-z0-9])([A-Z])/g, '_$1').toLowerCase();
}

export function kebabCase(operation: string): string {
  return snakeCase(operation).replace(/_/g, '-');
}

/** A complete ES module that sends the recorded request with the AWS SDK for JavaScript v3 and prints the answer. */
export function sdkV3Code(record: RequestRecord, target: CodeTarget): string {
  const input = codeInput(inputOf(record));
  const op = operationOf(record);
  const streams = isStreamsRecord(record);
  const pkg = streams ? '@aws-sdk/client-dynamodb-streams' : '@aws-sdk/client-dynamodb';
  const clientClass = streams ? 'DynamoDBStreamsClient' : 'DynamoDBClient';
  const lines = [`import { ${clientClass}, ${op}Command } from '${pkg}';`, ''];
  if (hasBytes(input)) lines.push('// binary attribute values, as base64', "const bytes = (base64) => new Uint8Array(Buffer.from(base64, 'base64'));", '');
  lines.push(
    '// credentials come from the environment (AWS_ACCESS_KEY_ID ..., or a profile)',
    `const client = new ${clientClass}({ endpoint: ${JSON.stringify(target.endpoint)}, region: ${JSON.stringify(target.region)} });`,
    '',
    `const { $metadata, ...output } = await client.send(new ${op}Command(${jsLiteral(input, 0)}));`,
    'console.dir(output, { depth: null });',
    '',
  );
  return lines.join('\n');
}

/** A Python script that sends the recorded request with boto3 and prints the answer as JSON (binaries as base64). */
export function boto3Code(record: RequestRecord, target: CodeTarget): string {
  const input = codeInput(inputOf(record));
  const method = snakeCase(operationOf(record));
  const service = isStreamsRecord(record) ? 'dynamodbstreams' : 'dynamodb';
  const args = Object.entries(input as Loose)
    .map(([k, v]) => `    ${IDENTIFIER.test(k) ? `${k}=${pyLiteral(v, 1)}` : `**{${JSON.stringify(k)}: ${pyLiteral(v, 1)}}`},`)
    .join('\n');
  return [
    'import base64',
    'import json',
    '',
    'import boto3',
    '',
    '# credentials come from the environment (AWS_ACCESS_KEY_ID ..., or a profile)',
    `client = boto3.client(${JSON.stringify(service)}, endpoint_url=${JSON.stringify(target.endpoint)}, region_name=${JSON.stringify(target.region)})`,
    '',
    `response = client.${method}(${args ? `\n${args}\n` : ''})`,
    "response.pop('ResponseMetadata', None)",
    '',
    '',
    'def printable(value):',
    '    # bytes as base64 (as DynamoDB JSON has them), dates and decimals as text',
    "    return base64.b64encode(value).decode('ascii') if isinstance(value, bytes) else str(value)",
    '',
    '',
    'print(json.dumps(response, indent=2, ensure_ascii=False, default=printable))',
    '',
  ].join('\n');
}

/** A word as one shell word: bare when safe, else in single quotes (a quote inside written '\''). */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Which AWS CLI reads the command: v1 takes a blob in JSON as its raw text, v2 as base64. */
export type CliVersion = 1 | 2;

/**
 * An `aws dynamodb <op>` (or `aws dynamodbstreams <op>`) command with the whole input as
 * --cli-input-json. CLI v1 sends a blob's JSON text as UTF-8 bytes (it base64-encodes it itself),
 * so a binary that is not UTF-8 text cannot be written for it: that is refused, with a pointer to v2.
 */
export function awsCliCommand(record: RequestRecord, target: CodeTarget & { cli?: CliVersion }): string {
  const cli = target.cli ?? 1;
  const input = codeInput(inputOf(record));
  const op = kebabCase(operationOf(record));
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const json = JSON.stringify(
    input,
    (_k, v: unknown) => {
      if (!(v instanceof Bytes)) return v;
      if (cli === 2) return v.base64;
      try {
        return decoder.decode(Buffer.from(v.base64, 'base64'));
      } catch {
        throw new RequestCodeError('A binary value here is not UTF-8 text, which the AWS CLI v1 cannot send in JSON; use the CLI v2 form (base64) or the SDK code');
      }
    },
    2,
  );
  const service = isStreamsRecord(record) ? 'dynamodbstreams' : 'dynamodb';
  const words = ['aws', service, op, '--endpoint-url', shellQuote(target.endpoint), '--region', shellQuote(target.region)];
  if (cli === 2) words.push('--cli-binary-format', 'base64');
  return `${words.join(' ')} \\\n  --cli-input-json ${shellQuote(json)}`;
}

/** The request's expressions with names and values written in (legacy parameters too), for display. */
export function substituted(record: Pick<RequestRecord, 'request'>): SubstitutedExpression[] {
  return requestExpressions(record.request);
}

/** A request or response with every attribute value as plain JSON (numbers keep their text, sets become arrays, binaries their base64). */
export function plainView(json: unknown): unknown {
  return mapAttributeValues(json, (v): LosslessValue => {
    try {
      return toPlain(v);
    } catch {
      return v as unknown as LosslessValue; // not an attribute value after all: shown as it was sent
    }
  });
}

/** The plain view as text (numbers printed from their exact text), for the detail pane. */
export function plainText(json: unknown): string {
  return stringifyLossless(plainView(json) as LosslessValue);
}

/** What to send again: the operation (and whether it goes to Streams) and its exact input. */
export function replayInput(record: RequestRecord): { operation: string; streams: boolean; input: Record<string, unknown> } {
  return { operation: operationOf(record), streams: isStreamsRecord(record), input: structuredClone(inputOf(record)) };
}

/**
 * What the items panel needs to show a request's item or query: the argument of the
 * `dynamoWorkspace.openItems` command, less the connection (`{connectionId, ...target}`).
 */
export type ItemsPanelTarget =
  /** a single-item request: the panel opens its editor on the item (for PutItem, the item as put) */
  | { kind: 'item'; tableName: string; openEditor: { mode: 'edit'; item: Record<string, AttributeValue> } }
  /** a Query or Scan: the panel runs it as a raw-expression query */
  | { kind: 'query'; tableName: string; spec: QuerySpec };

const ITEM_OPERATIONS = new Set(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem']);

/**
 * The items panel's arguments for a recorded request, or undefined when there is nothing to open
 * (batches, transactions, PartiQL, control-plane calls). `pageSize`: the panel's page size when the
 * request set no Limit.
 */
export function itemsPanelTarget(record: RequestRecord, pageSize = 50): ItemsPanelTarget | undefined {
  const req = inputOf(record);
  const tableName = typeof req.TableName === 'string' ? req.TableName : undefined;
  if (!tableName || isStreamsRecord(record)) return undefined;
  if (ITEM_OPERATIONS.has(record.operation)) {
    const item = record.operation === 'PutItem' ? req.Item : req.Key;
    return isObject(item) ? { kind: 'item', tableName, openEditor: { mode: 'edit', item: item as Record<string, AttributeValue> } } : undefined;
  }
  if (record.operation !== 'Query' && record.operation !== 'Scan') return undefined;
  // Legacy conditions become expressions with their own placeholders, merged with any the request had.
  const names: Loose = { ...(isObject(req.ExpressionAttributeNames) ? req.ExpressionAttributeNames : {}) };
  const values: Loose = { ...(isObject(req.ExpressionAttributeValues) ? req.ExpressionAttributeValues : {}) };
  const legacy = (conditions: unknown, op: unknown): string | undefined => {
    if (!isObject(conditions)) return undefined;
    const l = legacyConditions(conditions, op);
    // renumbered so they never collide with the request's own placeholders
    for (const [k, v] of Object.entries(l.names)) names[`#legacy_${k.slice(1)}`] = v;
    for (const [k, v] of Object.entries(l.values)) values[`:legacy_${k.slice(1)}`] = v;
    const expression = l.expression.replace(/([#:])([nv]\d+)/g, '$1legacy_$2');
    return expression;
  };
  const keyConditionExpression = typeof req.KeyConditionExpression === 'string' ? req.KeyConditionExpression : legacy(req.KeyConditions, 'AND');
  const filterExpression = typeof req.FilterExpression === 'string' ? req.FilterExpression : legacy(req.QueryFilter ?? req.ScanFilter, req.ConditionalOperator);
  const spec: QuerySpec = {
    mode: record.operation === 'Query' ? 'query' : 'scan',
    filters: [],
    pageSize: typeof req.Limit === 'number' ? req.Limit : pageSize,
    raw: {
      ...(keyConditionExpression !== undefined && { keyConditionExpression }),
      ...(filterExpression !== undefined && { filterExpression }),
      ...(Object.keys(names).length && { names: JSON.stringify(names, null, 2) }),
      ...(Object.keys(values).length && { values: JSON.stringify(values, null, 2) }),
    },
  };
  if (typeof req.IndexName === 'string') spec.indexName = req.IndexName;
  if (req.ScanIndexForward === false) spec.descending = true;
  if (req.ConsistentRead === true) spec.consistentRead = true;
  return { kind: 'query', tableName, spec };
}
