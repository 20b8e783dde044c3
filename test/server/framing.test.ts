// Request framing (issue 12, point 1): wherever a request's end is in doubt, the endpoint answers
// 400 and closes the connection, on the fast lane and on node:http's path alike, so no byte of a
// body can ever be read as a request of its own. The property test feeds both paths the same
// random streams (valid requests with mutated framing) over real sockets and checks they agree.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Database } from '../../src/engine/database';
import { openDatabaseWithTable } from './harness';
import { startServer, type RunningServer } from '../../src/server/index';
import { exchange, type Exchange } from './raw-socket';

const TARGET = 'DynamoDB_20120810.';
/** Far beyond the deadlines below: a connection still open then is hung. */
const BOUND_MS = 5_000;

interface Endpoint {
  name: string;
  server: RunningServer;
  db: Database;
}

const endpoints: Endpoint[] = [];

async function endpoint(name: string, fastLane: boolean): Promise<Endpoint> {
  const db = await openDatabaseWithTable('tbl');
  // Short deadlines turn a request left waiting for bytes into a prompt 408 and close.
  const server = await startServer({ db, port: 0, fastLane, headerTimeoutMs: 250, bodyTimeoutMs: 250 });
  return { name, server, db };
}

before(async () => {
  endpoints.push(await endpoint('fast lane', true), await endpoint('node:http', false));
});
after(async () => {
  for (const e of endpoints) {
    await e.server.close(100);
    await e.db.close();
  }
});

function head(port: number, op: string, lines: string[]): string {
  return (
    `POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Amz-Target: ${TARGET}${op}\r\nContent-Type: application/x-amz-json-1.0\r\n` +
    `Authorization: AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request, SignedHeaders=host, Signature=0\r\n${lines.map((l) => l + '\r\n').join('')}\r\n`
  );
}

function request(port: number, op: string, body: string, lines: string[] = [`Content-Length: ${Buffer.byteLength(body)}`]): Buffer {
  return Buffer.from(head(port, op, lines) + body, 'utf8');
}

async function stored(e: Endpoint, pk: string): Promise<boolean> {
  const out = (await e.db.execute('GetItem', { TableName: 'tbl', Key: { pk: { S: pk } } })) as { Item?: unknown };
  return out.Item !== undefined;
}

/** 400 on the first answer, and the connection closed well before the bound. */
function assertRefusedAndClosed(x: Exchange, label: string): void {
  assert.ok(x.closed, `${label}: the connection must be closed, not left open`);
  assert.ok(x.responses.length >= 1, `${label}: an answer is expected`);
  assert.equal(x.responses.at(-1)!.status, 400, `${label}: ${JSON.stringify(x.responses)}`);
}

