// Turns the items panel's Scan/Query form (QuerySpec) into the DynamoDB request it stands for.
import type { AttributeType, AttributeValue, Item } from './dynamo-json';
import { validateAttributeValue } from './dynamo-json';
import type { FilterClause, FilterValueType, KeyElement, KeyOperator, QuerySpec, SortCondition, TableInfo } from './items';

export class SpecError extends Error {}

function typed(text: string, type: 'S' | 'N' | 'B' | 'BOOL' | 'NULL', what: string): AttributeValue {
  switch (type) {
    case 'N':
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) throw new SpecError(`${what}: "${text}" is not a number`);
      return { N: text.trim() };
    case 'B':
      return { B: text };
    case 'BOOL':
      if (!/^(true|false)$/i.test(text.trim())) throw new SpecError(`${what}: expected true or false`);
      return { BOOL: text.trim().toLowerCase() === 'true' };
    case 'NULL':
      return { NULL: true };
    default:
      return { S: text };
  }
}

/**
 * The key attributes a Query of the table or of one index names: `partitions` are every HASH
 * attribute and `sorts` every RANGE attribute in key-schema order (a multi-attribute GSI key has
 * up to 4 of each); `partition` and `sort` are the first of each.
 */
export interface QueryKeys {
  partition: KeyElement;
  sort?: KeyElement;
  partitions: KeyElement[];
  sorts: KeyElement[];
}

export function keysOf(table: TableInfo, indexName?: string): QueryKeys {
  if (!indexName) return { partition: table.partitionKey, sort: table.sortKey, partitions: [table.partitionKey], sorts: table.sortKey ? [table.sortKey] : [] };
  const ix = table.indexes.find((i) => i.name === indexName);
  if (!ix) throw new SpecError(`No index named ${indexName}`);
  const partitions = ix.partitionKeys?.length ? ix.partitionKeys : [ix.partitionKey];
  const sorts = ix.sortKeys ?? (ix.sortKey ? [ix.sortKey] : []);
  return { partition: partitions[0]!, sort: sorts[0], partitions, sorts };
}

/** The spec's partition values and sort conditions, whether written in the one-key or the multi-attribute fields. */
export function keyInputs(spec: QuerySpec): { partitionValues: string[]; sortConditions: SortCondition[] } {
  const partitionValues = spec.partitionValues ?? [spec.partitionValue ?? ''];
  const sortConditions = spec.sortConditions ?? (spec.sortOperator ? [{ operator: spec.sortOperator, values: spec.sortValues ?? [] }] : []);
  return { partitionValues, sortConditions };
}

/** A sort condition counts once its first value is typed. */
function isSet(c: SortCondition | undefined): c is SortCondition {
  return !!c && (c.values[0] ?? '') !== '';
}

/**
 * How many sort attributes the form offers a condition for: the first, and each next one only once
 * every one before it holds an equality with a value. DynamoDB accepts conditions on a leading run
 * of the sort attributes only, with a range condition (<, BETWEEN, begins_with...) on the last of
 * the run alone, so the form never shows a field whose condition the service would refuse.
 */
export function sortFieldsShown(keys: QueryKeys, conditions: readonly SortCondition[]): number {
  let shown = Math.min(1, keys.sorts.length);
  while (shown < keys.sorts.length && isSet(conditions[shown - 1]) && conditions[shown - 1]!.operator === '=') shown++;
  return shown;
}

/** The conditions with those the form no longer offers dropped (after an earlier one changed). */
export function trimSortConditions(keys: QueryKeys, conditions: readonly SortCondition[]): SortCondition[] {
  return conditions.slice(0, sortFieldsShown(keys, conditions));
}

const KEY_OPERATORS: readonly KeyOperator[] = ['=', '<', '<=', '>', '>=', 'BETWEEN', 'begins_with'];

/** The conditions a sort key attribute takes: begins_with only on a String or Binary one. */
export function keyOperatorsFor(key: KeyElement): readonly KeyOperator[] {
  return key.type === 'N' ? KEY_OPERATORS.filter((o) => o !== 'begins_with') : KEY_OPERATORS;
}

