// (I3's request-summary.ts, renamed when merged beside I1's request-summary.ts of the same name.)
// A recorded request's expressions as a person reads them: `#n` and `:v` placeholders replaced by
// the attribute names and values they stand for, and the legacy parameters (KeyConditions,
// QueryFilter, ScanFilter, Expected, AttributeUpdates, AttributesToGet) written as the expression
// they mean. Also a one-line summary of a request (the key, or the key condition and filter).
// Pure functions over the wire JSON: the recorder, the inspector panel and the code generators
// share them.
//
// Invariants: nothing here throws on odd input (a record may hold any JSON a client sent); a
// placeholder with no definition is left as written, so a request that DynamoDB refused for that
// reason still reads as it was sent.
import { displayValue, type AttributeValue } from './dynamo-json';

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
const isAv = (v: unknown): v is AttributeValue => isObject(v) && Object.keys(v).length === 1;

/** One expression of a request, substituted. `where` says which part of the request it came from. */
export interface SubstitutedExpression {
  /** 'KeyConditionExpression', 'TransactItems[1].Update.ConditionExpression', 'Statement', ... */
  where: string;
  /** the expression as sent (for a legacy parameter: the expression it stands for, with placeholders) */
  expression: string;
  /** with names and values in place of the placeholders */
  text: string;
}

/** A value as it reads inside an expression: strings quoted, numbers bare, the rest compact. */
export function valueText(value: AttributeValue): string {
  if ('S' in value) return JSON.stringify(value.S);
  return displayValue(value);
}

const NAME_TOKEN = /#[A-Za-z0-9_]+/g;
const VALUE_TOKEN = /:[A-Za-z0-9_]+/g;
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** An attribute name as it reads in an expression: bare when it could be written so, quoted otherwise. */
function nameText(name: string): string {
  return PLAIN_NAME.test(name) ? name : JSON.stringify(name);
}

/** `expression` with its placeholders replaced from `names` and `values` (the request's maps). */
export function substituteExpression(expression: string, names: unknown, values: unknown): string {
  const n = isObject(names) ? names : {};
  const v = isObject(values) ? values : {};
  return expression
    .replace(NAME_TOKEN, (t) => (typeof n[t] === 'string' ? nameText(n[t] as string) : t))
    .replace(VALUE_TOKEN, (t) => (isAv(v[t]) ? valueText(v[t] as AttributeValue) : t));
}

