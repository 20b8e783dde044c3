import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Database } from '../../src/engine/database';
import { EMPTY_DRAFT, draftToCreateTable, validateDraft, type IndexDraft, type TableDraft } from '../../src/protocol/table-designer';

const draft = (patch: Partial<TableDraft>): TableDraft => ({ ...structuredClone(EMPTY_DRAFT), tableName: 'Orders', ...patch });
const gsi = { kind: 'GSI' as const, name: 'byStatus', partitionKey: 'status', partitionKeyType: 'S' as const, sortKey: '', sortKeyType: 'S' as const, projection: 'ALL' as const, nonKeyAttributes: '', readCapacity: '5', writeCapacity: '5' };

describe('create-table form', () => {
  it('accepts a minimal on-demand table', () => {
    assert.deepEqual(validateDraft(draft({})), []);
    assert.deepEqual(draftToCreateTable(draft({})), {
      TableName: 'Orders', BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    });
  });

  it('finds the problems DynamoDB would report', () => {
    const fields = (d: TableDraft) => validateDraft(d).map((p) => p.field);
    assert.deepEqual(fields(draft({ tableName: 'ab' })), ['tableName']);
    assert.deepEqual(fields(draft({ sortKey: 'pk' })), ['sortKey']);
    assert.deepEqual(fields(draft({ billingMode: 'PROVISIONED', readCapacity: '0', writeCapacity: 'x' })), ['readCapacity', 'writeCapacity']);
    assert.deepEqual(fields(draft({ indexes: [{ ...gsi, kind: 'LSI', partitionKey: 'pk', sortKey: 'x' }] })), ['indexes.0.kind']);
    assert.deepEqual(fields(draft({ indexes: [gsi, { ...gsi }] })), ['indexes.1.name']);
    assert.deepEqual(fields(draft({ indexes: [{ ...gsi, partitionKey: 'pk', partitionKeyType: 'N' }] })), ['indexes.0.partitionKeyType']);
    assert.deepEqual(fields(draft({ indexes: [{ ...gsi, projection: 'INCLUDE' }] })), ['indexes.0.nonKeyAttributes']);
  });

  it('builds indexes, throughput and streams', () => {
    const input = draftToCreateTable(draft({
      sortKey: 'sk', sortKeyType: 'N', billingMode: 'PROVISIONED', readCapacity: '3', writeCapacity: '4', stream: 'NEW_AND_OLD_IMAGES',
      indexes: [
        { ...gsi, sortKey: 'total', sortKeyType: 'N', projection: 'INCLUDE', nonKeyAttributes: 'a, b' },
        { ...gsi, kind: 'LSI', name: 'byDate', partitionKey: 'pk', sortKey: 'date', projection: 'KEYS_ONLY' },
      ],
    }));
    assert.deepEqual(input.ProvisionedThroughput, { ReadCapacityUnits: 3, WriteCapacityUnits: 4 });
    assert.deepEqual(input.StreamSpecification, { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    assert.deepEqual(input.GlobalSecondaryIndexes, [{
      IndexName: 'byStatus',
      KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }, { AttributeName: 'total', KeyType: 'RANGE' }],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['a', 'b'] },
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    }]);
    assert.deepEqual((input.LocalSecondaryIndexes as { Projection: unknown }[])[0]!.Projection, { ProjectionType: 'KEYS_ONLY' });
    assert.deepEqual(input.AttributeDefinitions, [
      { AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' },
      { AttributeName: 'status', AttributeType: 'S' }, { AttributeName: 'total', AttributeType: 'N' }, { AttributeName: 'date', AttributeType: 'S' },
    ]);
  });

  it('builds a GSI whose key parts list several attributes, in order, each of the part\'s type, which the engine creates', async () => {
    const ix = { ...gsi, name: 'byTenantRegion', partitionKey: 'tenant, region', sortKey: 'day,seq', sortKeyType: 'N' as const };
    assert.deepEqual(validateDraft(draft({ indexes: [ix] })), []);
    const input = draftToCreateTable(draft({ indexes: [ix] }));
    assert.deepEqual((input.GlobalSecondaryIndexes as { KeySchema: unknown }[])[0]!.KeySchema, [
      { AttributeName: 'tenant', KeyType: 'HASH' }, { AttributeName: 'region', KeyType: 'HASH' },
      { AttributeName: 'day', KeyType: 'RANGE' }, { AttributeName: 'seq', KeyType: 'RANGE' },
    ]);
    assert.deepEqual(input.AttributeDefinitions, [
      { AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'tenant', AttributeType: 'S' }, { AttributeName: 'region', AttributeType: 'S' },
      { AttributeName: 'day', AttributeType: 'N' }, { AttributeName: 'seq', AttributeType: 'N' },
    ]);
    const db = await Database.open('', { inMemory: true, throttling: false });
    await db.execute('CreateTable', input);
    const described = (await db.execute('DescribeTable', { TableName: 'Orders' })) as { Table: { GlobalSecondaryIndexes: { KeySchema: unknown }[] } };
    assert.deepEqual(described.Table.GlobalSecondaryIndexes[0]!.KeySchema, (input.GlobalSecondaryIndexes as { KeySchema: unknown }[])[0]!.KeySchema);
    await db.close();
  });

  it('refuses a GSI key part of more than four attributes, an attribute twice in one key, and a type clash inside a part', () => {
    const problems = (patch: Partial<IndexDraft>) => validateDraft(draft({ indexes: [{ ...gsi, ...patch }] })).map((p) => `${p.field}: ${p.message}`);
    assert.deepEqual(problems({ partitionKey: 'a, b, c, d, e' }), ['indexes.0.partitionKey: A partition key has at most 4 attributes']);
    assert.deepEqual(problems({ partitionKey: 'a, b', sortKey: 'b' }), ['indexes.0.sortKey: b appears more than once in the index key']);
    assert.deepEqual(problems({ partitionKey: 'a, pk', partitionKeyType: 'N' }), ['indexes.0.partitionKeyType: pk is already defined as S']);
  });
});
