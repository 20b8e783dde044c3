// The request code generators and views as pure functions: what they refuse, how they quote, where
// they find attribute values, how expressions read substituted, and what the items panel is given.
// (request-code-run.test.ts runs the generated code itself against the real endpoint.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  RequestCodeError,
  awsCliCommand,
  boto3Code,
  itemsPanelTarget,
  kebabCase,
  plainText,
  plainView,
  replayInput,
  sdkV3Code,
  shellQuote,
  snakeCase,
  substituted,
} from '../../src/protocol/request-code';
import type { RequestRecord } from '../../src/protocol/request-record';
import { substituteStatement } from '../../src/protocol/request-expressions';
import { substitute } from '../../src/protocol/request-summary';
import { LosslessNumber } from '../../src/protocol/dynamo-json';

const TARGET = { endpoint: 'http://127.0.0.1:8000', region: 'eu-west-1' };

function record(operation: string, request: unknown, extra: Partial<RequestRecord> = {}): RequestRecord {
  return { id: 7, time: 0, durationMs: 1, target: 'DynamoDB_20120810', operation, summary: '', status: 'ok', httpStatus: 200, requestBytes: 100, responseBytes: 0, client: { explorer: false }, request, ...extra };
}

test('a truncated request is refused by every generator and by replay, with the reason in the message', () => {
  const r = record('PutItem', { TableName: 't' }, { requestTruncated: true, requestBytes: 400_000 });
  for (const make of [() => sdkV3Code(r, TARGET), () => boto3Code(r, TARGET), () => awsCliCommand(r, TARGET), () => replayInput(r), () => itemsPanelTarget(r)])
    assert.throws(make, (e: unknown) => e instanceof RequestCodeError && /400000 bytes, more than the inspector keeps/.test(e.message));
});

test('a record kept without its body is refused, saying that bodies were not recorded', () => {
  assert.throws(() => sdkV3Code(record('GetItem', undefined), TARGET), /not recorded/);
});

test('an operation name that is not one (it would be pasted into code) is refused', () => {
  assert.throws(() => boto3Code(record('Get Item(); import os', {}), TARGET), /is not an operation name/);
});

test('operation names become boto3 methods and CLI subcommands', () => {
  assert.equal(snakeCase('BatchGetItem'), 'batch_get_item');
  assert.equal(snakeCase('DescribeTimeToLive'), 'describe_time_to_live');
  assert.equal(kebabCase('ExecuteStatement'), 'execute-statement');
  assert.equal(kebabCase('GetRecords'), 'get-records');
});

test('shell quoting keeps a single quote inside quoted text and leaves safe words bare', () => {
  assert.equal(shellQuote('us-east-1'), 'us-east-1');
  assert.equal(shellQuote(`it's $HOME`), `'it'\\''s $HOME'`);
});

