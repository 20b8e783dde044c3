// DynamoDB JSON (the wire form: {"S": "x"}, {"N": "1.5"}, ...) and plain JSON, in both directions,
// without ever turning a number into a JS double: numbers travel as their decimal text.

// The wire types are the engine's own (a type-only import: nothing of the engine is bundled).
import type { AttributeType, AttributeValue, Item } from '../engine/types/attribute-value';
export type { AttributeType, AttributeValue, Item };

/** A plain-JSON value whose numbers keep their exact text. */
export type LosslessValue = string | boolean | null | LosslessNumber | LosslessValue[] | { [key: string]: LosslessValue };
export class LosslessNumber {
  constructor(readonly text: string) {}
  toJSON(): number {
    return Number(this.text);
  }
}

export class JsonSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** JSON.parse, except that numbers become LosslessNumber. */
export function parseLossless(text: string): LosslessValue {
  let i = 0;
  const fail = (what: string): never => {
    const before = text.slice(0, i);
    const line = before.split('\n').length;
    const col = i - before.lastIndexOf('\n');
    throw new JsonSyntaxError(`${what} at line ${line}, column ${col}`, i);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    let out = '';
    for (;;) {
      if (i >= text.length) {
        i = start;
        fail('Unterminated string');
      }
      const c = text[i]!;
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = text[i + 1];
        const map: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in map) {
          out += map[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else fail('Bad escape');
      } else if (c < ' ') fail('Control character in string');
      else {
        out += c;
        i++;
      }
    }
  };
  const value = (): LosslessValue => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: { [k: string]: LosslessValue } = {};
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('Expected a property name');
        const key = str();
        ws();
        if (text[i] !== ':') fail("Expected ':'");
        i++;
        if (Object.prototype.hasOwnProperty.call(obj, key)) fail(`Duplicate property "${key}"`);
        obj[key] = value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail("Expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const arr: LosslessValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail("Expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) return (i += 4), true;
    if (text.startsWith('false', i)) return (i += 5), false;
    if (text.startsWith('null', i)) return (i += 4), null;
    NUMBER_RE.lastIndex = i;
    const m = NUMBER_RE.exec(text);
    if (m) {
      i += m[0].length;
      return new LosslessNumber(m[0]);
    }
    return fail(i >= text.length ? 'Unexpected end of input' : `Unexpected character '${c}'`);
  };
  const result = value();
  ws();
  if (i < text.length) fail('Unexpected text after the value');
  return result;
}

/** JSON.stringify for lossless values (numbers printed from their text). */
export function stringifyLossless(value: LosslessValue, indent = 2): string {
  const walk = (v: LosslessValue, depth: number): string => {
    const pad = indent ? '\n' + ' '.repeat(indent * (depth + 1)) : '';
    const end = indent ? '\n' + ' '.repeat(indent * depth) : '';
    const sep = indent ? ': ' : ':';
    if (v instanceof LosslessNumber) return v.text;
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    if (Array.isArray(v)) return v.length ? `[${v.map((x) => pad + walk(x, depth + 1)).join(',')}${end}]` : '[]';
    const keys = Object.keys(v);
    return keys.length ? `{${keys.map((k) => `${pad}${JSON.stringify(k)}${sep}${walk(v[k]!, depth + 1)}`).join(',')}${end}}` : '{}';
  };
  return walk(value, 0);
}

export function typeOf(value: AttributeValue): AttributeType {
  return Object.keys(value)[0] as AttributeType;
}

/** Plain JSON of one attribute value; sets become arrays and binaries their base64 text. */
export function toPlain(value: AttributeValue): LosslessValue {
  if ('S' in value) return value.S;
  if ('N' in value) return new LosslessNumber(value.N);
  if ('B' in value) return value.B;
  if ('BOOL' in value) return value.BOOL;
  if ('NULL' in value) return null;
  if ('L' in value) return value.L.map(toPlain);
  if ('M' in value) return Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, toPlain(v)]));
  if ('SS' in value) return [...value.SS];
  if ('NS' in value) return value.NS.map((n) => new LosslessNumber(n));
  if ('BS' in value) return [...value.BS];
  throw new Error('not an attribute value');
}

