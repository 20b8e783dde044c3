// Validation: syntax tree + ExpressionAttributeNames/Values → resolved expressions, raising
// DynamoDB's ValidationExceptions in DynamoDB's order. Each expression goes through the same
// phases DynamoDB applies (observed on DynamoDB Local 3.3.0, whose expression code is AWS's):
//
//   0. empty / longer than 4 KB
//   1. syntax (parser.ts)
//   2. redundant parentheses anywhere
//   3. one walk in source order: reserved words, list index range, function names and where a
//      function may appear, and (update) each section used at most once
//   4. resolution of names and values with the semantic checks of each operator or function
//      (condition: post-order, left to right; update and projection: document paths first, with
//      the overlap check, then values, both from the last action to the first)
//   5. operator count (at most 300)
//
// Unused names and values are checked by the caller once every expression of the request has
// been validated (see checkUnused).

import { DynamoDBError, validation } from '../errors.js';
import type { AttributeValue } from '../types/attribute-value.js';
import { normalizeAttributeValue } from '../types/attribute-validation.js';
import { compareNumbers } from '../types/number.js';
import {
  parseCondition,
  parseProjection,
  parseUpdate,
  type ConditionNode,
  type ExpressionKind,
  type FunctionNode,
  type OperandNode,
  type PathNode,
  type ProjectionNode,
  type SetValueNode,
  type UpdateNode,
} from './parser.js';
import { isReservedWord } from './reserved-words.js';

// ---------------------------------------------------------------------------------------------
// Resolved expressions (what evaluate.ts runs)

/** A document path: attribute names and list indexes. */
export type PathSegment = string | number;
export type DocumentPath = readonly PathSegment[];

export type Operand =
  | { readonly kind: 'path'; readonly path: DocumentPath }
  | { readonly kind: 'value'; readonly value: AttributeValue }
  | { readonly kind: 'size'; readonly arg: Operand };

export type Condition =
  | { readonly kind: 'and' | 'or'; readonly left: Condition; readonly right: Condition }
  | { readonly kind: 'not'; readonly operand: Condition }
  | { readonly kind: 'compare'; readonly op: '=' | '<>' | '<' | '<=' | '>' | '>='; readonly left: Operand; readonly right: Operand }
  | { readonly kind: 'between'; readonly subject: Operand; readonly low: Operand; readonly high: Operand }
  | { readonly kind: 'in'; readonly subject: Operand; readonly list: readonly Operand[] }
  | { readonly kind: 'attribute_exists' | 'attribute_not_exists'; readonly path: DocumentPath }
  | { readonly kind: 'attribute_type'; readonly subject: Operand; readonly type: string }
  | { readonly kind: 'begins_with' | 'contains'; readonly left: Operand; readonly right: Operand };

export type UpdateOperand =
  | { readonly kind: 'path'; readonly path: DocumentPath }
  | { readonly kind: 'value'; readonly value: AttributeValue }
  | { readonly kind: 'if_not_exists'; readonly path: DocumentPath; readonly fallback: UpdateOperand }
  | { readonly kind: 'list_append'; readonly left: UpdateOperand; readonly right: UpdateOperand }
  | { readonly kind: '+' | '-'; readonly left: UpdateOperand; readonly right: UpdateOperand };

export type UpdateAction =
  | { readonly kind: 'SET'; readonly path: DocumentPath; readonly value: UpdateOperand }
  | { readonly kind: 'REMOVE'; readonly path: DocumentPath }
  | { readonly kind: 'ADD' | 'DELETE'; readonly path: DocumentPath; readonly value: AttributeValue };

export type KeyOperator = '=' | '<' | '<=' | '>' | '>=' | 'BETWEEN' | 'BEGINS_WITH';

export interface KeyConditionPart {
  readonly name: string;
  readonly op: KeyOperator;
  readonly values: AttributeValue[];
}

// ---------------------------------------------------------------------------------------------
// Limits and messages

export const MAX_EXPRESSION_BYTES = 4096;
export const MAX_OPERATORS = 300;
export const MAX_IN_OPERANDS = 100;
export const MAX_PATH_DEPTH = 32;
export const MAX_PLACEHOLDER_BYTES = 255;
export const MAX_ATTRIBUTE_NAME_BYTES = 65535;
const MAX_LIST_INDEX = 2147483647;

const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

/** "[a, b, [1]]": how DynamoDB prints a document path in messages. */
export function formatPath(path: DocumentPath): string {
  return `[${path.map((s) => (typeof s === 'number' ? `[${s}]` : s)).join(', ')}]`;
}

const typeOf = (v: AttributeValue): string => {
  for (const k in v) return k;
  return '';
};

/** "{N:10}", "{S:b}": how DynamoDB prints a scalar value in BETWEEN messages (as sent). */
function formatScalar(v: AttributeValue): string {
  const t = typeOf(v);
  const member = (v as Record<string, unknown>)[t];
  if (t === 'B') {
    const n = Buffer.from(member as string, 'base64').length;
    return `{B:java.nio.HeapByteBuffer[pos=0 lim=${n} cap=${n}]}`;
  }
  return `{${t}:${String(member)}}`;
}

const ADD_DELETE_TYPE_NAMES: Record<string, string> = {
  S: 'STRING', N: 'NUMBER', B: 'BINARY', BOOL: 'BOOLEAN', NULL: 'NULL', L: 'LIST', M: 'MAP',
  SS: 'STRING_SET', NS: 'NUMBER_SET', BS: 'BINARY_SET',
};

const ATTRIBUTE_TYPE_NAMES: ReadonlySet<string> = new Set(['S', 'SS', 'N', 'NS', 'B', 'BS', 'BOOL', 'NULL', 'L', 'M']);

