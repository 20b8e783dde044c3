// The legacy (pre-expression) parameters, still sent by older code: Expected, AttributeUpdates,
// KeyConditions, QueryFilter, ScanFilter, AttributesToGet and ConditionalOperator. Each is checked
// with DynamoDB's messages and turned into the same compiled shapes the expression language
// produces, so operations run one code path whichever form a request uses.
//
//   const compiled = compileRequest('Query', input);   // throws ValidationException
//   compiled.filter / .projection / .condition / .update / .keyCondition, as compileExpressions
//
// DynamoDB refuses a request that mixes the two forms, and ExpressionAttributeNames/Values in a
// request without expressions; compileRequest makes those checks too.

import { invalidParameter, validation } from '../errors';
import {
  attributeMapsWithoutExpressions,
  compileExpressions,
  valuesEqual,
  type CompiledExpressions,
  type CompiledKeyCondition,
  type CompiledProjection,
  type ExpressionInput,
  type KeyOperator,
  type KeySchemaElement,
  type ResolvedKeyCondition,
  type ResolvedMultiKeyCondition,
} from '../expressions';
import { compileCondition } from '../expressions/evaluate';
import { compareScalars, matchMultiKeySchema, type Condition } from '../expressions/validate';
import { normalizeAttributeValue } from '../types/attribute-validation';
import type { AttributeValue, Item } from '../types/attribute-value';
import { addNumbers } from '../types/number';

export type RequestKind = 'GetItem' | 'PutItem' | 'DeleteItem' | 'UpdateItem' | 'Query' | 'Scan' | 'BatchGetItem';

/** Legacy parameters and expression parameters, in the order DynamoDB lists them in its message. */
const LEGACY_PARAMETERS = ['AttributesToGet', 'QueryFilter', 'ScanFilter', 'AttributeUpdates', 'Expected', 'ConditionalOperator', 'KeyConditions'] as const;
const EXPRESSION_PARAMETERS = ['ProjectionExpression', 'FilterExpression', 'UpdateExpression', 'ConditionExpression', 'KeyConditionExpression'] as const;

/** Expressions whose presence allows ExpressionAttributeValues (and names), per operation. */
const VALUE_EXPRESSIONS: Record<RequestKind, readonly (keyof ExpressionInput)[]> = {
  GetItem: [],
  BatchGetItem: [],
  PutItem: ['ConditionExpression'],
  DeleteItem: ['ConditionExpression'],
  UpdateItem: ['UpdateExpression', 'ConditionExpression'],
  Query: ['FilterExpression', 'KeyConditionExpression'],
  Scan: ['FilterExpression'],
};

const LEGACY_IN: Record<RequestKind, readonly string[]> = {
  GetItem: ['AttributesToGet'],
  BatchGetItem: ['AttributesToGet'],
  PutItem: ['Expected', 'ConditionalOperator'],
  DeleteItem: ['Expected', 'ConditionalOperator'],
  UpdateItem: ['AttributeUpdates', 'Expected', 'ConditionalOperator'],
  Query: ['AttributesToGet', 'QueryFilter', 'ConditionalOperator', 'KeyConditions'],
  Scan: ['AttributesToGet', 'ScanFilter', 'ConditionalOperator'],
};

// ---------------------------------------------------------------------------------------------
// Conditions: Expected, QueryFilter, ScanFilter, KeyConditions

interface RawCondition {
  ComparisonOperator?: string;
  AttributeValueList?: unknown[];
}

interface RawExpected extends RawCondition {
  Value?: unknown;
  Exists?: boolean;
}

