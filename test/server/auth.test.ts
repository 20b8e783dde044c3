// Optional SigV4 verification through real clients: the AWS SDK v3 signing as it does against
// DynamoDB, presigned requests made with the SDK's own signer, and plain HTTP without a signature.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { DynamoDBClient, GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SignatureV4 } from '@smithy/signature-v4';
import { startServer, type RunningServer } from '../../src/server/index';
import { sigV4Authorizer } from '../../src/server/auth/index';
import { RequestHeaders } from '../../src/server/headers';
import type { Database } from '../../src/engine/database';
import { openDatabaseWithTable, sdkError } from './harness';

const KEY_ID = 'AKIDWORKSPACE1';
const SECRET = 'workspace/secret+KEY/0123456789abcdefghij';
const TABLE = 'signed';
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

function client(url: string, accessKeyId: string, secretAccessKey: string, extra: Partial<ConstructorParameters<typeof DynamoDBClient>[0]> = {}): DynamoDBClient {
  return new DynamoDBClient({ endpoint: url, region: 'eu-west-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1, ...extra });
}

/** The SDK's hash in the shape its signer takes, for building presigned requests in tests. */
class Sha256 {
  private h;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    const key = secret === undefined || typeof secret === 'string' ? secret : ArrayBuffer.isView(secret) ? Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength) : Buffer.from(secret);
    this.h = key === undefined ? createHash('sha256') : createHmac('sha256', key);
  }
  update(data: Uint8Array | string): void {
    this.h.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return this.h.digest();
  }
  reset(): void {}
}