export function itemToPlain(item: Item): { [k: string]: LosslessValue } {
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, toPlain(v)]));
}

/**
 * DynamoDB JSON of a plain value. `hint` is the value this one replaces (if any): where plain
 * JSON cannot say it, the hint keeps a set a set and a binary a binary.
 */
export function fromPlain(value: LosslessValue, hint?: AttributeValue): AttributeValue {
  if (value instanceof LosslessNumber) return { N: value.text };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'string') return hint && 'B' in hint ? { B: value } : { S: value };
  if (typeof value === 'boolean') return { BOOL: value };
  if (value === null) return { NULL: true };
  if (Array.isArray(value)) {
    if (hint && 'SS' in hint && value.length && value.every((v) => typeof v === 'string')) return { SS: value as string[] };
    if (hint && 'BS' in hint && value.length && value.every((v) => typeof v === 'string')) return { BS: value as string[] };
    if (hint && 'NS' in hint && value.length && value.every((v) => v instanceof LosslessNumber || typeof v === 'number'))
      return { NS: value.map((v) => (v instanceof LosslessNumber ? v.text : String(v))) };
    const hints = hint && 'L' in hint ? hint.L : [];
    return { L: value.map((v, i) => fromPlain(v, hints[i])) };
  }
  const hints = hint && 'M' in hint ? hint.M : {};
  return { M: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromPlain(v, hints[k])])) };
}

