// Validation and normalisation of attribute values as they arrive in requests, and DynamoDB's
// item-size rules. Both run on every write, so they avoid allocation: a value that is already
// valid and canonical is returned as the very object that came in.

import { DynamoDBError, invalidParameter, validation } from '../errors.js';
import type { AttributeValue, Item } from './attribute-value.js';
import { NUMBER_MESSAGES, normalizeNumber, numberSize } from './number.js';

/** Exact messages DynamoDB returns for malformed attribute values. */
export const ATTRIBUTE_MESSAGES = {
  empty: 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes',
  moreThanOne:
    'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
  nesting:
    'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit',
  emptyName: 'Empty attribute name',
  nullValue: 'The supplied Item contains a null AttributeValue',
  // The following take the "One or more parameter values were invalid: " prefix.
  nullFalse: 'Null attribute value types must have the value of true',
  emptyStringSet: 'An string set  may not be empty',
  emptyNumberSet: 'An number set  may not be empty',
  emptyBinarySet: 'Binary sets should not be empty',
  nullInStringSet: 'An string set may not have a null string as a member',
  nullInBinarySet: 'Binary sets may not contain null or empty values',
  // Number sets report duplicates without the prefix.
  numberSetDuplicates: 'Input collection contains duplicates',
} as const;

/** DynamoDB's limit on nested documents: a list or map may sit at most 31 levels deep. */
export const MAX_NESTING_DEPTH = 32;

const stringSetDuplicates = (members: string[]): DynamoDBError =>
  invalidParameter(`Input collection [${members.join(', ')}] contains duplicates.`);
const binarySetDuplicates = (members: string[]): DynamoDBError =>
  invalidParameter(`Input collection [${members.join(', ')}]of type BS contains duplicates.`);

// ------------------------------------------------------------------------------------------------
// Wrong JSON types are rejected while DynamoDB deserialises the request, as SerializationExceptions.

const serialization = (message: string): DynamoDBError => new DynamoDBError('SerializationException', message);

function tokenName(value: unknown): string {
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return 'NUMBER_VALUE';
    case 'boolean':
      return 'BOOLEAN_VALUE';
    default:
      return 'STRING_VALUE';
  }
}

/** A scalar member (S, N, B, BOOL, NULL, set element) with the wrong JSON type. */
function scalarMismatch(value: unknown, expected: 'String' | 'Boolean'): DynamoDBError {
  if (Array.isArray(value)) return serialization('Start of list found where not expected');
  if (typeof value === 'object' && value !== null) {
    return serialization('Start of structure or map found where not expected');
  }
  return serialization(`${tokenName(value)} cannot be converted to ${expected}`);
}

function listMismatch(value: unknown): DynamoDBError {
  if (typeof value === 'object' && value !== null) {
    return serialization('Start of structure or map found where not expected');
  }
  return serialization('Expected list or null');
}

function mapMismatch(value: unknown, structure: boolean): DynamoDBError {
  if (Array.isArray(value)) return serialization('Start of list found where not expected');
  return serialization(structure ? 'Expected null' : 'Expected map or null');
}

// ------------------------------------------------------------------------------------------------
// Base64

const BASE64_VALUE = (() => {
  const table = new Int8Array(128).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
})();

/** Checks strict, padded, canonical base64 (what every AWS SDK sends); throws DynamoDB's
 * SerializationException otherwise. */
export function validateBase64(text: string): void {
  const len = text.length;
  if ((len & 3) !== 0) {
    throw serialization(`Base64 encoded length is expected a multiple of 4 bytes but found: ${len}`);
  }
  if (len === 0) return;
  let pad = 0;
  if (text.charCodeAt(len - 1) === 61 /* = */) pad = text.charCodeAt(len - 2) === 61 ? 2 : 1;
  const dataEnd = len - pad;
  for (let i = 0; i < dataEnd; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || BASE64_VALUE[c] < 0) throw serialization(`Invalid Base64 character: '${text[i]}'`);
  }
  // Unused low bits of the last data character must be zero.
  if (pad !== 0) {
    const last = BASE64_VALUE[text.charCodeAt(dataEnd - 1)];
    if ((last & (pad === 2 ? 0x0f : 0x03)) !== 0) {
      throw serialization('Invalid last non-pad Base64 character dectected');
    }
  }
}

/** Number of bytes a valid base64 string decodes to. */
export function base64DecodedLength(text: string): number {
  const len = text.length;
  if (len === 0) return 0;
  const pad = text.charCodeAt(len - 1) !== 61 ? 0 : text.charCodeAt(len - 2) === 61 ? 2 : 1;
  return (len >> 2) * 3 - pad;
}

// ------------------------------------------------------------------------------------------------
// Validation and normalisation

function isTypeKey(k: string): boolean {
  switch (k) {
    case 'S':
    case 'N':
    case 'B':
    case 'BOOL':
    case 'NULL':
    case 'L':
    case 'M':
    case 'SS':
    case 'NS':
    case 'BS':
      return true;
    default:
      return false;
  }
}

