// The HTTP protocol layer on its own, over a stand-in engine: framing, routing, error bodies,
// limits, headers. The real Database is exercised through the SDK suites.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { crc32, gzipSync } from 'node:zlib';
import { DynamoDBError } from '../../src/engine/errors';
import { startServer, type Engine, type RunningServer } from '../../src/server/index';
import { MAX_REQUEST_BYTES } from '../../src/server/limits';
import { post, rawRequest, SIGNED, type RawResponse } from './raw-http';

const T = 'DynamoDB_20120810.';
const REQUEST_ID = /^[0-9A-Z]{52}$/;

const internalErrors: unknown[] = [];
const fakeEngine: Engine = {
  execute(operation: string, input: any): Promise<unknown> {
    switch (operation) {
      case 'ListTables':
        return Promise.resolve({ TableNames: [] });
      case 'Echo':
        return Promise.resolve(input);
      case 'Invalid':
        return Promise.reject(new DynamoDBError('ValidationException', 'One or more parameter values were invalid: bad'));
      case 'Missing':
        return Promise.reject(new DynamoDBError('ResourceNotFoundException', 'Requested resource not found'));
      case 'Cancel':
        return Promise.reject(
          new DynamoDBError('TransactionCanceledException', 'Transaction cancelled, please refer cancellation reasons for specific reasons [None]', {
            CancellationReasons: [{ Code: 'None' }],
          }),
        );
      case 'Throttle':
        return Promise.reject(new DynamoDBError('InternalServerError', 'Internal server error'));
      case 'Boom':
        return Promise.reject(new Error('boom'));
      case 'BoomSync':
        throw new TypeError('sync boom');
      case 'Circular': {
        const o: any = {};
        o.self = o;
        return Promise.resolve(o);
      }
      case 'TagResource':
        return Promise.resolve({});
      case 'Nothing':
        return Promise.resolve(undefined);
      case 'Slow':
        return new Promise((r) => setTimeout(() => r({ slow: true }), 300));
      default:
        return Promise.reject(new DynamoDBError('UnknownOperationException', `Unknown operation: ${operation}`));
    }
  },
};

let server: RunningServer;
let url: string;

function assertCrc(res: RawResponse): void {
  assert.equal(res.headers['x-amz-crc32'], String(crc32(res.body)));
  assert.equal(res.headers['content-length'], String(res.body.length));
  assert.match(String(res.headers['x-amzn-requestid']), REQUEST_ID);
}

before(async () => {
  server = await startServer({ db: fakeEngine, port: 0, onInternalError: (err) => internalErrors.push(err) });
  url = server.url;
});
after(async () => {
  await server.close();
});

describe('listening', () => {
  test('binds 127.0.0.1 by default and reports its URL', () => {
    assert.equal(server.host, '127.0.0.1');
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((server.server.address() as { address: string }).address, '127.0.0.1');
  });
});