export function itemFromPlain(value: LosslessValue, hint?: Item): Item {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof LosslessNumber)
    throw new Error('An item must be a JSON object');
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromPlain(v, hint?.[k])]));
}

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Checks the shape of DynamoDB JSON; returns the problems found, with their paths. */
export function validateAttributeValue(value: unknown, path: string, problems: string[]): value is AttributeValue {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${path}: expected an attribute value like {"S": "text"}`);
    return false;
  }
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    problems.push(`${path}: an attribute value has exactly one type key (S, N, B, BOOL, NULL, L, M, SS, NS, BS), found ${keys.length ? keys.join(', ') : 'none'}`);
    return false;
  }
  const t = keys[0]!;
  const v = (value as Record<string, unknown>)[t];
  const before = problems.length;
  const isStrArray = (x: unknown): x is string[] => Array.isArray(x) && x.every((e) => typeof e === 'string');
  switch (t) {
    case 'S':
      if (typeof v !== 'string') problems.push(`${path}.S: must be a string`);
      break;
    case 'N':
      if (typeof v !== 'string' || !NUMBER_TEXT.test(v)) problems.push(`${path}.N: must be a number written as a string, e.g. {"N": "42"}`);
      break;
    case 'B':
      if (typeof v !== 'string' || !BASE64.test(v)) problems.push(`${path}.B: must be base64 text`);
      break;
    case 'BOOL':
      if (typeof v !== 'boolean') problems.push(`${path}.BOOL: must be true or false`);
      break;
    case 'NULL':
      if (v !== true) problems.push(`${path}.NULL: must be true`);
      break;
    case 'SS':
    case 'BS':
    case 'NS':
      if (!isStrArray(v) || v.length === 0) problems.push(`${path}.${t}: must be a non-empty array of strings`);
      else {
        if (new Set(v).size !== v.length) problems.push(`${path}.${t}: sets cannot contain duplicates`);
        if (t === 'NS' && !v.every((n) => NUMBER_TEXT.test(n))) problems.push(`${path}.NS: every element must be a number string`);
        if (t === 'BS' && !v.every((n) => BASE64.test(n))) problems.push(`${path}.BS: every element must be base64 text`);
      }
      break;
    case 'L':
      if (!Array.isArray(v)) problems.push(`${path}.L: must be an array`);
      else v.forEach((e, i) => validateAttributeValue(e, `${path}.L[${i}]`, problems));
      break;
    case 'M':
      if (typeof v !== 'object' || v === null || Array.isArray(v)) problems.push(`${path}.M: must be an object`);
      else for (const [k, e] of Object.entries(v)) validateAttributeValue(e, `${path}.M.${k}`, problems);
      break;
    default:
      problems.push(`${path}: unknown type "${t}"`);
  }
  return problems.length === before;
}

export function validateItem(value: unknown): { item?: Item; problems: string[] } {
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problems: ['An item must be a JSON object'] };
  for (const [k, v] of Object.entries(value)) {
    if (k === '') problems.push('Attribute names cannot be empty');
    validateAttributeValue(v, k, problems);
  }
  return problems.length ? { problems } : { item: value as Item, problems };
}

/** Converts lossless plain values to ordinary JSON values (for DynamoDB JSON text parsed losslessly). */
export function losslessToJson(value: LosslessValue): unknown {
  if (value instanceof LosslessNumber) return Number(value.text);
  if (Array.isArray(value)) return value.map(losslessToJson);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, losslessToJson(v)]));
  return value;
}

/** The key attributes of an item. */
export function keyOf(item: Item, keyNames: readonly string[]): Item {
  const key: Item = {};
  for (const name of keyNames) if (item[name]) key[name] = item[name]!;
  return key;
}

export function base64Bytes(b64: string): number {
  const clean = b64.replace(/[^A-Za-z0-9+/]/g, '');
  return Math.floor((clean.length * 3) / 4);
}

/** Short text for a cell: strings bare, numbers bare, the rest as compact DynamoDB-ish text. */
export function displayValue(value: AttributeValue | undefined): string {
  if (!value) return '';
  if ('S' in value) return value.S;
  if ('N' in value) return value.N;
  if ('BOOL' in value) return String(value.BOOL);
  if ('NULL' in value) return 'null';
  if ('B' in value) return `<binary ${base64Bytes(value.B)} B>`;
  return stringifyLossless(toPlain(value), 0);
}

export function sameValue(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

/** How an item is written in the editor: plain JSON, or DynamoDB JSON ({"S": "x"} per attribute). */
export type ItemTextFormat = 'plain' | 'dynamo';

const TYPE_KEYS = new Set(['S', 'N', 'B', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'BS']);

/**
 * Whether parsed text can be DynamoDB JSON at all: every attribute an object with a single type
 * key. Plain JSON that passes this is ambiguous (a map with a key "S"); JSON that fails it is not.
 */
export function looksLikeDynamoJson(doc: LosslessValue): boolean {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || doc instanceof LosslessNumber) return false;
  return Object.values(doc).every((v) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof LosslessNumber) return false;
    const keys = Object.keys(v);
    return keys.length === 1 && TYPE_KEYS.has(keys[0]!);
  });
}

/** Item text in the given format. */
export function itemText(item: Item, format: ItemTextFormat): string {
  return format === 'dynamo' ? JSON.stringify(item, null, 2) : stringifyLossless(itemToPlain(item) as LosslessValue);
}

/**
 * Parses editor text into an item, or lists what is wrong with it. `format` is the one the user
 * chose; text that cannot be DynamoDB JSON is read as plain JSON even when DynamoDB JSON was chosen
 * (the other way round is ambiguous, so the choice stands). `format` in the result is the one used.
 */
export function parseItemText(text: string, format: ItemTextFormat, hint?: Item): { item?: Item; problems: string[]; format: ItemTextFormat } {
  let doc: LosslessValue;
  try {
    doc = parseLossless(text);
  } catch (e) {
    return { problems: [e instanceof JsonSyntaxError ? `JSON: ${e.message}` : String(e)], format };
  }
  const isObject = doc !== null && typeof doc === 'object' && !Array.isArray(doc) && !(doc instanceof LosslessNumber);
  const used: ItemTextFormat = format === 'dynamo' && isObject && Object.keys(doc as object).length && !looksLikeDynamoJson(doc) ? 'plain' : format;
  if (used === 'dynamo') return { ...validateItem(losslessToJson(doc)), format: used };
  try {
    return { ...validateItem(itemFromPlain(doc, hint)), format: used };
  } catch (e) {
    return { problems: [(e as Error).message], format: used };
  }
}
