// DynamoDB's expression language: one call validates every expression of a request, checks
// ExpressionAttributeNames/Values, and returns fast evaluators.
//
//   const compiled = compileExpressions(input, { keySchema }); // throws ValidationException
//   compiled.condition?.evaluate(existingItem)   // ConditionExpression (undefined item = absent)
//   compiled.filter?.evaluate(item)              // FilterExpression
//   compiled.projection?.project(item)           // ProjectionExpression
//   compiled.update?.apply(item)                 // UpdateExpression → new item, input untouched
//   compiled.keyCondition?.partition / .sort     // KeyConditionExpression (with keySchema given),
//   compiled.keyCondition?.resolve(pk, sk)       //   or matched to a key schema later
//
// Parsing is cached by expression text. Requests with only a key condition and/or a projection
// (most Queries, GetItems with a projection) are also validated once per expression text, names
// and value types: later ones only validate their values and bind them (see ValidatedRequest).

import type { AttributeValue, Item } from '../types/attribute-value.js';
import { applyUpdate, compileCondition, compileProjection } from './evaluate.js';
import {
  Substitutions,
  checkValues,
  resolveKeyCondition,
  resolveMultiKeyCondition,
  validateCondition,
  validateKeyCondition,
  validateProjection,
  validateUpdate,
  type Condition,
  type DocumentPath,
  type KeyOperator,
  type Operand,
  type KeySchemaElement,
  type ResolvedKeyCondition,
  type ResolvedMultiKeyCondition,
} from './validate.js';

export type { DocumentPath, KeyOperator, KeySchemaElement, ResolvedKeyCondition, ResolvedMultiKeyCondition };
export { getPath, valuesEqual } from './evaluate.js';
export { compareStrings, formatPath } from './validate.js';
export { isReservedWord, RESERVED_WORDS } from './reserved-words.js';

export interface ExpressionInput {
  ConditionExpression?: string;
  FilterExpression?: string;
  KeyConditionExpression?: string;
  ProjectionExpression?: string;
  UpdateExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
}

export interface CompiledCondition {
  /** True if the item satisfies the condition; `undefined` stands for an item that does not exist. */
  evaluate(item: Item | undefined): boolean;
  /** Top-level attribute names the condition reads. */
  topLevelNames(): string[];
}

export interface CompiledFilter {
  evaluate(item: Item): boolean;
  /** Top-level attribute names the filter reads (Query rejects filters on key attributes). */
  topLevelNames(): string[];
}

export interface CompiledProjection {
  /** The projected attributes of `item` (a new object; list elements are packed, as DynamoDB does). */
  project(item: Item): Item;
  /** Top-level attribute names the projection selects, in expression order, without duplicates. */
  topLevelNames(): string[];
  /** The projected document paths. */
  readonly paths: readonly DocumentPath[];
}

export interface CompiledUpdate {
  /** Applies the update to `item` ({} for an item that does not exist yet); never mutates it. */
  apply(item: Item): Item;
  /** Top-level attributes the update writes or removes (for "part of the key" checks). */
  topLevelNames(): string[];
}

export interface CompiledKeyCondition {
  /**
   * Matches the condition to a key schema (the table's or the queried index's): the partition key
   * equality and the optional sort key condition ('value < key' is turned into 'key > value').
   * Throws DynamoDB's messages for conditions that do not fit ("Query condition missed key schema
   * element: pk", "Query key condition not supported", ...). DynamoDB makes these checks after the
   * unused names/values check, which is where compileExpressions makes them when given the schema.
   */
  resolve(partitionKey: KeySchemaElement, sortKey?: KeySchemaElement): ResolvedKeyCondition;
  /** The same for a multi-attribute key schema (a GSI with several HASH or RANGE attributes). */
  resolveMulti(partitionKeys: readonly KeySchemaElement[], sortKeys: readonly KeySchemaElement[]): ResolvedMultiKeyCondition;
  /** Set when compileExpressions was given the key schema. */
  partition?: ResolvedKeyCondition['partition'];
  sort?: ResolvedKeyCondition['sort'];
}