describe('health and other methods', () => {
  test('GET / answers like DynamoDB', async () => {
    const res = await rawRequest(url, { method: 'GET' });
    assert.equal(res.status, 200);
    assert.equal(res.text, 'healthy: dynamodb.us-east-1.amazonaws.com ');
    assert.equal(res.headers['x-amz-crc32'], '3128867991'); // DynamoDB's own value for that body
    assertCrc(res);
  });

  for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
    test(`${method} is 404 <UnknownOperationException/>`, async () => {
      const res = await rawRequest(url, { method, headers: SIGNED });
      assert.equal(res.status, 404);
      assert.equal(res.text, '<UnknownOperationException/>\n');
      assert.equal(res.headers['x-amz-crc32'], '3552371480');
      assertCrc(res);
    });
  }

  test('a body without a JSON content type is 404', async () => {
    for (const contentType of [undefined, 'text/plain', 'application/jsonx', 'whatever']) {
      const headers: Record<string, string> = { ...SIGNED, 'X-Amz-Target': T + 'ListTables' };
      if (contentType) headers['Content-Type'] = contentType;
      const res = await rawRequest(url, { headers, body: '{}' });
      assert.equal(res.status, 404, String(contentType));
      assert.equal(res.text, '<UnknownOperationException/>\n');
    }
  });

  test('a request from a web page (Origin) gets 403 AccessDeniedException and no CORS grant by default', async () => {
    const res = await post(url, T + 'ListTables', '{}', { Origin: 'http://example.test' });
    assert.equal(res.status, 403);
    assert.equal(res.json().__type, 'com.amazon.coral.service#AccessDeniedException');
    assert.match(res.json().message, /Origin 'http:\/\/example\.test' is not allowed.*--allow-origin/);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    const pre = await rawRequest(url, {
      method: 'OPTIONS',
      headers: { Origin: 'http://example.test', 'Access-Control-Request-Headers': 'a, b', 'Access-Control-Request-Method': 'POST' },
    });
    assert.equal(pre.status, 403);
    assert.equal(pre.headers['access-control-allow-origin'], undefined);
    assert.equal(pre.headers['access-control-allow-methods'], undefined);
  });
});

describe('content types', () => {
  test('application/x-amz-json-1.0 is answered in kind, with CRC and request id', async () => {
    const res = await post(url, T + 'ListTables', '{}');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/x-amz-json-1.0');
    assert.equal(res.text, '{"TableNames":[]}');
    assert.equal(res.headers['x-amz-crc32'], '1315925753'); // what DynamoDB sends for that body
    assertCrc(res);
  });

  test('application/x-amz-json-1.1, application/json and parameters are accepted', async () => {
    for (const [sent, answered] of [
      ['application/x-amz-json-1.1', 'application/x-amz-json-1.1'],
      ['application/json', 'application/json'],
      ['application/json; charset=utf-8', 'application/json'],
      ['  Application/X-Amz-JSON-1.0 ; whatever', 'application/x-amz-json-1.0'],
    ]) {
      const res = await post(url, T + 'ListTables', '{}', { 'Content-Type': sent! });
      assert.equal(res.status, 200, sent);
      assert.equal(res.headers['content-type'], answered);
    }
  });

  test('request ids are unique', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) ids.add(String((await post(url, T + 'ListTables', '{}')).headers['x-amzn-requestid']));
    assert.equal(ids.size, 20);
  });
});