const ARITY: Readonly<Record<string, number | 'many'>> = {
  EQ: 1, NE: 1, LE: 1, LT: 1, GE: 1, GT: 1, BEGINS_WITH: 1, CONTAINS: 1, NOT_CONTAINS: 1,
  NULL: 0, NOT_NULL: 0, BETWEEN: 2, IN: 'many',
};
const SCALARS: ReadonlySet<string> = new Set(['S', 'N', 'B']);
const NOT_COLLECTIONS: ReadonlySet<string> = new Set(['S', 'N', 'B', 'BOOL', 'NULL']);
/** The value types each operator accepts (EQ and NE accept every type). */
const VALUE_TYPES: Readonly<Record<string, ReadonlySet<string>>> = {
  LE: SCALARS, LT: SCALARS, GE: SCALARS, GT: SCALARS, BETWEEN: SCALARS, IN: SCALARS,
  BEGINS_WITH: new Set(['S', 'B']),
  CONTAINS: NOT_COLLECTIONS, NOT_CONTAINS: NOT_COLLECTIONS,
};

const typeOf = (v: AttributeValue): string => {
  for (const k in v) return k;
  return '';
};

const COMPARISON_TYPE_MISSING = 'Comparison type does not exist in DynamoDB';

/** Checks an operator and its arguments; returns the normalised argument values. */
function checkComparison(op: string | undefined, rawValues: readonly unknown[] | undefined): AttributeValue[] {
  if (op === undefined || !Object.prototype.hasOwnProperty.call(ARITY, op)) throw validation(COMPARISON_TYPE_MISSING);
  const raw = rawValues ?? [];
  const arity = ARITY[op]!;
  if (arity === 'many' ? raw.length === 0 : raw.length !== arity) {
    throw invalidParameter(`Invalid number of argument(s) for the ${op} ComparisonOperator`);
  }
  const values = raw.map((v) => normalizeAttributeValue(v));
  const allowed = VALUE_TYPES[op];
  if (allowed) {
    for (const v of values) {
      const t = typeOf(v);
      if (!allowed.has(t)) throw invalidParameter(`ComparisonOperator ${op} is not valid for ${t} AttributeValue type`);
    }
  }
  if (values.length > 1 && values.some((v) => typeOf(v) !== typeOf(values[0]!))) {
    throw invalidParameter('AttributeValues inside AttributeValueList must be of same type');
  }
  if (op === 'BETWEEN' && compareScalars(values[0]!, values[1]!) > 0) {
    throw validation('The BETWEEN condition was provided a range where the lower bound is greater than the upper bound');
  }
  return values;
}

function comparison(name: string, op: string, values: AttributeValue[]): Condition {
  const path = { kind: 'path', path: [name] } as const;
  const value = (v: AttributeValue) => ({ kind: 'value', value: v }) as const;
  switch (op) {
    case 'EQ':
    case 'NE':
    case 'LE':
    case 'LT':
    case 'GE':
    case 'GT': {
      const symbol = ({ EQ: '=', NE: '<>', LE: '<=', LT: '<', GE: '>=', GT: '>' } as const)[op];
      return { kind: 'compare', op: symbol, left: path, right: value(values[0]!) };
    }
    case 'BETWEEN':
      return { kind: 'between', subject: path, low: value(values[0]!), high: value(values[1]!) };
    case 'IN':
      return { kind: 'in', subject: path, list: values.map(value) };
    case 'NULL':
      return { kind: 'attribute_not_exists', path: [name] };
    case 'NOT_NULL':
      return { kind: 'attribute_exists', path: [name] };
    case 'BEGINS_WITH':
      return { kind: 'begins_with', left: path, right: value(values[0]!) };
    case 'CONTAINS':
      return { kind: 'contains', left: path, right: value(values[0]!) };
    default:
      // NOT_CONTAINS is false for a missing attribute, unlike NOT contains(...).
      return {
        kind: 'and',
        left: { kind: 'attribute_exists', path: [name] },
        right: { kind: 'not', operand: { kind: 'contains', left: path, right: value(values[0]!) } },
      };
  }
}