describe('framing errors get 400 and a closed connection on both paths', () => {
  test('a 20-digit Content-Length cannot smuggle a PutItem hidden in a ListTables body', async () => {
    for (const e of endpoints) {
      const port = e.server.port;
      const hidden = request(port, 'PutItem', `{"TableName":"tbl","Item":{"pk":{"S":"smuggled-${e.name}"}}}`).toString('utf8');
      const x = await exchange(port, [Buffer.from(head(port, 'ListTables', ['Content-Length: 99999999999999999999']) + hidden)], BOUND_MS);
      assertRefusedAndClosed(x, e.name);
      assert.equal(await stored(e, `smuggled-${e.name}`), false, `${e.name}: the hidden PutItem was run`);
    }
  });

  const cases: Array<[string, (port: number) => Buffer]> = [
    ['a Content-Length with a sign', (p) => Buffer.from(head(p, 'ListTables', ['Content-Length: +2']) + '{}')],
    ['a hexadecimal Content-Length', (p) => Buffer.from(head(p, 'ListTables', ['Content-Length: 0x2']) + '{}')],
    ['a Content-Length list', (p) => Buffer.from(head(p, 'ListTables', ['Content-Length: 2, 2']) + '{}')],
    ['two Content-Lengths that differ', (p) => Buffer.from(head(p, 'ListTables', ['Content-Length: 2', 'Content-Length: 3']) + '{} ')],
    ['both Content-Length and Transfer-Encoding', (p) => Buffer.from(head(p, 'ListTables', ['Content-Length: 2', 'Transfer-Encoding: chunked']) + '2\r\n{}\r\n0\r\n\r\n')],
    ['a chunk size that is not hexadecimal', (p) => Buffer.from(head(p, 'ListTables', ['Transfer-Encoding: chunked']) + 'zz\r\n{}\r\n0\r\n\r\n')],
    ['a chunk without its CRLF', (p) => Buffer.from(head(p, 'ListTables', ['Transfer-Encoding: chunked']) + '2\r\n{}XX0\r\n\r\n')],
    ['a request line ending in a bare LF', (p) => Buffer.from(head(p, 'ListTables', ['Content-Length: 2']).replace('HTTP/1.1\r\n', 'HTTP/1.1\n') + '{}')],
    ['a head with bare LFs only', (p) => Buffer.from(head(p, 'ListTables', ['Content-Length: 2']).replace(/\r\n/g, '\n') + '{}')],
    ['a header name with a space before the colon', (p) => Buffer.from(head(p, 'ListTables', ['Content-Length : 2']) + '{}')],
    ['a control byte in a header value', (p) => Buffer.from(head(p, 'ListTables', ['Content-Length: 2', 'X-A: a\x01b']) + '{}')],
  ];
  for (const [name, bytes] of cases) {
    test(`${name} is refused and the connection closed`, async () => {
      for (const e of endpoints) assertRefusedAndClosed(await exchange(e.server.port, [bytes(e.server.port)], BOUND_MS), `${e.name}, ${name}`);
    });
  }

  test('a Content-Length over the size limit is 413 on both paths, never a second request', async () => {
    for (const e of endpoints) {
      const port = e.server.port;
      const x = await exchange(port, [Buffer.from(head(port, 'ListTables', ['Content-Length: 16777217']) + '{}')], 1_000);
      assert.equal(x.responses.length, 1, e.name);
      assert.equal(x.responses[0]!.status, 413, e.name);
    }
  });
});

