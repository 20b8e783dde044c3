// The workspace endpoint's protections in a real extension host: signed requests with the key from
// SecretStorage when endpoint.requireSignature is on, and endpoint.host beyond loopback bound only
// after the once-per-folder consent (the suite's workspace is trusted: code-server runs with
// workspace trust disabled, which VS Code reports as trusted).
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as os from 'node:os';
import * as vscode from 'vscode';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoWorkspaceApi } from '../../src/extension/activate';
import type { WorkspaceDatabase } from '../../src/extension/workspace-db';
import { api, waitFor } from './helpers';

function sdk(endpoint: string, accessKeyId: string, secretAccessKey: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
}

async function errorName(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (e) {
    return (e as Error).name;
  }
  return 'no error';
}

/** An address of this machine other than loopback, if it has one. */
function lanAddress(): string | undefined {
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(2_000, () => (socket.destroy(), resolve(false)));
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('endpoint security settings', function () {
  let a: DynamoWorkspaceApi;
  let ws: WorkspaceDatabase;
  const folder = () => vscode.workspace.workspaceFolders![0]!;
  const config = () => vscode.workspace.getConfiguration('dynamoWorkspace', folder().uri);

  before(async () => {
    a = await api();
    ws = a.manager.workspaceDatabases()[0]!;
    await ws.open();
    await waitFor('the endpoint', () => ws.endpoint);
  });
  after(async () => {
    await config().update('endpoint.requireSignature', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    await config().update('endpoint.host', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    await config().update('endpoint.allowedOrigins', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    await ws.startEndpoint();
  });

  it('refuses pages of other sites by default, and serves an origin added in endpoint.allowedOrigins', async () => {
    const listFrom = async (origin: string) => {
      const url = ws.endpoint;
      const res = await fetch(url!, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'DynamoDB_20120810.ListTables', Origin: origin },
        body: '{}',
      });
      return { status: res.status, grant: res.headers.get('access-control-allow-origin') };
    };
    // fetch hides why it failed in `cause`: keep it, with the URL, for the failure message
    const tryList = (origin: string) => listFrom(origin).catch((e: Error) => Promise.reject(new Error(`${ws.endpoint}: ${e.message}: ${String((e as { cause?: unknown }).cause)}`)));
    const app = 'http://localhost:5173';
    assert.deepEqual(await listFrom(app), { status: 403, grant: null });
    await config().update('endpoint.allowedOrigins', [app], vscode.ConfigurationTarget.WorkspaceFolder);
    // the endpoint restarts with the new setting
    await waitFor('the origin to be allowed', async () => (await tryList(app)).grant === app, 20_000);
    // the page is served (an unsigned request then meets the usual credential check, not a refusal of its origin)
    const allowed = await listFrom(app);
    assert.equal(allowed.grant, app);
    assert.notEqual(allowed.status, 403);
    assert.equal((await listFrom('http://evil.example')).status, 403);
  });

  it('with requireSignature on and no key stored, refuses every request and says how to set a key', async () => {
    assert.ok(a.manager.security, 'the extension builds the endpoint security policy');
    await a.manager.security.forgetAccessKeys();
    await config().update('endpoint.requireSignature', true, vscode.ConfigurationTarget.WorkspaceFolder);
    await ws.startEndpoint();
    const anyone = sdk(ws.endpoint!, 'AKIDSOMEONE', 'whatever');
    try {
      assert.equal(await errorName(() => anyone.send(new ListTablesCommand({}))), 'UnrecognizedClientException');
    } finally {
      anyone.destroy();
    }
    assert.match(a.lastMessage()?.text ?? '', /requires signed requests, but no access key is set/);
  });

  it('requires requests signed with the access key from secret storage once requireSignature is on', async () => {
    assert.ok(a.manager.security, 'the extension builds the endpoint security policy');
    await a.manager.security.setAccessKey('AKIDHOSTSUITE', 'host-suite-secret');
    await config().update('endpoint.requireSignature', true, vscode.ConfigurationTarget.WorkspaceFolder);
    await ws.startEndpoint();
    const endpoint = ws.endpoint!;
    const good = sdk(endpoint, 'AKIDHOSTSUITE', 'host-suite-secret');
    const stranger = sdk(endpoint, 'AKIDSOMEONE', 'host-suite-secret');
    const wrong = sdk(endpoint, 'AKIDHOSTSUITE', 'not-the-secret');
    try {
      assert.ok(Array.isArray((await good.send(new ListTablesCommand({}))).TableNames));
      assert.equal(await errorName(() => stranger.send(new ListTablesCommand({}))), 'UnrecognizedClientException');
      assert.equal(await errorName(() => wrong.send(new ListTablesCommand({}))), 'InvalidSignatureException');
      await config().update('endpoint.requireSignature', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
      await ws.startEndpoint();
      const anyone = sdk(ws.endpoint!, 'AKIDSOMEONE', 'whatever');
      assert.ok(Array.isArray((await anyone.send(new ListTablesCommand({}))).TableNames), 'off again: any credentials work');
      anyone.destroy();
    } finally {
      good.destroy();
      stranger.destroy();
      wrong.destroy();
    }
  });

  it('binds a non-loopback endpoint.host only after consent, asked once per folder and address', async function () {
    const lan = lanAddress();
    if (lan === undefined) this.skip();
    const security = a.manager.security!;
    const original = security.consent;
    const asked: string[] = [];
    security.consent = async (_folder, host) => {
      asked.push(host);
      return host !== '0.0.0.0';
    };
    try {
      // The settings change restarts the endpoint by itself; the explicit restart runs beside it.
      await config().update('endpoint.host', '0.0.0.0', vscode.ConfigurationTarget.WorkspaceFolder);
      await ws.startEndpoint();
      await ws.startEndpoint();
      const port = Number(new URL(ws.endpoint!).port);
      assert.deepEqual(asked, ['0.0.0.0'], 'asked once, and a refusal is not asked again');
      assert.equal(await connects(lan!, port), false, 'refused: not reachable on the network address');
      assert.equal(await connects('127.0.0.1', port), true);

      await config().update('endpoint.host', lan, vscode.ConfigurationTarget.WorkspaceFolder);
      await ws.startEndpoint();
      await ws.startEndpoint();
      const openPort = Number(new URL(ws.endpoint!).port);
      assert.equal(await connects(lan!, openPort), true, 'after consent: reachable on the network address');
      assert.deepEqual(asked, ['0.0.0.0', lan], 'the consent is asked once and remembered');
    } finally {
      security.consent = original;
    }
  });
});