function expectedCondition(name: string, e: RawExpected): Condition {
  if (e.ComparisonOperator != null) {
    if (e.Exists != null) throw invalidParameter(`Exists and ComparisonOperator cannot be used together for Attribute: ${name}`);
    if (e.Value != null && e.AttributeValueList != null) {
      throw invalidParameter(`Value and AttributeValueList cannot be used together for Attribute: ${name}`);
    }
    const raw = e.AttributeValueList ?? (e.Value != null ? [e.Value] : undefined);
    return comparison(name, e.ComparisonOperator, checkComparison(e.ComparisonOperator, raw));
  }
  if (e.AttributeValueList != null) {
    throw invalidParameter(`AttributeValueList can only be used with a ComparisonOperator for Attribute: ${name}`);
  }
  if (e.Exists === false) {
    if (e.Value != null) throw invalidParameter(`Value cannot be used when Exists is false for Attribute: ${name}`);
    return { kind: 'attribute_not_exists', path: [name] };
  }
  if (e.Value == null) {
    throw invalidParameter(`Value must be provided when Exists is ${e.Exists === true ? 'true' : 'null'} for Attribute: ${name}`);
  }
  return { kind: 'compare', op: '=', left: { kind: 'path', path: [name] }, right: { kind: 'value', value: normalizeAttributeValue(e.Value) } };
}

interface CompiledLegacyCondition {
  evaluate(item: Item | undefined): boolean;
  topLevelNames(): string[];
}

const EMPTY_ITEM: Item = Object.freeze({}) as Item;

/** Expected, QueryFilter or ScanFilter with ConditionalOperator, or undefined for an empty map. */
function legacyCondition(
  kind: 'Expected' | 'Filter',
  map: Record<string, RawExpected>,
  operator: string | undefined,
): CompiledLegacyCondition | undefined {
  const names = Object.keys(map);
  const parts = names.map((name) => {
    const entry = map[name] ?? {};
    return kind === 'Expected' ? expectedCondition(name, entry) : comparison(name, entry.ComparisonOperator ?? '', checkComparison(entry.ComparisonOperator, entry.AttributeValueList));
  });
  if (operator != null && names.length < 2) {
    throw validation('ConditionalOperator can only be used when Filter or Expected has two or more elements');
  }
  if (parts.length === 0) return undefined;
  const join = operator === 'OR' ? 'or' : 'and';
  const condition = parts.reduce((left, right) => ({ kind: join, left, right }));
  const predicate = compileCondition(condition);
  return { evaluate: (item) => predicate(item ?? EMPTY_ITEM), topLevelNames: () => [...names] };
}

/** The legacy comparison operators a key condition may use, as key operators. */
const LEGACY_KEY_OPERATORS: Readonly<Record<string, KeyOperator>> = { EQ: '=', LT: '<', LE: '<=', GT: '>', GE: '>=', BETWEEN: 'BETWEEN', BEGINS_WITH: 'BEGINS_WITH' };

/** KeyConditions matched to a key schema, with DynamoDB's messages for the legacy form. */
function resolveKeyConditions(raw: Record<string, RawCondition>, partitionKey: KeySchemaElement, sortKey?: KeySchemaElement): ResolvedKeyCondition {
  const names = Object.keys(raw);
  if (names.length === 0) throw validation('Conditions must be at least length 1');
  const parts = names.map((name) => ({ name, op: raw[name]!.ComparisonOperator!, values: checkComparison(raw[name]!.ComparisonOperator, raw[name]!.AttributeValueList) }));
  if (parts.length > 2) throw validation('Conditions can be of length 1 or 2 only');
  const hash = parts.find((p) => p.name === partitionKey.name);
  if (!hash) throw validation('Query condition missed key schema element');
  if (parts.length === 2 && !sortKey) throw validation('Query key condition not supported');
  const range = parts.find((p) => p !== hash);
  if (range && range.name !== sortKey!.name) throw validation('Query condition missed key schema element');
  if (hash.op === 'NULL' || hash.op === 'NOT_NULL') throw validation('Only scalar types can be used as Hash Key values');
  if (hash.op !== 'EQ') throw validation('Query key condition not supported');
  const mismatch = () => invalidParameter('Condition parameter type does not match schema type');
  if (partitionKey.type && typeOf(hash.values[0]!) !== partitionKey.type) throw mismatch();
  const out: ResolvedKeyCondition = { partition: { name: hash.name, value: hash.values[0]! } };
  if (range) {
    if (range.op === 'NULL' || range.op === 'NOT_NULL') throw validation('Only scalar types can be used as Range Key values');
    const op = LEGACY_KEY_OPERATORS[range.op];
    if (op === undefined) throw validation('Attempted conditional constraint is not an indexable operation');
    if (sortKey!.type) for (const v of range.values) if (typeOf(v) !== sortKey!.type) throw mismatch();
    out.sort = { name: range.name, op, values: range.values };
  }
  return out;
}

