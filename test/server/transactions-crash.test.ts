// Killing the SERVER process (`dynamo-workspace serve`, SIGKILL) while clients run transactions
// loses none that was acknowledged and leaves none half applied. Each transaction moves an amount
// between two accounts and writes a receipt item naming them, all in one TransactWriteItems; after
// the restart every acknowledged receipt is there, and the balances are exactly the starting ones
// with every receipt present applied: a receipt without its transfer, or a transfer without its
// receipt, or one of its two updates alone, would show. Through the real CLI, endpoint and SDK.
// A ClientRequestToken retry is answered without a second write after a kill and after a clean
// restart (whose close checkpoints, so the token must come from the checkpoint).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ScanCommand, TransactWriteItemsCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { sdkClient } from './harness';
import { createHashTable, serveFolder } from './streams-harness';

const TABLE = 'bank';
const ACCOUNTS = 20;
const START = 1000;
const CLIENTS = 8;

const dir = mkdtempSync(path.join(tmpdir(), 'dw-tx-crash-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function scanAll(ddb: DynamoDBClient): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const out = await ddb.send(new ScanCommand({ TableName: TABLE, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...out.Items!);
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

test('a server killed during transactions keeps every acknowledged one and no partial one', { timeout: 180_000 }, async (t) => {
  let cli = await serveFolder(dir);
  const acknowledged = new Set<string>();
  let stop = false;
  try {
    const setup = sdkClient(cli.url);
    await createHashTable(setup, TABLE);
    await setup.send(
      new TransactWriteItemsCommand({
        TransactItems: Array.from({ length: ACCOUNTS }, (_, i) => ({ Put: { TableName: TABLE, Item: { pk: { S: `acct-${i}` }, balance: { N: String(START) } } } })),
      }),
    );
    setup.destroy();
    const clients = Array.from({ length: CLIENTS }, () => sdkClient(cli.url));
    const run = async (client: DynamoDBClient, c: number): Promise<void> => {
      for (let n = 0; !stop; n++) {
        const from = (c * 7 + n * 3) % ACCOUNTS;
        const to = (from + 1 + (n % (ACCOUNTS - 1))) % ACCOUNTS;
        const amount = String(1 + ((c + n) % 50));
        const receipt = `tx-${c}-${n}`;
        try {
          await client.send(
            new TransactWriteItemsCommand({
              TransactItems: [
                { Update: { TableName: TABLE, Key: { pk: { S: `acct-${from}` } }, UpdateExpression: 'SET balance = balance - :x', ExpressionAttributeValues: { ':x': { N: amount } } } },
                { Update: { TableName: TABLE, Key: { pk: { S: `acct-${to}` } }, UpdateExpression: 'SET balance = balance + :x', ExpressionAttributeValues: { ':x': { N: amount } } } },
                { Put: { TableName: TABLE, Item: { pk: { S: receipt }, from: { N: String(from) }, to: { N: String(to) }, amount: { N: amount } } } },
              ],
            }),
          );
          acknowledged.add(receipt);
        } catch {
          return; // the server is gone
        }
      }
    };
    const running = clients.map((client, c) => run(client, c));
    while (acknowledged.size < 300) await new Promise((r) => setTimeout(r, 10));
    cli.child.kill('SIGKILL');
    const exit = await cli.exited;
    assert.equal(exit.signal, 'SIGKILL');
    stop = true;
    await Promise.all(running);
    for (const c of clients) c.destroy();
  } finally {
    stop = true;
  }
  t.diagnostic(`${acknowledged.size} transactions acknowledged before the kill`);

  cli = await serveFolder(dir);
  const ddb = sdkClient(cli.url);
  try {
    const items = await scanAll(ddb);
    const expected = Array.from({ length: ACCOUNTS }, () => START);
    const receipts = new Set<string>();
    const balances = new Array<number>(ACCOUNTS);
    for (const item of items) {
      const pk = item.pk!.S!;
      if (pk.startsWith('acct-')) {
        balances[Number(pk.slice(5))] = Number(item.balance!.N);
        continue;
      }
      receipts.add(pk);
      const amount = Number(item.amount!.N);
      expected[Number(item.from!.N)]! -= amount;
      expected[Number(item.to!.N)]! += amount;
    }
    for (const r of acknowledged) assert.ok(receipts.has(r), `acknowledged transaction ${r} is present`);
    assert.deepEqual(balances, expected, 'the balances are the start plus exactly the transactions whose receipts are present');
    t.diagnostic(`${receipts.size - acknowledged.size} more committed but not acknowledged before the kill`);
  } finally {
    ddb.destroy();
    await cli.stop();
  }
});

/**
 * A transaction with a token is acknowledged, the server goes down (`kill`: SIGKILL; `clean`: a
 * stop, which closes the database and checkpoints, so the record is not replayed at the next
 * open), and the same request sent again to the reopened folder is answered without a second
 * write, while the token with a different request is refused.
 */
async function retryAfter(down: 'kill' | 'clean'): Promise<void> {
  const folder = mkdtempSync(path.join(tmpdir(), 'dw-tx-token-'));
  try {
    const request = () => ({
      TransactItems: [{ Update: { TableName: TABLE, Key: { pk: { S: 'counter' } }, UpdateExpression: 'ADD c :one', ExpressionAttributeValues: { ':one': { N: '1' } } } }],
      ClientRequestToken: `retry-after-${down}`,
    });
    let cli = await serveFolder(folder);
    let ddb = sdkClient(cli.url);
    await createHashTable(ddb, TABLE);
    await ddb.send(new TransactWriteItemsCommand(request()));
    ddb.destroy();
    if (down === 'kill') {
      cli.child.kill('SIGKILL');
      await cli.exited;
    } else {
      await cli.stop();
    }

    cli = await serveFolder(folder);
    ddb = sdkClient(cli.url);
    try {
      await ddb.send(new TransactWriteItemsCommand(request()));
      assert.deepEqual(await scanAll(ddb), [{ pk: { S: 'counter' }, c: { N: '1' } }]);
      const changed = request();
      changed.TransactItems[0]!.Update.ExpressionAttributeValues[':one'] = { N: '2' };
      await assert.rejects(ddb.send(new TransactWriteItemsCommand(changed)), { name: 'IdempotentParameterMismatchException' });
    } finally {
      ddb.destroy();
      await cli.stop();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

test('a retry with the same ClientRequestToken after the server was killed is answered without a second write', { timeout: 120_000 }, () => retryAfter('kill'));

test('a retry with the same ClientRequestToken after a clean restart (which checkpoints) is answered without a second write', { timeout: 120_000 }, () => retryAfter('clean'));