/** A PartiQL statement with its `?` parameters written in, in order (a `?` inside a quoted literal stays). */
export function substituteStatement(statement: string, parameters: unknown): string {
  const params = Array.isArray(parameters) ? parameters : [];
  let next = 0;
  let out = '';
  let quote: string | undefined;
  for (const ch of statement) {
    if (quote) {
      if (ch === quote) quote = undefined;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?' && next < params.length && isAv(params[next])) out += valueText(params[next++] as AttributeValue);
    else out += ch;
  }
  return out;
}

/** Placeholders made for a legacy parameter, collected into names and values maps. */
class Placeholders {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, AttributeValue> = {};
  private n = 0;
  private v = 0;
  name(attr: string): string {
    const found = Object.entries(this.names).find(([, a]) => a === attr);
    if (found) return found[0];
    const key = `#n${this.n++}`;
    this.names[key] = attr;
    return key;
  }
  value(av: unknown): string {
    const key = `:v${this.v++}`;
    if (isAv(av)) this.values[key] = av;
    return key;
  }
}

const COMPARISONS: Record<string, string> = { EQ: '=', NE: '<>', LE: '<=', LT: '<', GE: '>=', GT: '>' };

/** One legacy condition ({ComparisonOperator, AttributeValueList} or Expected's {Value, Exists}) as an expression. */
function legacyCondition(attr: string, cond: unknown, p: Placeholders): string {
  const c = isObject(cond) ? cond : {};
  const a = p.name(attr);
  const list = Array.isArray(c.AttributeValueList) ? c.AttributeValueList : 'Value' in c ? [c.Value] : [];
  const op = typeof c.ComparisonOperator === 'string' ? c.ComparisonOperator : c.Exists === false ? 'NULL' : 'EQ';
  const v = (i: number) => p.value(list[i]);
  if (COMPARISONS[op]) return `${a} ${COMPARISONS[op]} ${v(0)}`;
  switch (op) {
    case 'NOT_NULL':
      return `attribute_exists(${a})`;
    case 'NULL':
      return `attribute_not_exists(${a})`;
    case 'CONTAINS':
      return `contains(${a}, ${v(0)})`;
    case 'NOT_CONTAINS':
      return `NOT contains(${a}, ${v(0)})`;
    case 'BEGINS_WITH':
      return `begins_with(${a}, ${v(0)})`;
    case 'BETWEEN':
      return `${a} BETWEEN ${v(0)} AND ${v(1)}`;
    case 'IN':
      return `${a} IN (${list.map((_, i) => v(i)).join(', ')})`;
    default:
      return `${a} ${op} ${list.map((_, i) => v(i)).join(', ')}`;
  }
}

/** A legacy condition map (KeyConditions, QueryFilter, ScanFilter, Expected) as one expression, with its placeholders. */
export function legacyConditions(conditions: unknown, conditionalOperator: unknown, p = new Placeholders()): { expression: string; names: Record<string, string>; values: Record<string, AttributeValue> } {
  const joiner = conditionalOperator === 'OR' ? ' OR ' : ' AND ';
  const parts = isObject(conditions) ? Object.entries(conditions).map(([attr, c]) => legacyCondition(attr, c, p)) : [];
  return { expression: parts.join(joiner), names: p.names, values: p.values };
}

/** AttributeUpdates as the update expression it means. */
function legacyUpdates(updates: unknown, p: Placeholders): string {
  const clauses: Record<string, string[]> = { SET: [], ADD: [], DELETE: [], REMOVE: [] };
  for (const [attr, u] of Object.entries(isObject(updates) ? updates : {})) {
    const upd = isObject(u) ? u : {};
    const action = upd.Action === 'ADD' || upd.Action === 'DELETE' ? upd.Action : 'PUT';
    const a = p.name(attr);
    if (action === 'PUT') clauses.SET!.push(`${a} = ${p.value(upd.Value)}`);
    else if (action === 'ADD') clauses.ADD!.push(`${a} ${p.value(upd.Value)}`);
    else if ('Value' in upd) clauses.DELETE!.push(`${a} ${p.value(upd.Value)}`);
    else clauses.REMOVE!.push(a);
  }
  return Object.entries(clauses)
    .filter(([, list]) => list.length)
    .map(([verb, list]) => `${verb} ${list.join(', ')}`)
    .join(' ');
}

const EXPRESSIONS = ['KeyConditionExpression', 'FilterExpression', 'ConditionExpression', 'UpdateExpression', 'ProjectionExpression'] as const;

/** The expressions of one request object (a top-level request, or one transaction or batch entry). */
function expressionsOf(req: Loose, prefix: string): SubstitutedExpression[] {
  const out: SubstitutedExpression[] = [];
  for (const field of EXPRESSIONS) {
    const e = req[field];
    if (typeof e === 'string') out.push({ where: prefix + field, expression: e, text: substituteExpression(e, req.ExpressionAttributeNames, req.ExpressionAttributeValues) });
  }
  const legacy = (field: string, text: (p: Placeholders) => string) => {
    if (!(field in req)) return;
    const p = new Placeholders();
    const expression = text(p);
    out.push({ where: prefix + field, expression, text: substituteExpression(expression, p.names, p.values) });
  };
  legacy('KeyConditions', (p) => legacyConditions(req.KeyConditions, 'AND', p).expression);
  legacy('QueryFilter', (p) => legacyConditions(req.QueryFilter, req.ConditionalOperator, p).expression);
  legacy('ScanFilter', (p) => legacyConditions(req.ScanFilter, req.ConditionalOperator, p).expression);
  legacy('Expected', (p) => legacyConditions(req.Expected, req.ConditionalOperator, p).expression);
  legacy('AttributeUpdates', (p) => legacyUpdates(req.AttributeUpdates, p));
  legacy('AttributesToGet', (p) => (Array.isArray(req.AttributesToGet) ? req.AttributesToGet.filter((a) => typeof a === 'string').map((a) => p.name(a)).join(', ') : ''));
  if (typeof req.Statement === 'string') out.push({ where: prefix + 'Statement', expression: req.Statement, text: substituteStatement(req.Statement, req.Parameters) });
  return out;
}

/** Every expression of a request, top level first, then each transaction item, batch table and batch statement. */
export function requestExpressions(request: unknown): SubstitutedExpression[] {
  if (!isObject(request)) return [];
  const out = expressionsOf(request, '');
  const list = (field: string) => (Array.isArray(request[field]) ? (request[field] as unknown[]) : []);
  list('TransactItems').forEach((t, i) => {
    if (!isObject(t)) return;
    for (const [kind, body] of Object.entries(t)) if (isObject(body)) out.push(...expressionsOf(body, `${'TransactItems'}[${i}].${kind}.`));
  });
  for (const field of ['Statements', 'TransactStatements']) list(field).forEach((s, i) => isObject(s) && out.push(...expressionsOf(s, `${field}[${i}].`)));
  if (isObject(request.RequestItems))
    for (const [table, body] of Object.entries(request.RequestItems)) if (isObject(body)) out.push(...expressionsOf(body, `RequestItems[${JSON.stringify(table)}].`));
  return out;
}

/** A key as one line: `pk = "a", sk = 5`. */
export function keyText(key: unknown): string {
  if (!isObject(key)) return '';
  return Object.entries(key)
    .map(([name, v]) => `${nameText(name)} = ${isAv(v) ? valueText(v) : '?'}`)
    .join(', ');
}

/**
 * One line for a request in a list: the key for single-item operations, the key condition and
 * filter for Query and Scan, the statement for PartiQL, the table count for batches.
 */
export function requestSummary(operation: string, request: unknown): string {
  if (!isObject(request)) return '';
  if (isObject(request.Key)) return keyText(request.Key);
  const exprs = requestExpressions(request).filter((e) => !e.where.includes('.') && !e.where.includes('['));
  const pick = (...fields: string[]) => exprs.filter((e) => fields.includes(e.where)).map((e) => e.text);
  if (operation === 'Query' || operation === 'Scan') {
    const [key] = pick('KeyConditionExpression', 'KeyConditions');
    const [filter] = pick('FilterExpression', 'QueryFilter', 'ScanFilter');
    const segment = typeof request.Segment === 'number' ? `segment ${request.Segment}/${request.TotalSegments}` : '';
    return [key, filter && `filter ${filter}`, segment].filter(Boolean).join('; ');
  }
  if (operation === 'ExecuteStatement') return pick('Statement')[0] ?? '';
  if (isObject(request.RequestItems)) {
    const tables = Object.entries(request.RequestItems);
    const count = tables.reduce((n, [, v]) => n + (Array.isArray(v) ? v.length : isObject(v) && Array.isArray(v.Keys) ? v.Keys.length : 0), 0);
    return `${count} request${count === 1 ? '' : 's'} on ${tables.length} table${tables.length === 1 ? '' : 's'}`;
  }
  for (const field of ['TransactItems', 'Statements', 'TransactStatements']) {
    const list = request[field];
    if (Array.isArray(list)) return `${list.length} action${list.length === 1 ? '' : 's'}`;
  }
  if (isObject(request.Item)) return `${Object.keys(request.Item).length} attributes`;
  return '';
}
