// Turns a parsed statement into the DynamoDB request that does the same work, so PartiQL runs on
// the operations' own code (expression evaluator, key rules, capacity, the write path) and
// reports the capacity its equivalent reports:
//   SELECT with equality on the whole primary key and nothing else  -> GetItem
//   SELECT with equality on the partition key (table or "table"."index") -> Query: the key
//          predicate (and one sort-key condition) as KeyConditionExpression, the rest as filter
//          (partition IN [...] -> that Query once per value, at most 50 values as DynamoDB
//          documents; any IN takes at most 100 operands, the parser's check; a filter naming a
//          key attribute, which a Query refuses, -> Scan)
//   any other SELECT                                                  -> Scan with the WHERE as filter
//   INSERT -> PutItem with attribute_not_exists(partition key) (a refusal is DuplicateItem)
//   UPDATE -> UpdateItem, DELETE -> DeleteItem: WHERE must hold an equality on every key
//          attribute; the rest of it becomes the ConditionExpression (UPDATE also requires the
//          item to exist; DELETE of an absent item succeeds, as DynamoDB does)
//   EXISTS(SELECT ...) -> a ConditionCheck (ExecuteTransaction; elsewhere refused before the
//          table is looked up, execute.ts)
// Names and values reach the operation as #n / :v placeholders, never spliced into text, so no
// attribute name can change an expression's meaning.
import type { Expr, PathStep, ReturnWhat, Select, Statement } from './ast';
import type { AttributeValue } from '../types/attribute-value';
import type { Table } from '../table';
import type { KeySchemaInfo } from '../codec/key-codec';
import { indexSchemaOf } from '../indexes';
import { validation } from '../errors';
import { TOO_MANY_IN } from './parser';
import { compileExpressions, formatPath, type DocumentPath } from '../expressions';

type PathExpr = Extract<Expr, { k: 'path' }>;

export type PlannedOperation = 'GetItem' | 'Query' | 'Scan' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheck';

export interface Plan {
  readonly operation: PlannedOperation;
  /** The operation's request (without the per-call members the caller adds). */
  readonly input: Record<string, unknown>;
  /** INSERT: a failed condition means the key is taken. */
  readonly insert?: boolean;
  /**
   * SELECT of nested paths: each result names a projected value by its last attribute name and
   * the list indexes after it (m.a -> "a", l[0] -> "l[0]"), as DynamoDB does, not as a document.
   */
  readonly columns?: ReadonlyArray<{ readonly alias: string; readonly path: DocumentPath }>;
  /** EXISTS: the condition it has with no condition besides the key (which DynamoDB refuses). */
  readonly existsOnly?: string;
  /**
   * `partition IN [...]`: the Query runs once per value, in the order given, each with its value
   * bound to `placeholder` in ExpressionAttributeValues (DynamoDB runs one Query per value too).
   */
  readonly partitions?: { readonly placeholder: string; readonly values: readonly AttributeValue[] };
}

function columnsOf(projection: Select['projection']): Plan['columns'] {
  if (projection === undefined || projection.every((p) => p.steps.length === 1)) return undefined;
  const seen = new Set<string>();
  return projection.map((p) => {
    let last = p.steps.length - 1;
    while (last > 0 && 'index' in p.steps[last]) last--;
    const alias = p.steps.slice(last).map((s) => ('index' in s ? `[${s.index}]` : s.name)).join('');
    if (seen.has(alias)) throw validation(`Duplicate identifiers in select clause: ${alias}`);
    seen.add(alias);
    return { alias, path: p.steps.map((s) => ('index' in s ? s.index : s.name)) };
  });
}

export const noFullKey = () => validation('Where clause does not contain a mandatory equality on all key attributes');

/** `?` values, checked against the statement's count before planning. */
export type Parameters = readonly AttributeValue[];

class Placeholders {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, AttributeValue> = {};
  private readonly byName = new Map<string, string>();
  private valueCount = 0;

  name(n: string): string {
    let p = this.byName.get(n);
    if (p === undefined) {
      p = `#n${this.byName.size}`;
      this.byName.set(n, p);
      this.names[p] = n;
    }
    return p;
  }

