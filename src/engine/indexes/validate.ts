// Index definitions in CreateTable and UpdateTable, checked in DynamoDB's order with its messages:
// the request shapes (for the declarative validators), each index's key schema, its attribute
// definitions, the LSI rules, the projection, throughput per billing mode, duplicate names, the
// per-table limits and the 100 projected attributes across all indexes.
import { invalidParameter, validation } from '../errors';
import type { AttributeDefinition, KeySchemaElement } from '../table';
import type { Spec } from '../validation/shape';
import { GSI_KEY_SCHEMA, INDEX_NAME as OPTIONAL_INDEX_NAME, KEY_SCHEMA, OPAQUE_STRUCTURE, PROVISIONED_THROUGHPUT, required } from '../validation/members';
import { MAX_GSIS, MAX_LSIS, MAX_PROJECTED_ATTRIBUTES, type IndexKind, type IndexMeta, type IndexProjection } from './types';


const INDEX_NAME = required(OPTIONAL_INDEX_NAME);

const PROJECTION: Spec = {
  type: 'structure',
  required: true,
  members: {
    ProjectionType: { type: 'string', enum: ['ALL', 'INCLUDE', 'KEYS_ONLY'] },
    NonKeyAttributes: { type: 'list', min: 1, max: 20, member: { type: 'string', min: 1, max: 255 } },
  },
};


/** CreateTable's LocalSecondaryIndexes member. */
export const LOCAL_SECONDARY_INDEXES: Spec = {
  type: 'list',
  member: { type: 'structure', members: { Projection: PROJECTION, IndexName: INDEX_NAME, KeySchema: KEY_SCHEMA } },
};

/** At most this many HASH, and this many RANGE, elements in a GSI's key schema. */
export const MAX_GSI_KEY_ATTRIBUTES = 4;

/** One GlobalSecondaryIndex (CreateTable's list, UpdateTable's Create action). */
export const GLOBAL_SECONDARY_INDEX_MEMBERS: Record<string, Spec> = {
  Projection: PROJECTION,
  IndexName: INDEX_NAME,
  KeySchema: GSI_KEY_SCHEMA,
  ProvisionedThroughput: PROVISIONED_THROUGHPUT,
  OnDemandThroughput: OPAQUE_STRUCTURE,
  WarmThroughput: OPAQUE_STRUCTURE,
};

export const GLOBAL_SECONDARY_INDEXES: Spec = {
  type: 'list',
  member: { type: 'structure', members: GLOBAL_SECONDARY_INDEX_MEMBERS },
};

/** UpdateTable's GlobalSecondaryIndexUpdates member. */
export const GLOBAL_SECONDARY_INDEX_UPDATES: Spec = {
  type: 'list',
  member: {
    type: 'structure',
    members: {
      Update: {
        type: 'structure',
        members: {
          IndexName: INDEX_NAME,
          ProvisionedThroughput: PROVISIONED_THROUGHPUT,
          OnDemandThroughput: OPAQUE_STRUCTURE,
          WarmThroughput: OPAQUE_STRUCTURE,
        },
      },
      Create: { type: 'structure', members: GLOBAL_SECONDARY_INDEX_MEMBERS },
      Delete: { type: 'structure', members: { IndexName: INDEX_NAME } },
    },
  },
};

export interface IndexInput {
  IndexName: string;
  KeySchema: KeySchemaElement[];
  Projection: { ProjectionType?: string; NonKeyAttributes?: string[] };
  ProvisionedThroughput?: { ReadCapacityUnits: number; WriteCapacityUnits: number };
}

/** A key schema's own rules (the table's and every index's). */
export function checkKeySchemaShape(keys: readonly KeySchemaElement[]): void {
  if (keys[0].KeyType !== 'HASH') throw validation('Invalid KeySchema: The first KeySchemaElement is not a HASH key type');
  if (keys.length === 2) {
    if (keys[1].KeyType !== 'RANGE') throw validation('Invalid KeySchema: The second KeySchemaElement is not a RANGE key type');
    if (keys[0].AttributeName === keys[1].AttributeName) {
      throw validation('Both the Hash Key and the Range Key element in the KeySchema have the same name');
    }
  }
}

/**
 * A GSI's key schema: a table-like one (one HASH, an optional RANGE) keeps the table's rules and
 * messages; a multi-attribute one (DynamoDB, November 2025) has one to four HASH elements followed
 * by up to four RANGE elements, all of distinct attributes. Messages as DynamoDB Local 2026-01-16
 * gives them, in its order.
 */
