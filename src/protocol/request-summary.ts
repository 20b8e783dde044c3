// What a DynamoDB request is about, in one line: the tables and index it names, and its key (or key
// condition and filter) with the #names and :values of its expressions written in place. The
// request inspector's recorder writes it into each RequestRecord's `summary`; the code generators
// (request-code.ts) use `substitute` to show expressions readably.
//
// Invariants: pure and total over any JSON input (a malformed request still gets a summary, never
// an exception); the line is at most SUMMARY_MAX characters; nothing is read beyond the request.
import { displayValue, type AttributeValue } from './dynamo-json';

/** The summary line is cut (with an ellipsis) past this many characters. */
export const SUMMARY_MAX = 240;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A value as the summary shows it: strings quoted (so "10" and 10 differ), the rest as displayValue writes them. */
export function showValue(value: unknown): string {
  if (!isObject(value)) return JSON.stringify(value) ?? 'undefined';
  if (typeof value.S === 'string') return JSON.stringify(value.S);
  try {
    return displayValue(value as unknown as AttributeValue);
  } catch {
    return JSON.stringify(value);
  }
}

/**
 * `expression` with each #name replaced by the attribute name it stands for and each :value by the
 * value, as `showValue` writes it. Placeholders the request does not define are left as they are.
 */
export function substitute(expression: string, names?: unknown, values?: unknown): string {
  const n = isObject(names) ? names : undefined;
  const v = isObject(values) ? values : undefined;
  return expression.replace(/([#:])([A-Za-z0-9_]+)/g, (whole: string, sigil: string) => {
    if (sigil === '#') {
      const name = n?.[whole];
      return typeof name === 'string' ? name : whole;
    }
    return v !== undefined && whole in v ? showValue(v[whole]) : whole;
  });
}

/** A key (or an item's first attributes) as `a = "x", b = 5`. */
function showKey(key: unknown, limit = 3): string {
  if (!isObject(key)) return '';
  const names = Object.keys(key);
  const parts = names.slice(0, limit).map((k) => `${k} = ${showValue(key[k])}`);
  if (names.length > limit) parts.push(`… ${names.length} attributes`);
  return parts.join(', ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function expression(input: Json, member: string): string | undefined {
  const e = str(input[member]);
  return e === undefined ? undefined : substitute(e, input.ExpressionAttributeNames, input.ExpressionAttributeValues);
}

function joinParts(parts: Array<string | undefined>): string {
  return parts.filter((p): p is string => p !== undefined && p !== '').join(' · ');
}

/** The table a PartiQL statement names (FROM, INTO, UPDATE or DELETE FROM "t"), if it can be read off. */
function statementTable(statement: string): string | undefined {
  const m = /\b(?:from|into|update)\s+("(?:[^"]|"")+"|[A-Za-z0-9_.-]+)/i.exec(statement);
  if (!m) return undefined;
  const t = m[1]!;
  return t.startsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t;
}

/** The table named in a stream ARN (arn:...:table/<name>/stream/<label>). */
function streamTable(arn: string | undefined): string | undefined {
  if (arn === undefined) return undefined;
  const m = /:table\/([^/]+)\/stream\//.exec(arn);
  return m ? m[1] : undefined;
}

/** What a transaction item does and to which table: {Put: {TableName}} -> ['Put', 'T']. */
function transactAction(item: unknown): [string, string | undefined] {
  if (!isObject(item)) return ['?', undefined];
  for (const action of ['Put', 'Update', 'Delete', 'ConditionCheck', 'Get']) {
    const body = item[action];
    if (isObject(body)) return [action, str(body.TableName)];
  }
  return ['?', undefined];
}

export interface RequestSummary {
  /** the table, or the first table of a batch or transaction */
  table?: string;
  /** every table a batch or transaction names, in order of first appearance (only when more than one) */
  tables?: string[];
  index?: string;
  summary: string;
}

function cut(line: string): string {
  return line.length > SUMMARY_MAX ? `${line.slice(0, SUMMARY_MAX - 1)}…` : line;
}

function withTables(list: Array<string | undefined>, summary: string): RequestSummary {
  const tables = [...new Set(list.filter((t): t is string => t !== undefined))];
  const out: RequestSummary = { summary: cut(summary) };
  if (tables.length > 0) out.table = tables[0];
  if (tables.length > 1) out.tables = tables;
  return out;
}

/** The tables, index and one-line summary of `operation`'s `input` (any JSON: refused requests are summarised too). */
export function summarizeRequest(operation: string, input: unknown): RequestSummary {
  const i: Json = isObject(input) ? input : {};
  const table = str(i.TableName);
  const index = str(i.IndexName);
  const base = (summary: string): RequestSummary => {
    const out: RequestSummary = { summary: cut(summary) };
    if (table !== undefined) out.table = table;
    if (index !== undefined) out.index = index;
    return out;
  };
  switch (operation) {
    case 'GetItem':
      return base(showKey(i.Key));
    case 'DeleteItem':
      return base(joinParts([showKey(i.Key), prefixed('if', expression(i, 'ConditionExpression'))]));
    case 'UpdateItem':
      return base(joinParts([showKey(i.Key), expression(i, 'UpdateExpression'), prefixed('if', expression(i, 'ConditionExpression'))]));
    case 'PutItem':
      return base(joinParts([showKey(i.Item, 2), prefixed('if', expression(i, 'ConditionExpression'))]));
    case 'Query':
      return base(joinParts([expression(i, 'KeyConditionExpression'), prefixed('filter', expression(i, 'FilterExpression'))]));
    case 'Scan': {
      const segment = typeof i.Segment === 'number' && typeof i.TotalSegments === 'number' ? `segment ${i.Segment}/${i.TotalSegments}` : undefined;
      const filter = prefixed('filter', expression(i, 'FilterExpression'));
      return base(joinParts([filter ?? 'every item', segment]));
    }
    case 'BatchGetItem':
    case 'BatchWriteItem': {
      const items = isObject(i.RequestItems) ? i.RequestItems : {};
      const names = Object.keys(items);
      const parts = names.map((name) => {
        const v = items[name];
        if (operation === 'BatchGetItem') return `${name}: ${plural(isObject(v) && Array.isArray(v.Keys) ? v.Keys.length : 0, 'key')}`;
        const list = Array.isArray(v) ? v : [];
        const puts = list.filter((r) => isObject(r) && 'PutRequest' in r).length;
        const deletes = list.length - puts;
        return `${name}: ${joinComma([puts ? plural(puts, 'put') : undefined, deletes ? plural(deletes, 'delete') : undefined])}`;
      });
      return withTables(names, parts.join(', '));
    }
    case 'TransactWriteItems':
    case 'TransactGetItems': {
      const list = Array.isArray(i.TransactItems) ? i.TransactItems : [];
      const actions = list.map(transactAction);
      const shown = actions.slice(0, 4).map(([a, t]) => `${a} ${t ?? '?'}`);
      if (actions.length > 4) shown.push(`… ${actions.length} actions`);
      return withTables(
        actions.map(([, t]) => t),
        shown.join(', '),
      );
    }
    case 'ExecuteStatement': {
      const statement = str(i.Statement) ?? '';
      const params = Array.isArray(i.Parameters) && i.Parameters.length > 0 ? ` [${i.Parameters.map(showValue).join(', ')}]` : '';
      return withTables([statementTable(statement)], statement + params);
    }
    case 'BatchExecuteStatement':
    case 'ExecuteTransaction': {
      const list = (Array.isArray(i.Statements) ? i.Statements : Array.isArray(i.TransactStatements) ? i.TransactStatements : []) as unknown[];
      const statements = list.map((s) => (isObject(s) ? (str(s.Statement) ?? '') : ''));
      return withTables(statements.map(statementTable), `${plural(statements.length, 'statement')}${statements.length ? `: ${statements[0]}` : ''}`);
    }
    case 'GetShardIterator':
      return withTables([streamTable(str(i.StreamArn))], joinParts([str(i.ShardId), str(i.ShardIteratorType), str(i.SequenceNumber)]));
    case 'DescribeStream':
      return withTables([streamTable(str(i.StreamArn))], str(i.StreamArn) ?? '');
    case 'GetRecords':
      return base(typeof i.Limit === 'number' ? `limit ${i.Limit}` : '');
    default:
      return base(table ?? '');
  }
}

function prefixed(word: string, text: string | undefined): string | undefined {
  return text === undefined ? undefined : `${word} ${text}`;
}

function joinComma(parts: Array<string | undefined>): string {
  return parts.filter((p): p is string => p !== undefined).join(', ');
}
