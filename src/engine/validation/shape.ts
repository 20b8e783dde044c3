// Declarative request validation: each operation describes its input once, and this module
// produces DynamoDB's own messages, e.g.
//   1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null
// Wrong JSON types are SerializationExceptions, as DynamoDB's deserializer reports them.
//
// Invariants once validateShape returns: a JSON null in a declared member of a structure, at any
// depth, has been removed (DynamoDB reads null as absent), so operations see only undefined; and
// no list element or map value that has a spec is null (DynamoDB refuses those with
// "Member must not be null" at 'name.N.member' or 'name.key.member').
import { DynamoDBError, validation } from '../errors';

/**
 * DynamoDB's own message for a null list element or map value where it has one (BatchWriteItem,
 * BatchGetItem, KeySchema), instead of "Member must not be null". `key` is the map key the
 * element sits under, nearest first (the table name of a RequestItems entry), or ''.
 */
export type NullMemberMessage = (key: string) => string;

export type Spec =
  | { type: 'string'; required?: boolean; min?: number; max?: number; pattern?: RegExp; patternText?: string; enum?: readonly string[] }
  | { type: 'integer'; required?: boolean; min?: number; max?: number }
  | { type: 'boolean'; required?: boolean }
  | { type: 'list'; required?: boolean; min?: number; max?: number; member?: Spec; nullMember?: NullMemberMessage }
  | { type: 'map'; required?: boolean; min?: number; max?: number; value?: Spec; nullMember?: NullMemberMessage }
  | { type: 'structure'; required?: boolean; members: Record<string, Spec> }
  | { type: 'any'; required?: boolean };

function wireName(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}

function jsonKind(v: unknown): string {
  if (v === null) return 'VALUE_NULL';
  if (Array.isArray(v)) return 'START_ARRAY';
  switch (typeof v) {
    case 'string':
      return 'VALUE_STRING';
    case 'number':
      return 'NUMBER_VALUE';
    case 'boolean':
      return v ? 'VALUE_TRUE' : 'VALUE_FALSE';
    default:
      return 'START_OBJECT';
  }
}

const TYPE_NAMES: Record<Spec['type'], string> = {
  string: 'String',
  integer: 'Long',
  boolean: 'Boolean',
  list: 'List',
  map: 'Map',
  structure: 'Structure',
  any: 'Object',
};

function describe(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number' || typeof v === 'boolean') return `'${v}'`;
  return `'${JSON.stringify(v)}'`;
}

/** Checks JSON types first (SerializationException), then constraints (one ValidationException listing all). */
export function validateShape(input: unknown, members: Record<string, Spec>): void {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new DynamoDBError('SerializationException', `${jsonKind(input)} cannot be converted to Structure`);
  }
  if (!acceptorOf(members)(input)) interpret(input as Record<string, unknown>, members);
}

/** The full check of an object against `members`, with DynamoDB's exceptions and messages. */
export function interpret(input: Record<string, unknown>, members: Record<string, Spec>): void {
  const w: Walk = { problems: [], refusal: undefined };
  checkMembers(input, members, '', '', w);
  if (w.problems.length > 0) {
    const n = w.problems.length;
    throw validation(`${n} validation error${n > 1 ? 's' : ''} detected: ${w.problems.join('; ')}`);
  }
  // DynamoDB reports a null element with its own message only once the constraints all hold.
  if (w.refusal !== undefined) throw validation(w.refusal);
}

// Most requests are valid. A spec is compiled once into a predicate that only says whether a
// value passes every check; the interpreter below runs only when it does not, to find the
// exception and messages. The predicate may refuse a valid value (the interpreter then passes it)
// but must never accept one the interpreter refuses.
type Acceptor = (value: unknown) => boolean;
const ACCEPTORS = new WeakMap<Record<string, Spec>, Acceptor>();

/** Whether `value` (an object) passes every check of `members`; exported for tests. */
export function acceptorOf(members: Record<string, Spec>): Acceptor {
  let accept = ACCEPTORS.get(members);
  if (accept === undefined) ACCEPTORS.set(members, (accept = compileMembers(members)));
  return accept;
}

function compileMembers(members: Record<string, Spec>): Acceptor {
  // Generated code reads each member by a constant name, so every read is a monomorphic property
  // load rather than a keyed lookup through a list of names; it is a third of the cost.
  const names = Object.keys(members);
  const accepts = names.map((n) => compile(members[n]));
  const lines = names.map((n, i) => {
    const read = `v = o[${JSON.stringify(n)}];`;
    // An optional null is refused too, so that the interpreter runs and removes it.
    return members[n].required
      ? `${read} if (v === undefined || v === null || !a[${i}](v)) return false;`
      : `${read} if (v !== undefined && (v === null || !a[${i}](v))) return false;`;
  });
  return new Function('a', `return function accept(o) { let v; ${lines.join(' ')} return true; };`)(accepts) as Acceptor;
}

