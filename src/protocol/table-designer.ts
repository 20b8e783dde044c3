// Messages and validation of the create-table form (webview/table-designer).
import { NAME_PATTERN } from './names';

export type ScalarType = 'S' | 'N' | 'B';
export type Projection = 'ALL' | 'KEYS_ONLY' | 'INCLUDE';

export interface IndexDraft {
  kind: 'GSI' | 'LSI';
  name: string;
  /** a GSI's may name up to 4 attributes, comma-separated (a multi-attribute key), each of partitionKeyType */
  partitionKey: string;
  partitionKeyType: ScalarType;
  /** a GSI's may name up to 4 attributes, comma-separated, each of sortKeyType */
  sortKey: string;
  sortKeyType: ScalarType;
  projection: Projection;
  /** comma-separated, for INCLUDE */
  nonKeyAttributes: string;
  readCapacity: string;
  writeCapacity: string;
}

export interface TableDraft {
  tableName: string;
  partitionKey: string;
  partitionKeyType: ScalarType;
  sortKey: string;
  sortKeyType: ScalarType;
  billingMode: 'PAY_PER_REQUEST' | 'PROVISIONED';
  readCapacity: string;
  writeCapacity: string;
  indexes: IndexDraft[];
  stream: 'OFF' | 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';
  ttlAttribute: string;
}

export const EMPTY_DRAFT: TableDraft = {
  tableName: '',
  partitionKey: 'pk',
  partitionKeyType: 'S',
  sortKey: '',
  sortKeyType: 'S',
  billingMode: 'PAY_PER_REQUEST',
  readCapacity: '5',
  writeCapacity: '5',
  indexes: [],
  stream: 'OFF',
  ttlAttribute: '',
};

export interface DraftProblem {
  /** field path, e.g. "tableName" or "indexes.0.name" */
  field: string;
  message: string;
}


function units(v: string): boolean {
  return /^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= 40000;
}

/**
 * A draft from outside the form (a command argument): only TableDraft's own fields, each of the
 * type EMPTY_DRAFT has, are taken; index entries are checked field by field too. Returns the
 * draft filled from EMPTY_DRAFT, or the problems.
 */
export function draftFromPartial(partial: Record<string, unknown>): { draft?: TableDraft; problems: DraftProblem[] } {
  const problems: DraftProblem[] = [];
  const draft = structuredClone(EMPTY_DRAFT) as unknown as Record<string, unknown>;
  for (const [field, value] of Object.entries(partial)) {
    if (!(field in EMPTY_DRAFT)) problems.push({ field, message: `${field} is not a field of a table draft` });
    else if (field === 'indexes') {
      if (!Array.isArray(value) || !value.every((ix) => ix && typeof ix === 'object' && Object.values(ix).every((v) => typeof v === 'string')))
        problems.push({ field, message: 'indexes must be a list of index drafts whose fields are strings' });
      else draft[field] = value;
    } else if (typeof value !== typeof draft[field]) problems.push({ field, message: `${field} must be a ${typeof draft[field]}` });
    else draft[field] = value;
  }
  return problems.length ? { problems } : { draft: draft as unknown as TableDraft, problems };
}

