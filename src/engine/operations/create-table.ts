import type { Operation } from './operation';
import type { Database } from '../database';
import { invalidParameter, validation } from '../errors';
import { refuseNameTaken } from '../backups/restore';
import type { AttributeDefinition, KeySchemaElement, TableMeta } from '../table';
import { ATTRIBUTE_DEFINITIONS, BILLING_MODE, KEY_SCHEMA, OPAQUE_STRUCTURE, PROVISIONED_THROUGHPUT, TABLE_CLASS, TABLE_NAME, required } from '../validation/members';
import { checkThroughputQuotas } from '../capacity/quotas';
import { GLOBAL_SECONDARY_INDEXES, LOCAL_SECONDARY_INDEXES, checkCreateTableIndexes, type IndexInput } from '../indexes';
import { TAG_LIST, checkTags, withTags, type Tag } from '../tags';
import { STREAM_SPECIFICATION, checkStreamSpecification, streamsAfter, type StreamSpecificationInput } from '../streams/specification';

export interface CreateTableInput {
  TableName: string;
  KeySchema: KeySchemaElement[];
  AttributeDefinitions: AttributeDefinition[];
  BillingMode?: 'PROVISIONED' | 'PAY_PER_REQUEST';
  ProvisionedThroughput?: { ReadCapacityUnits: number; WriteCapacityUnits: number };
  LocalSecondaryIndexes?: IndexInput[];
  GlobalSecondaryIndexes?: IndexInput[];
  TableClass?: 'STANDARD' | 'STANDARD_INFREQUENT_ACCESS';
  DeletionProtectionEnabled?: boolean;
  StreamSpecification?: StreamSpecificationInput;
  Tags?: Tag[];
}

export const createTable: Operation<CreateTableInput> = {
  name: 'CreateTable',
  members: {
    TableName: TABLE_NAME,
    KeySchema: KEY_SCHEMA,
    AttributeDefinitions: required(ATTRIBUTE_DEFINITIONS),
    BillingMode: BILLING_MODE,
    ProvisionedThroughput: PROVISIONED_THROUGHPUT,
    GlobalSecondaryIndexes: GLOBAL_SECONDARY_INDEXES,
    LocalSecondaryIndexes: LOCAL_SECONDARY_INDEXES,
    StreamSpecification: STREAM_SPECIFICATION,
    SSESpecification: OPAQUE_STRUCTURE,
    Tags: TAG_LIST,
    TableClass: TABLE_CLASS,
    DeletionProtectionEnabled: { type: 'boolean' },
  },
  run(db, input) {
    const meta = newTableMeta(db, input);
    refuseNameTaken(db, input.TableName);
    return db.commit([{ kind: 'createTable', tableId: meta.id, meta }]).then(() => ({
      TableDescription: db.table(meta.name).describe('CREATING'),
    }));
  },
};

/**
 * The metadata of the table a CreateTable request (or ImportTable's TableCreationParameters)
 * describes, with every check CreateTable makes except whether the name is free.
 */
export function newTableMeta(db: Database, input: CreateTableInput): TableMeta {
    const keys = input.KeySchema;
    if (keys[0].KeyType !== 'HASH') throw validation('Invalid KeySchema: The first KeySchemaElement is not a HASH key type');
    if (keys.length === 2) {
      if (keys[1].KeyType !== 'RANGE') throw validation('Invalid KeySchema: The second KeySchemaElement is not a RANGE key type');
      if (keys[0].AttributeName === keys[1].AttributeName) {
        throw validation('Both the Hash Key and the Range Key element in the KeySchema have the same name');
      }
    }
    const defs = input.AttributeDefinitions;
    const defined = new Set<string>();
    for (const d of defs) {
      if (defined.has(d.AttributeName)) throw invalidParameter('Cannot have two attributes with the same name');
      defined.add(d.AttributeName);
    }
    const keyNames = keys.map((k) => k.AttributeName);
    const missing = keyNames.filter((n) => !defined.has(n));
    if (missing.length > 0) {
      throw invalidParameter(
        `Some index key attributes are not defined in AttributeDefinitions. Keys: [${missing.join(', ')}], AttributeDefinitions: [${[...defined].join(', ')}]`,
      );
    }
    const withIndexes = input.LocalSecondaryIndexes != null || input.GlobalSecondaryIndexes != null;
    if (!withIndexes && defs.length !== keyNames.length) {
      throw invalidParameter(
        `Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions`,
      );
    }
    const billingMode = input.BillingMode ?? 'PROVISIONED';
    const indexes = withIndexes
      ? checkCreateTableIndexes(keys, defs, billingMode, input.LocalSecondaryIndexes ?? undefined, input.GlobalSecondaryIndexes ?? undefined)
      : undefined;
    const tp = input.ProvisionedThroughput;
    if (billingMode === 'PROVISIONED' && !tp) {
      throw invalidParameter('ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED');
    }
    if (billingMode === 'PAY_PER_REQUEST' && tp) {
      throw invalidParameter('Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST');
    }
    const meta = db.newTableMeta({
      name: input.TableName,
      keySchema: keys.map((k) => ({ AttributeName: k.AttributeName, KeyType: k.KeyType })),
      attributeDefinitions: defs.map((d) => ({ AttributeName: d.AttributeName, AttributeType: d.AttributeType })),
      billingMode,
      read: tp?.ReadCapacityUnits ?? 0,
      write: tp?.WriteCapacityUnits ?? 0,
      tableClass: input.TableClass ?? 'STANDARD',
      deletionProtection: input.DeletionProtectionEnabled ?? false,
    });
    if (indexes) meta.indexes = indexes;
    if (input.Tags != null && input.Tags.length > 0) {
      checkTags(input.Tags);
      meta.tags = withTags(undefined, input.Tags);
    }
    if (billingMode === 'PAY_PER_REQUEST') meta.lastUpdateToPayPerRequest = undefined;
    checkThroughputQuotas(db, meta, undefined);
    if (input.StreamSpecification !== undefined) {
      checkStreamSpecification(input.StreamSpecification, undefined);
      // The creating record enables the stream: its lsn is the next one.
      const streams = streamsAfter(db, meta, input.StreamSpecification, db.nextLsn);
      if (streams !== undefined) meta.streams = streams;
    }
    return meta;
}