/** A present (neither undefined nor null) value's predicate. */
function compile(spec: Spec): Acceptor {
  switch (spec.type) {
    case 'any':
      return () => true;
    case 'boolean':
      return (v) => typeof v === 'boolean';
    case 'string': {
      const { min = 0, max = Infinity, pattern, enum: allowed } = spec;
      return (v) =>
        typeof v === 'string' && v.length >= min && v.length <= max && (pattern === undefined || pattern.test(v)) && (allowed === undefined || allowed.includes(v));
    }
    case 'integer': {
      const { min = -Infinity, max = Infinity } = spec;
      return (v) => typeof v === 'number' && isLong(v) && v >= min && v <= max;
    }
    case 'list': {
      const { min = 0, max = Infinity } = spec;
      const member = spec.member === undefined ? undefined : compile(spec.member);
      return (v) => {
        if (!Array.isArray(v) || v.length < min || v.length > max) return false;
        if (member !== undefined) for (const m of v) if (m === undefined || m === null || !member(m)) return false;
        return true;
      };
    }
    case 'map': {
      const { min, max } = spec;
      const value = spec.value === undefined ? undefined : compile(spec.value);
      if (min === undefined && max === undefined && value === undefined) return (v) => typeof v === 'object' && !Array.isArray(v);
      return (v) => {
        if (typeof v !== 'object' || Array.isArray(v)) return false;
        const keys = Object.keys(v as object);
        if (keys.length < (min ?? 0) || keys.length > (max ?? Infinity)) return false;
        if (value !== undefined) for (const k of keys) if (!presentAnd(value, (v as Record<string, unknown>)[k])) return false;
        return true;
      };
    }
    case 'structure': {
      const members = compileMembers(spec.members);
      return (v) => typeof v === 'object' && !Array.isArray(v) && members(v);
    }
  }
}

const LONG_LIMIT = 2 ** 63;

/** Whether a JSON number fits DynamoDB's Long members (a signed 64-bit integer). */
function isLong(n: number): boolean {
  return Number.isInteger(n) && n >= -LONG_LIMIT && n < LONG_LIMIT;
}

function presentAnd(accept: Acceptor, v: unknown): boolean {
  return v !== undefined && v !== null && accept(v);
}

/** What the interpreter found: constraint failures, and the first null element with a message of its own. */
interface Walk {
  problems: string[];
  refusal: string | undefined;
}

// Runs only for requests the compiled predicate refused, so paths are built as it goes.
function checkMembers(obj: Record<string, unknown>, members: Record<string, Spec>, prefix: string, key: string, w: Walk): void {
  for (const name in members) {
    const value = obj[name];
    // DynamoDB reads a null member as an absent one; removing it here spares every operation
    // from telling null and undefined apart (the compiled predicate sends every null here).
    if (value === null) delete obj[name];
    check(value, members[name], prefix + wireName(name), key, w);
  }
}

/** An element of `container` (a list or a map): unlike a structure member, it may never be null. */
function checkElement(value: unknown, container: Extract<Spec, { type: 'list' | 'map' }>, at: string, key: string, w: Walk): void {
  if (value !== undefined && value !== null) check(value, (container.type === 'list' ? container.member : container.value)!, at, key, w);
  else if (container.nullMember === undefined) fail(null, at, 'Member must not be null', w);
  else w.refusal ??= container.nullMember(key);
}

function fail(value: unknown, at: string, constraint: string, w: Walk): void {
  w.problems.push(`Value ${describe(value)} at '${at}' failed to satisfy constraint: ${constraint}`);
}

function check(value: unknown, spec: Spec, at: string, key: string, w: Walk): void {
  if (value === undefined || value === null) {
    if (spec.required) fail(null, at, 'Member must not be null', w);
    return;
  }
  const expected = spec.type;
  const ok =
    expected === 'any' ||
    (expected === 'string' && typeof value === 'string') ||
    (expected === 'integer' && typeof value === 'number') ||
    (expected === 'boolean' && typeof value === 'boolean') ||
    (expected === 'list' && Array.isArray(value)) ||
    ((expected === 'map' || expected === 'structure') && typeof value === 'object' && !Array.isArray(value));
  if (!ok) throw new DynamoDBError('SerializationException', `${jsonKind(value)} cannot be converted to ${TYPE_NAMES[expected]}`);
  switch (spec.type) {
    case 'string': {
      const s = value as string;
      if (spec.min !== undefined && s.length < spec.min) fail(s, at, `Member must have length greater than or equal to ${spec.min}`, w);
      if (spec.max !== undefined && s.length > spec.max) fail(s, at, `Member must have length less than or equal to ${spec.max}`, w);
      if (spec.pattern && !spec.pattern.test(s)) fail(s, at, `Member must satisfy regular expression pattern: ${spec.patternText}`, w);
      if (spec.enum && !spec.enum.includes(s)) fail(s, at, `Member must satisfy enum value set: [${spec.enum.join(', ')}]`, w);
      return;
    }
    case 'integer': {
      const n = value as number;
      if (!isLong(n)) throw new DynamoDBError('SerializationException', `NUMBER_VALUE cannot be converted to Long`);
      if (spec.min !== undefined && n < spec.min) fail(n, at, `Member must have value greater than or equal to ${spec.min}`, w);
      if (spec.max !== undefined && n > spec.max) fail(n, at, `Member must have value less than or equal to ${spec.max}`, w);
      return;
    }
    case 'list': {
      const list = value as unknown[];
      if (spec.min !== undefined && list.length < spec.min) fail(list, at, `Member must have length greater than or equal to ${spec.min}`, w);
      if (spec.max !== undefined && list.length > spec.max) fail(list, at, `Member must have length less than or equal to ${spec.max}`, w);
      if (spec.member) list.forEach((m, i) => checkElement(m, spec, `${at}.${i + 1}.member`, key, w));
      return;
    }
    case 'map': {
      if (spec.min === undefined && spec.max === undefined && spec.value === undefined) return;
      const keys = Object.keys(value as object);
      if (spec.min !== undefined && keys.length < spec.min) fail(value, at, `Member must have length greater than or equal to ${spec.min}`, w);
      if (spec.max !== undefined && keys.length > spec.max) fail(value, at, `Member must have length less than or equal to ${spec.max}`, w);
      if (spec.value) for (const k of keys) checkElement((value as Record<string, unknown>)[k], spec, `${at}.${k}.member`, k, w);
      return;
    }
    case 'structure':
      checkMembers(value as Record<string, unknown>, spec.members, `${at}.`, key, w);
      return;
    default:
      return;
  }
}
