// Evaluation of validated expressions against items. Conditions are compiled once into closures,
// so evaluating one per item (Scan/Query filters) costs no tree walking or allocation beyond the
// values it reads. Update application copies only what it changes: the input item is never
// mutated.

import { validation } from '../errors.js';
import type { AttributeValue, Item } from '../types/attribute-value.js';
import { addNumbers, compareNumbers, subtractNumbers } from '../types/number.js';
import {
  compareStrings,
  type Condition,
  type DocumentPath,
  type Operand,
  type PathSegment,
  type UpdateAction,
  type UpdateOperand,
} from './validate.js';

// ---------------------------------------------------------------------------------------------
// Reading values

const typeOf = (v: AttributeValue): string => {
  for (const k in v) return k;
  return '';
};

/** The value at a document path, or undefined if any step is missing or of the wrong type. */
export function getPath(item: Item, path: DocumentPath): AttributeValue | undefined {
  let value: AttributeValue | undefined = Object.prototype.hasOwnProperty.call(item, path[0] as string)
    ? item[path[0] as string]
    : undefined;
  for (let i = 1; i < path.length && value !== undefined; i++) {
    const seg = path[i]!;
    if (typeof seg === 'number') {
      const list = (value as { L?: AttributeValue[] }).L;
      value = list !== undefined && seg < list.length ? list[seg] : undefined;
    } else {
      const map = (value as { M?: Record<string, AttributeValue> }).M;
      value = map !== undefined && Object.prototype.hasOwnProperty.call(map, seg) ? map[seg] : undefined;
    }
  }
  return value;
}

const bytes = (b64: string): Buffer => Buffer.from(b64, 'base64');

/** DynamoDB's size(): string length (UTF-16 units), bytes of a binary, members of a set/list/map. */
function sizeOf(v: AttributeValue): AttributeValue | undefined {
  const t = typeOf(v);
  const m = (v as Record<string, unknown>)[t];
  switch (t) {
    case 'S':
      return { N: String((m as string).length) };
    case 'B':
      return { N: String(bytes(m as string).length) };
    case 'L':
    case 'SS':
    case 'NS':
    case 'BS':
      return { N: String((m as unknown[]).length) };
    case 'M':
      return { N: String(Object.keys(m as object).length) };
    default:
      return undefined;
  }
}

const numbersEqual = (a: string, b: string): boolean => a === b || compareNumbers(a, b) === 0;
const binariesEqual = (a: string, b: string): boolean => a === b || bytes(a).equals(bytes(b));

function setHas(type: string, members: readonly string[], x: string): boolean {
  if (type === 'SS') return members.includes(x);
  if (type === 'NS') return members.some((m) => numbersEqual(m, x));
  return members.some((m) => binariesEqual(m, x));
}

/** DynamoDB equality: same type, numbers by value, lists in order, maps and sets regardless of order. */
export function valuesEqual(a: AttributeValue, b: AttributeValue): boolean {
  const t = typeOf(a);
  if (t !== typeOf(b)) return false;
  const x = (a as Record<string, unknown>)[t];
  const y = (b as Record<string, unknown>)[t];
  switch (t) {
    case 'S':
    case 'BOOL':
      return x === y;
    case 'NULL':
      return true;
    case 'N':
      return numbersEqual(x as string, y as string);
    case 'B':
      return binariesEqual(x as string, y as string);
    case 'L': {
      const l = x as AttributeValue[];
      const r = y as AttributeValue[];
      return l.length === r.length && l.every((e, i) => valuesEqual(e, r[i]!));
    }
    case 'M': {
      const l = x as Record<string, AttributeValue>;
      const r = y as Record<string, AttributeValue>;
      const keys = Object.keys(l);
      if (keys.length !== Object.keys(r).length) return false;
      return keys.every((k) => Object.prototype.hasOwnProperty.call(r, k) && valuesEqual(l[k]!, r[k]!));
    }
    default: {
      const l = x as string[];
      const r = y as string[];
      return l.length === r.length && l.every((e) => setHas(t, r, e));
    }
  }
}