describe('request bodies', () => {
  test('malformed JSON is SerializationException without a message', async () => {
    for (const body of ['{', '{"a":', 'habababa', '}{', '{"TableName": "t",}', '\u0000']) {
      const res = await post(url, T + 'ListTables', body);
      assert.equal(res.status, 400, body);
      assert.equal(res.text, '{"__type":"com.amazon.coral.service#SerializationException"}');
      assertCrc(res);
    }
  });

  test('a top-level list is SerializationException "Start of list found where not expected"', async () => {
    const res = await post(url, T + 'ListTables', '[{}]');
    assert.equal(res.status, 400);
    assert.deepEqual(res.json(), { __type: 'com.amazon.coral.service#SerializationException', Message: 'Start of list found where not expected' });
  });

  test('top-level scalars are SerializationException', async () => {
    for (const body of ['7', '"x"', 'true', 'null']) {
      const res = await post(url, T + 'ListTables', body);
      assert.equal(res.status, 400, body);
      assert.equal(res.json().__type, 'com.amazon.coral.service#SerializationException');
    }
  });

  test('an empty body is an empty input', async () => {
    const res = await post(url, T + 'ListTables', '');
    assert.equal(res.status, 200);
    assert.equal(res.text, '{"TableNames":[]}');
  });

  test('UTF-8 bodies round-trip, also when sent in many chunks', async () => {
    const input = { S: 'héllo wörld ✓ 𝄞 \u2028', big: 'x'.repeat(200_000) };
    const bytes = Buffer.from(JSON.stringify(input));
    const pieces: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 7_001) pieces.push(bytes.subarray(i, i + 7_001));
    for (const chunked of [false, true]) {
      const res = await rawRequest(url, {
        headers: { ...SIGNED, 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': T + 'Echo' },
        body: pieces,
        chunked,
      });
      assert.equal(res.status, 200);
      assert.deepEqual(res.json(), input);
      assertCrc(res);
    }
  });

  test('gzip-compressed bodies (Content-Encoding: gzip) are accepted', async () => {
    const input = { TableName: 't', Item: { s: { S: 'y'.repeat(10_000) } } };
    const res = await post(url, T + 'Echo', gzipSync(JSON.stringify(input)), { 'Content-Encoding': 'gzip' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), input);
    const bad = await post(url, T + 'Echo', Buffer.from('not gzip'), { 'Content-Encoding': 'gzip' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json().__type, 'com.amazon.coral.service#SerializationException');
  });

  test('a gzip body that inflates past 16 MiB is 413', async () => {
    const bomb = Buffer.alloc(MAX_REQUEST_BYTES + 10, 0x20);
    bomb.write('{}', 0);
    const res = await post(url, T + 'ListTables', gzipSync(bomb), { 'Content-Encoding': 'gzip' });
    assert.equal(res.status, 413);
    assert.equal(res.json().__type, 'com.amazon.coral.service#RequestEntityTooLargeException');
  });

  test('deeply nested JSON does not crash the server', async () => {
    const depth = 100_000;
    const res = await post(url, T + 'Echo', '{"a":' + '['.repeat(depth) + ']'.repeat(depth) + '}');
    assert.ok(res.status === 200 || res.status === 400 || res.status === 500, String(res.status));
    assert.equal((await post(url, T + 'ListTables', '{}')).status, 200);
  });
});

describe('size limit', () => {
  test('a body of exactly 16 MiB is accepted', async () => {
    const body = Buffer.alloc(MAX_REQUEST_BYTES, 0x20);
    body.write('{}', 0);
    const res = await post(url, T + 'ListTables', body);
    assert.equal(res.status, 200);
  });

  test('a Content-Length over 16 MiB is 413 and the connection stays usable', async () => {
    const body = Buffer.alloc(MAX_REQUEST_BYTES + 1, 0x20);
    body.write('{}', 0);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const res = await new Promise<{ status: number; body: string; headers: any }>((resolve, reject) => {
        const r = request(
          { host: '127.0.0.1', port: server.port, method: 'POST', agent, headers: { ...SIGNED, 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': T + 'ListTables', 'Content-Length': body.length } },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode!, body: text, headers: res.headers }));
          },
        );
        r.on('error', reject);
        r.end(body);
      });
      assert.equal(res.status, 413);
      assert.deepEqual(JSON.parse(res.body), {
        __type: 'com.amazon.coral.service#RequestEntityTooLargeException',
        message: 'Request size exceeded 16777216 bytes',
      });
      assert.equal(res.headers['x-amz-crc32'], String(crc32(Buffer.from(res.body))));
    } finally {
      agent.destroy();
    }
    assert.equal((await post(url, T + 'ListTables', '{}')).status, 200);
  });

  test('a chunked body growing over 16 MiB is 413', async () => {
    const piece = Buffer.alloc(1024 * 1024, 0x20);
    const pieces = Array.from({ length: 17 }, () => piece);
    pieces.unshift(Buffer.from('{'));
    const res = await rawRequest(url, {
      headers: { ...SIGNED, 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': T + 'ListTables' },
      body: pieces,
      chunked: true,
    });
    assert.equal(res.status, 413);
    assert.equal(res.json().__type, 'com.amazon.coral.service#RequestEntityTooLargeException');
    assert.equal((await post(url, T + 'ListTables', '{}')).status, 200);
  });
});

describe('targets', () => {
  test('a missing X-Amz-Target is UnknownOperationException without a message', async () => {
    const res = await post(url, undefined, '{}');
    assert.equal(res.status, 400);
    assert.equal(res.text, '{"__type":"com.amazon.coral.service#UnknownOperationException"}');
    assertCrc(res);
  });

  test('targets of no known service are UnknownOperationException', async () => {
    for (const target of ['whatever', 'DynamoDB_20120810', 'DynamoDB_20120810.', 'DynamoDB_20111205.ListTables', 'dynamodb_20120810.ListTables', 'DynamoDB_20120810.list-tables', 'DynamoDB_20120810.__proto__']) {
      const res = await post(url, target, '{}');
      assert.equal(res.status, 400, target);
      assert.equal(res.json().__type, 'com.amazon.coral.service#UnknownOperationException', target);
    }
  });

  test('an operation the engine does not know is its UnknownOperationException', async () => {
    const res = await post(url, T + 'ListTable', '{}');
    assert.equal(res.status, 400);
    assert.deepEqual(res.json(), { __type: 'com.amazon.coral.service#UnknownOperationException', Message: 'Unknown operation: ListTable' });
  });

  test('DynamoDBStreams targets without a streams engine are UnknownOperationException', async () => {
    const res = await post(url, 'DynamoDBStreams_20120810.ListStreams', '{}');
    assert.equal(res.status, 400);
    assert.equal(res.json().__type, 'com.amazon.coral.service#UnknownOperationException');
  });

  test('DynamoDBStreams targets go to the streams engine when there is one', async () => {
    const calls: string[] = [];
    const s = await startServer({
      port: 0,
      db: { ...fakeEngine, execute: fakeEngine.execute, streams: { execute: async (op) => (calls.push(op), { Streams: [] }) } },
    });
    try {
      const res = await post(s.url, 'DynamoDBStreams_20120810.ListStreams', '{}');
      assert.equal(res.status, 200);
      assert.equal(res.text, '{"Streams":[]}');
      assert.deepEqual(calls, ['ListStreams']);
    } finally {
      await s.close();
    }
  });

  test('a request without any authentication is MissingAuthenticationTokenException', async () => {
    const res = await rawRequest(url, { headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': T + 'ListTables' }, body: '{}' });
    assert.equal(res.status, 400);
    assert.deepEqual(res.json(), {
      __type: 'com.amazon.coral.service#MissingAuthenticationTokenException',
      message: 'Request is missing Authentication Token',
    });
  });

  test('any SigV4 Authorization header, or presigned query parameters, are accepted unverified', async () => {
    const res = await rawRequest(url, {
      headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': T + 'ListTables', Authorization: 'AWS4-HMAC-SHA256 Credential=x/y, SignedHeaders=host, Signature=bad' },
      body: '{}',
    });
    assert.equal(res.status, 200);
    const presigned = await rawRequest(url, {
      path: '/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a&X-Amz-Signature=b&X-Amz-SignedHeaders=host&X-Amz-Date=20240101T000000Z',
      headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': T + 'ListTables' },
      body: '{}',
    });
    assert.equal(presigned.status, 200);
  });
});

describe('engine errors', () => {
  test('DynamoDB errors keep their namespace, status and lower-case message', async () => {
    let res = await post(url, T + 'Invalid', '{}');
    assert.equal(res.status, 400);
    assert.deepEqual(res.json(), { __type: 'com.amazon.coral.validate#ValidationException', message: 'One or more parameter values were invalid: bad' });
    assertCrc(res);
    res = await post(url, T + 'Missing', '{}');
    assert.equal(res.status, 400);
    assert.deepEqual(res.json(), { __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException', message: 'Requested resource not found' });
  });

  test('TransactionCanceledException carries Message and its CancellationReasons', async () => {
    const res = await post(url, T + 'Cancel', '{}');
    assert.equal(res.status, 400);
    assert.deepEqual(res.json(), {
      __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
      CancellationReasons: [{ Code: 'None' }],
      Message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [None]',
    });
  });

  test('an engine InternalServerError is a 500', async () => {
    const res = await post(url, T + 'Throttle', '{}');
    assert.equal(res.status, 500);
    assert.deepEqual(res.json(), { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' });
  });

  test('unexpected exceptions, thrown or rejected, are 500 InternalServerError and the server lives on', async () => {
    internalErrors.length = 0;
    for (const op of ['Boom', 'BoomSync', 'Circular']) {
      const res = await post(url, T + op, '{}');
      assert.equal(res.status, 500, op);
      assert.deepEqual(res.json(), { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' });
      assertCrc(res);
    }
    assert.equal(internalErrors.length, 3);
    assert.equal((await post(url, T + 'ListTables', '{}')).status, 200);
  });
});

describe('responses', () => {
  test('TagResource answers an empty body, as DynamoDB does', async () => {
    const res = await post(url, T + 'TagResource', '{}');
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 0);
    assert.equal(res.headers['x-amz-crc32'], '0');
    assert.equal(res.headers['content-length'], '0');
  });

  test('an undefined result is an empty body', async () => {
    const res = await post(url, T + 'Nothing', '{}');
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 0);
  });

  test('keep-alive: requests reuse one connection', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const sockets = new Set<unknown>();
      for (let i = 0; i < 5; i++) {
        await new Promise<void>((resolve, reject) => {
          const r = request(
            { host: '127.0.0.1', port: server.port, method: 'POST', agent, headers: { ...SIGNED, 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': T + 'ListTables' } },
            (res) => {
              sockets.add(res.socket);
              assert.equal(res.headers.connection, 'keep-alive');
              res.resume();
              res.on('end', () => resolve());
            },
          );
          r.on('error', reject);
          r.end('{}');
        });
      }
      assert.equal(sockets.size, 1);
    } finally {
      agent.destroy();
    }
  });

  test('many requests in flight at once are all answered', async () => {
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => post(url, T + 'Echo', JSON.stringify({ i }))));
    results.forEach((res, i) => {
      assert.equal(res.status, 200);
      assert.deepEqual(res.json(), { i });
    });
  });

  test('garbage on the socket gets 400 and does not disturb the server', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const s = connect(server.port, '127.0.0.1', () => s.write('NOT HTTP AT ALL\r\n\r\n'));
      let text = '';
      s.on('data', (d) => (text += d.toString()));
      s.on('end', () => resolve(text));
      s.on('close', () => resolve(text));
      s.on('error', reject);
    });
    assert.match(reply, /^HTTP\/1\.1 400/);
    assert.equal((await post(url, T + 'ListTables', '{}')).status, 200);
  });
});

describe('close', () => {
  test('close() lets in-flight requests finish, then refuses connections', async () => {
    const s = await startServer({ db: fakeEngine, port: 0 });
    const slow = post(s.url, T + 'Slow', '{}');
    await new Promise((r) => setTimeout(r, 50));
    const closed = s.close();
    const res = await slow;
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), { slow: true });
    assert.equal(res.headers.connection, 'close');
    await closed;
    await assert.rejects(post(s.url, T + 'ListTables', '{}'), /ECONNREFUSED/);
  });

  test('close() does not wait for idle keep-alive connections', async () => {
    const s = await startServer({ db: fakeEngine, port: 0 });
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve) => {
      request({ host: '127.0.0.1', port: s.port, method: 'GET', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      }).end();
    });
    const t0 = Date.now();
    await s.close();
    assert.ok(Date.now() - t0 < 1000);
    agent.destroy();
  });

  test('listening on a busy port rejects', async () => {
    await assert.rejects(startServer({ db: fakeEngine, port: server.port }), /EADDRINUSE/);
  });
});