const CONDITION_FUNCTIONS: ReadonlySet<string> = new Set([
  'attribute_exists', 'attribute_not_exists', 'attribute_type', 'begins_with', 'contains',
]);
const UPDATE_FUNCTIONS: ReadonlySet<string> = new Set(['if_not_exists', 'list_append']);
const FUNCTION_ARITY: Readonly<Record<string, number>> = {
  attribute_exists: 1, attribute_not_exists: 1, attribute_type: 2, begins_with: 2, contains: 2, size: 1,
  if_not_exists: 2, list_append: 2,
};

// ---------------------------------------------------------------------------------------------
// ExpressionAttributeNames / ExpressionAttributeValues

/** The request's substitution maps, checked once; tracks which entries the expressions use. */
export class Substitutions {
  readonly usedNames = new Set<string>();
  readonly usedValues = new Set<string>();
  /** Normalised values, by placeholder. */
  readonly values: ReadonlyMap<string, AttributeValue>;
  /** Values as sent (messages quote numbers as written). */
  readonly rawValues: ReadonlyMap<string, AttributeValue>;
  readonly names: ReadonlyMap<string, string>;
  /**
   * Set when validation looked at what a value holds rather than only its type (BETWEEN bounds,
   * attribute_type's type name): such a result holds for these values only.
   */
  contentChecked = false;

  constructor(names?: Record<string, string> | null, values?: Record<string, AttributeValue> | null) {
    this.names = checkNames(names);
    const { normalized, raw } = checkValues(values);
    this.values = normalized;
    this.rawValues = raw;
  }

  name(kind: ExpressionKind, ref: string): string {
    const name = this.names.get(ref);
    if (name === undefined) {
      throw invalid(kind, `An expression attribute name used in the document path is not defined; attribute name: ${ref}`);
    }
    this.usedNames.add(ref);
    return name;
  }

  value(kind: ExpressionKind, ref: string): AttributeValue {
    const value = this.values.get(ref);
    if (value === undefined) {
      throw invalid(kind, `An expression attribute value used in expression is not defined; attribute value: ${ref}`);
    }
    this.usedValues.add(ref);
    return value;
  }

  /** Throws if some name or value was never used by any expression (call after validating all). */
  checkUnused(): void {
    const unusedNames = [...this.names.keys()].filter((k) => !this.usedNames.has(k));
    if (unusedNames.length) {
      throw validation(`Value provided in ExpressionAttributeNames unused in expressions: keys: {${javaHashSetOrder(unusedNames).join(', ')}}`);
    }
    const unusedValues = [...this.values.keys()].filter((k) => !this.usedValues.has(k));
    if (unusedValues.length) {
      throw validation(`Value provided in ExpressionAttributeValues unused in expressions: keys: {${javaHashSetOrder(unusedValues).join(', ')}}`);
    }
  }
}

/**
 * A placeholder key is valid when it lexes as exactly one placeholder token. Blanks around it are
 * accepted, but they stay part of the key, so such a key can never be used (as on DynamoDB).
 */
function isPlaceholderKey(key: string, type: 'NAME_REF' | 'VALUE_REF'): boolean {
  return (type === 'NAME_REF' ? NAME_KEY : VALUE_KEY).test(key);
}
const NAME_KEY = /^[ \t\r\n]*#[A-Za-z0-9_]+[ \t\r\n]*$/;
const VALUE_KEY = /^[ \t\r\n]*:[A-Za-z0-9_]+[ \t\r\n]*$/;

function checkNames(names: Record<string, string> | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (names == null) return out;
  const keys = Object.keys(names);
  if (keys.length === 0) throw validation('ExpressionAttributeNames must not be empty');
  for (const key of keys) {
    const size = utf8Length(key);
    if (size > MAX_PLACEHOLDER_BYTES) {
      throw validation(`ExpressionAttributeNames contains invalid key: The expression attribute map contains a key that is too long; size of key: ${size}`);
    }
    if (!isPlaceholderKey(key, 'NAME_REF')) {
      throw validation(`ExpressionAttributeNames contains invalid key: Syntax error; key: "${key}"`);
    }
    const value = names[key];
    if (typeof value !== 'string' || value === '') {
      throw validation(`ExpressionAttributeNames contains invalid value: Empty attribute name for key ${key}`);
    }
    if (utf8Length(value) > MAX_ATTRIBUTE_NAME_BYTES) {
      throw validation(`ExpressionAttributeNames contains invalid value: Attribute name is too large, must be less than 65536 bytes for key ${key}`);
    }
    out.set(key, value);
  }
  return out;
}

export function checkValues(values: Record<string, AttributeValue> | null | undefined): {
  normalized: Map<string, AttributeValue>;
  raw: Map<string, AttributeValue>;
} {
  const normalized = new Map<string, AttributeValue>();
  const raw = new Map<string, AttributeValue>();
  if (values == null) return { normalized, raw };
  const keys = Object.keys(values);
  if (keys.length === 0) throw validation('ExpressionAttributeValues must not be empty');
  for (const key of keys) {
    if (utf8Length(key) > MAX_PLACEHOLDER_BYTES) {
      throw validation('ExpressionAttributeValues contains invalid key: The expression attribute map contains a key that is too long;');
    }
    if (!isPlaceholderKey(key, 'VALUE_REF')) {
      throw validation(`ExpressionAttributeValues contains invalid key: Syntax error; key: "${key}"`);
    }
    let value: AttributeValue;
    try {
      value = normalizeAttributeValue(values[key]);
    } catch (e) {
      if (e instanceof DynamoDBError && e.type === 'ValidationException') {
        throw validation(`ExpressionAttributeValues contains invalid value: ${e.message} for key ${key}`);
      }
      throw e;
    }
    normalized.set(key, value);
    raw.set(key, values[key]!);
  }
  return { normalized, raw };
}

