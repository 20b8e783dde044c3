// The hook a request-signature verifier plugs into (issue 12, point 6 comes later): `authorize`
// sees every request that names an operation, after the access policy, with all its headers and
// its body, on both paths; what it returns (at once or through a promise) is the answer, and the
// engine never sees a refused request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../src/engine/database';
import { startServer, type AuthorizeRequest, type RunningServer } from '../../src/server/index';
import { openDatabaseWithTable } from './harness';
import { rawRequest, SIGNED } from './raw-http';

let db: Database;
let server: RunningServer;
const seen: AuthorizeRequest[] = [];

before(async () => {
  db = await openDatabaseWithTable('guarded');
  server = await startServer({
    db,
    port: 0,
    authorize(request) {
      seen.push(request);
      const key = request.headers.raw.find((_, i, raw) => i % 2 === 1 && raw[i - 1]!.toLowerCase() === 'x-test-key');
      const verdict = key === 'good' || key === 'good-later' ? undefined : UNRECOGNIZED;
      // A verifier may decide asynchronously (the AWS SDK's signer returns promises).
      return key?.endsWith('-later') ? new Promise((resolve) => setTimeout(() => resolve(verdict), 10)) : verdict;
    },
  });
});
after(async () => {
  await server.close(100);
  await db.close();
});

const PUT = '{"TableName":"guarded","Item":{"pk":{"S":"k"}}}';
const UNRECOGNIZED = {
  status: 400,
  wireType: 'com.amazon.coral.service#UnrecognizedClientException',
  name: 'UnrecognizedClientException',
  message: 'The security token included in the request is invalid.',
};

for (const [chunked, later] of [[false, false], [true, false], [false, true], [true, true]] as const) {
  const path = `${chunked ? 'node:http' : 'the fast lane'}${later ? ', deciding asynchronously' : ''}`;
  const suffix = later ? '-later' : '';
  test(`a request the hook refuses gets its error and never reaches the engine (${path})`, async () => {
    seen.length = 0;
    const headers = { ...SIGNED, 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'DynamoDB_20120810.PutItem', 'X-Test-Key': 'bad' + suffix };
    const res = await rawRequest(server.url, { headers, body: PUT, chunked });
    assert.equal(res.status, 400);
    assert.deepEqual(res.json(), { __type: 'com.amazon.coral.service#UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.body.toString('utf8'), PUT);
    assert.equal(seen[0]!.method, 'POST');
    assert.equal(seen[0]!.url, '/');
    const scan = (await db.execute('Scan', { TableName: 'guarded' })) as { Count: number };
    assert.equal(scan.Count, 0);
  });

  test(`a request the hook accepts runs (${path})`, async () => {
    const headers = { ...SIGNED, 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'DynamoDB_20120810.GetItem', 'X-Test-Key': 'good' + suffix };
    const res = await rawRequest(server.url, { headers, body: '{"TableName":"guarded","Key":{"pk":{"S":"k"}}}', chunked });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), {});
  });
}