  value(v: AttributeValue): string {
    const p = `:v${this.valueCount++}`;
    this.values[p] = v;
    return p;
  }

  /** The members to add to a request: only the maps that are used (DynamoDB refuses empty ones). */
  members(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.byName.size > 0) out.ExpressionAttributeNames = this.names;
    if (this.valueCount > 0) out.ExpressionAttributeValues = this.values;
    return out;
  }
}

const typeOf = (v: AttributeValue) => Object.keys(v)[0];

const SET_TYPES: Record<string, 'SS' | 'NS' | 'BS'> = { S: 'SS', N: 'NS', B: 'BS' };

/**
 * The value of a literal (with its parameters bound), or undefined when `e` is not one.
 * DynamoDB takes a `?` only where a whole value goes (and as an INSERT item's attribute: `top`),
 * never inside a map, list or set literal; `under` is the key path inside such a literal.
 */
export function bind(e: Expr, params: Parameters, under?: string, top = false): AttributeValue | undefined {
  switch (e.k) {
    case 'value':
      return e.value;
    case 'param':
      if (under !== undefined) throw validation(`Unsupported data type: Parameter under key ${under} at ${e.at}:1`);
      return params[e.index];
    case 'map': {
      const M: Record<string, AttributeValue> = {};
      for (const [k, v] of e.entries) M[k] = need(bind(v, params, top ? undefined : `${under ?? 'root'}.${k}`));
      return { M };
    }
    case 'list':
      return { L: e.items.map((i, n) => need(bind(i, params, `${under ?? 'root'}.${n}`))) };
    case 'set': {
      // Strings or numbers, all of the first one's type, and no `?`: DynamoDB names the first
      // element that breaks this, with one message for every case.
      let type: string | undefined;
      e.items.forEach((item, n) => {
        const t = item.k === 'value' ? typeOf(item.value) : undefined;
        if ((t !== 'S' && t !== 'N') || (type !== undefined && t !== type)) {
          throw validation(`Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags at ${e.at[n]}:1`);
        }
        type = t;
      });
      const members = e.items.map((i) => need(bind(i, params)));
      const setType = type === undefined ? undefined : SET_TYPES[type];
      if (setType === undefined) throw validation('An empty bag is not supported');
      return { [setType]: members.map((m) => (m as Record<string, unknown>)[type!]) } as AttributeValue;
    }
    default:
      return undefined;
  }
}

function need(v: AttributeValue | undefined): AttributeValue {
  if (v === undefined) throw validation('Only literal values are allowed inside a value constructor');
  return v;
}

const CONDITION_FUNCTIONS = new Set(['begins_with', 'contains', 'attribute_type', 'size']);
const UPDATE_FUNCTIONS = new Set(['list_append', 'if_not_exists']);

class Renderer {
  constructor(readonly ph: Placeholders, private readonly params: Parameters) {}

  path(p: PathExpr): string {
    return p.steps.map((s: PathStep, i) => ('index' in s ? `[${s.index}]` : (i === 0 ? '' : '.') + this.ph.name(s.name))).join('');
  }

  condition(e: Expr): string {
    switch (e.k) {
      case 'compare':
        return `${this.operand(e.left)} ${e.op} ${this.operand(e.right)}`;
      case 'between':
        return `${this.operand(e.operand)} BETWEEN ${this.operand(e.low)} AND ${this.operand(e.high)}`;
      case 'in':
        if (e.items.length === 0) throw validation('IN list must not be empty');
        return `${this.operand(e.operand)} IN (${e.items.map((i) => this.operand(i)).join(', ')})`;
      case 'and':
      case 'or':
        return `(${this.condition(e.left)}) ${e.k.toUpperCase()} (${this.condition(e.right)})`;
      case 'not':
        return `NOT (${this.condition(e.operand)})`;
      case 'missing':
        if (e.operand.k !== 'path') throw validation('IS MISSING applies to an attribute path only');
        return `${e.negated ? 'attribute_exists' : 'attribute_not_exists'}(${this.path(e.operand)})`;
      case 'call':
        if (e.name === 'size') throw validation('Function size returns a number and cannot be a condition');
        return this.call(e, CONDITION_FUNCTIONS);
      default:
        throw validation('The WHERE clause must be a condition');
    }
  }