export function checkGlobalKeySchema(keys: readonly KeySchemaElement[]): void {
  const hashes = keys.filter((k) => k.KeyType === 'HASH').length;
  if (keys.length <= 2 && hashes <= 1) {
    checkKeySchemaShape(keys);
    return;
  }
  if (keys.length > 2 * MAX_GSI_KEY_ATTRIBUTES) throw validation('Key Schema too big.  Key Schema must at most consist of the hash and range key of a table');
  if (hashes > MAX_GSI_KEY_ATTRIBUTES) throw validation(`Too many partition keys. GSI can have at most ${MAX_GSI_KEY_ATTRIBUTES} partition keys`);
  if (keys.length - hashes > MAX_GSI_KEY_ATTRIBUTES) throw validation(`Too many sort keys. GSI can have at most ${MAX_GSI_KEY_ATTRIBUTES} sort keys`);
  if (keys[0]!.KeyType !== 'HASH' || keys.some((k, i) => k.KeyType === 'HASH' && i >= hashes)) {
    throw validation('Invalid key order. Hash Key must be specified first in key schema, Range Key must be specifed second');
  }
  if (new Set(keys.map((k) => k.AttributeName)).size !== keys.length) throw validation('Two keys can not have the same name');
}

function checkDefined(keys: readonly KeySchemaElement[], defs: readonly AttributeDefinition[]): void {
  const defined = new Set(defs.map((d) => d.AttributeName));
  if (keys.every((k) => defined.has(k.AttributeName))) return;
  throw invalidParameter(
    `Some index key attributes are not defined in AttributeDefinitions. Keys: [${keys.map((k) => k.AttributeName).join(', ')}], AttributeDefinitions: [${defs.map((d) => d.AttributeName).join(', ')}]`,
  );
}

function checkProjection(p: IndexInput['Projection']): IndexProjection {
  const type = p.ProjectionType;
  if (type === undefined) throw invalidParameter('Unknown ProjectionType: null');
  if (type === 'INCLUDE') {
    if (p.NonKeyAttributes === undefined) throw invalidParameter('ProjectionType is INCLUDE, but NonKeyAttributes is not specified');
    const seen = new Set<string>();
    for (const a of p.NonKeyAttributes) {
      if (seen.has(a)) throw invalidParameter(`Duplicate element in NonKeyAttributes: ${a}`);
      seen.add(a);
    }
    return { type: 'INCLUDE', nonKeyAttributes: [...p.NonKeyAttributes] };
  }
  if (p.NonKeyAttributes !== undefined) throw invalidParameter(`ProjectionType is ${type}, but NonKeyAttributes is specified`);
  return { type: type as 'ALL' | 'KEYS_ONLY' };
}

function copyKeys(keys: readonly KeySchemaElement[]): KeySchemaElement[] {
  return keys.map((k) => ({ AttributeName: k.AttributeName, KeyType: k.KeyType }));
}

/** One GSI definition (CreateTable or UpdateTable Create) against the table's billing mode. */
export function checkGlobalIndex(
  g: IndexInput,
  defs: readonly AttributeDefinition[],
  billingMode: 'PROVISIONED' | 'PAY_PER_REQUEST',
  operation: 'CreateTable' | 'UpdateTable',
): IndexMeta {
  checkGlobalKeySchema(g.KeySchema);
  checkDefined(g.KeySchema, defs);
  const projection = checkProjection(g.Projection);
  const tp = g.ProvisionedThroughput;
  if (billingMode === 'PAY_PER_REQUEST' && tp) {
    throw invalidParameter(
      operation === 'CreateTable'
        ? `ProvisionedThroughput should not be specified for index: ${g.IndexName} when BillingMode is PAY_PER_REQUEST`
        : `Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for index: ${g.IndexName} when BillingMode is PAY_PER_REQUEST`,
    );
  }
  if (billingMode === 'PROVISIONED' && !tp) {
    throw invalidParameter(
      operation === 'CreateTable' ? `ProvisionedThroughput is not specified for index: ${g.IndexName}` : `ProvisionedThroughput must be specified for index: ${g.IndexName}`,
    );
  }
  const meta: IndexMeta = { name: g.IndexName, kind: 'GSI', keySchema: copyKeys(g.KeySchema), projection, status: 'ACTIVE' };
  if (tp) {
    meta.read = tp.ReadCapacityUnits;
    meta.write = tp.WriteCapacityUnits;
  }
  meta.decreasesToday = 0;
  return meta;
}