/** KeyConditions matched to a multi-attribute key schema (a GSI with several HASH or RANGE attributes). */
function resolveMultiKeyConditions(raw: Record<string, RawCondition>, partitionKeys: readonly KeySchemaElement[], sortKeys: readonly KeySchemaElement[]): ResolvedMultiKeyCondition {
  const names = Object.keys(raw);
  if (names.length === 0) throw validation('Conditions must be at least length 1');
  const parts = names.map((name) => {
    const op = LEGACY_KEY_OPERATORS[raw[name]!.ComparisonOperator!];
    const values = checkComparison(raw[name]!.ComparisonOperator, raw[name]!.AttributeValueList);
    if (op === undefined) throw validation('Attempted conditional constraint is not an indexable operation');
    return { name, op, values };
  });
  return matchMultiKeySchema(parts, partitionKeys, sortKeys);
}

// ---------------------------------------------------------------------------------------------
// AttributesToGet

/** AttributesToGet as a projection: the named top-level attributes ({} when none is present). */
export function attributesToGetProjection(names: readonly string[], duplicateMessage: string): CompiledProjection {
  const unique = new Set(names);
  if (unique.size !== names.length) {
    const seen = new Set<string>();
    const dup = names.find((n) => (seen.has(n) ? true : (seen.add(n), false)))!;
    throw validation(duplicateMessage.replace('{name}', dup));
  }
  const list = [...unique];
  return {
    project(item: Item): Item {
      const out: Item = {};
      for (const n of list) if (Object.prototype.hasOwnProperty.call(item, n)) out[n] = item[n]!;
      return out;
    },
    topLevelNames: () => [...list],
    paths: list.map((n) => [n]),
  };
}

// ---------------------------------------------------------------------------------------------
// AttributeUpdates

interface RawUpdate {
  Action?: string;
  Value?: unknown;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  S: 'STRING', N: 'NUMBER', B: 'BINARY', BOOL: 'BOOLEAN', NULL: 'NULL', L: 'LIST', M: 'MAP', SS: 'STRING_SET', NS: 'NUMBER_SET', BS: 'BINARY_SET',
};
const SET_TYPES: ReadonlySet<string> = new Set(['SS', 'NS', 'BS']);
const SET_MEMBER: Readonly<Record<string, 'S' | 'N' | 'B'>> = { SS: 'S', NS: 'N', BS: 'B' };
const TYPE_MISMATCH = 'Type mismatch for attribute to update';

function setHas(t: string, members: readonly string[], x: string): boolean {
  const m = SET_MEMBER[t]!;
  return members.some((y) => y === x || valuesEqual({ [m]: y } as AttributeValue, { [m]: x } as AttributeValue));
}

interface UpdateStep {
  name: string;
  action: 'PUT' | 'ADD' | 'DELETE';
  value?: AttributeValue;
}