export interface CompileOptions {
  /** Key schema for the KeyConditionExpression (Query's table or index). */
  keySchema?: { partition: KeySchemaElement; sort?: KeySchemaElement };
}

export interface CompiledExpressions {
  condition?: CompiledCondition;
  filter?: CompiledFilter;
  projection?: CompiledProjection;
  update?: CompiledUpdate;
  keyCondition?: CompiledKeyCondition;
}

const unique = (names: Iterable<string>): string[] => [...new Set(names)];

function conditionNames(c: Condition, out: string[]): void {
  const operand = (o: Operand): void => {
    if (o.kind === 'path') out.push(o.path[0] as string);
    else if (o.kind === 'size') operand(o.arg);
  };
  switch (c.kind) {
    case 'and':
    case 'or':
      conditionNames(c.left, out);
      conditionNames(c.right, out);
      return;
    case 'not':
      conditionNames(c.operand, out);
      return;
    case 'compare':
    case 'begins_with':
    case 'contains':
      operand(c.left);
      operand(c.right);
      return;
    case 'between':
      operand(c.subject);
      operand(c.low);
      operand(c.high);
      return;
    case 'in':
      operand(c.subject);
      c.list.forEach(operand);
      return;
    case 'attribute_exists':
    case 'attribute_not_exists':
      out.push(c.path[0] as string);
      return;
    case 'attribute_type':
      operand(c.subject);
      return;
  }
}

const EMPTY_ITEM: Item = Object.freeze({}) as Item;

/**
 * Validates every expression present in `input` (in DynamoDB's order: update, condition, filter,
 * projection, key condition), then that every ExpressionAttributeNames/Values entry was used.
 * Throws a ValidationException with DynamoDB's message on the first problem.
 *
 * Whether names/values may be given at all without expressions is operation-specific and left to
 * the caller (see attributeMapsWithoutExpressions).
 */
