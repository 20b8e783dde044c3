// The fast lane reads the usual request straight off the socket: these tests speak raw HTTP/1.1
// to it, byte by byte, pipelined, mixed with requests that node:http takes over mid-connection.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { crc32 } from 'node:zlib';
import { startServer, type Engine, type RunningServer } from '../../src/server/index';
import { responseBytes } from '../../src/server/fast-lane';

const engine: Engine = {
  execute(operation: string, input: any): Promise<unknown> {
    if (operation === 'Slow') return new Promise((r) => setTimeout(() => r({ slow: input.n }), 150));
    if (operation === 'Echo') return Promise.resolve(input);
    return Promise.reject(new Error(`unexpected ${operation}`));
  },
};

let server: RunningServer;
before(async () => {
  server = await startServer({ db: engine, port: 0 });
});
after(async () => {
  await server.close();
});

function postBytes(op: string, body: string, extra = ''): Buffer {
  const bytes = Buffer.from(body, 'utf8');
  return Buffer.concat([
    Buffer.from(
      `POST / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Amz-Target: DynamoDB_20120810.${op}\r\nContent-Type: application/x-amz-json-1.0\r\n` +
        `Authorization: AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request, SignedHeaders=host, Signature=0\r\nContent-Length: ${bytes.length}\r\n${extra}\r\n`,
      'latin1',
    ),
    bytes,
  ]);
}

