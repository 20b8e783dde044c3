// Slow and greedy clients (issue 12, point 5): a head or body that trickles in is cut off at its
// deadline however often bytes arrive, connections beyond the cap are closed, and partially
// received bodies cannot hold more memory than the budget. Deadlines here are short options; the
// assertions only bound how long a connection may stay open (generously), never exact times.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { Database } from '../../src/engine/database';
import { RequestRecorder, startServer, type RunningServer, type ServerOptions } from '../../src/server/index';
import { parseResponses } from './raw-socket';

/** Far beyond the short deadlines: a connection still open then was never cut off. */
const BOUND_MS = 8_000;

let db: Database;
const servers: RunningServer[] = [];

before(async () => {
  db = await Database.open('', { inMemory: true });
});
after(async () => {
  for (const s of servers) await s.close(100);
  await db.close();
});

async function serve(options: Partial<ServerOptions>): Promise<RunningServer> {
  const s = await startServer({ db, port: 0, ...options });
  servers.push(s);
  return s;
}

interface Client {
  socket: Socket;
  received(): Buffer;
  /** Resolves true when the server closes the connection, false if it is still open after `ms`. */
  closedWithin(ms: number): Promise<boolean>;
}

function client(port: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const parts: Buffer[] = [];
    let closed = false;
    const waiters: Array<() => void> = [];
    socket.on('data', (d: Buffer) => parts.push(d));
    socket.on('error', () => {});
    socket.on('close', () => {
      closed = true;
      for (const w of waiters) w();
    });
    socket.once('connect', () =>
      resolve({
        socket,
        received: () => Buffer.concat(parts),
        closedWithin: (ms) =>
          new Promise((done) => {
            if (closed) return done(true);
            const timer = setTimeout(() => done(false), ms);
            waiters.push(() => {
              clearTimeout(timer);
              done(true);
            });
          }),
      }),
    );
    socket.once('error', reject);
  });
}

/** Writes `bytes` one at a time every `everyMs` until the socket closes. */
function trickle(socket: Socket, bytes: Buffer, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= bytes.length) return clearInterval(timer);
    socket.write(bytes.subarray(i, ++i));
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
}

function head(port: number, extra: string): string {
  return (
    `POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Type: application/x-amz-json-1.0\r\n` +
    `Authorization: AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request, SignedHeaders=host, Signature=0\r\n${extra}\r\n\r\n`
  );
}