/** The KeyConditionExpression's parts: an equality per partition attribute, then the sort run. */
function keyCondition(keys: QueryKeys, spec: QuerySpec, ph: Placeholders): string {
  const { partitionValues, sortConditions } = keyInputs(spec);
  const missing = keys.partitions.filter((_, i) => (partitionValues[i] ?? '') === '').map((k) => k.name);
  if (missing.length) {
    const which = keys.partitions.length === 1 ? `the partition key ${missing[0]}` : `every partition key attribute (missing ${missing.join(', ')})`;
    throw new SpecError(`A Query needs a value for ${which}`);
  }
  const parts = keys.partitions.map((k, i) => `${ph.name(k.name)} = ${ph.value(typed(partitionValues[i]!, k.type, k.name))}`);
  const used = keys.sorts.map((k, i) => [k, sortConditions[i]] as const).filter(([, c]) => isSet(c));
  used.forEach(([k, c], n) => {
    const position = keys.sorts.indexOf(k);
    if (position !== n) {
      throw new SpecError(`A condition on ${k.name} needs conditions on every sort key attribute before it (${keys.sorts.slice(0, position).map((s) => s.name).join(', ')}): DynamoDB takes sort conditions on a leading run of the sort key attributes only`);
    }
    if (n < used.length - 1 && c!.operator !== '=') {
      throw new SpecError(`${k.name} ${c!.operator} is a range condition, but ${used[n + 1]![0].name} follows it: only the last sort key attribute with a condition may have one other than =`);
    }
    if (!keyOperatorsFor(k).includes(c!.operator)) throw new SpecError(`begins_with takes a String or Binary sort key; ${k.name} is a Number`);
    const s = ph.name(k.name);
    const bound = (i: number) => typed(c!.values[i] ?? '', k.type, k.name);
    const v = (i: number) => ph.value(bound(i));
    if (c!.operator === 'BETWEEN' && compareValues(bound(0), bound(1)) > 0) {
      throw new SpecError(`${k.name} BETWEEN ${c!.values[0]} AND ${c!.values[1]}: the lower bound must not be greater than the upper bound`);
    }
    if (c!.operator === 'BETWEEN') parts.push(`${s} BETWEEN ${v(0)} AND ${v(1)}`);
    else if (c!.operator === 'begins_with') parts.push(`begins_with(${s}, ${v(0)})`);
    else parts.push(`${s} ${c!.operator} ${v(0)}`);
  });
  return parts.join(' AND ');
}

class Placeholders {
  names: Record<string, string> = {};
  values: Record<string, AttributeValue> = {};
  private n = 0;
  private v = 0;
  name(attr: string): string {
    // nested paths (a.b[0]) are written with one placeholder per segment
    return attr
      .split('.')
      .map((segment) => {
        const m = /^([^[\]]+)((\[\d+\])*)$/.exec(segment);
        const base = m ? m[1]! : segment;
        const existing = Object.entries(this.names).find(([, v]) => v === base)?.[0];
        const key = existing ?? `#n${this.n++}`;
        this.names[key] = base;
        return key + (m ? m[2] : '');
      })
      .join('.');
  }
  value(v: AttributeValue): string {
    const key = `:v${this.v++}`;
    this.values[key] = v;
    return key;
  }
}