async function presignedListTables(url: string, secret: string, signingDate = new Date(), expiresIn = 300): Promise<Response> {
  const target = new URL(url);
  const body = '{}';
  const headers = { host: target.host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' };
  const signer = new SignatureV4({ credentials: { accessKeyId: KEY_ID, secretAccessKey: secret }, region: 'eu-west-1', service: 'dynamodb', sha256: Sha256 });
  const signed = await signer.presign(
    { method: 'POST', protocol: 'http:', hostname: target.hostname, port: Number(target.port), path: '/', query: {}, headers, body },
    { signingDate, expiresIn, unhoistableHeaders: new Set(['x-amz-target', 'content-type']) },
  );
  const search = new URLSearchParams(signed.query as Record<string, string>).toString();
  return fetch(`${url}/?${search}`, { method: 'POST', headers: { 'content-type': headers['content-type'], 'x-amz-target': headers['x-amz-target'] }, body });
}

describe('SigV4 verification when the endpoint requires signatures', () => {
  let db: Database;
  let server: RunningServer;
  let clock = 0;

  before(async () => {
    db = await openDatabaseWithTable(TABLE);
    server = await startServer({ db, port: 0, authorize: sigV4Authorizer({ keys: new Map([[KEY_ID, SECRET]]), now: () => Date.now() + clock }) });
  });
  after(async () => {
    await server.close();
    await db.close();
  });

  test('the AWS SDK signing with a known key and its secret reads and writes', async () => {
    const c = client(server.url, KEY_ID, SECRET);
    try {
      await c.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'a' }, n: { N: '1' } } }));
      const got = await c.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' } } }));
      assert.deepEqual(got.Item, { pk: { S: 'a' }, n: { N: '1' } });
    } finally {
      c.destroy();
    }
  });

  test('a wrong secret gets InvalidSignatureException with DynamoDB message and the write is not made', async () => {
    const c = client(server.url, KEY_ID, SECRET.replace('KEY', 'KEX'));
    try {
      const err = await sdkError(() => c.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'forged' } } })));
      assert.equal(err.name, 'InvalidSignatureException');
      assert.equal(err.message, MISMATCH);
      assert.equal(err.$metadata.httpStatusCode, 400);
    } finally {
      c.destroy();
    }
    const stored = (await db.execute('GetItem', { TableName: TABLE, Key: { pk: { S: 'forged' } } })) as { Item?: unknown };
    assert.equal(stored.Item, undefined);
  });

  test('an unknown access key id gets UnrecognizedClientException', async () => {
    const c = client(server.url, 'AKIDSTRANGER', SECRET);
    try {
      const err = await sdkError(() => c.send(new ListTablesCommand({})));
      assert.equal(err.name, 'UnrecognizedClientException');
      assert.equal(err.message, 'The security token included in the request is invalid.');
    } finally {
      c.destroy();
    }
  });

  test('a request the SDK sends without its Authorization header gets MissingAuthenticationTokenException', async () => {
    const c = client(server.url, KEY_ID, SECRET);
    // The deserialize step runs after signing: dropping the header there sends an unsigned request.
    c.middlewareStack.add(
      (next) => async (args) => {
        delete (args.request as { headers: Record<string, string> }).headers['authorization'];
        return next(args);
      },
      { step: 'deserialize', name: 'dropAuthorization' },
    );
    try {
      const err = await sdkError(() => c.send(new ListTablesCommand({})));
      assert.equal(err.name, 'MissingAuthenticationTokenException');
    } finally {
      c.destroy();
    }
  });

  test('a signed body changed on the way gets InvalidSignatureException', async () => {
    const c = client(server.url, KEY_ID, SECRET);
    c.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body: string };
        // Same length, so the Content-Length the SDK computed still frames the body.
        request.body = request.body.replace('"honest"', '"HONEST"');
        return next(args);
      },
      { step: 'deserialize', name: 'tamper' },
    );
    try {
      const err = await sdkError(() => c.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'honest' } } })));
      assert.equal(err.name, 'InvalidSignatureException');
    } finally {
      c.destroy();
    }
  });

  test('a client clock ten minutes behind gets InvalidSignatureException naming the 5-minute window', async () => {
    const c = client(server.url, KEY_ID, SECRET, { systemClockOffset: -10 * 60_000 });
    try {
      const err = await sdkError(() => c.send(new ListTablesCommand({})));
      assert.equal(err.name, 'InvalidSignatureException');
      const m = /^Signature expired: (\d{8}T\d{6}Z) is now earlier than (\d{8}T\d{6}Z) \((\d{8}T\d{6}Z) - 5 min\.\)$/.exec(err.message);
      assert.ok(m, err.message);
      assert.ok(m[1]! < m[2]! && m[2]! < m[3]!, err.message);
    } finally {
      c.destroy();
    }
  });

  test('an SDK left to retry corrects its skewed clock from the answer, as it does against DynamoDB', async () => {
    // The SDK reads the Date header of the skew error, adjusts its offset, and signs the retry anew.
    const c = client(server.url, KEY_ID, SECRET, { systemClockOffset: -10 * 60_000, maxAttempts: 3 });
    try {
      const out = await c.send(new ListTablesCommand({}));
      assert.ok(out.TableNames?.includes(TABLE));
      assert.ok(Math.abs(c.config.systemClockOffset ?? 0) < 2 * 60_000, `offset now ${c.config.systemClockOffset}`);
    } finally {
      c.destroy();
    }
  });

  test('a client clock ten minutes ahead is refused as not yet current, and four minutes either way is accepted', async () => {
    const ahead = client(server.url, KEY_ID, SECRET, { systemClockOffset: 10 * 60_000 });
    try {
      const err = await sdkError(() => ahead.send(new ListTablesCommand({})));
      assert.equal(err.name, 'InvalidSignatureException');
      assert.match(err.message, /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)$/);
    } finally {
      ahead.destroy();
    }
    for (const offset of [-4 * 60_000, 4 * 60_000]) {
      const c = client(server.url, KEY_ID, SECRET, { systemClockOffset: offset });
      try {
        const out = await c.send(new ListTablesCommand({}));
        assert.ok(out.TableNames?.includes(TABLE));
      } finally {
        c.destroy();
      }
    }
  });

  test('a presigned request (query-string form) with the right secret runs; with a wrong one it is refused', async () => {
    const good = await presignedListTables(server.url, SECRET);
    assert.equal(good.status, 200, await good.clone().text());
    assert.ok(((await good.json()) as { TableNames: string[] }).TableNames.includes(TABLE));

    const bad = await presignedListTables(server.url, 'not-the-secret');
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), { __type: 'com.amazon.coral.service#InvalidSignatureException', message: MISMATCH });
  });

  test('a presigned request past its X-Amz-Expires is refused even with the right secret', async () => {
    const res = await presignedListTables(server.url, SECRET, new Date(Date.now() - 120_000), 60);
    assert.equal(res.status, 400);
    const body = (await res.json()) as { __type: string; message: string };
    assert.equal(body.__type, 'com.amazon.coral.service#InvalidSignatureException');
    assert.match(body.message, /^Request has expired/);
  });

  test('a gzip-compressed body is verified as sent (compressed), the way the signature covers it', async () => {
    const target = new URL(server.url);
    const compressed = gzipSync(Buffer.from(JSON.stringify({ TableName: TABLE, Item: { pk: { S: 'zipped' } } })));
    const headers = {
      host: target.host,
      'content-type': 'application/x-amz-json-1.0',
      'content-encoding': 'gzip',
      'x-amz-target': 'DynamoDB_20120810.PutItem',
    };
    const signer = new SignatureV4({ credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET }, region: 'eu-west-1', service: 'dynamodb', sha256: Sha256 });
    const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: target.hostname, path: '/', query: {}, headers, body: compressed });
    const res = await fetch(`${server.url}/`, { method: 'POST', headers: signed.headers, body: compressed });
    assert.equal(res.status, 200, await res.text());
    const stored = (await db.execute('GetItem', { TableName: TABLE, Key: { pk: { S: 'zipped' } } })) as { Item?: unknown };
    assert.deepEqual(stored.Item, { pk: { S: 'zipped' } });
  });

  test('a malformed Authorization header gets IncompleteSignatureException, not a crash', async () => {
    for (const authorization of ['AWS4-HMAC-SHA256 Credential=AKIDWORKSPACE1/20240101/eu-west-1/dynamodb/aws4_request', 'Basic dXNlcjpwYXNz', 'AWS4-HMAC-SHA256 Credential=x, SignedHeaders=host, Signature=00']) {
      const res = await fetch(`${server.url}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables', authorization, 'x-amz-date': '20240101T000000Z' },
        body: '{}',
      });
      assert.equal(res.status, 400, authorization);
      const body = (await res.json()) as { __type: string; message: string };
      assert.equal(body.__type, 'com.amazon.coral.service#IncompleteSignatureException', authorization);
      assert.ok(body.message.length > 0);
    }
  });

  test('the endpoint clock is what counts: moving it past the window refuses a correctly signed request', async () => {
    clock = 6 * 60_000;
    const c = client(server.url, KEY_ID, SECRET);
    try {
      const err = await sdkError(() => c.send(new ListTablesCommand({})));
      assert.equal(err.name, 'InvalidSignatureException');
      assert.match(err.message, /^Signature expired: /);
    } finally {
      clock = 0;
      c.destroy();
    }
  });
});

describe('without the option, signatures are not checked', () => {
  test('any key and secret are accepted, as before', async () => {
    const db = await openDatabaseWithTable(TABLE);
    const server = await startServer({ db, port: 0 });
    const c = client(server.url, 'AKIDANYTHING', 'any secret at all');
    try {
      const out = await c.send(new ListTablesCommand({}));
      assert.deepEqual(out.TableNames, [TABLE]);
    } finally {
      c.destroy();
      await server.close();
      await db.close();
    }
  });
});

describe('the verifier against the SDK signer on random requests', () => {
  const keys = new Map([[KEY_ID, SECRET]]);
  const verify = sigV4Authorizer({ keys });

  /** Signs with the SDK's signer as a client would, and gives the request as the server receives it. */
  async function signedRequest(body: string, region: string, extra: Record<string, string>, declareHash: boolean): Promise<{ raw: string[]; body: Buffer }> {
    const headers: Record<string, string> = { host: '127.0.0.1:8000', 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.PutItem', ...extra };
    const signer = new SignatureV4({ credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET }, region, service: 'dynamodb', sha256: Sha256, applyChecksum: declareHash });
    const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 8000, path: '/', query: {}, headers, body });
    return { raw: Object.entries(signed.headers).flatMap(([k, v]) => [k, v]), body: Buffer.from(body, 'utf8') };
  }

  test('every request the SDK signs is accepted, and changing one byte of its body is refused', async () => {
    const fc = await import('fast-check');
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2', 'local'),
        fc.dictionary(fc.stringMatching(/^x-test-[a-z]{1,8}$/), fc.stringMatching(/^[ -~]{0,20}$/), { maxKeys: 3 }),
        fc.nat(),
        // With X-Amz-Content-Sha256 (as the SDK sends) and without (the signer then hashes the body itself).
        fc.boolean(),
        async (text, region, extra, at, declareHash) => {
          const body = JSON.stringify({ TableName: TABLE, Item: { pk: { S: text } } });
          const request = await signedRequest(body, region, extra, declareHash);
          const ok = await verify({ method: 'POST', url: '/', headers: new RequestHeaders(request.raw), body: request.body });
          assert.equal(ok, undefined);
          const altered = Buffer.from(request.body);
          const i = at % altered.length;
          altered[i] = altered[i]! ^ 0x01;
          const refused = await verify({ method: 'POST', url: '/', headers: new RequestHeaders(request.raw), body: altered });
          assert.equal(refused?.name, 'InvalidSignatureException');
        },
      ),
      { numRuns: 150, seed: 20261206 },
    );
  });
});
