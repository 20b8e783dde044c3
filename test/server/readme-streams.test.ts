// The README's DynamoDB Streams consumer snippet, run as written (only the endpoint URL and the
// stream ARN filled in) as an ES module against a real endpoint: what a user copies must read the
// stream of a workspace table with the AWS SDK. It is imported in this process (its console.log
// captured), since the endpoint it talks to lives in this process's event loop.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateTableCommand, DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { openEndpoint, type Endpoint } from './streams-harness';

const ROOT = path.resolve(__dirname, '../..');
const README_URL = 'http://127.0.0.1:8000';
const ARN_PLACEHOLDER = "'<LatestStreamArn from DescribeTable>'";

/** The `js` block of the README's "DynamoDB Streams" section. */
function snippet(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## DynamoDB Streams');
  assert.ok(start >= 0, 'README has a "DynamoDB Streams" section');
  const end = readme.indexOf('\n## ', start + 1);
  const m = /```js\n([\s\S]*?)```/.exec(readme.slice(start, end < 0 ? undefined : end));
  assert.ok(m, 'the section has a js snippet');
  return m[1]!;
}

let e: Endpoint;
// Inside the repository (test-artifacts/ is ignored), so the snippet's imports resolve to node_modules.
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
fs.mkdirSync(ARTIFACTS, { recursive: true });
const dir = fs.mkdtempSync(path.join(ARTIFACTS, 'readme-streams-'));
before(async () => {
  e = await openEndpoint('', { inMemory: true });
});
after(async () => {
  await e.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the README Streams snippet, run as written, prints each change of the table in order', async () => {
  const arn = (
    await e.ddb.send(
      new CreateTableCommand({
        TableName: 'readme-orders',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    )
  ).TableDescription!.LatestStreamArn!;
  await e.ddb.send(new PutItemCommand({ TableName: 'readme-orders', Item: { pk: { S: 'o1' }, n: { N: '1' } } }));
  await e.ddb.send(new PutItemCommand({ TableName: 'readme-orders', Item: { pk: { S: 'o1' }, n: { N: '2' } } }));
  await e.ddb.send(new DeleteItemCommand({ TableName: 'readme-orders', Key: { pk: { S: 'o1' } } }));

  const code = snippet();
  assert.ok(code.includes(README_URL) && code.includes(ARN_PLACEHOLDER), 'the snippet names the default endpoint and the ARN to fill in');
  const file = path.join(dir, 'consumer.mjs');
  fs.writeFileSync(file, code.replaceAll(README_URL, e.server.url).replace(ARN_PLACEHOLDER, JSON.stringify(arn)));
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  try {
    await import(pathToFileURL(file).href);
  } finally {
    console.log = log;
  }
  assert.deepEqual(
    lines.map((line) => line.split(' ')[0]),
    ['INSERT', 'MODIFY', 'REMOVE'],
  );
  assert.ok(lines.every((line) => line.includes('"o1"')), lines.join('\n'));
});