/** Java's String.hashCode. */
function javaHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The iteration order of a java.util.HashSet holding `keys` (inserted in this order): DynamoDB
 * lists unused placeholders in that order.
 */
export function javaHashSetOrder(keys: readonly string[]): string[] {
  // new HashSet<>(collection): initial capacity max(n / .75 + 1, 16), rounded up to a power of 2.
  const wanted = Math.max(Math.floor(keys.length / 0.75) + 1, 16);
  let capacity = 16;
  while (capacity < wanted) capacity *= 2;
  const bucket = (k: string): number => {
    const h = javaHash(k);
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return keys
    .map((k, i) => ({ k, i, b: bucket(k) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((e) => e.k);
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

function invalid(kind: ExpressionKind, message: string): DynamoDBError {
  return validation(`Invalid ${kind}: ${message}`);
}

/** Phase 0: empty expressions and the 4 KB limit. */
export function checkExpressionText(kind: ExpressionKind, text: string): void {
  if (text === '') throw invalid(kind, 'The expression can not be empty;');
  // DynamoDB counts UTF-16 units here (4096 ASCII characters are 4 KB).
  const size = text.length;
  if (size > MAX_EXPRESSION_BYTES) {
    const detail = kind === 'UpdateExpression' || kind === 'ProjectionExpression' ? '' : ` expression size: ${size}`;
    throw invalid(kind, `Expression size has exceeded the maximum allowed size;${detail}`);
  }
}

const redundant = (kind: ExpressionKind): DynamoDBError => invalid(kind, 'The expression has redundant parentheses;');

function checkPathSyntax(kind: ExpressionKind, path: PathNode): void {
  if (path.parens > 1) throw redundant(kind);
  for (const e of path.elements) {
    if (e.kind === 'name') {
      if (isReservedWord(e.token.text)) {
        throw invalid(kind, `Attribute name is a reserved keyword; reserved keyword: ${e.token.text}`);
      }
    } else if (e.kind === 'index') {
      if (e.token.text.length > 10 || Number(e.token.text) > MAX_LIST_INDEX) {
        throw invalid(kind, `List index is not within the allowable range; index: [${e.token.text}]`);
      }
    }
  }
}

type FunctionContext = 'condition' | 'operand' | 'update';

function checkFunctionName(kind: ExpressionKind, fn: FunctionNode, context: FunctionContext): void {
  const name = fn.name.text;
  const known = name === 'size' || CONDITION_FUNCTIONS.has(name) || UPDATE_FUNCTIONS.has(name);
  if (!known) throw invalid(kind, `Invalid function name; function: ${name}`);
  if (context === 'update') {
    if (!UPDATE_FUNCTIONS.has(name)) throw invalid(kind, `The function is not allowed in an update expression; function: ${name}`);
    return;
  }
  if (UPDATE_FUNCTIONS.has(name)) throw invalid(kind, `The function is not allowed in a condition expression; function: ${name}`);
  const ok = context === 'condition' ? CONDITION_FUNCTIONS.has(name) : name === 'size';
  if (!ok) throw invalid(kind, `The function is not allowed to be used this way in an expression; function: ${name}`);
}

/** Resolves a document path's names (phase 4) and checks its depth. */
function resolvePath(kind: ExpressionKind, subs: Substitutions, path: PathNode): PathSegment[] {
  const out: PathSegment[] = [];
  for (const e of path.elements) {
    if (e.kind === 'name') out.push(e.token.text);
    else if (e.kind === 'nameRef') out.push(subs.name(kind, e.token.text));
    else out.push(Number(e.token.text));
  }
  if (out.length > MAX_PATH_DEPTH) {
    throw invalid(kind, `The document path has too many nesting levels; nesting levels: ${out.length}`);
  }
  return out;
}

const samePath = (a: DocumentPath, b: DocumentPath): boolean =>
  a.length === b.length && a.every((s, i) => s === b[i]);

function checkOperatorCount(kind: ExpressionKind, count: number): void {
  if (count > MAX_OPERATORS) {
    throw invalid(kind, `The expression contains too many operators; operator count: ${MAX_OPERATORS + 1}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Conditions (ConditionExpression, FilterExpression, KeyConditionExpression)

function conditionSyntaxChecks(kind: ExpressionKind, root: ConditionNode): void {
  // Phase 2: redundant parentheses anywhere.
  const parens = (node: ConditionNode | OperandNode): void => {
    if (node.parens > 1) throw redundant(kind);
    switch (node.kind) {
      case 'and':
      case 'or':
        parens(node.left);
        parens(node.right);
        return;
      case 'not':
        parens(node.operand);
        return;
      case 'compare':
        parens(node.left);
        parens(node.right);
        return;
      case 'between':
        parens(node.subject);
        parens(node.low);
        parens(node.high);
        return;
      case 'in':
        parens(node.subject);
        node.list.forEach(parens);
        return;
      case 'call':
        parens(node.fn);
        return;
      case 'function':
        node.args.forEach(parens);
        return;
      default:
        return;
    }
  };
  parens(root);
  // Phase 3: names, indexes and functions, in source order.
  const operand = (node: OperandNode): void => {
    if (node.kind === 'path') checkPathSyntax(kind, node);
    else if (node.kind === 'function') {
      checkFunctionName(kind, node, 'operand');
      node.args.forEach(operand);
    }
  };
  const condition = (node: ConditionNode): void => {
    switch (node.kind) {
      case 'and':
      case 'or':
        condition(node.left);
        condition(node.right);
        return;
      case 'not':
        condition(node.operand);
        return;
      case 'compare':
        operand(node.left);
        operand(node.right);
        return;
      case 'between':
        operand(node.subject);
        operand(node.low);
        operand(node.high);
        return;
      case 'in':
        operand(node.subject);
        node.list.forEach(operand);
        return;
      case 'call':
        checkFunctionName(kind, node.fn, 'condition');
        node.fn.args.forEach(operand);
        return;
    }
  };
  condition(root);
}

const SCALAR_TYPES: ReadonlySet<string> = new Set(['S', 'N', 'B']);

/** The static type of an operand, when known: a value's type, or N for size(). */
const staticType = (o: Operand): string | undefined =>
  o.kind === 'value' ? typeOf(o.value) : o.kind === 'size' ? 'N' : undefined;

function incorrectOperand(kind: ExpressionKind, fn: string, type: string): DynamoDBError {
  return invalid(kind, `Incorrect operand type for operator or function; operator or function: ${fn}, operand type: ${type}`);
}

function notDistinct(kind: ExpressionKind, op: string, path: DocumentPath): DynamoDBError {
  return invalid(
    kind,
    `The first operand must be distinct from the remaining operands for this operator or function; operator: ${op}, first operand: ${formatPath(path)}`,
  );
}

function checkDistinct(kind: ExpressionKind, op: string, first: Operand, rest: readonly Operand[]): void {
  if (first.kind !== 'path') return;
  for (const o of rest) if (o.kind === 'path' && samePath(first.path, o.path)) throw notDistinct(kind, op, first.path);
}

class ConditionResolver {
  operators = 0;
  /** The raw (as sent) value of each resolved value operand, for messages. */
  private readonly raw = new Map<Operand, AttributeValue>();

  constructor(
    readonly kind: ExpressionKind,
    readonly subs: Substitutions,
  ) {}

  operand(node: OperandNode): Operand {
    switch (node.kind) {
      case 'path':
        return { kind: 'path', path: resolvePath(this.kind, this.subs, node) };
      case 'value': {
        const ref = node.token.text;
        const o: Operand = { kind: 'value', value: this.subs.value(this.kind, ref) };
        this.raw.set(o, this.subs.rawValues.get(ref)!);
        return o;
      }
      case 'function': {
        // Only size() is allowed as an operand (phase 3).
        this.operators++;
        const args = node.args.map((a) => this.operand(a));
        this.arity(node, args.length);
        const arg = args[0]!;
        const t = staticType(arg);
        if (t === 'N' || t === 'BOOL' || t === 'NULL') throw incorrectOperand(this.kind, 'size', t);
        return { kind: 'size', arg };
      }
    }
  }

  arity(fn: FunctionNode, count: number): void {
    const name = fn.name.text;
    if (FUNCTION_ARITY[name] !== count) {
      throw invalid(this.kind, `Incorrect number of operands for operator or function; operator or function: ${name}, number of operands: ${count}`);
    }
  }

  condition(node: ConditionNode): Condition {
    const kind = this.kind;
    switch (node.kind) {
      case 'and':
      case 'or': {
        this.operators++;
        const left = this.condition(node.left);
        const right = this.condition(node.right);
        return { kind: node.kind, left, right };
      }
      case 'not':
        this.operators++;
        return { kind: 'not', operand: this.condition(node.operand) };
      case 'compare': {
        this.operators++;
        const left = this.operand(node.left);
        const right = this.operand(node.right);
        if (node.op !== '=' && node.op !== '<>') {
          for (const o of [left, right]) {
            const t = staticType(o);
            if (t !== undefined && !SCALAR_TYPES.has(t)) throw incorrectOperand(kind, node.op, t);
          }
        }
        checkDistinct(kind, node.op, left, [right]);
        return { kind: 'compare', op: node.op, left, right };
      }
      case 'between': {
        this.operators++;
        const subject = this.operand(node.subject);
        const low = this.operand(node.low);
        const high = this.operand(node.high);
        for (const o of [subject, low, high]) {
          const t = staticType(o);
          if (t !== undefined && !SCALAR_TYPES.has(t)) throw incorrectOperand(kind, 'BETWEEN', t);
        }
        if (low.kind === 'value' && high.kind === 'value') this.checkBounds(low, high);
        checkDistinct(kind, 'BETWEEN', subject, [low, high]);
        return { kind: 'between', subject, low, high };
      }
      case 'in': {
        this.operators++;
        const subject = this.operand(node.subject);
        const list = node.list.map((o) => this.operand(o));
        checkDistinct(kind, 'IN', subject, list);
        if (list.length > MAX_IN_OPERANDS) {
          throw invalid(kind, `The IN operator is provided with too many operands; number of operands: ${list.length}`);
        }
        return { kind: 'in', subject, list };
      }
      case 'call':
        return this.call(node.fn);
    }
  }

  checkBounds(low: Operand & { kind: 'value' }, high: Operand & { kind: 'value' }): void {
    this.subs.contentChecked = true;
    const lt = typeOf(low.value);
    const ht = typeOf(high.value);
    const detail = (): string =>
      `lower bound operand: AttributeValue: ${formatScalar(this.raw.get(low) ?? low.value)}, upper bound operand: AttributeValue: ${formatScalar(this.raw.get(high) ?? high.value)}`;
    if (lt !== ht) {
      throw invalid(this.kind, `The BETWEEN operator requires same data type for lower and upper bounds; ${detail()}`);
    }
    if (compareScalars(low.value, high.value) > 0) {
      throw invalid(this.kind, `The BETWEEN operator requires upper bound to be greater than or equal to lower bound; ${detail()}`);
    }
  }

  call(fn: FunctionNode): Condition {
    const kind = this.kind;
    const name = fn.name.text;
    this.operators++;
    const args = fn.args.map((a) => this.operand(a));
    this.arity(fn, args.length);
    switch (name) {
      case 'attribute_exists':
      case 'attribute_not_exists': {
        const arg = args[0]!;
        if (arg.kind !== 'path') {
          throw invalid(kind, `Operator or function requires a document path; operator or function: ${name}`);
        }
        return { kind: name, path: arg.path };
      }
      case 'attribute_type': {
        this.subs.contentChecked = true;
        const [subject, type] = args as [Operand, Operand];
        checkDistinct(kind, name, subject, [type]);
        if (type.kind === 'path') {
          throw incorrectOperand(kind, name, '{DOUBLESET,FLOAT,B,BOOL,L,FS,INT,DECIMAL,HDS,HD,BS,SS,NS,NULL,DOUBLE,N,S,DICT,M,DECIMALSET,INTSET}');
        }
        const t = staticType(type)!;
        if (t !== 'S') throw incorrectOperand(kind, name, t);
        const typeName = (type as { value: { S: string } }).value.S;
        if (!ATTRIBUTE_TYPE_NAMES.has(typeName)) {
          throw invalid(kind, `Invalid attribute type name found; type: ${typeName}, valid types: {N,BS,L,B,NULL,M,S,SS,NS,BOOL}`);
        }
        return { kind: name, subject, type: typeName };
      }
      case 'begins_with': {
        const [left, right] = args as [Operand, Operand];
        checkDistinct(kind, name, left, [right]);
        for (const o of args) {
          const t = staticType(o);
          if (t !== undefined && t !== 'S' && t !== 'B') throw incorrectOperand(kind, name, t);
        }
        return { kind: name, left, right };
      }
      default: {
        // contains
        const [left, right] = args as [Operand, Operand];
        checkDistinct(kind, name, left, [right]);
        return { kind: 'contains', left, right };
      }
    }
  }
}

/** Order of two scalar values of the same type: N numerically, S by UTF-8 bytes, B by bytes. */
export function compareScalars(a: AttributeValue, b: AttributeValue): number {
  if ('N' in a) return compareNumbers(a.N, (b as { N: string }).N);
  if ('S' in a) return compareStrings(a.S, (b as { S: string }).S);
  if ('B' in a) return Buffer.compare(Buffer.from(a.B, 'base64'), Buffer.from((b as { B: string }).B, 'base64'));
  return 0;
}

/** Compares strings by their UTF-8 encodings (= code point order), without encoding them. */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+D800..DFFF) encode code points above U+FFFF: move them after U+E000..FFFF.
    if (x >= 0xd800) x = x < 0xe000 ? x + 0x2000 : x - 0x800;
    if (y >= 0xd800) y = y < 0xe000 ? y + 0x2000 : y - 0x800;
    return x - y;
  }
  return a.length - b.length;
}

/** Validates a ConditionExpression or FilterExpression. */
export function validateCondition(kind: ExpressionKind, text: string, subs: Substitutions): Condition {
  checkExpressionText(kind, text);
  const tree = cachedParse(kind, text, () => parseCondition(text, kind));
  conditionSyntaxChecks(kind, tree);
  const resolver = new ConditionResolver(kind, subs);
  const condition = resolver.condition(tree);
  checkOperatorCount(kind, resolver.operators);
  return condition;
}

// ---------------------------------------------------------------------------------------------
// KeyConditionExpression

/**
 * Validates a KeyConditionExpression as a condition. What makes it a valid key condition depends
 * on the key schema, and DynamoDB checks it only after every expression and the unused names and
 * values: see resolveKeyCondition.
 */
export function validateKeyCondition(text: string, subs: Substitutions): Condition {
  return validateCondition('KeyConditionExpression', text, subs);
}

export interface KeySchemaElement {
  readonly name: string;
  /** The key's attribute type (S, N or B), when the caller wants value types checked. */
  readonly type?: 'S' | 'N' | 'B';
}

export interface ResolvedKeyCondition {
  partition: { name: string; value: AttributeValue };
  sort?: { name: string; op: KeyOperator; values: AttributeValue[] };
}

const keyOperand = (c: Condition): readonly Operand[] =>
  c.kind === 'compare' ? [c.left, c.right]
  : c.kind === 'between' ? [c.subject, c.low, c.high]
  : c.kind === 'begins_with' || c.kind === 'contains' ? [c.left, c.right]
  : c.kind === 'in' ? [c.subject, ...c.list]
  : c.kind === 'attribute_type' ? [c.subject]
  : c.kind === 'attribute_exists' || c.kind === 'attribute_not_exists' ? [{ kind: 'path', path: c.path }]
  : [];

function conditionPaths(c: Condition, out: DocumentPath[]): void {
  const operand = (o: Operand): void => {
    if (o.kind === 'path') out.push(o.path);
    else if (o.kind === 'size') operand(o.arg);
  };
  if (c.kind === 'and' || c.kind === 'or') {
    conditionPaths(c.left, out);
    conditionPaths(c.right, out);
  } else if (c.kind === 'not') conditionPaths(c.operand, out);
  else keyOperand(c).forEach(operand);
}

const FLIPPED: Readonly<Record<string, KeyOperator>> = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/**
 * Turns a validated KeyConditionExpression into the partition key value and the optional sort key
 * condition, checking it against the key schema with DynamoDB's messages and in DynamoDB's order.
 */
export function resolveKeyCondition(
  condition: Condition,
  partitionKey: KeySchemaElement,
  sortKey?: KeySchemaElement,
): ResolvedKeyCondition {
  const conditions = keyConditionParts(condition, new Set([partitionKey.name, ...(sortKey ? [sortKey.name] : [])]));
  if (conditions.length > 2) throw validation('Conditions can be of length 1 or 2 only');
  return matchKeySchema(conditions, partitionKey, sortKey);
}

/** The conditions a KeyConditionExpression joins with AND, each checked on its own (steps 1 and 2 of DynamoDB's checks). */
function keyConditionParts(condition: Condition, keyNames: ReadonlySet<string>): KeyConditionPart[] {
  // 1. A key attribute used as a document (a.b, a[0]) anywhere.
  const paths: DocumentPath[] = [];
  conditionPaths(condition, paths);
  for (const p of paths) {
    if (p.length > 1 && keyNames.has(p[0] as string)) {
      throw validation(`Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: ${String(p[0])}`);
    }
  }
  // 2. Each condition joined by AND, in order.
  const parts: Condition[] = [];
  const flatten = (c: Condition): void => {
    if (c.kind === 'and') {
      flatten(c.left);
      flatten(c.right);
    } else parts.push(c);
  };
  flatten(condition);
  const conditions: KeyConditionPart[] = [];
  const seen = new Set<string>();
  for (const part of parts) {
    let op: string | undefined;
    switch (part.kind) {
      case 'compare':
        if (part.op !== '<>') op = part.op;
        else throw validation('Invalid operator used in KeyConditionExpression: <>');
        break;
      case 'between':
        op = 'BETWEEN';
        if (part.subject.kind === 'size') throw validation('KeyConditionExpressions cannot contain nested operations');
        if (part.subject.kind !== 'path') {
          throw validation('Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand');
        }
        break;
      case 'begins_with':
        op = 'BEGINS_WITH';
        if (part.left.kind !== 'path') {
          throw validation('Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand');
        }
        break;
      default:
        throw validation(`Invalid operator used in KeyConditionExpression: ${part.kind === 'or' || part.kind === 'not' || part.kind === 'in' ? part.kind.toUpperCase() : part.kind}`);
    }
    let name: string | undefined;
    const values: AttributeValue[] = [];
    for (const o of keyOperand(part)) {
      if (o.kind === 'size') throw validation('KeyConditionExpressions cannot contain nested operations');
      if (o.kind === 'value') {
        values.push(o.value);
        continue;
      }
      if (name !== undefined) {
        throw validation('Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition');
      }
      if (o.path.length > 1) throw validation('KeyConditionExpressions cannot have conditions on nested attributes');
      name = o.path[0] as string;
    }
    if (name === undefined) throw validation('Invalid condition in KeyConditionExpression: No key attribute specified');
    if (seen.has(name)) throw validation('KeyConditionExpressions must only contain one condition per key');
    seen.add(name);
    // "value < key" is "key > value".
    if (part.kind === 'compare' && part.left.kind !== 'path') op = FLIPPED[op!];
    conditions.push({ name, op: op as KeyOperator, values });
  }
  return conditions;
}

/** Step 3: the conditions matched to a single-attribute key schema. */
function matchKeySchema(conditions: readonly KeyConditionPart[], partitionKey: KeySchemaElement, sortKey?: KeySchemaElement): ResolvedKeyCondition {
  const hash = conditions.find((p) => p.name === partitionKey.name);
  if (!hash) throw validation(`Query condition missed key schema element: ${partitionKey.name}`);
  if (hash.op !== '=') throw validation('Query key condition not supported');
  const mismatch = (): DynamoDBError =>
    validation('One or more parameter values were invalid: Condition parameter type does not match schema type');
  if (partitionKey.type && typeOf(hash.values[0]!) !== partitionKey.type) throw mismatch();
  const out: ResolvedKeyCondition = { partition: { name: hash.name, value: hash.values[0]! } };
  const range = conditions.find((p) => p !== hash);
  if (range) {
    if (!sortKey || range.name !== sortKey.name) {
      throw validation(`Query condition missed key schema element: ${sortKey ? sortKey.name : partitionKey.name}`);
    }
    // (begins_with on a number key cannot get here: its value is either a number, rejected by
    // validation, or of another type than the key.)
    if (sortKey.type) for (const v of range.values) if (typeOf(v) !== sortKey.type) throw mismatch();
    out.sort = { name: range.name, op: range.op, values: range.values };
  }
  return out;
}

/**
 * A key condition matched to a multi-attribute key schema (a GSI with several HASH or RANGE
 * attributes): equality on every partition attribute, then conditions on a leading run of the
 * sort attributes, all equalities but the last, which may be any key operator.
 */
export interface ResolvedMultiKeyCondition {
  /** One value per partition attribute, in key-schema order. */
  partition: { name: string; value: AttributeValue }[];
  /** The leading sort attributes given by equality, in key-schema order (the last condition excluded). */
  sortEquals: { name: string; value: AttributeValue }[];
  /** The condition on the last sort attribute given, if any. */
  sort?: { name: string; op: KeyOperator; values: AttributeValue[] };
}

/** A KeyConditionExpression matched to a multi-attribute key schema (messages as DynamoDB Local 2026-01-16 gives them). */
export function resolveMultiKeyCondition(condition: Condition, partitionKeys: readonly KeySchemaElement[], sortKeys: readonly KeySchemaElement[]): ResolvedMultiKeyCondition {
  const conditions = keyConditionParts(condition, new Set([...partitionKeys, ...sortKeys].map((k) => k.name)));
  return matchMultiKeySchema(conditions, partitionKeys, sortKeys);
}

/** Conditions (from an expression or the legacy KeyConditions) matched to a multi-attribute key schema. */
export function matchMultiKeySchema(
  conditions: readonly KeyConditionPart[],
  partitionKeys: readonly KeySchemaElement[],
  sortKeys: readonly KeySchemaElement[],
): ResolvedMultiKeyCondition {
  const byName = new Map(conditions.map((c) => [c.name, c]));
  for (const c of conditions) {
    if (!partitionKeys.some((k) => k.name === c.name) && !sortKeys.some((k) => k.name === c.name)) {
      throw validation('Query condition missed key schema element');
    }
  }
  const notEqual = partitionKeys.filter((k) => byName.get(k.name)?.op !== '=');
  if (notEqual.length > 0) {
    throw validation(`HASH key attributes ${notEqual.map((k) => k.name).join(', ')} must have equality conditions specified in the query`);
  }
  let last = -1;
  sortKeys.forEach((k, i) => {
    if (byName.has(k.name)) last = i;
  });
  const gaps = sortKeys.slice(0, Math.max(last, 0)).filter((k) => byName.get(k.name)?.op !== '=');
  if (gaps.length > 0) {
    throw validation(
      `RANGE key attributes ${gaps.map((k) => k.name).join(', ')} must have equality conditions specified in the query because a condition is present on key attribute ${sortKeys[last]!.name}`,
    );
  }
  const mismatch = (): DynamoDBError => validation('One or more parameter values were invalid: Condition parameter type does not match schema type');
  for (const k of [...partitionKeys, ...sortKeys]) {
    const c = byName.get(k.name);
    if (c !== undefined && k.type) for (const v of c.values) if (typeOf(v) !== k.type) throw mismatch();
  }
  const out: ResolvedMultiKeyCondition = {
    partition: partitionKeys.map((k) => ({ name: k.name, value: byName.get(k.name)!.values[0]! })),
    sortEquals: sortKeys.slice(0, Math.max(last, 0)).map((k) => ({ name: k.name, value: byName.get(k.name)!.values[0]! })),
  };
  if (last >= 0) {
    const c = byName.get(sortKeys[last]!.name)!;
    out.sort = { name: c.name, op: c.op, values: c.values };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Overlapping document paths (ProjectionExpression, UpdateExpression)

interface PathTrieNode {
  /** The path that created this node (DynamoDB quotes it in overlap messages). */
  readonly path: DocumentPath;
  terminal: boolean;
  children: Map<PathSegment, PathTrieNode> | undefined;
}

function lastEntryPath(children: Map<PathSegment, PathTrieNode>): DocumentPath {
  let best: PathSegment | undefined;
  for (const k of children.keys()) if (best === undefined || k > best) best = k;
  return children.get(best!)!.path;
}

/**
 * Registers document paths one at a time and throws DynamoDB's overlap/conflict error on the
 * first path that overlaps (one is a prefix of the other) or conflicts (same parent used as a map
 * and as a list) with an earlier one. DynamoDB registers the paths from the last to the first and
 * quotes the newest path plus the greatest sibling at the level where the clash shows.
 */
export class PathRegistry {
  private readonly root: PathTrieNode = { path: [], terminal: false, children: undefined };

  constructor(readonly kind: ExpressionKind) {}

  add(path: DocumentPath): void {
    let node = this.root;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      let children = node.children;
      if (!children) children = node.children = new Map();
      else {
        const first = children.keys().next().value as PathSegment;
        if (typeof first !== typeof seg) {
          throw invalid(
            this.kind,
            `Two document paths conflict with each other; must remove or rewrite one of these paths; path one: ${formatPath(path)}, path two: ${formatPath(lastEntryPath(children))}`,
          );
        }
      }
      let child = children.get(seg);
      if (!child) {
        child = { path, terminal: false, children: undefined };
        children.set(seg, child);
      } else if (child.terminal || (i === path.length - 1 && child.children)) {
        throw invalid(
          this.kind,
          `Two document paths overlap with each other; must remove or rewrite one of these paths; path one: ${formatPath(path)}, path two: ${formatPath(lastEntryPath(children))}`,
        );
      }
      node = child;
    }
    node.terminal = true;
  }
}

// ---------------------------------------------------------------------------------------------
// ProjectionExpression

export function validateProjection(text: string, subs: Substitutions): DocumentPath[] {
  const kind: ExpressionKind = 'ProjectionExpression';
  checkExpressionText(kind, text);
  const tree: ProjectionNode = cachedParse(kind, text, () => parseProjection(text));
  for (const p of tree.paths) checkPathSyntax(kind, p);
  const paths: DocumentPath[] = new Array(tree.paths.length);
  const registry = new PathRegistry(kind);
  for (let i = tree.paths.length - 1; i >= 0; i--) {
    paths[i] = resolvePath(kind, subs, tree.paths[i]!);
    registry.add(paths[i]!);
  }
  return paths;
}

// ---------------------------------------------------------------------------------------------
// UpdateExpression

function updateSyntaxChecks(kind: ExpressionKind, tree: UpdateNode): void {
  const parens = (node: SetValueNode): void => {
    if (node.parens > 1) throw redundant(kind);
    if (node.kind === 'arithmetic') {
      parens(node.left);
      parens(node.right);
    } else if (node.kind === 'function') node.args.forEach(parens);
  };
  for (const clause of tree.clauses) {
    for (const action of clause.actions) {
      if (action.path.parens > 1) throw redundant(kind);
      if (action.kind === 'SET') parens(action.value);
    }
  }
  // Where list_append may appear: as the whole value of a SET action, or inside list_append.
  const operand = (node: SetValueNode, listAppendAllowed: boolean): void => {
    switch (node.kind) {
      case 'path':
        checkPathSyntax(kind, node);
        return;
      case 'value':
        return;
      case 'arithmetic':
        operand(node.left, false);
        operand(node.right, false);
        return;
      case 'function': {
        checkFunctionName(kind, node, 'update');
        if (node.name.text === 'list_append' && !listAppendAllowed) {
          throw invalid(kind, 'The function is not allowed to be used this way in an expression; function: list_append');
        }
        const inner = node.name.text === 'list_append';
        node.args.forEach((a) => operand(a, inner));
        return;
      }
    }
  };
  const seen = new Set<string>();
  for (const clause of tree.clauses) {
    for (const action of clause.actions) {
      checkPathSyntax(kind, action.path);
      if (action.kind === 'SET') operand(action.value, true);
    }
    if (seen.has(clause.kind)) {
      throw invalid(kind, `The "${clause.kind}" section can only be used once in an update expression;`);
    }
    seen.add(clause.kind);
  }
}

class UpdateResolver {
  operators = 0;
  constructor(
    readonly kind: ExpressionKind,
    readonly subs: Substitutions,
  ) {}

  operand(node: SetValueNode): UpdateOperand {
    const kind = this.kind;
    switch (node.kind) {
      case 'path':
        return { kind: 'path', path: resolvePath(kind, this.subs, node) };
      case 'value':
        return { kind: 'value', value: this.subs.value(kind, node.token.text) };
      case 'arithmetic': {
        this.operators++;
        const left = this.operand(node.left);
        const right = this.operand(node.right);
        for (const o of [left, right]) {
          if (o.kind === 'value' && !('N' in o.value)) throw incorrectOperand(kind, node.op, typeOf(o.value));
        }
        return { kind: node.op, left, right };
      }
      case 'function': {
        this.operators++;
        const name = node.name.text;
        const args = node.args.map((a) => this.operand(a));
        if (FUNCTION_ARITY[name] !== args.length) {
          throw invalid(kind, `Incorrect number of operands for operator or function; operator or function: ${name}, number of operands: ${args.length}`);
        }
        const [left, right] = args as [UpdateOperand, UpdateOperand];
        if (name === 'if_not_exists') {
          if (left.kind === 'path' && right.kind === 'path' && samePath(left.path, right.path)) {
            throw notDistinct(kind, name, left.path);
          }
          if (left.kind !== 'path') {
            throw invalid(kind, 'Operator or function requires a document path; operator or function: if_not_exists');
          }
          return { kind: 'if_not_exists', path: left.path, fallback: right };
        }
        for (const o of args) {
          if (o.kind === 'value' && !('L' in o.value)) throw incorrectOperand(kind, name, typeOf(o.value));
        }
        return { kind: 'list_append', left, right };
      }
    }
  }
}

export function validateUpdate(text: string, subs: Substitutions): UpdateAction[] {
  const kind: ExpressionKind = 'UpdateExpression';
  checkExpressionText(kind, text);
  const tree = cachedParse(kind, text, () => parseUpdate(text));
  updateSyntaxChecks(kind, tree);
  const actions = tree.clauses.flatMap((c) => c.actions);
  // Document paths, last action first, with the overlap check.
  const paths: DocumentPath[] = new Array(actions.length);
  const registry = new PathRegistry(kind);
  for (let i = actions.length - 1; i >= 0; i--) {
    paths[i] = resolvePath(kind, subs, actions[i]!.path);
    registry.add(paths[i]!);
  }
  // Values, last action first.
  const resolver = new UpdateResolver(kind, subs);
  const out: UpdateAction[] = new Array(actions.length);
  for (let i = actions.length - 1; i >= 0; i--) {
    const action = actions[i]!;
    const path = paths[i]!;
    if (action.kind === 'REMOVE') {
      out[i] = { kind: 'REMOVE', path };
    } else if (action.kind === 'SET') {
      out[i] = { kind: 'SET', path, value: resolver.operand(action.value) };
    } else {
      const value = subs.value(kind, action.value.token.text);
      const t = typeOf(value);
      const allowed = action.kind === 'ADD' ? t === 'N' || t === 'SS' || t === 'NS' || t === 'BS' : t === 'SS' || t === 'NS' || t === 'BS';
      if (!allowed) {
        throw invalid(
          kind,
          `Incorrect operand type for operator or function; operator: ${action.kind}, operand type: ${ADD_DELETE_TYPE_NAMES[t]}, typeSet: ALLOWED_FOR_${action.kind}_OPERAND`,
        );
      }
      out[i] = { kind: action.kind, path, value };
    }
  }
  checkOperatorCount(kind, resolver.operators);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parse cache: syntax trees depend only on the kind and the text, and are never mutated after
// parsing, so they are shared between requests.

const PARSE_CACHE_SIZE = 1000;
const parseCaches = new Map<ExpressionKind, Map<string, unknown>>();

function cachedParse<T>(kind: ExpressionKind, text: string, parse: () => T): T {
  let cache = parseCaches.get(kind);
  if (!cache) parseCaches.set(kind, (cache = new Map()));
  const hit = cache.get(text);
  if (hit !== undefined) return hit as T;
  const tree = parse();
  // Oldest first out: expressions in use are re-cached as soon as they come back.
  if (cache.size >= PARSE_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(text, tree);
  return tree;
}
