// What an index entry holds, by DynamoDB's rules: the index key attributes, the table's key
// attributes, and the projected attributes (every attribute for ALL, the listed ones for INCLUDE,
// none more for KEYS_ONLY). An item is in an index only if it has every index key attribute.
import type { AttributeDefinition, KeySchemaElement } from '../table';
import type { AttributeValue, Item } from '../types/attribute-value';
import { attributeValueSize, utf8Length } from '../types/attribute-validation';
import type { IndexMeta } from './types';

export interface ProjectionRules {
  /** Index key attribute names (HASH first). */
  indexKeys: string[];
  /** Their declared types, when known: an item whose key value has another type (or is empty) is not in the index. */
  keyTypes?: string[];
  /** Key attributes of the index and of the table, without duplicates. */
  keyNames: string[];
  /** Every attribute name an entry holds; undefined for ALL. */
  names: ReadonlySet<string> | undefined;
}

export function projectionRules(
  index: Pick<IndexMeta, 'keySchema' | 'projection'>,
  tableKeySchema: readonly KeySchemaElement[],
  defs?: readonly AttributeDefinition[],
): ProjectionRules {
  const indexKeys = index.keySchema.map((k) => k.AttributeName);
  const keyTypes = defs === undefined ? undefined : indexKeys.map((n) => defs.find((d) => d.AttributeName === n)?.AttributeType ?? '');
  const keyNames = [...new Set([...indexKeys, ...tableKeySchema.map((k) => k.AttributeName)])];
  let names: Set<string> | undefined;
  if (index.projection.type !== 'ALL') {
    names = new Set(keyNames);
    for (const n of index.projection.nonKeyAttributes ?? []) names.add(n);
  }
  return { indexKeys, keyTypes, keyNames, names };
}

/** Whether the item belongs in the index (it has every index key attribute). */
export function inIndex(rules: ProjectionRules, item: Item): boolean {
  const keys = rules.indexKeys;
  for (let i = 0; i < keys.length; i++) {
    const v = item[keys[i]] as Record<string, unknown> | undefined;
    if (v === undefined) return false;
    const type = rules.keyTypes?.[i];
    if (type !== undefined && (v[type] === undefined || v[type] === '')) return false;
  }
  return true;
}

/** The index entry of an item: its projected attributes. */
export function projectItem(rules: ProjectionRules, item: Item): Item {
  if (rules.names === undefined) return item;
  const out: Item = {};
  for (const name in item) if (rules.names.has(name)) out[name] = item[name];
  return out;
}

/** Size of the item's index entry (item-size rules over the projected attributes). */
export function entrySize(rules: ProjectionRules, item: Item): number {
  let size = 0;
  if (rules.names === undefined) {
    for (const name in item) size += utf8Length(name) + attributeValueSize(item[name]);
  } else {
    for (const name of rules.names) {
      const v = item[name];
      if (v !== undefined) size += utf8Length(name) + attributeValueSize(v);
    }
  }
  return size;
}

function same(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return canonical(a) === canonical(b);
}

/** A text that two equal attribute values share (sets compare without order). */
function canonical(v: AttributeValue): string {
  const a = v as Record<string, unknown>;
  if (a.SS !== undefined) return 'SS' + JSON.stringify([...(a.SS as string[])].sort());
  if (a.NS !== undefined) return 'NS' + JSON.stringify([...(a.NS as string[])].sort());
  if (a.BS !== undefined) return 'BS' + JSON.stringify([...(a.BS as string[])].sort());
  if (a.L !== undefined) return 'L[' + (a.L as AttributeValue[]).map(canonical).join(',') + ']';
  if (a.M !== undefined) {
    const m = a.M as Record<string, AttributeValue>;
    return 'M{' + Object.keys(m).sort().map((k) => JSON.stringify(k) + ':' + canonical(m[k])).join(',') + '}';
  }
  return JSON.stringify(v);
}

/** Whether two items' index key attributes are equal. */
export function sameIndexKey(rules: ProjectionRules, a: Item, b: Item): boolean {
  for (const k of rules.indexKeys) if (!same(a[k], b[k])) return false;
  return true;
}

/** Whether two items' index entries are equal (no write reaches the index when they are). */
export function sameEntry(rules: ProjectionRules, a: Item, b: Item): boolean {
  if (rules.names !== undefined) {
    for (const name of rules.names) if (!same(a[name], b[name])) return false;
    return true;
  }
  for (const name in a) if (!same(a[name], b[name])) return false;
  for (const name in b) if (a[name] === undefined) return false;
  return true;
}
