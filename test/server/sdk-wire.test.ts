// How the AWS SDK v3 client reads what the server writes: error names, messages, modelled error
// members, faults and statuses, over a stand-in engine so every wire case can be produced.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ListTablesCommand, PutItemCommand, TagResourceCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBError } from '../../src/engine/errors';
import { startServer, type RunningServer } from '../../src/server/index';
import { sdkClient, sdkError } from './harness';

let server: RunningServer;
let client: ReturnType<typeof sdkClient>;
const seen: { operation: string; input: any }[] = [];

before(async () => {
  server = await startServer({
    port: 0,
    onInternalError: () => {},
    db: {
      async execute(operation: string, input: any): Promise<unknown> {
        seen.push({ operation, input });
        const mode = input?.TableName;
        if (operation === 'ListTables') return { TableNames: ['a', 'b'], LastEvaluatedTableName: 'b' };
        if (operation === 'TagResource') return {};
        if (operation === 'TransactWriteItems') {
          throw new DynamoDBError('TransactionCanceledException', 'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed]', {
            CancellationReasons: [{ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { pk: { S: 'x' } } }],
          });
        }
        switch (mode) {
          case 'echo':
            return { Attributes: input.Item };
          case 'crash':
            throw new Error('kaboom');
          case 'ccf':
            throw new DynamoDBError('ConditionalCheckFailedException', 'The conditional request failed', { Item: { pk: { S: 'old' }, n: { N: '1' } } });
          case 'throttle':
            throw new DynamoDBError('ProvisionedThroughputExceededException', 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.');
          case 'unknown':
            throw new DynamoDBError('UnknownOperationException', '');
          default:
            throw new DynamoDBError('ValidationException', `bad table ${mode}`);
        }
      },
    },
  });
  client = sdkClient(server.url);
});
after(async () => {
  client.destroy();
  await server.close();
});

describe('SDK view of the wire', () => {
  test('requests arrive as the SDK sent them; binary is base64 on the wire and bytes again in the SDK', async () => {
    const res = await client.send(new PutItemCommand({ TableName: 'echo', Item: { pk: { S: 'k' }, b: { B: new Uint8Array([0, 255]) }, n: { N: '1.5' } } }));
    assert.deepEqual(seen.at(-1), { operation: 'PutItem', input: { TableName: 'echo', Item: { pk: { S: 'k' }, b: { B: 'AP8=' }, n: { N: '1.5' } } } });
    assert.deepEqual(Buffer.from(res.Attributes!.b!.B!), Buffer.from([0, 255]));
    assert.equal(res.$metadata.httpStatusCode, 200);
    assert.match(res.$metadata.requestId!, /^[0-9A-Z]{52}$/);
  });

  test('a successful answer is parsed', async () => {
    const res = await client.send(new ListTablesCommand({}));
    assert.deepEqual(res.TableNames, ['a', 'b']);
    assert.equal(res.LastEvaluatedTableName, 'b');
  });

  test('an empty-bodied answer is fine for the SDK', async () => {
    const res = await client.send(new TagResourceCommand({ ResourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/x', Tags: [{ Key: 'k', Value: 'v' }] }));
    assert.equal(res.$metadata.httpStatusCode, 200);
  });

  test('ValidationException', async () => {
    const err = await sdkError(() => client.send(new PutItemCommand({ TableName: 'nope', Item: {} })));
    assert.equal(err.name, 'ValidationException');
    assert.equal(err.message, 'bad table nope');
    assert.equal(err.$fault, 'client');
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.match(err.$metadata.requestId!, /^[0-9A-Z]{52}$/);
  });

  test('ConditionalCheckFailedException carries the old item', async () => {
    const err = await sdkError(() => client.send(new PutItemCommand({ TableName: 'ccf', Item: {} })));
    assert.equal(err.name, 'ConditionalCheckFailedException');
    assert.equal(err.message, 'The conditional request failed');
    assert.deepEqual(err.Item, { pk: { S: 'old' }, n: { N: '1' } });
  });

  test('TransactionCanceledException carries Message and CancellationReasons', async () => {
    const err = await sdkError(() => client.send(new TransactWriteItemsCommand({ TransactItems: [] })));
    assert.equal(err.name, 'TransactionCanceledException');
    assert.match(err.message, /^Transaction cancelled/);
    assert.deepEqual(err.CancellationReasons, [{ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { pk: { S: 'x' } } }]);
  });

  test('ProvisionedThroughputExceededException', async () => {
    const err = await sdkError(() => client.send(new PutItemCommand({ TableName: 'throttle', Item: {} })));
    assert.equal(err.name, 'ProvisionedThroughputExceededException');
    assert.equal(err.$metadata.httpStatusCode, 400);
  });

  test('an unexpected engine failure is InternalServerError with a server fault', async () => {
    const err = await sdkError(() => client.send(new PutItemCommand({ TableName: 'crash', Item: {} })));
    assert.equal(err.name, 'InternalServerError');
    assert.equal(err.message, 'Internal server error');
    assert.equal(err.$fault, 'server');
    assert.equal(err.$metadata.httpStatusCode, 500);
  });

  test('UnknownOperationException', async () => {
    const err = await sdkError(() => client.send(new PutItemCommand({ TableName: 'unknown', Item: {} })));
    assert.equal(err.name, 'UnknownOperationException');
    assert.equal(err.$metadata.httpStatusCode, 400);
  });

  test('a request over 16 MiB is refused with 413', async () => {
    const err = await sdkError(() => client.send(new PutItemCommand({ TableName: 'echo', Item: { pk: { S: 'k' }, big: { S: 'x'.repeat(16 * 1024 * 1024) } } })));
    assert.equal(err.$metadata.httpStatusCode, 413);
    assert.equal(err.name, 'RequestEntityTooLargeException');
    assert.equal(err.message, 'Request size exceeded 16777216 bytes');
  });
});