describe('request bodies must be UTF-8', () => {
  test('invalid UTF-8 in a PutItem is a SerializationException and nothing is stored, on both paths', async () => {
    for (const e of endpoints) {
      const port = e.server.port;
      const body = Buffer.concat([Buffer.from(`{"TableName":"tbl","Item":{"pk":{"S":"bad-utf8-${e.name}`), Buffer.from([0xff, 0xfe]), Buffer.from('"}}}')]);
      const x = await exchange(port, [Buffer.from(head(port, 'PutItem', [`Content-Length: ${body.length}`, 'Connection: close'])), body], BOUND_MS);
      assert.equal(x.responses.length, 1, e.name);
      assert.equal(x.responses[0]!.status, 400, e.name);
      assert.equal(JSON.parse(x.responses[0]!.body).__type, 'com.amazon.coral.service#SerializationException', e.name);
      const scan = (await e.db.execute('Scan', { TableName: 'tbl' })) as { Items: Array<{ pk: { S: string } }> };
      assert.ok(!scan.Items.some((i) => i.pk.S.startsWith(`bad-utf8-${e.name}`)), `${e.name}: the item was stored`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Both paths against the same random streams.

type Mutation =
  | { kind: 'none' }
  | { kind: 'length'; value: string }
  | { kind: 'second-length'; delta: number }
  | { kind: 'transfer-encoding'; value: string; keepLength: boolean; encodeBody: boolean }
  | { kind: 'bad-chunks'; variant: number }
  | { kind: 'line-ending'; where: 'request-line' | 'all' | 'one-header'; to: string }
  | { kind: 'fold' }
  | { kind: 'control-byte'; byte: number; at: number }
  | { kind: 'no-length' }
  | { kind: 'body-delta'; delta: number }
  | { kind: 'http10' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ kind: 'none' }),
  fc
    .constantFrom('+N', ' N', 'N ', '0xN', '-1', '99999999999999999999', '1e1', '00N', 'N, N', 'N,N', 'N.0', '', '18446744073709551617', '000000000000000000N', 'N0', '4096', '1000000000000000')
    .map((value): Mutation => ({ kind: 'length', value })),
  // A length past the end of the stream: the request waits for bytes that never come (the deadline).
  fc.constant<Mutation>({ kind: 'length', value: '4096' }),
  fc.integer({ min: -2, max: 2 }).map((delta): Mutation => ({ kind: 'second-length', delta })),
  fc
    .record({ value: fc.constantFrom('chunked', 'Chunked', ' chunked', 'chunked, identity', 'identity, chunked', 'xchunked', 'identity', 'gzip'), keepLength: fc.boolean(), encodeBody: fc.boolean() })
    .map((r): Mutation => ({ kind: 'transfer-encoding', ...r })),
  fc.integer({ min: 0, max: 5 }).map((variant): Mutation => ({ kind: 'bad-chunks', variant })),
  fc
    .record({ where: fc.constantFrom<'request-line' | 'all' | 'one-header'>('request-line', 'all', 'one-header'), to: fc.constantFrom('\n', '\r', '\n\r') })
    .map((r): Mutation => ({ kind: 'line-ending', ...r })),
  fc.constant<Mutation>({ kind: 'fold' }),
  fc
    .record({ byte: fc.constantFrom(0x00, 0x01, 0x08, 0x0b, 0x0c, 0x1f, 0x7f, 0x0d, 0x0a), at: fc.nat() })
    .map((r): Mutation => ({ kind: 'control-byte', ...r })),
  fc.constant<Mutation>({ kind: 'no-length' }),
  fc.integer({ min: -3, max: 3 }).map((delta): Mutation => ({ kind: 'body-delta', delta })),
  fc.constant<Mutation>({ kind: 'http10' }),
);

interface Step {
  op: 'ListTables' | 'PutItem' | 'GetItem';
  key: number;
  mutation: Mutation;
}

const step: fc.Arbitrary<Step> = fc.record({ op: fc.constantFrom('ListTables', 'PutItem', 'GetItem'), key: fc.integer({ min: 0, max: 3 }), mutation });

function bodyOf(s: Step): string {
  if (s.op === 'ListTables') return '{}';
  if (s.op === 'PutItem') return `{"TableName":"tbl","Item":{"pk":{"S":"k${s.key}"},"v":{"S":"é${s.key}"}}}`;
  return `{"TableName":"tbl","Key":{"pk":{"S":"k${s.key}"}}}`;
}

function chunked(body: string): string {
  return `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
}

const BAD_CHUNKS = [
  (b: string): string => `zz\r\n${b}\r\n0\r\n\r\n`,
  (b: string): string => `${Buffer.byteLength(b).toString(16)}\r\n${b}0\r\n\r\n`,
  (b: string): string => `${(Buffer.byteLength(b) + 1).toString(16)}\r\n${b}\r\n0\r\n\r\n`,
  (b: string): string => `-${Buffer.byteLength(b).toString(16)}\r\n${b}\r\n0\r\n\r\n`,
  (b: string): string => `fffffffffffffffffff\r\n${b}\r\n0\r\n\r\n`,
  (b: string): string => `${Buffer.byteLength(b).toString(16)};ext=1\r\n${b}\r\n0\r\n\r\n`,
];

/** One request of a stream, its framing mutated as the step says. */
function render(s: Step, port: number): Buffer {
  const body = bodyOf(s);
  const n = Buffer.byteLength(body);
  const m = s.mutation;
  let lines = [`Content-Length: ${n}`];
  let payload = body;
  let text: string;
  switch (m.kind) {
    case 'length':
      lines = [`Content-Length: ${m.value.replace(/N/g, String(n))}`];
      break;
    case 'second-length':
      lines.push(`Content-Length: ${n + m.delta}`);
      break;
    case 'transfer-encoding':
      lines = m.keepLength ? [...lines, `Transfer-Encoding: ${m.value}`] : [`Transfer-Encoding: ${m.value}`];
      if (m.encodeBody) payload = chunked(body);
      break;
    case 'bad-chunks':
      lines = ['Transfer-Encoding: chunked'];
      payload = BAD_CHUNKS[m.variant]!(body);
      break;
    case 'fold':
      lines.push('X-Folded: a', ' b');
      break;
    case 'no-length':
      lines = [];
      break;
    case 'body-delta':
      payload = m.delta >= 0 ? body + ' '.repeat(m.delta) : body.slice(0, m.delta);
      break;
  }
  text = head(port, s.op, lines);
  if (m.kind === 'http10') text = text.replace('HTTP/1.1\r\n', 'HTTP/1.0\r\n');
  if (m.kind === 'line-ending') {
    if (m.where === 'all') text = text.slice(0, -4).replace(/\r\n/g, m.to) + m.to + m.to;
    else if (m.where === 'request-line') text = text.replace('\r\n', m.to);
    else text = text.replace('\r\nContent-Type', m.to + 'Content-Type');
  }
  const bytes = Buffer.from(text + payload, 'utf8');
  if (m.kind === 'control-byte') {
    const at = m.at % (text.length - 1);
    return Buffer.concat([bytes.subarray(0, at), Buffer.from([m.byte]), bytes.subarray(at)]);
  }
  return bytes;
}

/** What the two paths must agree on: each answer (status and body) and whether the connection closed. */
function summary(x: Exchange): string {
  return JSON.stringify({ answers: x.responses.map((r) => `${r.status} ${r.body}`), closed: x.closed, cut: x.trailing > 0 });
}

test('the fast lane and node:http agree on where each request ends, over random framing mutations', async () => {
  const [fast, slow] = endpoints as [Endpoint, Endpoint];
  let runs = 0;
  // Outcomes seen, so that a generator drifting to only clean (or only broken) streams is noticed.
  const seen = { clean: 0, refused: 0, deadline: 0 };
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 3 }), fc.array(fc.nat(), { maxLength: 3 }), async (steps, cuts) => {
      runs++;
      const stream = (port: number): Buffer[] => {
        // A well-formed last request that asks to close: when the others are framed as written the
        // connection ends right after it; anything else ends in a 400 or a 408 at the deadline.
        const sentinel = request(port, 'ListTables', '{}', ['Content-Length: 2', 'Connection: close']);
        const whole = Buffer.concat([...steps.map((s) => render(s, port)), sentinel]);
        const at = [...new Set(cuts.map((c) => c % whole.length))].sort((a, b) => a - b);
        return [0, ...at].map((start, i) => whole.subarray(start, at[i] ?? whole.length)).filter((p) => p.length > 0);
      };
      const [a, b] = await Promise.all([exchange(fast.server.port, stream(fast.server.port), BOUND_MS), exchange(slow.server.port, stream(slow.server.port), BOUND_MS)]);
      assert.equal(summary(a), summary(b), `steps ${JSON.stringify(steps)}\nfast lane: ${summary(a)}\nnode:http: ${summary(b)}`);
      assert.ok(a.closed, 'every stream ends in a closed connection');
      const statuses = a.responses.map((r) => r.status);
      if (statuses.includes(408)) seen.deadline++;
      else if (statuses.includes(400)) seen.refused++;
      else if (statuses.at(-1) === 200) seen.clean++;
    }),
    { seed: 20261206, numRuns: 150, endOnFailure: true },
  );
  assert.equal(runs, 150);
  assert.ok(seen.clean > 10 && seen.refused > 10 && seen.deadline > 5, JSON.stringify(seen));
});
