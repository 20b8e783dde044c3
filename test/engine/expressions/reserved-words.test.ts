import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESERVED_WORDS, isReservedWord } from '../../../src/engine/expressions/reserved-words.js';
import { attributeMapsWithoutExpressions, compileExpressions } from '../../../src/engine/expressions/index.js';

test("DynamoDB's reserved words, case-insensitive", () => {
  assert.equal(RESERVED_WORDS.size, 573);
  for (const w of ['ABORT', 'status', 'Name', 'data', 'TTL', 'zone', 'size', 'convert', 'FLATTERN', 'INNTER', 'LOGED']) assert.ok(isReservedWord(w), w);
  for (const w of ['remove', 'id', 'pk', 'sk', 'email', 'price', 'statuses']) assert.ok(!isReservedWord(w), w);
  assert.throws(() => compileExpressions({ ProjectionExpression: 'id, Data' }), {
    message: 'Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: Data',
  });
});

test('names and values given without the expressions that could use them', () => {
  assert.equal(
    attributeMapsWithoutExpressions({ ExpressionAttributeNames: { '#a': 'a' } }, ['ConditionExpression']),
    'ExpressionAttributeNames can only be specified when using expressions',
  );
  assert.equal(
    attributeMapsWithoutExpressions({ ExpressionAttributeValues: { ':a': { S: 'a' } } }, ['ConditionExpression']),
    'ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null',
  );
  assert.equal(
    attributeMapsWithoutExpressions({ ExpressionAttributeValues: { ':a': { S: 'a' } } }, ['UpdateExpression', 'ConditionExpression']),
    'ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null',
  );
  assert.equal(
    attributeMapsWithoutExpressions({ ExpressionAttributeValues: { ':a': { S: 'a' } }, ProjectionExpression: 'a' }, ['FilterExpression']),
    'ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null',
  );
  assert.equal(attributeMapsWithoutExpressions({ ExpressionAttributeNames: { '#a': 'a' }, ProjectionExpression: '#a' }, ['FilterExpression']), undefined);
  assert.equal(attributeMapsWithoutExpressions({ ExpressionAttributeValues: { ':a': { S: 'a' } }, KeyConditionExpression: 'a = :a' }, ['FilterExpression', 'KeyConditionExpression']), undefined);
});
