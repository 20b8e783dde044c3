// A recorded request's expressions as a person reads them, each on its own: every expression of
// the request (its transaction items, batch tables and PartiQL statements too) with `#n` and `:v`
// placeholders replaced (request-summary.ts `substitute`, the recorder's one-line summary uses the
// same), and the legacy parameters (KeyConditions, QueryFilter, ScanFilter, Expected,
// AttributeUpdates, AttributesToGet) written as the expression they mean. Pure functions over the
// wire JSON, for the inspector's detail pane and request-code.ts.
//
// Invariants: nothing here throws on odd input (a record may hold any JSON a client sent); a
// placeholder with no definition is left as written, so a request that DynamoDB refused for that
// reason still reads as it was sent.
import type { AttributeValue } from './dynamo-json';
import { showValue, substitute } from './request-summary';

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
    } else if (ch === '?' && next < params.length && isAv(params[next])) out += showValue(params[next++]);
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
    if (typeof e === 'string') out.push({ where: prefix + field, expression: e, text: substitute(e, req.ExpressionAttributeNames, req.ExpressionAttributeValues) });
  }
  const legacy = (field: string, text: (p: Placeholders) => string) => {
    if (!(field in req)) return;
    const p = new Placeholders();
    const expression = text(p);
    out.push({ where: prefix + field, expression, text: substitute(expression, p.names, p.values) });
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