interface Parsed {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Reads `count` responses off a socket (Content-Length framed). */
function readResponses(socket: Socket, count: number): Promise<Parsed[]> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const out: Parsed[] = [];
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
        const headers: Record<string, string> = {};
        for (const l of lines.slice(1)) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
        const length = Number(headers['content-length']);
        if (buf.length < end + 4 + length) return;
        const body = buf.subarray(end + 4, end + 4 + length);
        assert.equal(headers['x-amz-crc32'], String(crc32(body)));
        out.push({ status: Number(lines[0]!.split(' ')[1]), headers, body: body.toString('utf8') });
        buf = buf.subarray(end + 4 + length);
        if (out.length === count) resolve(out);
      }
    });
    socket.on('error', reject);
  });
}

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(server.port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

test('pipelined requests are answered in order even when the first finishes last', async () => {
  const s = await open();
  const answers = readResponses(s, 3);
  s.write(Buffer.concat([postBytes('Slow', '{"n":1}'), postBytes('Echo', '{"n":2}'), postBytes('Echo', '{"n":3}')]));
  const [a, b, c] = await answers;
  assert.deepEqual([JSON.parse(a!.body), JSON.parse(b!.body), JSON.parse(c!.body)], [{ slow: 1 }, { n: 2 }, { n: 3 }]);
  assert.equal(a!.headers.connection, 'keep-alive');
  s.destroy();
});

test('a request arriving one byte at a time, with a multi-byte UTF-8 body, is answered', async () => {
  const s = await open();
  const answers = readResponses(s, 1);
  const bytes = postBytes('Echo', JSON.stringify({ text: 'ünïcødé 🚀' }));
  for (const byte of bytes) {
    s.write(Buffer.from([byte]));
    await new Promise((r) => setImmediate(r));
  }
  const [a] = await answers;
  assert.deepEqual(JSON.parse(a!.body), { text: 'ünïcødé 🚀' });
  assert.equal(a!.headers['content-length'], String(Buffer.byteLength(a!.body)));
  s.destroy();
});

test('a 5 MB body in many chunks is read once, whole', async () => {
  const s = await open();
  const answers = readResponses(s, 1);
  const big = 'x'.repeat(5 * 1024 * 1024);
  const bytes = postBytes('Echo', JSON.stringify({ big }));
  for (let i = 0; i < bytes.length; i += 7000) s.write(bytes.subarray(i, i + 7000));
  const [a] = await answers;
  assert.equal(JSON.parse(a!.body).big.length, big.length);
  s.destroy();
});

test('node:http takes over mid-connection (GET, Expect: 100-continue) and keeps serving POSTs', async () => {
  const s = await open();
  const answers = readResponses(s, 3);
  s.write(postBytes('Echo', '{"n":1}'));
  await new Promise((r) => setTimeout(r, 20));
  s.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`);
  await new Promise((r) => setTimeout(r, 20));
  s.write(postBytes('Echo', '{"n":3}'));
  const [a, b, c] = await answers;
  assert.deepEqual(JSON.parse(a!.body), { n: 1 });
  assert.equal(b!.body, 'healthy: dynamodb.us-east-1.amazonaws.com ');
  assert.deepEqual(JSON.parse(c!.body), { n: 3 });
  s.destroy();

  const t = await open();
  let text = '';
  t.on('data', (d) => (text += d.toString('latin1')));
  const body = '{"n":4}';
  t.write(postBytes('Echo', body, 'Expect: 100-continue\r\n').subarray(0, -body.length));
  await new Promise((r) => setTimeout(r, 50));
  assert.match(text, /^HTTP\/1\.1 100 Continue/);
  t.write(body);
  await new Promise((r) => setTimeout(r, 50));
  assert.match(text, /\{"n":4\}$/);
  t.destroy();
});

test('Connection: close is honoured after the answer', async () => {
  const s = await open();
  const closed = new Promise((r) => s.on('close', r));
  const answers = readResponses(s, 1);
  s.write(postBytes('Echo', '{}', 'Connection: close\r\n'));
  const [a] = await answers;
  assert.equal(a!.headers.connection, 'close');
  await closed;
});

test('responseBytes: a body in pieces is written as their joined text, whichever piece holds characters of more than one byte or is already bytes', () => {
  const ascii = 'a'.repeat(20_000);
  const bytesOf = (s: string): Buffer => Buffer.from(s, 'utf8');
  const bodies: Array<Array<string | Buffer>> = [
    // Bytes (a GetRecords page) after text whose UTF-8 is longer than its UTF-16 length: they must still fit.
    ['{"a":"' + '€'.repeat(100), bytesOf(ascii), '"}'],
    ['{"a":', bytesOf('"é😀' + ascii + '"'), '}'],
    [bytesOf('{}')],
    ['{"a":', ascii, '}'],
    ['', '{}', ''],
    ['{"a":"', 'é', '"}'],
    ['{"a":"' + ascii, '😀'.repeat(5000), ascii + '"}'],
    ['{"a":"', ascii, '€"}'],
    ['{"a":"x', 'a\ud800b', '"}'],
  ];
  for (const pieces of bodies) {
    const json = pieces.map((p) => (typeof p === 'string' ? p : p.toString('utf8'))).join('');
    const bytes = responseBytes(200, 'application/x-amz-json-1.0', pieces, undefined, false);
    const end = bytes.indexOf('\r\n\r\n');
    const body = bytes.subarray(end + 4);
    assert.deepEqual(body, Buffer.from(json, 'utf8'));
    const head = bytes.subarray(0, end).toString('latin1');
    assert.match(head, new RegExp(`\\r\\nx-amz-crc32: ${crc32(body)}$`));
    assert.match(head, new RegExp(`\\r\\nContent-Length: ${body.length}\\r\\n`));
  }
});

test('responseBytes: head and body in one buffer, CRC over the body, whatever the CRC length or the text\'s bytes per character', () => {
  // Texts of more UTF-8 bytes than UTF-16 units are written in a second pass: ones just under and
  // far over the first buffer's slack, four-byte characters, and a lone surrogate (U+FFFD, 3 bytes).
  const wide = ['é'.repeat(3), 'é'.repeat(4), 'é'.repeat(9), '€'.repeat(2000), '😀'.repeat(700), 'a\ud800b', 'x'.repeat(5000) + '€'];
  for (const json of ['', '{}', '{"a":"é"}', 'x'.repeat(3000), ...wide.map((t) => `{"a":"${t}"}`)]) {
    const bytes = responseBytes(200, 'application/x-amz-json-1.0', json, 'http://app.test', false);
    const end = bytes.indexOf('\r\n\r\n');
    const body = bytes.subarray(end + 4);
    assert.equal(body.toString('utf8'), Buffer.from(json, 'utf8').toString('utf8'));
    assert.equal(body.length, Buffer.byteLength(json, 'utf8'));
    const head = bytes.subarray(0, end).toString('latin1');
    assert.match(head, new RegExp(`\\r\\nx-amz-crc32: ${crc32(body)}$`));
    assert.match(head, new RegExp(`\\r\\nContent-Length: ${body.length}\\r\\n`));
    assert.match(head, /\r\nAccess-Control-Allow-Origin: http:\/\/app\.test\r\nVary: Origin\r\n/);
  }
});
