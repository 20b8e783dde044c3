// Another site's page in a real browser (issue 12, point 4): headless Chromium loads a page from a
// second local HTTP server (another origin) whose script calls the endpoint with fetch(), as a
// malicious page would. By default the call fails and the table is unchanged; with the page's
// origin allowed it works. DNS rebinding: a name that resolves to 127.0.0.1 gets 403.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import type { Database } from '../../src/engine/database';
import { openDatabaseWithTable } from './harness';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/index';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let db: Database;
let page: Server;
let pageOrigin: string;
let browser: Browser;

before(async () => {
  db = await openDatabaseWithTable('secrets');
  await db.execute('PutItem', { TableName: 'secrets', Item: { pk: { S: 'keep-me' } } });
  // The other site: any page will do, the script is run in it.
  page = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>another site</title><p>hello</p>');
  });
  await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
  pageOrigin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--host-resolver-rules=MAP rebound.test 127.0.0.1'],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((r) => page?.close(r));
  await db.close();
});

/** What the page's script gets from calling `operation` on the endpoint: a status and body, or the fetch error. */
async function callFromPage(endpoint: string, operation: string, input: unknown): Promise<string> {
  const context = await browser.newContext();
  try {
    const tab = await context.newPage();
    await tab.goto(pageOrigin + '/');
    return await tab.evaluate(
      async ({ endpoint, operation, input }) => {
        try {
          const res = await fetch(endpoint, {
            method: 'POST',
            headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': `DynamoDB_20120810.${operation}`, Authorization: 'AWS4-HMAC-SHA256 Credential=x' },
            body: JSON.stringify(input),
          });
          return `${res.status} ${await res.text()}`;
        } catch (err) {
          return `failed: ${String(err)}`;
        }
      },
      { endpoint, operation, input },
    );
  } finally {
    await context.close();
  }
}

async function keys(): Promise<string[]> {
  const out = (await db.execute('Scan', { TableName: 'secrets' })) as { Items: Array<{ pk: { S: string } }> };
  return out.Items.map((i) => i.pk.S).sort();
}

/** Runs `fn` against an endpoint over the shared database, then removes `added` keys and stops it. */
async function withEndpoint(options: Omit<ServerOptions, 'db'>, added: string[], fn: (server: RunningServer) => Promise<void>): Promise<void> {
  const server = await startServer({ db, port: 0, ...options });
  try {
    await fn(server);
  } finally {
    for (const pk of added) await db.execute('DeleteItem', { TableName: 'secrets', Key: { pk: { S: pk } } });
    await server.close(100);
  }
}

const DELETE_KEPT = { TableName: 'secrets', Key: { pk: { S: 'keep-me' } } };

test('a page on another origin can neither read nor change the tables by default', async () => {
  await withEndpoint({}, [], async (server) => {
    assert.match(await callFromPage(server.url, 'Scan', { TableName: 'secrets' }), /^failed: TypeError/);
    assert.match(await callFromPage(server.url, 'DeleteItem', DELETE_KEPT), /^failed: TypeError/);
    assert.match(await callFromPage(server.url, 'DeleteTable', { TableName: 'secrets' }), /^failed: TypeError/);
    assert.deepEqual(await keys(), ['keep-me']);
  });
});

test('a page whose origin is allowed can call the endpoint', async () => {
  await withEndpoint({ allowedOrigins: [pageOrigin] }, ['from-the-app'], async (server) => {
    assert.equal(await callFromPage(server.url, 'PutItem', { TableName: 'secrets', Item: { pk: { S: 'from-the-app' } } }), '200 {}');
    assert.match(await callFromPage(server.url, 'Scan', { TableName: 'secrets' }), /^200 .*"from-the-app"/);
    assert.deepEqual(await keys(), ['from-the-app', 'keep-me']);
  });
});

test('a host name that resolves to 127.0.0.1 (DNS rebinding) is refused, even from an allowed origin', async () => {
  await withEndpoint({ allowedOrigins: [pageOrigin] }, [], async (server) => {
    // Chromium resolves rebound.test to 127.0.0.1, as a rebinding attacker's DNS would.
    assert.match(await callFromPage(`http://rebound.test:${server.port}/`, 'DeleteItem', DELETE_KEPT), /^failed: TypeError/);
    assert.deepEqual(await keys(), ['keep-me']);
  });
  // The same call with the name allowed goes through: the refusal above was the Host check.
  await withEndpoint({ allowedOrigins: [pageOrigin], allowedHosts: ['rebound.test'] }, ['named'], async (server) => {
    const put = await callFromPage(`http://rebound.test:${server.port}/`, 'PutItem', { TableName: 'secrets', Item: { pk: { S: 'named' } } });
    assert.equal(put, '200 {}');
  });
});
