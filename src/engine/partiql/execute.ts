// Runs one PartiQL statement: parse (cached by text), bind `?` parameters, plan the equivalent
// request (plan.ts) and run it through that operation's own code, then shape the answer as
// ExecuteStatement returns it. Errors are the operation's, except where DynamoDB's PartiQL says
// otherwise (a taken key on INSERT is DuplicateItemException).
import type { Database } from '../database';
import { DynamoDBError, validation } from '../errors';
import { EncodedItem } from '../codec/item-codec';
import { getPath } from '../expressions';
import { normalizeAttributeValue } from '../types/attribute-validation';
import type { AttributeValue, Item } from '../types/attribute-value';
import type { Operation } from '../operations/operation';
import { getItem } from '../operations/get-item';
import { query } from '../operations/query';
import { scan } from '../operations/scan';
import { putItem } from '../operations/put-item';
import { updateItem } from '../operations/update-item';
import { deleteItem } from '../operations/delete-item';
import { parseStatement, type Parsed } from './parser';
import { sumCapacity } from './capacity';
import { plan, pointPlan, pointReadOf, type Plan, type PointRead } from './plan';

const RUNNERS: Record<Exclude<Plan['operation'], 'ConditionCheck'>, Operation> = {
  GetItem: getItem,
  Query: query,
  Scan: scan,
  PutItem: putItem,
  UpdateItem: updateItem,
  DeleteItem: deleteItem,
};

// Applications send the same few statements with different parameters: parse each such text
// once. Statements without `?` are mostly one-offs (values spelled in the text): caching them
// would only promote each to the old generation and make the collector work (measured: twice
// the cost per call), so they are parsed each time (a couple of microseconds).
const CACHE_LIMIT = 1000;

interface Prepared extends Parsed {
  readonly point: PointRead | undefined;
}

const parsedCache = new Map<string, Prepared>();

export function parse(text: string): Prepared {
  let parsed = parsedCache.get(text);
  if (parsed === undefined) {
    const p = parseStatement(text);
    parsed = { ...p, point: pointReadOf(p.statement) };
    if (p.parameters > 0) {
      if (parsedCache.size >= CACHE_LIMIT) parsedCache.delete(parsedCache.keys().next().value!);
      parsedCache.set(text, parsed);
    }
  }
  return parsed;
}

/** A statement with its parameters, as every PartiQL operation receives them. */
export interface StatementInput {
  Statement: string;
  Parameters?: unknown[];
}

/** DynamoDB's refusal of EXISTS outside ExecuteTransaction (before it looks the table up). */
export const existsOutsideTransaction = () => validation('EXISTS can only be used in ExecuteTransaction write requests.');

/** Parses and plans one statement against the database's current tables; `transaction`: EXISTS is allowed (ExecuteTransaction). */
export function prepare(db: Database, input: StatementInput, transaction = false): Plan {
  try {
    return planStatement(db, input, transaction);
  } catch (e) {
    throw refusal(undefined, e);
  }
}

function planStatement(db: Database, input: StatementInput, transaction: boolean): Plan {
  const parsed = parse(input.Statement);
  if (parsed.statement.kind === 'exists' && !transaction) throw existsOutsideTransaction();
  const given = input.Parameters ?? [];
  // DynamoDB refuses fewer parameters than `?`s (more are ignored).
  if (given.length < parsed.parameters) throw validation("Number of parameters in request and statement don't match.");
  const params: AttributeValue[] = given.map((p) => normalizeAttributeValue(p));
  const s = parsed.statement;
  const table = db.table(s.kind === 'exists' ? s.select.table : s.table);
  return (parsed.point && pointPlan(parsed.point, table, params)) || plan(s, table, params);
}

export interface ExecuteOptions {
  ConsistentRead?: boolean;
  Limit?: number;
  NextToken?: string;
  ReturnConsumedCapacity?: string;
  ReturnValuesOnConditionCheckFailure?: string;
}

export const duplicateItem = () => new DynamoDBError('DuplicateItemException', 'Duplicate primary key exists in table');

const EXPRESSION_PREFIX = /^Invalid (?:KeyCondition|Filter|Projection|Condition|Update)Expression: /;

/**
 * The error a statement gives for its planned operation's error: a ConditionalCheckFailed of an
 * INSERT's own condition is DuplicateItem, and expression messages lose the name of an
 * expression the statement never had.
 */
function refusal(p: Plan | undefined, e: unknown): unknown {
  if (!(e instanceof DynamoDBError)) return e;
  if (p?.insert && e.type === 'ConditionalCheckFailedException') return duplicateItem();
  if (e.type === 'ValidationException' && EXPRESSION_PREFIX.test(e.message)) {
    return new DynamoDBError(e.type, e.message.replace(EXPRESSION_PREFIX, ''), e.extra);
  }
  return e;
}

const TOKEN_VERSION = 'Q1';

/** Where a read stopped: the last key read, and for `IN` which partition it was reading. */
interface Position {
  k?: Record<string, unknown>;
  i?: number;
}

function encodeToken(position: Position): string {
  return Buffer.from(JSON.stringify({ v: TOKEN_VERSION, ...position })).toString('base64');
}

function decodeToken(token: string): Position {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    const keyOk = t.k === undefined || (t.k !== null && typeof t.k === 'object' && !Array.isArray(t.k));
    const partOk = t.i === undefined || (Number.isInteger(t.i) && t.i >= 0);
    if (t.v === TOKEN_VERSION && keyOk && partOk && (t.k !== undefined || t.i !== undefined)) return { k: t.k, i: t.i };
  } catch {
    // fall through to DynamoDB's message
  }
  throw validation('Invalid NextToken');
}