/** Sets an own property, even one named "__proto__". */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/**
 * Validates one attribute value from a request and returns it with numbers in canonical form.
 * `depth` is the nesting level of the value: 1 for a top-level attribute of an item, one more for
 * each enclosing list or map. Returns the input object itself when nothing needed to change.
 */
export function normalizeAttributeValue(value: unknown, depth = 1): AttributeValue {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw mapMismatch(value, true);
  }
  const obj = value as Record<string, unknown>;
  let type = '';
  let member: unknown;
  let present = 0;
  let keys = 0;
  for (const k in obj) {
    keys++;
    const v = obj[k];
    // A JSON null member is the same as an absent one; unknown members are ignored.
    if (v === null || v === undefined || !isTypeKey(k)) continue;
    present++;
    type = k;
    member = v;
  }
  if (present === 0) throw validation(ATTRIBUTE_MESSAGES.empty);
  if (present > 1) {
    // DynamoDB reports an invalid member (a bad number, an empty set...) before the ambiguity.
    for (const k in obj) {
      const v = obj[k];
      if (v !== null && v !== undefined && isTypeKey(k)) normalizeMember(k, v, depth);
    }
    throw validation(ATTRIBUTE_MESSAGES.moreThanOne);
  }
  const out = normalizeMember(type, member, depth);
  if (keys === 1 && out === member) return value as AttributeValue;
  return makeValue(type, out);
}

function makeValue(type: string, member: unknown): AttributeValue {
  switch (type) {
    case 'S':
      return { S: member as string };
    case 'N':
      return { N: member as string };
    case 'B':
      return { B: member as string };
    case 'BOOL':
      return { BOOL: member as boolean };
    case 'NULL':
      return { NULL: true };
    case 'L':
      return { L: member as AttributeValue[] };
    case 'M':
      return { M: member as Record<string, AttributeValue> };
    case 'SS':
      return { SS: member as string[] };
    case 'NS':
      return { NS: member as string[] };
    default:
      return { BS: member as string[] };
  }
}

function normalizeMember(type: string, v: unknown, depth: number): unknown {
  switch (type) {
    case 'S':
      if (typeof v !== 'string') throw scalarMismatch(v, 'String');
      return v;
    case 'N':
      if (typeof v !== 'string') throw scalarMismatch(v, 'String');
      return normalizeNumber(v);
    case 'B':
      if (typeof v !== 'string') throw scalarMismatch(v, 'String');
      validateBase64(v);
      return v;
    case 'BOOL':
      if (typeof v !== 'boolean') throw scalarMismatch(v, 'Boolean');
      return v;
    case 'NULL':
      if (v === true) return v;
      if (v === false) throw invalidParameter(ATTRIBUTE_MESSAGES.nullFalse);
      throw scalarMismatch(v, 'Boolean');
    case 'L':
      return normalizeList(v, depth);
    case 'M':
      return normalizeMap(v, depth);
    case 'SS':
      return normalizeStringSet(v);
    case 'NS':
      return normalizeNumberSet(v);
    default:
      return normalizeBinarySet(v);
  }
}

function normalizeList(v: unknown, depth: number): AttributeValue[] {
  if (!Array.isArray(v)) throw listMismatch(v);
  if (depth >= MAX_NESTING_DEPTH) throw validation(ATTRIBUTE_MESSAGES.nesting);
  const list = v as unknown[];
  let out: AttributeValue[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const element = list[i];
    if (element === null || element === undefined) throw validation(ATTRIBUTE_MESSAGES.nullValue);
    const n = normalizeAttributeValue(element, depth + 1);
    if (out !== undefined) out.push(n);
    else if (n !== element) (out = list.slice(0, i) as AttributeValue[]).push(n);
  }
  return out ?? (list as AttributeValue[]);
}

function normalizeMap(v: unknown, depth: number): Record<string, AttributeValue> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw mapMismatch(v, false);
  if (depth >= MAX_NESTING_DEPTH) throw validation(ATTRIBUTE_MESSAGES.nesting);
  return normalizeAttributeMap(v as Record<string, unknown>, depth + 1);
}

/** Normalises a map of attribute values (an item, or the body of an M) at the given depth. */
function normalizeAttributeMap(map: Record<string, unknown>, depth: number): Record<string, AttributeValue> {
  let out: Record<string, unknown> | undefined;
  for (const name in map) {
    if (name === '') throw validation(ATTRIBUTE_MESSAGES.emptyName);
    const value = map[name];
    if (value === null || value === undefined) {
      throw validation(`${ATTRIBUTE_MESSAGES.nullValue}: ${name} is null`);
    }
    const n = normalizeAttributeValue(value, depth);
    if (n !== value) {
      if (out === undefined) {
        out = {};
        for (const k in map) setOwn(out, k, map[k]);
      }
      setOwn(out, name, n);
    }
  }
  return (out ?? map) as Record<string, AttributeValue>;
}

function hasDuplicates(members: string[]): boolean {
  const n = members.length;
  if (n < 2) return false;
  if (n <= 8) {
    for (let i = 1; i < n; i++) {
      const m = members[i];
      for (let j = 0; j < i; j++) if (members[j] === m) return true;
    }
    return false;
  }
  return new Set(members).size !== n;
}