export function compileExpressions(input: ExpressionInput, options: CompileOptions = {}): CompiledExpressions {
  const signature = requestSignature(input);
  const group = signature === undefined ? undefined : validatedRequests.get(signature);
  if (group !== undefined) {
    // The names passed with this signature before, so the values are what DynamoDB checks next.
    const values = checkValues(input.ExpressionAttributeValues).normalized;
    const entry = group.get(valuesSignature(values));
    if (entry !== undefined) return fromValidated(entry, values, options);
  }
  const subs = new Substitutions(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
  const out: CompiledExpressions = {};
  if (input.UpdateExpression != null) {
    const actions = validateUpdate(input.UpdateExpression, subs);
    const names = unique(actions.map((a) => a.path[0] as string));
    out.update = { apply: (item) => applyUpdate(actions, item), topLevelNames: () => [...names] };
  }
  if (input.ConditionExpression != null) {
    const condition = validateCondition('ConditionExpression', input.ConditionExpression, subs);
    const predicate = compileCondition(condition);
    const names: string[] = [];
    conditionNames(condition, names);
    const top = unique(names);
    out.condition = { evaluate: (item) => predicate(item ?? EMPTY_ITEM), topLevelNames: () => [...top] };
  }
  if (input.FilterExpression != null) {
    const condition = validateCondition('FilterExpression', input.FilterExpression, subs);
    const predicate = compileCondition(condition);
    const names: string[] = [];
    conditionNames(condition, names);
    const top = unique(names);
    out.filter = { evaluate: predicate, topLevelNames: () => [...top] };
  }
  if (input.ProjectionExpression != null) {
    const paths = validateProjection(input.ProjectionExpression, subs);
    const project = compileProjection(paths);
    const names = unique(paths.map((p) => p[0] as string));
    out.projection = { project, topLevelNames: () => [...names], paths };
  }
  let keyCondition: Condition | undefined;
  if (input.KeyConditionExpression != null) {
    const condition = (keyCondition = validateKeyCondition(input.KeyConditionExpression, subs));
    out.keyCondition = {
      resolve: (partitionKey, sortKey) => resolveKeyCondition(condition, partitionKey, sortKey),
      resolveMulti: (partitionKeys, sortKeys) => resolveMultiKeyCondition(condition, partitionKeys, sortKeys),
    };
  }
  subs.checkUnused();
  if (signature !== undefined && !subs.contentChecked) remember(signature, subs, keyCondition, out.projection);
  if (out.keyCondition && options.keySchema) {
    Object.assign(out.keyCondition, out.keyCondition.resolve(options.keySchema.partition, options.keySchema.sort));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Validated requests. With no update, condition or filter, whether a request passes depends only
// on its expression texts, its names and its values' types (BETWEEN bounds and attribute_type,
// which look inside values, are not remembered), and so does every message it could get. A
// request that matches one that passed has its values validated and bound to the remembered key
// condition; the projection holds no values and is shared as it is.

interface KeyTemplate {
  partition: { name: string; ref: string };
  sort?: { name: string; op: KeyOperator; refs: string[] };
}

interface ValidatedRequest {
  /** The key condition as first validated (its values are that request's; only its form is used). */
  keyCondition: Condition | undefined;
  /** That request's values → their placeholders. */
  refs: Map<AttributeValue, string>;
  /** The key condition resolved against each key schema it was used with (table, indexes). */
  keyTemplates: Map<string, KeyTemplate>;
  projection: CompiledProjection | undefined;
}

const VALIDATED_SIGNATURES = 1000;
const VALUE_SIGNATURES = 16;
/** Expression texts and names → value placeholders and types → what they validated to. */
const validatedRequests = new Map<string, Map<string, ValidatedRequest>>();

/** Length-prefixed, so that different requests never share a signature. */
const field = (s: string): string => s.length + ':' + s;

/** Expression texts and names of a request that may be remembered, else undefined. */
function requestSignature(input: ExpressionInput): string | undefined {
  if (input.UpdateExpression != null || input.ConditionExpression != null || input.FilterExpression != null) return undefined;
  const kce = input.KeyConditionExpression;
  const pe = input.ProjectionExpression;
  if ((kce != null && typeof kce !== 'string') || (pe != null && typeof pe !== 'string')) return undefined;
  let sig = (kce == null ? '-' : '+' + field(kce)) + (pe == null ? '-' : '+' + field(pe));
  const names = input.ExpressionAttributeNames;
  if (names == null) return sig + '-';
  if (typeof names !== 'object') return undefined;
  sig += '+';
  for (const k of Object.keys(names)) {
    const v = names[k];
    if (typeof v !== 'string') return undefined;
    sig += field(k) + field(v);
  }
  return sig;
}

function valuesSignature(values: ReadonlyMap<string, AttributeValue>): string {
  let sig = '';
  for (const [k, v] of values) {
    for (const type in v) {
      sig += field(k) + field(type);
      break;
    }
  }
  return sig;
}

function remember(signature: string, subs: Substitutions, keyCondition: Condition | undefined, projection: CompiledProjection | undefined): void {
  const refs = new Map<AttributeValue, string>();
  for (const [ref, v] of subs.values) refs.set(v, ref);
  // One value object under two placeholders could not be told apart when binding.
  if (refs.size !== subs.values.size) return;
  let group = validatedRequests.get(signature);
  if (group === undefined) {
    if (validatedRequests.size >= VALIDATED_SIGNATURES) validatedRequests.delete(validatedRequests.keys().next().value as string);
    validatedRequests.set(signature, (group = new Map()));
  }
  if (group.size >= VALUE_SIGNATURES) group.delete(group.keys().next().value as string);
  group.set(valuesSignature(subs.values), { keyCondition, refs, keyTemplates: new Map(), projection });
}

function fromValidated(entry: ValidatedRequest, values: ReadonlyMap<string, AttributeValue>, options: CompileOptions): CompiledExpressions {
  const out: CompiledExpressions = {};
  if (entry.projection !== undefined) out.projection = entry.projection;
  if (entry.keyCondition !== undefined) {
    out.keyCondition = {
      resolve: (partitionKey, sortKey) => bindKeyCondition(entry, values, partitionKey, sortKey),
      resolveMulti: (partitionKeys, sortKeys) => bindMultiKeyCondition(entry, values, partitionKeys, sortKeys),
    };
    if (options.keySchema) Object.assign(out.keyCondition, out.keyCondition.resolve(options.keySchema.partition, options.keySchema.sort));
  }
  return out;
}

function bindKeyCondition(
  entry: ValidatedRequest,
  values: ReadonlyMap<string, AttributeValue>,
  partitionKey: KeySchemaElement,
  sortKey: KeySchemaElement | undefined,
): ResolvedKeyCondition {
  const schema = field(partitionKey.name) + field(partitionKey.type ?? '') + (sortKey === undefined ? '-' : '+' + field(sortKey.name) + field(sortKey.type ?? ''));
  let t = entry.keyTemplates.get(schema);
  if (t === undefined) {
    // Throws the same message for every request of this form: resolution looks at types only.
    const r = resolveKeyCondition(entry.keyCondition!, partitionKey, sortKey);
    t = { partition: { name: r.partition.name, ref: entry.refs.get(r.partition.value)! } };
    if (r.sort) t.sort = { name: r.sort.name, op: r.sort.op, refs: r.sort.values.map((v) => entry.refs.get(v)!) };
    entry.keyTemplates.set(schema, t);
  }
  const out: ResolvedKeyCondition = { partition: { name: t.partition.name, value: values.get(t.partition.ref)! } };
  if (t.sort) out.sort = { name: t.sort.name, op: t.sort.op, values: t.sort.refs.map((ref) => values.get(ref)!) };
  return out;
}

/** bindKeyCondition for a multi-attribute key schema: resolved on the validated form, then given this request's values. */
function bindMultiKeyCondition(
  entry: ValidatedRequest,
  values: ReadonlyMap<string, AttributeValue>,
  partitionKeys: readonly KeySchemaElement[],
  sortKeys: readonly KeySchemaElement[],
): ResolvedMultiKeyCondition {
  const r = resolveMultiKeyCondition(entry.keyCondition!, partitionKeys, sortKeys);
  const bind = (v: AttributeValue): AttributeValue => values.get(entry.refs.get(v)!)!;
  const out: ResolvedMultiKeyCondition = {
    partition: r.partition.map((p) => ({ name: p.name, value: bind(p.value) })),
    sortEquals: r.sortEquals.map((p) => ({ name: p.name, value: bind(p.value) })),
  };
  if (r.sort) out.sort = { name: r.sort.name, op: r.sort.op, values: r.sort.values.map(bind) };
  return out;
}

/**
 * DynamoDB's message when ExpressionAttributeNames or ExpressionAttributeValues are given but the
 * operation's expressions that could use them are absent, or undefined if that is not the case.
 * `expressions` lists the operation's expression parameters in DynamoDB's order, e.g.
 * ['UpdateExpression', 'ConditionExpression'] for UpdateItem, ['FilterExpression',
 * 'KeyConditionExpression'] for Query, ['ConditionExpression'] for PutItem/DeleteItem,
 * ['FilterExpression'] for Scan. ProjectionExpression counts for names only.
 */
export function attributeMapsWithoutExpressions(
  input: ExpressionInput,
  expressions: readonly (keyof ExpressionInput)[],
): string | undefined {
  const present = (k: keyof ExpressionInput): boolean => input[k] != null;
  if (input.ExpressionAttributeNames != null && !present('ProjectionExpression') && !expressions.some(present)) {
    return 'ExpressionAttributeNames can only be specified when using expressions';
  }
  if (input.ExpressionAttributeValues != null && !expressions.some(present)) {
    const list = expressions.length === 1 ? `${expressions[0]} is null` : `${expressions.slice(0, -1).join(', ')} and ${expressions[expressions.length - 1]} are null`;
    return `ExpressionAttributeValues can only be specified when using expressions: ${list}`;
  }
  return undefined;
}