  /** An operand of a comparison: a path, a value or size(). */
  operand(e: Expr): string {
    if (e.k === 'path') return this.path(e);
    if (e.k === 'call' && e.name === 'size') return this.call(e, CONDITION_FUNCTIONS);
    const v = bind(e, this.params);
    if (v === undefined) throw validation('Unsupported operand in a condition');
    return this.ph.value(v);
  }

  /** The right side of SET path = ...: values, paths, + and -, list_append, if_not_exists. */
  updateValue(e: Expr): string {
    if (e.k === 'arith') return `${this.updateValue(e.left)} ${e.op} ${this.updateValue(e.right)}`;
    if (e.k === 'call') {
      if (CONDITION_FUNCTIONS.has(e.name)) throw validation(`The function is not allowed in an update expression; function: ${e.name}`);
      return this.call(e, UPDATE_FUNCTIONS, (a) => this.updateValue(a));
    }
    return this.operand(e);
  }

  private call(e: Extract<Expr, { k: 'call' }>, allowed: ReadonlySet<string>, arg = (a: Expr) => this.operand(a)): string {
    if (!allowed.has(e.name)) throw validation(`Unrecognized function: ${e.name}`);
    return `${e.name}(${e.args.map(arg).join(', ')})`;
  }
}

function conjuncts(e: Expr | undefined): Expr[] {
  if (e === undefined) return [];
  return e.k === 'and' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

function isAttribute(e: Expr, name: string): boolean {
  return e.k === 'path' && e.steps.length === 1 && 'name' in e.steps[0] && e.steps[0].name === name;
}

const isLiteral = (e: Expr) => e.k === 'value' || e.k === 'param' || e.k === 'map' || e.k === 'list' || e.k === 'set';

/** The index of the conjunct `name = literal` (either way round), and the literal. */
function equality(parts: readonly Expr[], name: string): { at: number; value: Expr } | undefined {
  for (let at = 0; at < parts.length; at++) {
    const p = parts[at];
    if (p.k !== 'compare' || p.op !== '=') continue;
    if (isAttribute(p.left, name) && isLiteral(p.right)) return { at, value: p.right };
    if (isAttribute(p.right, name) && isLiteral(p.left)) return { at, value: p.left };
  }
  return undefined;
}

const FLIP = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const;

/** A conjunct DynamoDB accepts as a sort-key condition of a Query, rendered, and its index. */
function sortCondition(parts: readonly Expr[], name: string, type: string | undefined, r: Renderer, params: Parameters): { at: number; text: string } | undefined {
  const found = findSortCondition(parts, name, r);
  if (found !== undefined) {
    const p = parts[found.at];
    const literals = p.k === 'compare' ? [p.left, p.right] : p.k === 'between' ? [p.low, p.high] : p.k === 'call' ? [p.args[1]] : [];
    for (const l of literals) if (isLiteral(l)) checkKeyType(name, type, need(bind(l, params)));
  }
  return found;
}

function findSortCondition(parts: readonly Expr[], name: string, r: Renderer): { at: number; text: string } | undefined {
  for (let at = 0; at < parts.length; at++) {
    const p = parts[at];
    if (p.k === 'compare' && p.op !== '<>') {
      if (isAttribute(p.left, name) && isLiteral(p.right)) return { at, text: `${r.operand(p.left)} ${p.op} ${r.operand(p.right)}` };
      if (isAttribute(p.right, name) && isLiteral(p.left)) return { at, text: `${r.operand(p.right)} ${FLIP[p.op]} ${r.operand(p.left)}` };
    }
    if (p.k === 'between' && isAttribute(p.operand, name) && isLiteral(p.low) && isLiteral(p.high)) return { at, text: r.condition(p) };
    if (p.k === 'call' && p.name === 'begins_with' && p.args.length === 2 && isAttribute(p.args[0], name) && isLiteral(p.args[1])) {
      return { at, text: r.condition(p) };
    }
  }
  return undefined;
}

function mentions(e: Expr, names: ReadonlySet<string>): boolean {
  switch (e.k) {
    case 'path':
      return 'name' in e.steps[0] && names.has(e.steps[0].name);
    case 'compare':
    case 'and':
    case 'or':
    case 'arith':
      return mentions(e.left, names) || mentions(e.right, names);
    case 'between':
      return mentions(e.operand, names) || mentions(e.low, names) || mentions(e.high, names);
    case 'in':
      return mentions(e.operand, names) || e.items.some((i) => mentions(i, names));
    case 'not':
    case 'missing':
      return mentions(e.operand, names);
    case 'call':
      return e.args.some((a) => mentions(a, names));
    default:
      return false;
  }
}

/** DynamoDB's refusal of a key value whose type is not the key attribute's. */
function checkKeyType(name: string, type: string | undefined, value: AttributeValue): AttributeValue {
  if (typeOf(value) !== type) throw validation(`Key attribute's data type should match its data type in table's schema: Key ${name}`);
  return value;
}

function keyNames(schema: KeySchemaInfo): string[] {
  return schema.sortName === undefined ? [schema.partitionName] : [schema.partitionName, schema.sortName];
}

/** Equality on every key attribute of the table: the key, and the conjuncts left over. */
function fullKey(table: Table, where: Expr | undefined, params: Parameters): { key: Record<string, AttributeValue>; rest: Expr[] } {
  const parts = conjuncts(where);
  const key: Record<string, AttributeValue> = {};
  const used = new Set<number>();
  for (const name of keyNames(table.schema)) {
    const eq = equality(parts, name);
    if (eq === undefined) throw noFullKey();
    if (parts.some((p, i) => i !== eq.at && mentions(p, new Set([name])))) {
      throw validation(`Multiple conditions on same key ${name}. Only single item Update/Insert/Delete are supported`);
    }
    key[name] = need(bind(eq.value, params));
    used.add(eq.at);
  }
  return { key, rest: parts.filter((_, i) => !used.has(i)) };
}

function and(r: Renderer, parts: readonly Expr[]): string | undefined {
  return parts.length === 0 ? undefined : parts.map((p) => (parts.length === 1 ? r.condition(p) : `(${r.condition(p)})`)).join(' AND ');
}

/** The SELECT list as a ProjectionExpression, last first: DynamoDB names overlapping paths in that order. */
function projectionText(s: Select, r: Renderer): string | undefined {
  return s.projection?.map((p) => r.path(p)).reverse().join(', ');
}

/**
 * PartiQL's check of a SELECT list: paths taken from the last to the first, and one that is a
 * prefix of another taken before it (or the reverse) refused, naming that earlier path first
 * (DynamoDB Local's order; a ProjectionExpression names them differently).
 */
const isPrefix = (a: DocumentPath, b: DocumentPath) => a.length <= b.length && a.every((x, n) => x === b[n]);

function checkOverlaps(projection: Select['projection']): void {
  if (projection === undefined) return;
  const seen: DocumentPath[] = [];
  for (let i = projection.length - 1; i >= 0; i--) {
    const path: DocumentPath = projection[i].steps.map((st) => ('index' in st ? st.index : st.name));
    const clash = seen.find((o) => isPrefix(o, path) || isPrefix(path, o));
    if (clash !== undefined) {
      throw validation(`Two document paths overlap with each other; must remove or rewrite one of these paths; path one: ${formatPath(clash)}, path two: ${formatPath(path)}`);
    }
    seen.push(path);
  }
}

function selectPlan(s: Select, table: Table, params: Parameters): Plan {
  const columns = columnsOf(s.projection);
  if (columns === undefined && s.projection !== undefined) {
    const seen = new Set<string>();
    for (const p of s.projection) {
      const name = (p.steps[0] as { name: string }).name;
      if (seen.has(name)) throw validation(`Duplicate identifiers in select clause: ${name}`);
      seen.add(name);
    }
  }
  checkOverlaps(s.projection);
  if (columns === undefined) return selectInput(s, table, params);
  // Nested paths are read from whole items (a projected list is packed, so l[1] would move):
  // the projection is only checked, with DynamoDB's messages, and not sent.
  const ph = new Placeholders();
  compileExpressions({ ProjectionExpression: projectionText(s, new Renderer(ph, params)), ExpressionAttributeNames: ph.names });
  return { ...selectInput({ ...s, projection: undefined }, table, params), columns };
}

function selectInput(s: Select, table: Table, params: Parameters): Plan {
  const ph = new Placeholders();
  const r = new Renderer(ph, params);
  const base: Record<string, unknown> = { TableName: s.table };
  if (s.index !== undefined) base.IndexName = s.index;
  const projection = projectionText(s, r);
  const finish = (operation: PlannedOperation, input: Record<string, unknown>): Plan => {
    if (projection !== undefined) input.ProjectionExpression = projection;
    return { operation, input: { ...base, ...input, ...ph.members() } };
  };
  const index = s.index === undefined ? undefined : table.meta.indexes?.find((i) => i.name === s.index);
  const scan = () => {
    // A fresh set of placeholders: the Query attempt may have named some already.
    const p2 = new Placeholders();
    const r2 = new Renderer(p2, params);
    const input: Record<string, unknown> = { ...base };
    const proj = projectionText(s, r2);
    if (s.where !== undefined) input.FilterExpression = r2.condition(s.where);
    if (proj !== undefined) input.ProjectionExpression = proj;
    return { operation: 'Scan' as const, input: { ...input, ...p2.members() } };
  };
  if (s.index !== undefined && index === undefined) return scan(); // Scan reports the unknown index.
  const schema = index ? indexSchemaOf(index.keySchema, table.meta.attributeDefinitions) : table.schema;
  const parts = conjuncts(s.where);
  const pk: { at: number; value: Expr; values?: readonly Expr[] } | undefined = equality(parts, schema.partitionName) ?? partitionIn(parts, schema.partitionName);
  if (pk === undefined) return scan();
  const rest = parts.filter((_, i) => i !== pk.at);
  if (pk.values === undefined && index === undefined && schema.sortName !== undefined && rest.length === 1) {
    const sk = equality(rest, schema.sortName);
    if (sk !== undefined) {
      const Key = {
        [schema.partitionName]: checkKeyType(schema.partitionName, schema.partitionType, need(bind(pk.value, params))),
        [schema.sortName]: checkKeyType(schema.sortName, schema.sortType, need(bind(sk.value, params))),
      };
      return finish('GetItem', { Key });
    }
  }
  if (pk.values === undefined && index === undefined && schema.sortName === undefined && rest.length === 0) {
    return finish('GetItem', { Key: { [schema.partitionName]: checkKeyType(schema.partitionName, schema.partitionType, need(bind(pk.value, params))) } });
  }
  const values = (pk.values ?? [pk.value]).map((v: Expr) => checkKeyType(schema.partitionName, schema.partitionType, need(bind(v, params))));
  const placeholder = r.operand(pk.value);
  let key = `${r.ph.name(schema.partitionName)} = ${placeholder}`;
  let filterParts = rest;
  if (schema.sortName !== undefined) {
    const sk = sortCondition(rest, schema.sortName, schema.sortType, r, params);
    if (sk !== undefined) {
      key += ` AND ${sk.text}`;
      filterParts = rest.filter((_, i) => i !== sk.at);
    }
  }
  // A filter may not name a key attribute of a Query: such a statement runs as a Scan.
  const keys = new Set([...keyNames(table.schema), ...keyNames(schema)]);
  if (filterParts.some((p) => mentions(p, keys))) return scan();
  const input: Record<string, unknown> = { KeyConditionExpression: key };
  if (s.descending) input.ScanIndexForward = false;
  const filter = and(r, filterParts);
  if (filter !== undefined) input.FilterExpression = filter;
  const query = finish('Query', input);
  if (pk.values === undefined) return query;
  const distinct = [...new Map(values.map((v): [string, AttributeValue] => [JSON.stringify(v), v])).values()];
  return { ...query, partitions: { placeholder, values: distinct } };
}

/** DynamoDB's documented limit on the partition-key values of one IN. */
export const MAX_PARTITION_IN = 50;

/**
 * The refusal of a partition-key IN over 50 values. DynamoDB documents the limit but neither its
 * documentation nor DynamoDB Local (which accepts up to 100) gives the text: this one follows the
 * shape of DynamoDB's message for the 100-operand limit and names the partition key's own limit.
 */
export const tooManyPartitionValues = (count: number) =>
  validation(`${TOO_MANY_IN} partition key operands; number of operands: ${count}, maximum: ${MAX_PARTITION_IN}`);

/**
 * `partition IN [literals]`, or `partition = a OR partition = b ...` (which DynamoDB also reads
 * as one Query per value): its index, its first value (to plan with) and all of them.
 */
function partitionIn(parts: readonly Expr[], name: string): { at: number; value: Expr; values: readonly Expr[] } | undefined {
  for (let at = 0; at < parts.length; at++) {
    const p = parts[at];
    const values = p.k === 'in' && isAttribute(p.operand, name) && p.items.every(isLiteral) ? p.items : p.k === 'or' ? orEqualities(p, name) : undefined;
    // DynamoDB documents at most 50 partition-key values for IN (one Query each); OR equalities are not IN.
    if (p.k === 'in' && values !== undefined && values.length > MAX_PARTITION_IN) throw tooManyPartitionValues(values.length);
    if (values !== undefined && values.length > 0) return { at, value: values[0], values };
  }
  return undefined;
}

/** The literals of `name = a OR name = b ...`, or undefined if any branch is something else. */
function orEqualities(e: Expr, name: string): Expr[] | undefined {
  if (e.k === 'or') {
    const left = orEqualities(e.left, name);
    const right = left && orEqualities(e.right, name);
    return left && right ? [...left, ...right] : undefined;
  }
  const eq = equality([e], name);
  return eq === undefined ? undefined : [eq.value];
}

function returnValues(what: ReturnWhat | undefined): Record<string, unknown> {
  return what === undefined ? {} : { ReturnValues: what };
}

/**
 * A SELECT * that is only equalities on one or two attributes: when those are the table's whole
 * key it is a GetItem, planned by `pointPlan` without the general planner (the common
 * application read, kept close to GetItem's own cost).
 */
export interface PointRead {
  readonly table: string;
  readonly names: readonly string[];
  readonly values: readonly Expr[];
}

export function pointReadOf(s: Statement): PointRead | undefined {
  if (s.kind !== 'select' || s.index !== undefined || s.projection !== undefined || s.descending) return undefined;
  const parts = conjuncts(s.where);
  if (parts.length < 1 || parts.length > 2) return undefined;
  const names: string[] = [];
  const values: Expr[] = [];
  for (const p of parts) {
    if (p.k !== 'compare' || p.op !== '=' || p.left.k !== 'path' || p.left.steps.length !== 1 || !('name' in p.left.steps[0])) return undefined;
    if (p.right.k !== 'value' && p.right.k !== 'param') return undefined;
    names.push(p.left.steps[0].name);
    values.push(p.right);
  }
  if (names.length === 2 && names[0] === names[1]) return undefined;
  return { table: s.table, names, values };
}

/** The GetItem of a point read, or undefined when its attributes are not exactly `table`'s key. */
export function pointPlan(r: PointRead, table: Table, params: Parameters): Plan | undefined {
  const schema = table.schema;
  const keys = keyNames(schema);
  if (keys.length !== r.names.length) return undefined;
  const Key: Record<string, AttributeValue> = {};
  for (let i = 0; i < r.names.length; i++) {
    const name = r.names[i];
    const type = name === schema.partitionName ? schema.partitionType : name === schema.sortName ? schema.sortType : undefined;
    if (type === undefined) return undefined;
    Key[name] = checkKeyType(name, type, need(bind(r.values[i], params)));
  }
  return { operation: 'GetItem', input: { TableName: r.table, Key } };
}

/** The request equivalent to `s`, its parameters bound. */
export function plan(s: Statement, table: Table, params: Parameters): Plan {
  switch (s.kind) {
    case 'select':
      return selectPlan(s, table, params);
    case 'insert': {
      const value = bind(s.value, params, undefined, true);
      if (value === undefined || !('M' in value)) {
        throw validation(`Unsupported format in item expression. Please use struct format {...} to express item values for insert statement. at ${s.valueAt}:1`);
      }
      for (const name of keyNames(table.schema)) {
        if (!(name in value.M)) throw validation(`Key attribute should be present in the item: Key ${name}`);
      }
      const ph = new Placeholders();
      const ConditionExpression = `attribute_not_exists(${ph.name(table.schema.partitionName)})`;
      return { operation: 'PutItem', insert: true, input: { TableName: s.table, Item: value.M, ConditionExpression, ...ph.members() } };
    }
    case 'update': {
      const { key, rest } = fullKey(table, s.where, params);
      const ph = new Placeholders();
      const r = new Renderer(ph, params);
      const sets: string[] = [];
      const adds: string[] = [];
      const deletes: string[] = [];
      for (const a of s.sets) {
        const v = a.value;
        if (v.k === 'call' && (v.name === 'set_add' || v.name === 'set_delete')) {
          // set_add(x, <<...>>) / set_delete(x, <<...>>) on the attribute being set: ADD / DELETE.
          if (v.args.length !== 2 || v.args[0].k !== 'path' || r.path(v.args[0]) !== r.path(a.path)) {
            throw validation(`${v.name} must name the attribute being set as its first argument`);
          }
          (v.name === 'set_add' ? adds : deletes).push(`${r.path(a.path)} ${r.operand(v.args[1])}`);
        } else sets.push(`${r.path(a.path)} = ${r.updateValue(v)}`);
      }
      const clauses = [
        sets.length ? `SET ${sets.join(', ')}` : '',
        s.removes.length ? `REMOVE ${s.removes.map((p) => r.path(p)).join(', ')}` : '',
        adds.length ? `ADD ${adds.join(', ')}` : '',
        deletes.length ? `DELETE ${deletes.join(', ')}` : '',
      ].filter((c) => c !== '');
      const exists = `attribute_exists(${ph.name(table.schema.partitionName)})`;
      const extra = and(r, rest);
      const ConditionExpression = extra === undefined ? exists : `${exists} AND (${extra})`;
      return {
        operation: 'UpdateItem',
        input: { TableName: s.table, Key: key, UpdateExpression: clauses.join(' '), ConditionExpression, ...returnValues(s.returning), ...ph.members() },
      };
    }
    case 'delete': {
      if (s.returning !== undefined && s.returning !== 'ALL_OLD') {
        const text = { UPDATED_OLD: 'MODIFIED OLD', ALL_NEW: 'ALL NEW', UPDATED_NEW: 'MODIFIED NEW' }[s.returning];
        throw validation(`Invalid returning clause: RETURNING ${text} *. Only RETURNING ALL OLD * is allowed in DELETE statements.`);
      }
      const { key, rest } = fullKey(table, s.where, params);
      const ph = new Placeholders();
      const r = new Renderer(ph, params);
      // The rest of the WHERE is checked against an item that exists: deleting an absent item
      // succeeds whatever the condition says (DynamoDB Local does so).
      const extra = and(r, rest);
      const input: Record<string, unknown> = { TableName: s.table, Key: key, ...returnValues(s.returning) };
      if (extra !== undefined) input.ConditionExpression = `attribute_not_exists(${ph.name(table.schema.partitionName)}) OR (${extra})`;
      return { operation: 'DeleteItem', input: { ...input, ...ph.members() } };
    }
    case 'exists': {
      const { key, rest } = fullKey(table, s.select.where, params);
      const ph = new Placeholders();
      const r = new Renderer(ph, params);
      const exists = `attribute_exists(${ph.name(table.schema.partitionName)})`;
      const extra = and(r, rest);
      return {
        operation: 'ConditionCheck',
        existsOnly: exists,
        input: { TableName: s.select.table, Key: key, ConditionExpression: extra === undefined ? exists : `${exists} AND (${extra})`, ...ph.members() },
      };
    }
  }
}