/** The attribute names of one key part of an index draft: "a, b" names a and b. */
export function keyParts(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

/** DynamoDB's limit on the attributes of each part (HASH, RANGE) of a GSI's key. */
export const MAX_KEY_ATTRIBUTES = 4;

/** Everything DynamoDB would reject, found before sending. */
export function validateDraft(d: TableDraft): DraftProblem[] {
  const p: DraftProblem[] = [];
  if (!NAME_PATTERN.test(d.tableName)) p.push({ field: 'tableName', message: 'Table names are 3-255 characters: letters, digits, _ . -' });
  if (!d.partitionKey.trim()) p.push({ field: 'partitionKey', message: 'A partition key is required' });
  if (d.partitionKey.length > 255) p.push({ field: 'partitionKey', message: 'Key attribute names are at most 255 bytes' });
  if (d.sortKey && d.sortKey === d.partitionKey) p.push({ field: 'sortKey', message: 'The sort key must differ from the partition key' });
  if (d.billingMode === 'PROVISIONED') {
    if (!units(d.readCapacity)) p.push({ field: 'readCapacity', message: 'Read capacity: a whole number from 1 to 40000' });
    if (!units(d.writeCapacity)) p.push({ field: 'writeCapacity', message: 'Write capacity: a whole number from 1 to 40000' });
  }
  const types = new Map<string, ScalarType>([[d.partitionKey, d.partitionKeyType]]);
  if (d.sortKey) types.set(d.sortKey, d.sortKeyType);
  const names = new Set<string>();
  let gsis = 0;
  let lsis = 0;
  d.indexes.forEach((ix, i) => {
    const f = (name: string) => `indexes.${i}.${name}`;
    if (!NAME_PATTERN.test(ix.name)) p.push({ field: f('name'), message: 'Index names are 3-255 characters: letters, digits, _ . -' });
    if (names.has(ix.name)) p.push({ field: f('name'), message: `Duplicate index name ${ix.name}` });
    names.add(ix.name);
    if (ix.kind === 'GSI') gsis++;
    else lsis++;
    if (ix.kind === 'LSI') {
      if (!d.sortKey) p.push({ field: f('kind'), message: 'Local secondary indexes need a table with a sort key' });
      if (ix.partitionKey !== d.partitionKey) p.push({ field: f('partitionKey'), message: 'A local index shares the table’s partition key' });
      if (!ix.sortKey) p.push({ field: f('sortKey'), message: 'A local index needs a sort key' });
    }
    if (!ix.partitionKey.trim()) p.push({ field: f('partitionKey'), message: 'An index needs a partition key' });
    // a GSI's key parts may each hold up to 4 attributes; an LSI's key is the table's partition key and one sort key
    const partition = ix.kind === 'GSI' ? keyParts(ix.partitionKey) : [ix.partitionKey];
    const sort = ix.kind === 'GSI' ? keyParts(ix.sortKey) : ix.sortKey ? [ix.sortKey] : [];
    for (const [part, field, what] of [[partition, 'partitionKey', 'partition'], [sort, 'sortKey', 'sort']] as const) {
      if (part.length > MAX_KEY_ATTRIBUTES) p.push({ field: f(field), message: `A ${what} key has at most ${MAX_KEY_ATTRIBUTES} attributes` });
    }
    const all = [...partition, ...sort];
    const repeated = all.filter((a, j) => all.indexOf(a) !== j);
    if (repeated.length) p.push({ field: f('sortKey'), message: `${[...new Set(repeated)].join(', ')} appears more than once in the index key` });
    for (const [attrs, type, field] of [
      [partition, ix.partitionKeyType, 'partitionKeyType'],
      [sort, ix.sortKeyType, 'sortKeyType'],
    ] as const) {
      for (const attr of attrs) {
        const known = types.get(attr);
        if (known && known !== type) p.push({ field: f(field), message: `${attr} is already defined as ${known}` });
        types.set(attr, type);
      }
    }
    if (ix.projection === 'INCLUDE' && !ix.nonKeyAttributes.trim()) p.push({ field: f('nonKeyAttributes'), message: 'INCLUDE needs at least one attribute' });
    if (ix.kind === 'GSI' && d.billingMode === 'PROVISIONED') {
      if (!units(ix.readCapacity)) p.push({ field: f('readCapacity'), message: 'Read capacity: a whole number from 1 to 40000' });
      if (!units(ix.writeCapacity)) p.push({ field: f('writeCapacity'), message: 'Write capacity: a whole number from 1 to 40000' });
    }
  });
  if (gsis > 20) p.push({ field: 'indexes', message: 'At most 20 global secondary indexes' });
  if (lsis > 5) p.push({ field: 'indexes', message: 'At most 5 local secondary indexes' });
  if (d.ttlAttribute && d.ttlAttribute.length > 255) p.push({ field: 'ttlAttribute', message: 'Attribute names are at most 255 bytes' });
  return p;
}

/** Provisioned read and write units of a draft, table and global indexes together; undefined unless provisioned with valid units. */
export function provisionedUnits(d: TableDraft): { read: number; write: number } | undefined {
  if (d.billingMode !== 'PROVISIONED' || !units(d.readCapacity) || !units(d.writeCapacity)) return undefined;
  let read = Number(d.readCapacity);
  let write = Number(d.writeCapacity);
  for (const ix of d.indexes) {
    if (ix.kind !== 'GSI') continue;
    if (!units(ix.readCapacity) || !units(ix.writeCapacity)) return undefined;
    read += Number(ix.readCapacity);
    write += Number(ix.writeCapacity);
  }
  return { read, write };
}

/** The CreateTable input for a valid draft (TTL is a separate UpdateTimeToLive call). */
export function draftToCreateTable(d: TableDraft): Record<string, unknown> {
  const defs = new Map<string, ScalarType>();
  // a GSI's key parts may list several attributes ("a, b"): each becomes a HASH or RANGE element, in
  // order; the table's and an LSI's key attributes are taken whole (a comma is legal in a name)
  const keySchema = (pk: string, pkt: ScalarType, sk: string, skt: ScalarType, multi = false) => {
    const ks: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[] = [];
    const parts = (text: string) => (multi ? keyParts(text) : text ? [text] : []);
    for (const [names, type, KeyType] of [[parts(pk), pkt, 'HASH'], [parts(sk), skt, 'RANGE']] as const) {
      for (const AttributeName of names) {
        defs.set(AttributeName, type);
        ks.push({ AttributeName, KeyType });
      }
    }
    return ks;
  };
  const provisioned = d.billingMode === 'PROVISIONED';
  const input: Record<string, unknown> = {
    TableName: d.tableName,
    KeySchema: keySchema(d.partitionKey, d.partitionKeyType, d.sortKey, d.sortKeyType),
    BillingMode: d.billingMode,
  };
  if (provisioned) input.ProvisionedThroughput = { ReadCapacityUnits: Number(d.readCapacity), WriteCapacityUnits: Number(d.writeCapacity) };
  const projection = (ix: IndexDraft) =>
    ix.projection === 'INCLUDE'
      ? { ProjectionType: 'INCLUDE', NonKeyAttributes: ix.nonKeyAttributes.split(',').map((s) => s.trim()).filter(Boolean) }
      : { ProjectionType: ix.projection };
  const gsis = d.indexes.filter((ix) => ix.kind === 'GSI');
  const lsis = d.indexes.filter((ix) => ix.kind === 'LSI');
  if (gsis.length)
    input.GlobalSecondaryIndexes = gsis.map((ix) => ({
      IndexName: ix.name,
      KeySchema: keySchema(ix.partitionKey, ix.partitionKeyType, ix.sortKey, ix.sortKeyType, true),
      Projection: projection(ix),
      ...(provisioned ? { ProvisionedThroughput: { ReadCapacityUnits: Number(ix.readCapacity), WriteCapacityUnits: Number(ix.writeCapacity) } } : {}),
    }));
  if (lsis.length)
    input.LocalSecondaryIndexes = lsis.map((ix) => ({
      IndexName: ix.name,
      KeySchema: keySchema(ix.partitionKey, ix.partitionKeyType, ix.sortKey, ix.sortKeyType),
      Projection: projection(ix),
    }));
  if (d.stream !== 'OFF') input.StreamSpecification = { StreamEnabled: true, StreamViewType: d.stream };
  input.AttributeDefinitions = [...defs].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType }));
  return input;
}

/** Features the connection lacks, each with the reason the form shows in place of the field. */
export interface UnavailableFeatures {
  stream?: string;
  ttl?: string;
}

export type DesignerRequests = {
  ready: [void, { connectionLabel: string; draft: TableDraft; unavailable: UnavailableFeatures }];
  create: [TableDraft, { ok: true; tableName: string; warnings: string[] } | { ok: false; problems: DraftProblem[]; error?: string }];
  cancel: [void, void];
};
export type DesignerHostNotifications = Record<string, never>;
export type DesignerViewNotifications = { draftChanged: TableDraft };
