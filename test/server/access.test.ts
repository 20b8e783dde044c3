// Who may call the endpoint (issue 12, point 4): Host must name this endpoint (DNS rebinding), and
// a request from a web page (Origin) needs that origin in the allow-list. Checked on both paths:
// the fast lane (a POST with a Content-Length) and node:http (GET, OPTIONS, chunked bodies).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../src/engine/database';
import { openDatabaseWithTable } from './harness';
import { startServer, type RunningServer } from '../../src/server/index';
import { exchange } from './raw-socket';
import { rawRequest, SIGNED } from './raw-http';

const TARGET = 'DynamoDB_20120810.';
const APP = 'http://localhost:5173';

let db: Database;
let closed: RunningServer;
let open: RunningServer;

before(async () => {
  db = await openDatabaseWithTable('notes');
  closed = await startServer({ db, port: 0 });
  open = await startServer({ db, port: 0, allowedOrigins: [APP + '/'], allowedHosts: ['devbox.internal'] });
});
after(async () => {
  await closed.close(100);
  await open.close(100);
  await db.close();
});

/** A request as raw bytes, so Host can be anything; `chunked` sends it down node:http's path. */
function bytes(host: string, op: string, body: string, extra: string[] = [], chunked = false): Buffer {
  const framing = chunked ? `Transfer-Encoding: chunked\r\n\r\n${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n` : `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  return Buffer.from(
    `POST / HTTP/1.1\r\nHost: ${host}\r\nX-Amz-Target: ${TARGET}${op}\r\nContent-Type: application/x-amz-json-1.0\r\n` +
      `Authorization: ${SIGNED.Authorization}\r\nConnection: close\r\n${extra.map((l) => l + '\r\n').join('')}${framing}`,
  );
}

async function send(server: RunningServer, host: string, op: string, body: string, extra: string[] = [], chunked = false) {
  const x = await exchange(server.port, [bytes(host, op, body, extra, chunked)], 5_000);
  assert.equal(x.responses.length, 1);
  return x.responses[0]!;
}

async function count(): Promise<number> {
  return ((await db.execute('Scan', { TableName: 'notes' })) as { Items: unknown[] }).Items.length;
}

describe('Host must name this endpoint', () => {
  for (const chunked of [false, true]) {
    const path = chunked ? 'node:http' : 'the fast lane';
    test(`a PutItem for another host name is refused with 403 and not stored (${path})`, async () => {
      const before = await count();
      for (const host of [`evil.example:${closed.port}`, `127.0.0.1:${closed.port + 1}`, 'evil.example', `localhost.evil.example:${closed.port}`]) {
        const res = await send(closed, host, 'PutItem', '{"TableName":"notes","Item":{"pk":{"S":"rebound"}}}', [], chunked);
        assert.equal(res.status, 403, host);
        const body = JSON.parse(res.body);
        assert.equal(body.__type, 'com.amazon.coral.service#AccessDeniedException');
        assert.match(body.message, /^Host '.*' is not this endpoint .*--allow-host/);
      }
      assert.equal(await count(), before);
    });

    test(`localhost, 127.0.0.1 and [::1] with the served port (or none) are accepted (${path})`, async () => {
      for (const host of [`localhost:${closed.port}`, `127.0.0.1:${closed.port}`, `[::1]:${closed.port}`, `LocalHost:${closed.port}`, 'localhost', '127.0.0.1']) {
        assert.equal((await send(closed, host, 'ListTables', '{}', [], chunked)).status, 200, host);
      }
    });
  }

  test('a name added with allowedHosts is accepted, with the served port only', async () => {
    assert.equal((await send(open, `devbox.internal:${open.port}`, 'ListTables', '{}')).status, 200);
    assert.equal((await send(open, `devbox.internal:${open.port + 1}`, 'ListTables', '{}')).status, 403);
    assert.equal((await send(closed, `devbox.internal:${closed.port}`, 'ListTables', '{}')).status, 403);
  });

  test('the health check is refused for another host name too', async () => {
    const res = await rawRequest(closed.url, { method: 'GET', headers: { Host: 'evil.example' } });
    assert.equal(res.status, 403);
    assert.equal(res.json().__type, 'com.amazon.coral.service#AccessDeniedException');
  });
});

describe('Origin must be allowed', () => {
  for (const chunked of [false, true]) {
    const path = chunked ? 'node:http' : 'the fast lane';
    test(`a request from a page not allowed is refused with 403, no CORS grant, nothing stored (${path})`, async () => {
      const before = await count();
      for (const origin of ['http://evil.example', 'null', APP.replace('5173', '5174'), `http://127.0.0.1:${closed.port}`]) {
        const res = await send(closed, `127.0.0.1:${closed.port}`, 'PutItem', '{"TableName":"notes","Item":{"pk":{"S":"cross"}}}', [`Origin: ${origin}`], chunked);
        assert.equal(res.status, 403, origin);
        assert.equal(res.headers['access-control-allow-origin'], undefined);
        assert.match(JSON.parse(res.body).message, /^Origin '.*' is not allowed .*--allow-origin/);
      }
      assert.equal(await count(), before);
    });

    test(`an allowed origin gets its own origin back, not a wildcard (${path})`, async () => {
      const res = await send(open, `localhost:${open.port}`, 'ListTables', '{}', [`Origin: ${APP}`], chunked);
      assert.equal(res.status, 200);
      assert.equal(res.headers['access-control-allow-origin'], APP);
      assert.equal(res.headers.vary, 'Origin');
      assert.match(res.headers['access-control-expose-headers'] ?? '', /x-amzn-RequestId/);
    });
  }

  test('a preflight is granted to an allowed origin only', async () => {
    const ask = { 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type, x-amz-target' };
    const granted = await rawRequest(open.url, { method: 'OPTIONS', headers: { Origin: APP, ...ask } });
    assert.equal(granted.status, 200);
    assert.equal(granted.headers['access-control-allow-origin'], APP);
    assert.equal(granted.headers['access-control-allow-headers'], 'content-type, x-amz-target');
    const refused = await rawRequest(open.url, { method: 'OPTIONS', headers: { Origin: 'http://evil.example', ...ask } });
    assert.equal(refused.status, 403);
    assert.equal(refused.headers['access-control-allow-origin'], undefined);
    assert.equal(refused.headers['access-control-allow-headers'], undefined);
  });
});