function clause(c: FilterClause, ph: Placeholders): string {
  if (!c.attribute.trim()) throw new SpecError('A filter needs an attribute name');
  const a = ph.name(c.attribute.trim());
  const val = (i: number) => ph.value(typed(c.values[i] ?? '', c.valueType, `Filter on ${c.attribute}`));
  switch (c.operator) {
    case 'attribute_exists':
    case 'attribute_not_exists':
      return `${c.operator}(${a})`;
    case 'begins_with':
    case 'contains':
      return `${c.operator}(${a}, ${val(0)})`;
    case 'attribute_type':
      return `attribute_type(${a}, ${ph.value({ S: (c.values[0] ?? 'S').trim() })})`;
    case 'BETWEEN':
      return `${a} BETWEEN ${val(0)} AND ${val(1)}`;
    case 'IN': {
      const parts = (c.values[0] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      if (!parts.length) throw new SpecError(`IN on ${c.attribute} needs comma-separated values`);
      return `${a} IN (${parts.map((p) => ph.value(typed(p, c.valueType, `Filter on ${c.attribute}`))).join(', ')})`;
    }
    default:
      return `${a} ${c.operator} ${val(0)}`;
  }
}

function parseJsonObject(text: string | undefined, what: string): Record<string, unknown> | undefined {
  if (!text || !text.trim()) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new SpecError(`${what}: ${(e as Error).message}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new SpecError(`${what}: expected a JSON object`);
  return v as Record<string, unknown>;
}

/** The Scan or Query input for a spec (without ExclusiveStartKey). */
export function buildRequest(table: TableInfo, spec: QuerySpec, withCapacity = true): { operation: 'Scan' | 'Query'; input: Record<string, unknown> } {
  const input: Record<string, unknown> = { TableName: table.tableName };
  if (spec.indexName) input.IndexName = spec.indexName;
  if (spec.pageSize > 0) input.Limit = spec.pageSize;
  if (spec.consistentRead) input.ConsistentRead = true;
  if (withCapacity) input.ReturnConsumedCapacity = 'INDEXES';
  const operation = spec.mode === 'query' ? 'Query' : 'Scan';
  if (operation === 'Query' && spec.descending) input.ScanIndexForward = false;

  if (spec.raw) {
    const names = parseJsonObject(spec.raw.names, 'ExpressionAttributeNames');
    const values = parseJsonObject(spec.raw.values, 'ExpressionAttributeValues');
    if (values) {
      const problems: string[] = [];
      for (const [k, v] of Object.entries(values)) validateAttributeValue(v, k, problems);
      if (problems.length) throw new SpecError(`ExpressionAttributeValues: ${problems.join('; ')}`);
    }
    if (operation === 'Query') {
      if (!spec.raw.keyConditionExpression?.trim()) throw new SpecError('A Query needs a key condition expression');
      input.KeyConditionExpression = spec.raw.keyConditionExpression.trim();
    }
    if (spec.raw.filterExpression?.trim()) input.FilterExpression = spec.raw.filterExpression.trim();
    if (names && Object.keys(names).length) input.ExpressionAttributeNames = names;
    if (values && Object.keys(values).length) input.ExpressionAttributeValues = values;
    return { operation, input };
  }

  const ph = new Placeholders();
  if (operation === 'Query') {
    input.KeyConditionExpression = keyCondition(keysOf(table, spec.indexName), spec, ph);
  }
  if (spec.filters.length) input.FilterExpression = spec.filters.map((c) => clause(c, ph)).join(' AND ');
  if (Object.keys(ph.names).length) input.ExpressionAttributeNames = ph.names;
  if (Object.keys(ph.values).length) input.ExpressionAttributeValues = ph.values;
  return { operation, input };
}

/** Columns for a set of items: key attributes first, then the rest by frequency, then by name. */
export function inferColumns(items: readonly Item[], keyNames: readonly string[], limit = 200): string[] {
  const counts = new Map<string, number>();
  const sample = items.length > 5000 ? items.slice(0, 5000) : items;
  for (const item of sample) for (const k of Object.keys(item)) counts.set(k, (counts.get(k) ?? 0) + 1);
  const rest = [...counts.keys()].filter((k) => !keyNames.includes(k)).sort((a, b) => counts.get(b)! - counts.get(a)! || a.localeCompare(b));
  return [...keyNames, ...rest].slice(0, limit);
}

/** Orders attribute values: numbers numerically (as decimals), strings by code unit, missing last. */
export function compareValues(a: AttributeValue | undefined, b: AttributeValue | undefined): number {
  if (!a && !b) return 0;
  if (!a) return 1;
  if (!b) return -1;
  if ('N' in a && 'N' in b) return compareDecimal(a.N, b.N);
  const ta = Object.keys(a)[0]!;
  const tb = Object.keys(b)[0]!;
  if (ta !== tb) return ta < tb ? -1 : 1;
  const sa = 'S' in a ? a.S : JSON.stringify(a);
  const sb = 'S' in b ? (b as { S: string }).S : JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Compares two decimal strings exactly. */
export function compareDecimal(x: string, y: string): number {
  const norm = (s: string) => {
    let t = s.trim();
    const neg = t.startsWith('-');
    t = t.replace(/^[+-]/, '');
    let [mant, exp] = t.toLowerCase().split('e') as [string, string | undefined];
    let [int, frac = ''] = mant.split('.') as [string, string | undefined];
    int = int ?? '';
    const e = Number(exp ?? 0);
    let digits = (int + frac).replace(/^0+/, '');
    let point = int.replace(/^0+/, '').length + e;
    if (!int.replace(/^0+/, '')) {
      const lead = frac.length - frac.replace(/^0+/, '').length;
      point = -lead + e;
    }
    digits = digits.replace(/0+$/, '');
    return { neg: neg && digits !== '', digits, point };
  };
  const a = norm(x);
  const b = norm(y);
  if (a.neg !== b.neg) return a.neg ? -1 : 1;
  const sign = a.neg ? -1 : 1;
  if (!a.digits || !b.digits) return sign * ((a.digits ? 1 : 0) - (b.digits ? 1 : 0));
  if (a.point !== b.point) return sign * (a.point < b.point ? -1 : 1);
  const len = Math.max(a.digits.length, b.digits.length);
  const da = a.digits.padEnd(len, '0');
  const db = b.digits.padEnd(len, '0');
  return sign * (da < db ? -1 : da > db ? 1 : 0);
}

// --- The filter's value type, from what the table says about the attribute ------------------

const TYPE_NAMES: Record<AttributeType, string> = {
  S: 'String', N: 'Number', B: 'Binary', BOOL: 'Boolean', NULL: 'Null', M: 'Map', L: 'List', SS: 'String set', NS: 'Number set', BS: 'Binary set',
};

/** "a String", "a Number set": how messages name a DynamoDB type. */
export function typeName(type: AttributeType): string {
  return TYPE_NAMES[type] ?? type;
}

/** The value at a document path (`a.b[0].c`) of an item, if there is one. */
export function valueAt(item: Item, path: string): AttributeValue | undefined {
  let current: AttributeValue | undefined;
  for (const [i, segment] of path.split('.').entries()) {
    const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(segment.trim());
    if (!m) return undefined;
    if (i === 0) current = item[m[1]!];
    else current = current && 'M' in current ? current.M[m[1]!] : undefined;
    for (const index of m[2]!.match(/\d+/g) ?? []) current = current && 'L' in current ? current.L[Number(index)] : undefined;
    if (!current) return undefined;
  }
  return current;
}

/** How many of `items` hold the attribute at `path`, by type, most frequent first. */
export function typesAt(items: readonly Item[], path: string): [AttributeType, number][] {
  const counts = new Map<AttributeType, number>();
  for (const item of items) {
    const v = valueAt(item, path);
    if (!v) continue;
    const type = Object.keys(v)[0] as AttributeType;
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

/** The filter value type a stored type compares with (a set's `contains` takes one element). */
function filterTypeFor(type: AttributeType): FilterValueType | undefined {
  if (type === 'S' || type === 'SS') return 'S';
  if (type === 'N' || type === 'NS') return 'N';
  if (type === 'BOOL' || type === 'NULL') return type;
  return undefined;
}

/**
 * The value type a filter on `attribute` should have: the key schema's type when it is a key of
 * the table or of an index, else the type most of the loaded items hold it as; undefined when
 * neither tells (the form then keeps what it has).
 */
export function inferValueType(table: TableInfo, items: readonly Item[], attribute: string): FilterValueType | undefined {
  const name = attribute.trim();
  if (!name) return undefined;
  const keys = [table.partitionKey, table.sortKey, ...table.indexes.flatMap((ix) => [ix.partitionKey, ix.sortKey, ...(ix.partitionKeys ?? []), ...(ix.sortKeys ?? [])])];
  const key = keys.find((k) => k?.name === name);
  if (key) return key.type === 'B' ? undefined : key.type;
  for (const [type] of typesAt(items, name)) {
    const t = filterTypeFor(type);
    if (t) return t;
  }
  return undefined;
}

const VALUELESS: readonly FilterClause['operator'][] = ['attribute_exists', 'attribute_not_exists', 'attribute_type'];

/**
 * Why a filtered Scan or Query found nothing, when the reason is a type mismatch: a clause compares
 * the attribute with a value of one type while the loaded items (`sample`) hold it as another.
 * Undefined when no clause explains it.
 */
export function explainEmpty(filters: readonly FilterClause[], sample: readonly Item[]): string | undefined {
  const reasons: string[] = [];
  for (const c of filters) {
    if (VALUELESS.includes(c.operator) || !c.attribute.trim()) continue;
    const held = typesAt(sample, c.attribute.trim());
    if (!held.length || held.some(([t]) => filterTypeFor(t) === c.valueType || (c.operator === 'contains' && t === 'L'))) continue;
    const kinds = held.map(([t]) => typeName(t));
    reasons.push(`no item has ${c.attribute.trim()} as a ${typeName(c.valueType)}; the loaded items hold it as a ${kinds.join(' or a ')}`);
  }
  return reasons.length ? reasons.join('. ').replace(/^./, (ch) => ch.toUpperCase()) : undefined;
}