function compileAttributeUpdates(raw: Record<string, RawUpdate>, keyNames: readonly string[]): { apply(item: Item): Item; topLevelNames(): string[] } {
  const steps: UpdateStep[] = [];
  for (const name of Object.keys(raw)) {
    const u = raw[name] ?? {};
    const action = (u.Action ?? 'PUT') as UpdateStep['action'];
    if (action !== 'PUT' && action !== 'ADD' && action !== 'DELETE') {
      throw validation(
        `1 validation error detected: Value '${String(action)}' at 'attributeUpdates.${name}.member.action' failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]`,
      );
    }
    if (keyNames.includes(name)) throw invalidParameter(`Cannot update attribute ${name}. This attribute is part of the key`);
    if (u.Value == null) {
      if (action !== 'DELETE') throw invalidParameter('Only DELETE action is allowed when no attribute value is specified');
      steps.push({ name, action });
      continue;
    }
    const value = normalizeAttributeValue(u.Value);
    const t = typeOf(value);
    if (action === 'DELETE' && !SET_TYPES.has(t)) throw invalidParameter(`DELETE action with value is not supported for the type ${TYPE_NAMES[t]}`);
    if (action === 'ADD' && t !== 'N' && t !== 'L' && !SET_TYPES.has(t)) throw invalidParameter(`ADD action is not supported for the type ${TYPE_NAMES[t]}`);
    steps.push({ name, action, value });
  }
  const names = steps.map((s) => s.name);
  return {
    topLevelNames: () => [...names],
    apply(original: Item): Item {
      const item: Item = { ...original };
      for (const s of steps) {
        const current = Object.prototype.hasOwnProperty.call(item, s.name) ? item[s.name] : undefined;
        if (s.action === 'PUT') {
          item[s.name] = s.value!;
        } else if (s.action === 'DELETE') {
          if (s.value === undefined) delete item[s.name];
          else if (current !== undefined) {
            const t = typeOf(s.value);
            if (typeOf(current) !== t) throw validation(TYPE_MISMATCH);
            const remove = (s.value as Record<string, string[]>)[t]!;
            const kept = (current as Record<string, string[]>)[t]!.filter((m) => !setHas(t, remove, m));
            if (kept.length === 0) delete item[s.name];
            else item[s.name] = { [t]: kept } as AttributeValue;
          }
        } else {
          const v = s.value!;
          const t = typeOf(v);
          if (current === undefined) item[s.name] = v;
          else if (typeOf(current) !== t) throw validation(TYPE_MISMATCH);
          else if (t === 'N') item[s.name] = { N: addNumbers((current as { N: string }).N, (v as { N: string }).N) };
          else if (t === 'L') item[s.name] = { L: [...(current as { L: AttributeValue[] }).L, ...(v as { L: AttributeValue[] }).L] };
          else {
            const members = (current as Record<string, string[]>)[t]!;
            const extra = (v as Record<string, string[]>)[t]!.filter((m) => !setHas(t, members, m));
            item[s.name] = { [t]: [...members, ...extra] } as AttributeValue;
          }
        }
      }
      return item;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// One entry point for every operation

export interface RequestInput extends ExpressionInput {
  AttributesToGet?: string[];
  QueryFilter?: Record<string, RawCondition>;
  ScanFilter?: Record<string, RawCondition>;
  AttributeUpdates?: Record<string, RawUpdate>;
  Expected?: Record<string, RawExpected>;
  ConditionalOperator?: string;
  KeyConditions?: Record<string, RawCondition>;
}

export interface RequestOptions {
  /** UpdateItem: the table's key attribute names (AttributeUpdates may not touch them). */
  keyNames?: readonly string[];
  /** Query: the key schema, to resolve the key condition of either form at once. */
  keySchema?: { partition: KeySchemaElement; sort?: KeySchemaElement };
}

const present = (input: object, name: string): boolean => (input as Record<string, unknown>)[name] != null;

/**
 * Validates and compiles a request's conditions, filter, projection, update and key condition,
 * from expressions or from the legacy parameters, with DynamoDB's checks in DynamoDB's order:
 * mixing the two forms, ConditionalOperator, names/values without expressions, then each part.
 */
export function compileRequest(kind: RequestKind, input: RequestInput, options: RequestOptions = {}): CompiledExpressions {
  const legacyAllowed = LEGACY_IN[kind];
  const legacy = LEGACY_PARAMETERS.filter((p) => legacyAllowed.includes(p) && present(input, p));
  const expressions = EXPRESSION_PARAMETERS.filter((p) => present(input, p));
  if (legacy.length > 0 && expressions.length > 0) {
    throw validation(
      `Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {${legacy.join(', ')}} Expression parameters: {${expressions.join(', ')}}`,
    );
  }
  const filterName = kind === 'Query' ? 'QueryFilter' : kind === 'Scan' ? 'ScanFilter' : 'Expected';
  const filterMap = (input as Record<string, unknown>)[filterName];
  if (legacyAllowed.includes('ConditionalOperator') && input.ConditionalOperator != null && (filterMap == null || Object.keys(filterMap as object).length === 0)) {
    throw validation('ConditionalOperator cannot be used without Filter or Expected');
  }
  const exprInput: ExpressionInput = kind === 'GetItem' || kind === 'BatchGetItem' ? { ...input, ExpressionAttributeValues: undefined } : input;
  const mapsMessage = attributeMapsWithoutExpressions(exprInput, VALUE_EXPRESSIONS[kind]);
  if (mapsMessage !== undefined) throw validation(mapsMessage);
  if (legacy.length === 0) {
    return expressions.length > 0 || exprInput.ExpressionAttributeNames != null || exprInput.ExpressionAttributeValues != null
      ? compileExpressions(exprInput, { keySchema: options.keySchema })
      : {};
  }
  const out: CompiledExpressions = {};
  if (input.AttributeUpdates != null && legacyAllowed.includes('AttributeUpdates')) {
    out.update = compileAttributeUpdates(input.AttributeUpdates, options.keyNames ?? []);
  }
  if (input.Expected != null && legacyAllowed.includes('Expected')) {
    const c = legacyCondition('Expected', input.Expected, input.ConditionalOperator);
    if (c) out.condition = c;
  }
  const filter = kind === 'Query' ? input.QueryFilter : kind === 'Scan' ? input.ScanFilter : undefined;
  if (filter != null) {
    const c = legacyCondition('Filter', filter, input.ConditionalOperator);
    if (c) out.filter = { evaluate: (item: Item) => c.evaluate(item), topLevelNames: () => c.topLevelNames() };
  }
  if (input.AttributesToGet != null && legacyAllowed.includes('AttributesToGet')) {
    out.projection = attributesToGetProjection(
      input.AttributesToGet,
      kind === 'BatchGetItem' ? 'One or more parameter values were invalid: Duplicate value in attribute name: {name}' : 'Cannot have two attributes with the same name',
    );
  }
  if (input.KeyConditions != null && kind === 'Query') {
    const raw = input.KeyConditions;
    // Validate each condition now (the schema-dependent checks come with resolve).
    const keyCondition: CompiledKeyCondition = { resolve: (p, s) => resolveKeyConditions(raw, p, s), resolveMulti: (p, s) => resolveMultiKeyConditions(raw, p, s) };
    if (options.keySchema) Object.assign(keyCondition, keyCondition.resolve(options.keySchema.partition, options.keySchema.sort));
    out.keyCondition = keyCondition;
  }
  return out;
}

/** PutItem/DeleteItem: whether the request has anything for compileRequest (the fast path skips it). */
export function hasConditionParameters(input: object): boolean {
  const i = input as RequestInput;
  return i.ConditionExpression != null || i.ExpressionAttributeNames != null || i.ExpressionAttributeValues != null || i.Expected != null || i.ConditionalOperator != null;
}

/** Query: key values may not be empty strings or binaries (DynamoDB checks them like stored keys). */
export function checkKeyConditionValues(_table: unknown, resolved: ResolvedKeyCondition): void {
  const check = (name: string, v: AttributeValue): void => {
    const a = v as { S?: string; B?: string };
    if (a.S === '' || a.B === '') {
      throw validation(
        `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${a.S === '' ? 'string' : 'binary'} value. Key: ${name}`,
      );
    }
  };
  check(resolved.partition.name, resolved.partition.value);
  for (const v of resolved.sort?.values ?? []) check(resolved.sort!.name, v);
}