function normalizeStringSet(v: unknown): string[] {
  if (!Array.isArray(v)) throw listMismatch(v);
  const set = v as unknown[];
  if (set.length === 0) throw invalidParameter(ATTRIBUTE_MESSAGES.emptyStringSet);
  for (let i = 0; i < set.length; i++) {
    const m = set[i];
    if (typeof m !== 'string') {
      if (m === null || m === undefined) throw invalidParameter(ATTRIBUTE_MESSAGES.nullInStringSet);
      throw scalarMismatch(m, 'String');
    }
  }
  if (hasDuplicates(set as string[])) throw stringSetDuplicates(set as string[]);
  return set as string[];
}

function normalizeNumberSet(v: unknown): string[] {
  if (!Array.isArray(v)) throw listMismatch(v);
  const set = v as unknown[];
  if (set.length === 0) throw invalidParameter(ATTRIBUTE_MESSAGES.emptyNumberSet);
  let out: string[] | undefined;
  for (let i = 0; i < set.length; i++) {
    const m = set[i];
    if (typeof m !== 'string') {
      // A null member gets the message of an empty number string.
      if (m === null || m === undefined) throw validation(NUMBER_MESSAGES.notANumber);
      throw scalarMismatch(m, 'String');
    }
    const n = normalizeNumber(m);
    if (out !== undefined) out.push(n);
    else if (n !== m) (out = set.slice(0, i) as string[]).push(n);
  }
  const result = out ?? (set as string[]);
  if (hasDuplicates(result)) throw validation(ATTRIBUTE_MESSAGES.numberSetDuplicates);
  return result;
}

function normalizeBinarySet(v: unknown): string[] {
  if (!Array.isArray(v)) throw listMismatch(v);
  const set = v as unknown[];
  if (set.length === 0) throw invalidParameter(ATTRIBUTE_MESSAGES.emptyBinarySet);
  for (let i = 0; i < set.length; i++) {
    const m = set[i];
    if (typeof m !== 'string') {
      if (m === null || m === undefined) throw invalidParameter(ATTRIBUTE_MESSAGES.nullInBinarySet);
      throw scalarMismatch(m, 'String');
    }
    validateBase64(m);
  }
  // Valid base64 is canonical (padded, zero trailing bits), so equal bytes mean equal text.
  if (hasDuplicates(set as string[])) throw binarySetDuplicates(set as string[]);
  return set as string[];
}

/**
 * Validates an item from a request (a map of attribute name to value) and returns it with
 * numbers in canonical form; the input object itself when nothing needed to change.
 */
export function normalizeItem(item: unknown): Item {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw mapMismatch(item, false);
  return normalizeAttributeMap(item as Record<string, unknown>, 1);
}

// ------------------------------------------------------------------------------------------------
// Sizes (DynamoDB's "Item sizes and formats" rules)

/** UTF-8 byte length of a string (lone surrogates count 3, as their replacement character). */
export function utf8Length(s: string): number {
  const n = s.length;
  if (n > 16) return Buffer.byteLength(s, 'utf8');
  let bytes = n;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // surrogate pair: 2 UTF-16 units, 4 bytes
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/**
 * Size of a validated, normalised attribute value: S its UTF-8 bytes; N per numberSize; B its raw
 * bytes; BOOL and NULL 1 byte; sets the sum of their members; L and M 3 bytes plus, per element,
 * 1 byte, the element's size and (for M) the UTF-8 bytes of its name.
 */
export function attributeValueSize(value: AttributeValue): number {
  const v = value as Record<string, unknown>;
  for (const type in v) {
    const m = v[type];
    switch (type) {
      case 'S':
        return utf8Length(m as string);
      case 'N':
        return numberSize(m as string);
      case 'B':
        return base64DecodedLength(m as string);
      case 'BOOL':
      case 'NULL':
        return 1;
      case 'L': {
        const list = m as AttributeValue[];
        let size = 3 + list.length;
        for (let i = 0; i < list.length; i++) size += attributeValueSize(list[i]);
        return size;
      }
      case 'M': {
        const map = m as Record<string, AttributeValue>;
        let size = 3;
        for (const name in map) size += utf8Length(name) + 1 + attributeValueSize(map[name]);
        return size;
      }
      case 'SS': {
        const set = m as string[];
        let size = 0;
        for (let i = 0; i < set.length; i++) size += utf8Length(set[i]);
        return size;
      }
      case 'NS': {
        const set = m as string[];
        let size = 0;
        for (let i = 0; i < set.length; i++) size += numberSize(set[i]);
        return size;
      }
      case 'BS': {
        const set = m as string[];
        let size = 0;
        for (let i = 0; i < set.length; i++) size += base64DecodedLength(set[i]);
        return size;
      }
    }
  }
  return 0;
}

/** Size of an item: for each attribute, the UTF-8 bytes of its name plus the size of its value. */
export function itemSize(item: Item): number {
  let size = 0;
  for (const name in item) size += utf8Length(name) + attributeValueSize(item[name]);
  return size;
}
