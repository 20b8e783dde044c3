import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMPTY_DRAFT, draftToCreateTable, validateDraft, type TableDraft } from '../../src/protocol/table-designer';

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
});
