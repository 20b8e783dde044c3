// The inspector's Copy as code: refuses what it cannot reproduce, and hands each kind to its generator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestRecord } from '../../src/protocol/request-record';
import { requestCode } from '../../src/protocol/inspector-code';

const base: RequestRecord = {
  id: 1,
  time: 0,
  durationMs: 1,
  target: 'DynamoDB_20120810',
  operation: 'GetItem',
  table: 'Orders',
  summary: '',
  status: 'ok',
  httpStatus: 200,
  requestBytes: 1,
  responseBytes: 1,
  client: { explorer: false },
  request: { TableName: 'Orders', Key: { orderId: { S: 'o1' } } },
};

test('a request recorded without its body, or cut short, or with no endpoint to run against, is refused with the reason', () => {
  assert.throws(() => requestCode({ ...base, request: undefined }, 'sdk-v3', 'http://127.0.0.1:1'), /without its body/);
  assert.throws(() => requestCode({ ...base, requestTruncated: true }, 'boto3', 'http://127.0.0.1:1'), /larger than the recorder keeps/);
  assert.throws(() => requestCode(base, 'cli', undefined), /endpoint is not running/);
});

test('each kind is the code of its tool, aimed at the endpoint', () => {
  const endpoint = 'http://127.0.0.1:4567';
  assert.match(requestCode(base, 'sdk-v3', endpoint), /GetItemCommand[\s\S]*127\.0\.0\.1:4567/);
  assert.match(requestCode(base, 'boto3', endpoint), /get_item/);
  assert.match(requestCode(base, 'cli', endpoint), /^aws dynamodb get-item[\s\S]*--endpoint-url/);
});