async function until(condition: () => boolean, label: string): Promise<void> {
  const give = Date.now() + BOUND_MS;
  while (!condition()) {
    if (Date.now() > give) assert.fail(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const fastLane of [true, false]) {
  const path = fastLane ? 'fast lane' : 'node:http';

  describe(`deadlines (${path})`, () => {
    test('a head sent a byte at a time is cut off at the header deadline with 408', async () => {
      const server = await serve({ fastLane, headerTimeoutMs: 300, bodyTimeoutMs: 60_000 });
      const c = await client(server.port);
      // A byte every 40 ms keeps any idle timer from firing: only a deadline on the whole head ends it.
      trickle(c.socket, Buffer.from(head(server.port, 'Content-Length: 2') + '{}'), 40);
      assert.equal(await c.closedWithin(BOUND_MS), true, 'the connection must be closed');
      assert.equal(parseResponses(c.received()).responses[0]?.status, 408);
    });

    test('a body sent a byte at a time is cut off at the body deadline with 408, and the request inspector records it', async () => {
      const recorder = new RequestRecorder();
      const server = await serve({ fastLane, headerTimeoutMs: 60_000, bodyTimeoutMs: 300, recorder });
      const c = await client(server.port);
      c.socket.write(head(server.port, 'Content-Length: 4000'));
      trickle(c.socket, Buffer.from('{' + ' '.repeat(3998) + '}'), 40);
      assert.equal(await c.closedWithin(BOUND_MS), true, 'the connection must be closed');
      assert.equal(parseResponses(c.received()).responses[0]?.status, 408);
      const [r, ...rest] = recorder.recent();
      assert.equal(rest.length, 0, 'one record');
      assert.equal(r?.operation, 'ListTables');
      assert.equal(r.httpStatus, 408);
      assert.equal(r.status, 'error');
      assert.equal(r.errorType, 'RequestTimeout');
      assert.equal(r.requestBytes, 4000);
    });

    test('requests that arrive in time are not cut off by the deadlines', async () => {
      const server = await serve({ fastLane, headerTimeoutMs: 2_000, bodyTimeoutMs: 2_000 });
      const c = await client(server.port);
      const bytes = Buffer.from(head(server.port, 'Content-Length: 2') + '{}');
      c.socket.write(bytes.subarray(0, 20));
      await new Promise((r) => setTimeout(r, 50));
      c.socket.write(bytes.subarray(20));
      await until(() => parseResponses(c.received()).responses.length === 1, 'the answer');
      assert.equal(parseResponses(c.received()).responses[0]!.status, 200);
      c.socket.destroy();
    });
  });

  describe(`memory held by partial bodies (${path})`, () => {
    test('a partial body that would pass the budget gets 503 and its connection is closed; the memory is given back', async () => {
      const recorder = new RequestRecorder();
      const server = await serve({ fastLane, maxPendingBodyBytes: 1_000_000, recorder });
      const a = await client(server.port);
      a.socket.write(head(server.port, 'Content-Length: 900000') + '{' + ' '.repeat(600_000));
      await until(() => server.pendingBodyBytes >= 600_000, 'the first partial body to be held');
      const b = await client(server.port);
      b.socket.write(head(server.port, 'Content-Length: 900000') + '{' + ' '.repeat(600_000));
      assert.equal(await b.closedWithin(BOUND_MS), true, 'the second connection must be closed');
      const refused = parseResponses(b.received()).responses[0];
      assert.equal(refused?.status, 503);
      assert.equal(JSON.parse(refused!.body).__type, 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable');
      assert.ok(server.pendingBodyBytes <= 1_000_000);
      // the request inspector shows the refusal, with the message the client got
      const [r] = recorder.recent();
      assert.equal(r?.httpStatus, 503);
      assert.equal(r.operation, 'ListTables');
      assert.equal(r.errorType, 'ServiceUnavailable');
      assert.match(r.errorMessage ?? '', /partially received request bodies/);
      // The first one finishes normally, and everything it held is given back.
      a.socket.write(' '.repeat(900_000 - 600_001 - 1) + '}');
      await until(() => parseResponses(a.received()).responses.length === 1, 'the first answer');
      assert.equal(parseResponses(a.received()).responses[0]!.status, 200);
      a.socket.destroy();
      await until(() => server.pendingBodyBytes === 0, 'the budget to be given back');
    });
  });
}

describe('connection cap', () => {
  test('connections beyond the cap are closed at once, and a freed place is usable again', async () => {
    const server = await serve({ maxConnections: 3 });
    const kept = await Promise.all([client(server.port), client(server.port), client(server.port)]);
    // Each of the three is served, so the server has surely counted them.
    for (const c of kept) c.socket.write(head(server.port, 'Content-Length: 2') + '{}');
    for (const c of kept) await until(() => parseResponses(c.received()).responses.length === 1, 'an answer');
    const extra = await client(server.port);
    assert.equal(await extra.closedWithin(BOUND_MS), true, 'the fourth connection must be closed');
    kept[0]!.socket.destroy();
    // A place is free once the server has seen the close; retry until it has.
    let answered = false;
    for (let tries = 0; tries < 40 && !answered; tries++) {
      const c = await client(server.port);
      c.socket.write(head(server.port, 'Content-Length: 2') + '{}');
      const closed = await c.closedWithin(200);
      answered = parseResponses(c.received()).responses[0]?.status === 200;
      if (!closed) c.socket.destroy();
    }
    assert.ok(answered, 'a new connection is served once one has closed');
    for (const c of kept) c.socket.destroy();
  });
});

describe('deadlines are per request', () => {
  for (const fastLane of [true, false]) {
    const path = fastLane ? 'fast lane' : 'node:http';
    test(`a pipelining client whose every write ends mid-request is not cut off while requests keep completing (${path})`, async () => {
      const server = await serve({ fastLane, headerTimeoutMs: 1_000, bodyTimeoutMs: 1_000 });
      const c = await client(server.port);
      const one = Buffer.from(head(server.port, 'Content-Length: 2') + '{}');
      // Each write completes the previous request and starts the next, so bytes are always pending;
      // over 2.5 s that is well past both deadlines for the connection as a whole, while each step
      // (100 ms) has a tenth of a deadline.
      const writes = 25;
      c.socket.write(one.subarray(0, 30));
      for (let i = 0; i < writes; i++) {
        await new Promise((r) => setTimeout(r, 100));
        c.socket.write(Buffer.concat([one.subarray(30), one.subarray(0, 30)]));
      }
      await until(() => parseResponses(c.received()).responses.length === writes, 'every answer');
      assert.ok(parseResponses(c.received()).responses.every((r) => r.status === 200));
      assert.equal(await c.closedWithin(100), false, 'the connection must still be open');
      c.socket.destroy();
    });
  }
});