/** Order of two values for < <= > >= BETWEEN: undefined unless both are N, S or B of one type. */
function order(a: AttributeValue, b: AttributeValue): number | undefined {
  if ('N' in a) return 'N' in b ? compareNumbers(a.N, b.N) : undefined;
  if ('S' in a) return 'S' in b ? compareStrings(a.S, b.S) : undefined;
  if ('B' in a) return 'B' in b ? Buffer.compare(bytes(a.B), bytes(b.B)) : undefined;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Conditions

type Getter = (item: Item) => AttributeValue | undefined;

function compileOperand(o: Operand): Getter {
  switch (o.kind) {
    case 'value': {
      const v = o.value;
      return () => v;
    }
    case 'path': {
      const path = o.path;
      if (path.length === 1) {
        const name = path[0] as string;
        return (item) => (Object.prototype.hasOwnProperty.call(item, name) ? item[name] : undefined);
      }
      return (item) => getPath(item, path);
    }
    case 'size': {
      const arg = compileOperand(o.arg);
      return (item) => {
        const v = arg(item);
        return v === undefined ? undefined : sizeOf(v);
      };
    }
  }
}

export type Predicate = (item: Item) => boolean;

function beginsWith(a: AttributeValue, b: AttributeValue): boolean {
  if ('S' in a) return 'S' in b && a.S.startsWith(b.S);
  if ('B' in a && 'B' in b) {
    const x = bytes(a.B);
    const y = bytes(b.B);
    return y.length <= x.length && x.subarray(0, y.length).equals(y);
  }
  return false;
}

function contains(a: AttributeValue, b: AttributeValue): boolean {
  const t = typeOf(a);
  switch (t) {
    case 'S':
      return 'S' in b && (a as { S: string }).S.includes(b.S);
    case 'B':
      return 'B' in b && bytes((a as { B: string }).B).includes(bytes(b.B));
    case 'SS':
      return 'S' in b && (a as { SS: string[] }).SS.includes(b.S);
    case 'NS':
      return 'N' in b && setHas('NS', (a as { NS: string[] }).NS, b.N);
    case 'BS':
      return 'B' in b && setHas('BS', (a as { BS: string[] }).BS, b.B);
    case 'L':
      return (a as { L: AttributeValue[] }).L.some((e) => valuesEqual(e, b));
    default:
      return false;
  }
}

/** Compiles a validated condition into a predicate over items. */
export function compileCondition(c: Condition): Predicate {
  switch (c.kind) {
    case 'and': {
      const l = compileCondition(c.left);
      const r = compileCondition(c.right);
      return (item) => l(item) && r(item);
    }
    case 'or': {
      const l = compileCondition(c.left);
      const r = compileCondition(c.right);
      return (item) => l(item) || r(item);
    }
    case 'not': {
      const p = compileCondition(c.operand);
      return (item) => !p(item);
    }
    case 'compare': {
      const l = compileOperand(c.left);
      const r = compileOperand(c.right);
      const eq = (item: Item): boolean => {
        const a = l(item);
        const b = r(item);
        return a !== undefined && b !== undefined && valuesEqual(a, b);
      };
      if (c.op === '=') return eq;
      if (c.op === '<>') return (item) => !eq(item);
      const test: (n: number) => boolean =
        c.op === '<' ? (n) => n < 0 : c.op === '<=' ? (n) => n <= 0 : c.op === '>' ? (n) => n > 0 : (n) => n >= 0;
      return (item) => {
        const a = l(item);
        const b = a === undefined ? undefined : r(item);
        if (b === undefined) return false;
        const n = order(a!, b);
        return n !== undefined && test(n);
      };
    }
    case 'between': {
      const s = compileOperand(c.subject);
      const lo = compileOperand(c.low);
      const hi = compileOperand(c.high);
      return (item) => {
        const v = s(item);
        const a = lo(item);
        const b = hi(item);
        if (v === undefined || a === undefined || b === undefined) return false;
        const x = order(v, a);
        const y = order(v, b);
        return x !== undefined && y !== undefined && x >= 0 && y <= 0;
      };
    }
    case 'in': {
      const s = compileOperand(c.subject);
      const list = c.list.map(compileOperand);
      return (item) => {
        const v = s(item);
        if (v === undefined) return false;
        for (const g of list) {
          const x = g(item);
          if (x !== undefined && valuesEqual(v, x)) return true;
        }
        return false;
      };
    }
    case 'attribute_exists': {
      const g = compileOperand({ kind: 'path', path: c.path });
      return (item) => g(item) !== undefined;
    }
    case 'attribute_not_exists': {
      const g = compileOperand({ kind: 'path', path: c.path });
      return (item) => g(item) === undefined;
    }
    case 'attribute_type': {
      const g = compileOperand(c.subject);
      const type = c.type;
      return (item) => {
        const v = g(item);
        return v !== undefined && typeOf(v) === type;
      };
    }
    case 'begins_with':
    case 'contains': {
      const l = compileOperand(c.left);
      const r = compileOperand(c.right);
      const f = c.kind === 'begins_with' ? beginsWith : contains;
      return (item) => {
        const a = l(item);
        const b = a === undefined ? undefined : r(item);
        return b !== undefined && f(a!, b);
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// ProjectionExpression

interface ProjectionNode {
  /** The whole value is projected here. */
  all: boolean;
  names: Map<string, ProjectionNode> | undefined;
  indexes: Map<number, ProjectionNode> | undefined;
}

const newNode = (): ProjectionNode => ({ all: false, names: undefined, indexes: undefined });

function projectValue(value: AttributeValue, node: ProjectionNode): AttributeValue | undefined {
  if (node.all) return value;
  if (node.names) {
    const map = (value as { M?: Record<string, AttributeValue> }).M;
    if (map === undefined) return undefined;
    const out: Record<string, AttributeValue> = {};
    let any = false;
    for (const [name, child] of node.names) {
      if (!Object.prototype.hasOwnProperty.call(map, name)) continue;
      const v = projectValue(map[name]!, child);
      if (v !== undefined) {
        setOwn(out, name, v);
        any = true;
      }
    }
    return any ? { M: out } : undefined;
  }
  if (node.indexes) {
    const list = (value as { L?: AttributeValue[] }).L;
    if (list === undefined) return undefined;
    const out: AttributeValue[] = [];
    // Projected list elements keep their order and are packed together.
    for (const index of [...node.indexes.keys()].sort((a, b) => a - b)) {
      if (index >= list.length) continue;
      const v = projectValue(list[index]!, node.indexes.get(index)!);
      if (v !== undefined) out.push(v);
    }
    return out.length ? { L: out } : undefined;
  }
  return undefined;
}

function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else target[key] = value;
}

/** Compiles validated projection paths into a function that picks them out of an item. */
export function compileProjection(paths: readonly DocumentPath[]): (item: Item) => Item {
  const root = new Map<string, ProjectionNode>();
  for (const path of paths) {
    let node = root.get(path[0] as string);
    if (!node) root.set(path[0] as string, (node = newNode()));
    for (let i = 1; i < path.length; i++) {
      const seg = path[i]!;
      if (typeof seg === 'number') {
        if (!node.indexes) node.indexes = new Map();
        let next = node.indexes.get(seg);
        if (!next) node.indexes.set(seg, (next = newNode()));
        node = next;
      } else {
        if (!node.names) node.names = new Map();
        let next = node.names.get(seg);
        if (!next) node.names.set(seg, (next = newNode()));
        node = next;
      }
    }
    node.all = true;
  }
  return (item) => {
    const out: Item = {};
    for (const [name, node] of root) {
      if (!Object.prototype.hasOwnProperty.call(item, name)) continue;
      const v = projectValue(item[name]!, node);
      if (v !== undefined) setOwn(out, name, v);
    }
    return out;
  };
}

// ---------------------------------------------------------------------------------------------
// UpdateExpression

const MISSING_ATTRIBUTE = 'The provided expression refers to an attribute that does not exist in the item';
const INCORRECT_TYPE = 'An operand in the update expression has an incorrect data type';
const INVALID_PATH = 'The document path provided in the update expression is invalid for update';

function evaluateUpdateOperand(o: UpdateOperand, item: Item): AttributeValue {
  switch (o.kind) {
    case 'value':
      return o.value;
    case 'path': {
      const v = getPath(item, o.path);
      if (v === undefined) throw validation(MISSING_ATTRIBUTE);
      return v;
    }
    case 'if_not_exists': {
      // DynamoDB evaluates the fallback even when the path exists (a missing fallback attribute fails).
      const fallback = evaluateUpdateOperand(o.fallback, item);
      return getPath(item, o.path) ?? fallback;
    }
    case 'list_append': {
      const l = evaluateUpdateOperand(o.left, item);
      const r = evaluateUpdateOperand(o.right, item);
      if (!('L' in l) || !('L' in r)) throw validation(INCORRECT_TYPE);
      return { L: [...l.L, ...r.L] };
    }
    case '+':
    case '-': {
      const l = evaluateUpdateOperand(o.left, item);
      const r = evaluateUpdateOperand(o.right, item);
      if (!('N' in l) || !('N' in r)) throw validation(INCORRECT_TYPE);
      return { N: o.kind === '+' ? addNumbers(l.N, r.N) : subtractNumbers(l.N, r.N) };
    }
  }
}

/** Shallow copies of the containers along a path, made once per update. */
class Writer {
  readonly item: Item;
  private readonly copied = new Set<object>();

  constructor(original: Item) {
    this.item = { ...original };
    this.copied.add(this.item);
  }

  /**
   * The (copied, writable) container that holds the last segment of `path`: the item, a map's
   * member object or a list's array. Undefined when the parent is missing or of the wrong type.
   */
  parent(path: DocumentPath): Record<string, AttributeValue> | AttributeValue[] | undefined {
    let container: Record<string, AttributeValue> | AttributeValue[] = this.item;
    for (let i = 0; i < path.length - 1; i++) {
      const seg = path[i]!;
      const current: AttributeValue | undefined = Array.isArray(container)
        ? typeof seg === 'number' && seg < container.length ? container[seg] : undefined
        : typeof seg === 'string' && Object.prototype.hasOwnProperty.call(container, seg) ? container[seg] : undefined;
      if (current === undefined) return undefined;
      const next = path[i + 1]!;
      let copy: AttributeValue;
      if (typeof next === 'number') {
        if (!('L' in current)) return undefined;
        if (this.copied.has(current.L)) copy = current;
        else {
          copy = { L: [...current.L] };
          this.copied.add(copy.L);
        }
      } else {
        if (!('M' in current)) return undefined;
        if (this.copied.has(current.M)) copy = current;
        else {
          copy = { M: { ...current.M } };
          this.copied.add(copy.M);
        }
      }
      if (Array.isArray(container)) container[seg as number] = copy;
      else setOwn(container, seg as string, copy);
      container = 'L' in copy ? copy.L : (copy as { M: Record<string, AttributeValue> }).M;
    }
    return container;
  }

  get(container: Record<string, AttributeValue> | AttributeValue[], seg: PathSegment): AttributeValue | undefined {
    if (Array.isArray(container)) return typeof seg === 'number' && seg < container.length ? container[seg] : undefined;
    return typeof seg === 'string' && Object.prototype.hasOwnProperty.call(container, seg) ? container[seg] : undefined;
  }

  /** Sets the value at `path`; a list index past the end appends. */
  set(path: DocumentPath, value: AttributeValue): void {
    const container = this.parent(path);
    const seg = path[path.length - 1]!;
    if (container === undefined || Array.isArray(container) !== (typeof seg === 'number')) {
      throw validation(INVALID_PATH);
    }
    if (Array.isArray(container)) {
      const index = seg as number;
      if (index < container.length) container[index] = value;
      else container.push(value);
    } else setOwn(container, seg as string, value);
  }

  remove(path: DocumentPath): void {
    const container = this.parent(path);
    const seg = path[path.length - 1]!;
    if (container === undefined || Array.isArray(container) !== (typeof seg === 'number')) {
      throw validation(INVALID_PATH);
    }
    if (Array.isArray(container)) {
      if ((seg as number) < container.length) container.splice(seg as number, 1);
    } else delete container[seg as string];
  }
}

const SET_TYPES: ReadonlySet<string> = new Set(['SS', 'NS', 'BS']);

/** Sort key for applying actions: list indexes ascending, so appends keep their index order. */
function comparePaths(a: DocumentPath, b: DocumentPath): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}

/** Java's String.hashCode, spread and reduced to a 16-bucket table index as java.util.HashMap does. */
function bucket(seg: PathSegment): number {
  if (typeof seg === 'number') return seg & 15;
  let h = 0;
  for (let i = 0; i < seg.length; i++) h = (Math.imul(h, 31) + seg.charCodeAt(i)) | 0;
  return (h ^ (h >>> 16)) & 15;
}

/**
 * The order in which DynamoDB checks update actions, as observed: by the hash buckets of the path
 * elements, highest first, and the later action first within a bucket. (Not exact: some names,
 * e.g. "status", sort differently on DynamoDB.)
 */
function hashOrder(actions: readonly UpdateAction[]): UpdateAction[] {
  const keys = actions.map((a) => a.path.map(bucket));
  const order = actions.map((_, i) => i);
  order.sort((i, j) => {
    const x = keys[i]!;
    const y = keys[j]!;
    for (let k = 0; k < Math.min(x.length, y.length); k++) if (x[k] !== y[k]) return y[k]! - x[k]!;
    return y.length - x.length || j - i;
  });
  return order.map((i) => actions[i]!);
}

/** Throws unless the parent of `path` in `item` exists and is a map (or a list, for an index). */
function checkParent(item: Item, path: DocumentPath): void {
  if (path.length === 1) return;
  const parent = getPath(item, path.slice(0, -1));
  const ok = typeof path[path.length - 1] === 'number' ? parent !== undefined && 'L' in parent : parent !== undefined && 'M' in parent;
  if (!ok) throw validation(INVALID_PATH);
}

/** Throws MISSING_ATTRIBUTE if an attribute a SET value reads does not exist. */
function checkOperandPaths(o: UpdateOperand, item: Item): void {
  switch (o.kind) {
    case 'path':
      if (getPath(item, o.path) === undefined) throw validation(MISSING_ATTRIBUTE);
      return;
    case 'value':
      return;
    case 'if_not_exists':
      // The fallback is read even when the attribute exists.
      checkOperandPaths(o.fallback, item);
      return;
    default:
      checkOperandPaths(o.left, item);
      checkOperandPaths(o.right, item);
  }
}

/**
 * Applies validated update actions to an item (or to {} for a new item); returns a new item.
 *
 * Every action is checked before anything is written, action by action: REMOVE, SET, ADD and
 * DELETE need the parent of their path to exist with the right type, SET needs the attributes it
 * reads and operands of the right types, ADD and DELETE need the existing value to match. When
 * several actions fail, DynamoDB reports the one that comes first in an internal hash order; we
 * approximate that order (see hashOrder), which agrees with DynamoDB in most cases.
 */
export function applyUpdate(actions: readonly UpdateAction[], original: Item): Item {
  const setValues = new Map<UpdateAction, AttributeValue>();
  const ordered = hashOrder(actions);
  for (const a of ordered) {
    checkParent(original, a.path);
    if (a.kind === 'SET') {
      checkOperandPaths(a.value, original);
      // Every SET value is computed from the item as it was before the update.
      setValues.set(a, evaluateUpdateOperand(a.value, original));
    } else if (a.kind === 'ADD' || a.kind === 'DELETE') {
      const current = getPath(original, a.path);
      if (current === undefined) continue;
      const t = typeOf(a.value);
      if (typeOf(current) !== t || (a.kind === 'DELETE' && !SET_TYPES.has(t))) throw validation(INCORRECT_TYPE);
    }
  }
  const w = new Writer(original);
  // Sibling list indexes ascending, so that indexes past the end append in index order.
  const sets = actions.filter((a) => a.kind === 'SET').sort((a, b) => comparePaths(a.path, b.path));
  for (const a of sets) w.set(a.path, setValues.get(a)!);
  // Removing list elements from the highest index down keeps the other indexes valid.
  const removes = actions.filter((a) => a.kind === 'REMOVE').map((a) => a.path).sort((a, b) => comparePaths(b, a));
  for (const path of removes) w.remove(path);
  for (const a of actions) if (a.kind === 'ADD') applyAdd(w, a.path, a.value);
  for (const a of actions) if (a.kind === 'DELETE') applyDelete(w, a.path, a.value);
  return w.item;
}

function applyAdd(w: Writer, path: DocumentPath, value: AttributeValue): void {
  const container = w.parent(path);
  const seg = path[path.length - 1]!;
  if (container === undefined || Array.isArray(container) !== (typeof seg === 'number')) throw validation(INVALID_PATH);
  const current = w.get(container, seg);
  let result: AttributeValue;
  const t = typeOf(value);
  if (current === undefined) result = value;
  else if (t === 'N') {
    if (!('N' in current)) throw validation(INCORRECT_TYPE);
    result = { N: addNumbers(current.N, (value as { N: string }).N) };
  } else {
    if (typeOf(current) !== t) throw validation(INCORRECT_TYPE);
    const members = (current as Record<string, string[]>)[t]!;
    const extra = (value as Record<string, string[]>)[t]!.filter((m) => !setHas(t, members, m));
    result = { [t]: [...members, ...extra] } as AttributeValue;
  }
  w.set(path, result);
}

function applyDelete(w: Writer, path: DocumentPath, value: AttributeValue): void {
  const container = w.parent(path);
  const seg = path[path.length - 1]!;
  if (container === undefined || Array.isArray(container) !== (typeof seg === 'number')) throw validation(INVALID_PATH);
  const current = w.get(container, seg);
  if (current === undefined) return;
  const t = typeOf(value);
  if (typeOf(current) !== t || !SET_TYPES.has(t)) throw validation(INCORRECT_TYPE);
  const remove = (value as Record<string, string[]>)[t]!;
  const kept = (current as Record<string, string[]>)[t]!.filter((m) => !setHas(t, remove, m));
  if (kept.length === 0) w.remove(path);
  else w.set(path, { [t]: kept } as AttributeValue);
}