export function projectedAttributeCount(indexes: readonly { projection: IndexProjection }[]): number {
  let n = 0;
  for (const i of indexes) n += i.projection.nonKeyAttributes?.length ?? 0;
  return n;
}

export function checkProjectedAttributeTotal(indexes: readonly { projection: IndexProjection }[]): void {
  const n = projectedAttributeCount(indexes);
  if (n > MAX_PROJECTED_ATTRIBUTES) {
    throw invalidParameter(`Number of projected attributes in all indexes exceeds limit of ${MAX_PROJECTED_ATTRIBUTES}, number of projected attributes: ${n}`);
  }
}

/**
 * CreateTable's LocalSecondaryIndexes and GlobalSecondaryIndexes, after the table's own key
 * schema and attribute definitions passed their checks. Returns the indexes' meta (LSIs first).
 */
export function checkCreateTableIndexes(
  tableKeys: readonly KeySchemaElement[],
  defs: readonly AttributeDefinition[],
  billingMode: 'PROVISIONED' | 'PAY_PER_REQUEST',
  lsis: IndexInput[] | undefined,
  gsis: IndexInput[] | undefined,
): IndexMeta[] {
  if (gsis !== undefined && gsis.length === 0) throw invalidParameter('List of GlobalSecondaryIndexes is empty');
  if (lsis !== undefined && lsis.length === 0) throw invalidParameter('List of LocalSecondaryIndexes is empty');
  const out: { kind: IndexKind; meta: IndexMeta }[] = [];
  for (const g of gsis ?? []) out.push({ kind: 'GSI', meta: checkGlobalIndex(g, defs, billingMode, 'CreateTable') });
  if (lsis !== undefined) {
    const tableHash = tableKeys[0].AttributeName;
    if (tableKeys.length < 2) throw invalidParameter('Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex');
    for (const l of lsis) {
      checkKeySchemaShape(l.KeySchema);
      checkDefined(l.KeySchema, defs);
      if (l.KeySchema.length < 2) throw invalidParameter(`Index KeySchema does not have a range key for index: ${l.IndexName}`);
      if (l.KeySchema[0].AttributeName !== tableHash) {
        throw invalidParameter(
          `Index KeySchema does not have the same leading hash key as table KeySchema for index: ${l.IndexName}. index hash key: ${l.KeySchema[0].AttributeName}, table hash key: ${tableHash}`,
        );
      }
      const projection = checkProjection(l.Projection);
      out.push({ kind: 'LSI', meta: { name: l.IndexName, kind: 'LSI', keySchema: copyKeys(l.KeySchema), projection, status: 'ACTIVE' } });
    }
  }
  const names = new Set<string>();
  for (const { meta } of out) {
    if (names.has(meta.name)) throw invalidParameter(`Duplicate index name: ${meta.name}`);
    names.add(meta.name);
  }
  if ((lsis?.length ?? 0) > MAX_LSIS) throw invalidParameter(`Number of LocalSecondaryIndexes exceeds per-table limit of ${MAX_LSIS}`);
  if ((gsis?.length ?? 0) > MAX_GSIS) throw invalidParameter(`GlobalSecondaryIndex count exceeds the per-table limit of ${MAX_GSIS}`);
  const metas = [...out.filter((o) => o.kind === 'LSI'), ...out.filter((o) => o.kind === 'GSI')].map((o) => o.meta);
  checkProjectedAttributeTotal(metas);
  // Every attribute definition must be a key of the table or of an index.
  const used = new Set(tableKeys.map((k) => k.AttributeName));
  for (const m of metas) for (const k of m.keySchema) used.add(k.AttributeName);
  if (defs.some((d) => !used.has(d.AttributeName))) {
    throw invalidParameter(
      `Some AttributeDefinitions are not used. AttributeDefinitions: [${defs.map((d) => d.AttributeName).join(', ')}], keys used: [${[...used].join(', ')}]`,
    );
  }
  return metas;
}

/** The attribute definitions the table's and its indexes' key schemas use, in `defs` order. */
export function usedDefinitions(defs: readonly AttributeDefinition[], keySchemas: readonly (readonly KeySchemaElement[])[]): AttributeDefinition[] {
  const used = new Set<string>();
  for (const ks of keySchemas) for (const k of ks) used.add(k.AttributeName);
  return defs.filter((d) => used.has(d.AttributeName));
}