test('SDK code imports the command, defines the bytes helper only when a binary is sent, and holds no credentials', () => {
  const plain = sdkV3Code(record('GetItem', { TableName: 't', Key: { pk: { S: 'a' } } }), TARGET);
  assert.match(plain, /import \{ DynamoDBClient, GetItemCommand \} from '@aws-sdk\/client-dynamodb';/);
  assert.match(plain, /endpoint: "http:\/\/127.0.0.1:8000", region: "eu-west-1"/);
  assert.doesNotMatch(plain, /bytes|credentials:|accessKeyId/);
  const binary = sdkV3Code(record('PutItem', { TableName: 't', Item: { b: { B: 'AAE=' }, bs: { BS: ['Ag=='] } } }), TARGET);
  assert.match(binary, /B: bytes\("AAE="\)/);
  assert.match(binary, /BS: \[\n\s+bytes\("Ag=="\)/);
});

test('Streams records become code for the Streams client and service', () => {
  const r = record('GetRecords', { ShardIterator: 'it' }, { target: 'DynamoDBStreams_20120810' });
  assert.match(sdkV3Code(r, TARGET), /import \{ DynamoDBStreamsClient, GetRecordsCommand \} from '@aws-sdk\/client-dynamodb-streams'/);
  assert.match(boto3Code(r, TARGET), /boto3.client\("dynamodbstreams"/);
  assert.match(awsCliCommand(r, TARGET), /^aws dynamodbstreams get-records /);
});

test('a table named like a request field keeps its binary values found by position, not by name', () => {
  const r = record('BatchWriteItem', { RequestItems: { Item: [{ PutRequest: { Item: { Value: { B: 'AAE=' } } } }] } });
  assert.match(boto3Code(r, TARGET), /"Value": \{\n\s+"B": b'\\x00\\x01'/);
});

test('boto3 code writes bytes as Python bytes literals, escaping quotes and backslashes', () => {
  const code = boto3Code(record('PutItem', { TableName: 't', Item: { b: { B: Buffer.from("a'\\\x7f").toString('base64') } } }), TARGET);
  assert.match(code, /"B": b'a\\'\\\\\\x7f'/);
  assert.match(code, /client.put_item\(\n    TableName="t",/);
});

test('the CLI v1 command sends a binary as its UTF-8 text and refuses bytes that are not text, pointing to v2', () => {
  const text = record('PutItem', { TableName: 't', Item: { b: { B: Buffer.from('✓').toString('base64') } } });
  assert.match(awsCliCommand(text, TARGET), /"B": "✓"/);
  const bytes = record('PutItem', { TableName: 't', Item: { b: { B: 'gA==' } } });
  assert.throws(() => awsCliCommand(bytes, TARGET), /not UTF-8 text.*CLI v2/);
  const v2 = awsCliCommand(bytes, { ...TARGET, cli: 2 });
  assert.match(v2, /--cli-binary-format base64/);
  assert.match(v2, /"B": "gA=="/);
});

test('expressions read with names and values substituted, strings quoted and numbers bare', () => {
  const exprs = substituted(
    record('Query', {
      TableName: 't',
      KeyConditionExpression: '#p = :p AND #s BETWEEN :lo AND :hi',
      FilterExpression: 'contains(#tags, :t) AND size(#odd) > :n',
      ProjectionExpression: '#p, #missing',
      ExpressionAttributeNames: { '#p': 'pk', '#s': 'sk', '#tags': 'tags', '#odd': 'odd name' },
      ExpressionAttributeValues: { ':p': { S: 'user#1' }, ':lo': { N: '10' }, ':hi': { N: '20' }, ':t': { SS: ['a'] }, ':n': { N: '3' } },
    }),
  );
  assert.deepEqual(
    exprs.map((e) => [e.where, e.text]),
    [
      ['KeyConditionExpression', 'pk = "user#1" AND sk BETWEEN 10 AND 20'],
      ['FilterExpression', 'contains(tags, ["a"]) AND size(odd name) > 3'],
      ['ProjectionExpression', 'pk, #missing'],
    ],
  );
});

test('a value placeholder that is a prefix of another is replaced whole, not in part', () => {
  assert.equal(substitute(':a = :ab', {}, { ':a': { N: '1' }, ':ab': { N: '2' } }), '1 = 2');
});

test('legacy parameters read as the expressions they stand for', () => {
  const exprs = substituted(
    record('UpdateItem', {
      TableName: 't',
      Key: { pk: { S: 'a' } },
      Expected: { v: { Value: { N: '1' } }, gone: { Exists: false }, name: { ComparisonOperator: 'BEGINS_WITH', AttributeValueList: [{ S: 'x' }] } },
      ConditionalOperator: 'OR',
      AttributeUpdates: { v: { Action: 'ADD', Value: { N: '1' } }, name: { Value: { S: 'y' } }, old: { Action: 'DELETE' } },
    }),
  );
  assert.deepEqual(
    exprs.map((e) => [e.where, e.text]),
    [
      ['Expected', 'v = 1 OR attribute_not_exists(gone) OR begins_with(name, "x")'],
      ['AttributeUpdates', 'SET name = "y" ADD v 1 REMOVE old'],
    ],
  );
  const scan = substituted(record('Scan', { TableName: 't', ScanFilter: { n: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ N: '1' }, { N: '5' }] } }, AttributesToGet: ['a', 'b'] }));
  assert.deepEqual(
    scan.map((e) => e.text),
    ['n BETWEEN 1 AND 5', 'a, b'],
  );
});

test('transaction items and PartiQL statements are substituted each with their own values', () => {
  const exprs = substituted(
    record('TransactWriteItems', {
      TransactItems: [
        { ConditionCheck: { TableName: 't', Key: {}, ConditionExpression: 'v = :v', ExpressionAttributeValues: { ':v': { N: '1' } } } },
        { Update: { TableName: 't', Key: {}, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { S: 'two' } } } },
      ],
    }),
  );
  assert.deepEqual(
    exprs.map((e) => [e.where, e.text]),
    [
      ['TransactItems[0].ConditionCheck.ConditionExpression', 'v = 1'],
      ['TransactItems[1].Update.UpdateExpression', 'SET v = "two"'],
    ],
  );
  assert.equal(substituteStatement(`SELECT * FROM "t" WHERE a = ? AND b = '?' AND c = ?`, [{ S: 'x' }, { N: '2' }]), `SELECT * FROM "t" WHERE a = "x" AND b = '?' AND c = 2`);
});

test('the plain view turns attribute values into plain JSON in requests and responses, leaving the rest', () => {
  const view = plainView({
    Items: [{ n: { N: '12345678901234567890' }, s: { SS: ['a'] }, m: { M: { b: { BOOL: true } } } }],
    Count: 1,
    Responses: { Item: [{ k: { S: 'v' } }] },
    ConsumedCapacity: { GlobalSecondaryIndexes: { Item: { CapacityUnits: 1 } } },
  }) as any;
  assert.ok(view.Items[0].n instanceof LosslessNumber);
  assert.equal(view.Items[0].n.text, '12345678901234567890');
  assert.deepEqual(view.Items[0].s, ['a']);
  assert.deepEqual(view.Items[0].m, { b: true });
  assert.equal(view.Count, 1);
  assert.deepEqual(view.Responses, { Item: [{ k: 'v' }] });
  assert.deepEqual(view.ConsumedCapacity, { GlobalSecondaryIndexes: { Item: { CapacityUnits: 1 } } });
});

test('the plain view as text prints a number beyond a double exactly', () => {
  assert.equal(plainText({ Item: { n: { N: '12345678901234567890.123' } }, Count: 1 }), '{\n  "Item": {\n    "n": 12345678901234567890.123\n  },\n  "Count": 1\n}');
});

test('replay gives the operation and a copy of the input, so changing it leaves the record as it was', () => {
  const request = { TableName: 't', Key: { pk: { S: 'a' } } };
  const r = record('GetItem', request);
  const replay = replayInput(r);
  assert.deepEqual(replay, { operation: 'GetItem', streams: false, input: request });
  (replay.input.Key as any).pk.S = 'changed';
  assert.equal(request.Key.pk.S, 'a');
});

test('the items panel opens the key of a single-item request, and the item itself for PutItem', () => {
  assert.deepEqual(itemsPanelTarget(record('DeleteItem', { TableName: 't', Key: { pk: { S: 'a' } } })), { kind: 'item', tableName: 't', openEditor: { mode: 'edit', item: { pk: { S: 'a' } } } });
  assert.deepEqual(itemsPanelTarget(record('PutItem', { TableName: 't', Item: { pk: { S: 'a' }, v: { N: '1' } } }))?.kind, 'item');
  assert.equal(itemsPanelTarget(record('TransactWriteItems', { TransactItems: [] })), undefined);
});

test('the items panel runs a Query as a raw-expression query on its index, in its order and page size', () => {
  const t = itemsPanelTarget(
    record('Query', {
      TableName: 't',
      IndexName: 'byStatus',
      KeyConditionExpression: '#s = :s',
      FilterExpression: 'n > :n',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': { S: 'open' }, ':n': { N: '1' } },
      ScanIndexForward: false,
      Limit: 25,
    }),
  );
  assert.ok(t?.kind === 'query');
  assert.equal(t.tableName, 't');
  assert.deepEqual(t.spec, {
    mode: 'query',
    indexName: 'byStatus',
    descending: true,
    filters: [],
    pageSize: 25,
    raw: { keyConditionExpression: '#s = :s', filterExpression: 'n > :n', names: JSON.stringify({ '#s': 'status' }, null, 2), values: JSON.stringify({ ':s': { S: 'open' }, ':n': { N: '1' } }, null, 2) },
  });
});

test('a legacy Scan filter becomes a raw filter expression whose placeholders cannot clash with the request own', () => {
  const t = itemsPanelTarget(record('Scan', { TableName: 't', ScanFilter: { a: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'x' }] } } }), 40);
  assert.ok(t?.kind === 'query');
  assert.equal(t.spec.mode, 'scan');
  assert.equal(t.spec.pageSize, 40);
  assert.equal(t.spec.raw?.filterExpression, '#legacy_n0 = :legacy_v0');
  assert.deepEqual(JSON.parse(t.spec.raw!.names!), { '#legacy_n0': 'a' });
  assert.deepEqual(JSON.parse(t.spec.raw!.values!), { ':legacy_v0': { S: 'x' } });
});
