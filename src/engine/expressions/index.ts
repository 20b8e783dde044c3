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
// Parsing is cached by expression text; validation against the names/values and compilation to
// closures are cheap and done per call.

import type { AttributeValue, Item } from '../types/attribute-value.js';
import { applyUpdate, compileCondition, compileProjection } from './evaluate.js';
import {
  Substitutions,
  resolveKeyCondition,
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
} from './validate.js';

export type { DocumentPath, KeyOperator, KeySchemaElement, ResolvedKeyCondition };
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
  if (input.KeyConditionExpression != null) {
    const condition = validateKeyCondition(input.KeyConditionExpression, subs);
    out.keyCondition = { resolve: (partitionKey, sortKey) => resolveKeyCondition(condition, partitionKey, sortKey) };
  }
  subs.checkUnused();
  if (out.keyCondition && options.keySchema) {
    Object.assign(out.keyCondition, out.keyCondition.resolve(options.keySchema.partition, options.keySchema.sort));
  }
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