/** A stored item in its plain form (answers nested below the top level are not materialized). */
export const decoded = (i: unknown): Item => (i instanceof EncodedItem ? i.decode() : (i as Item));

/** Items as a SELECT with nested paths names them (plan.ts `columns`), or as they are. */
export function reshape(p: Plan, items: unknown[]): unknown[] {
  const columns = p.columns;
  if (columns === undefined) return items;
  return items.map((raw) => {
    const item = decoded(raw);
    const out: Item = {};
    for (const c of columns) {
      const v = getPath(item, c.path);
      if (v !== undefined) out[c.alias] = v;
    }
    return out;
  });
}

/** The request `p` stands for, with the per-call members a PartiQL request carries. */
export function requestOf(p: Plan, options: ExecuteOptions): Record<string, unknown> {
  const input: Record<string, unknown> = { ...p.input };
  if (options.ReturnConsumedCapacity !== undefined) input.ReturnConsumedCapacity = options.ReturnConsumedCapacity;
  const read = p.operation === 'GetItem' || p.operation === 'Query' || p.operation === 'Scan';
  if (p.operation === 'Query' || p.operation === 'Scan') {
    if (options.Limit !== undefined) input.Limit = options.Limit;
    if (options.NextToken !== undefined) {
      const k = decodeToken(options.NextToken).k;
      if (k !== undefined) input.ExclusiveStartKey = k;
    }
  }
  if (read && options.ConsistentRead !== undefined) input.ConsistentRead = options.ConsistentRead;
  if (!read && options.ReturnValuesOnConditionCheckFailure !== undefined) {
    input.ReturnValuesOnConditionCheckFailure = options.ReturnValuesOnConditionCheckFailure;
  }
  return input;
}

function answer(p: Plan, result: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  switch (p.operation) {
    case 'GetItem':
      out.Items = result.Item === undefined ? [] : reshape(p, [result.Item]);
      break;
    case 'Query':
    case 'Scan':
      out.Items = reshape(p, result.Items as unknown[]);
      if (result.LastEvaluatedKey !== undefined) out.NextToken = encodeToken({ k: result.LastEvaluatedKey as Record<string, unknown> });
      break;
    default:
      out.Items = result.Attributes === undefined ? [] : [result.Attributes];
  }
  if (result.ConsumedCapacity !== undefined) out.ConsumedCapacity = result.ConsumedCapacity;
  return out;
}

/** Runs a planned statement; the answer is ExecuteStatement's (Items, NextToken, ConsumedCapacity). */
export function runPlan(db: Database, p: Plan, options: ExecuteOptions): Record<string, unknown> | Promise<Record<string, unknown>> {
  if (p.operation === 'ConditionCheck') throw existsOutsideTransaction();
  if (options.NextToken !== undefined && p.operation === 'GetItem') decodeToken(options.NextToken);
  if (p.partitions !== undefined) return runPartitions(db, p, options);
  let result: unknown;
  try {
    result = RUNNERS[p.operation].run(db, requestOf(p, options));
  } catch (e) {
    throw refusal(p, e);
  }
  if (result instanceof Promise) {
    return result.then(
      (r) => answer(p, r as Record<string, unknown>),
      (e) => Promise.reject(refusal(p, e)),
    );
  }
  return answer(p, result as Record<string, unknown>);
}

/**
 * `partition IN [...]`: one Query per value, in order, until Limit items are read; NextToken
 * names the value reached and the key within it. Capacity is the Queries' sum.
 */
function runPartitions(db: Database, p: Plan, options: ExecuteOptions): Record<string, unknown> {
  const { placeholder, values } = p.partitions!;
  const start: Position = options.NextToken === undefined ? {} : decodeToken(options.NextToken);
  let remaining = options.Limit ?? Infinity;
  const items: unknown[] = [];
  const capacity: Record<string, unknown>[] = [];
  let next: Position | undefined;
  for (let i = start.i ?? 0; i < values.length; i++) {
    const request = requestOf(p, { ...options, NextToken: undefined, Limit: remaining === Infinity ? undefined : remaining });
    request.ExpressionAttributeValues = { ...(request.ExpressionAttributeValues as object), [placeholder]: values[i] };
    if (i === (start.i ?? 0) && start.k !== undefined) request.ExclusiveStartKey = start.k;
    let r: Record<string, unknown>;
    try {
      r = RUNNERS.Query.run(db, request) as Record<string, unknown>;
    } catch (e) {
      throw refusal(p, e);
    }
    items.push(...(r.Items as unknown[]));
    if (r.ConsumedCapacity !== undefined) capacity.push(r.ConsumedCapacity as Record<string, unknown>);
    remaining -= r.ScannedCount as number;
    if (r.LastEvaluatedKey !== undefined) {
      next = { i, k: r.LastEvaluatedKey as Record<string, unknown> };
      break;
    }
    if (remaining <= 0) {
      if (i + 1 < values.length) next = { i: i + 1 };
      break;
    }
  }
  const out: Record<string, unknown> = { Items: reshape(p, items) };
  if (next !== undefined) out.NextToken = encodeToken(next);
  if (capacity.length > 0) out.ConsumedCapacity = sumCapacity(capacity)[0];
  return out;
}

export function executeStatement(db: Database, input: StatementInput & ExecuteOptions): Record<string, unknown> | Promise<Record<string, unknown>> {
  return runPlan(db, prepare(db, input), input);
}
