// Helpers shared by the backup, PITR and export/import suites: waiting for asynchronous work
// (a table leaving CREATING, a backup becoming AVAILABLE, an export completing) by polling the
// API the way a client would, reading whole tables, and placing writes on distinct seconds.
// Invariant: every wait has a bound, and fails with what it last saw, never hangs a suite.
import {
  DescribeTableCommand,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';

/** Polls `probe` until `done` holds for its result; returns that result. */
export async function waitUntil<T>(probe: () => Promise<T>, done: (v: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < until) {
    last = await probe();
    if (done(last)) return last;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last)}`);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits for the table to be ACTIVE (a restore or an import finishing); returns its description. */
export function waitActive(client: DynamoDBClient, TableName: string): Promise<TableDescription> {
  return waitUntil(
    async () => (await client.send(new DescribeTableCommand({ TableName }))).Table!,
    (t) => t.TableStatus === 'ACTIVE',
    `${TableName} ACTIVE`,
  );
}

/** Every item of the table (or of one index), by every page, keyed by `keyOf` and sorted so two tables compare with deepEqual. */
export async function scanAll(client: DynamoDBClient, TableName: string, IndexName?: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName, IndexName, ExclusiveStartKey, ConsistentRead: IndexName ? undefined : true }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items.sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
}

function keyOf(item: Record<string, AttributeValue>): string {
  return JSON.stringify([item.pk, item.sk]);
}

/** Puts `n` items pk=`p<i>`, sk=i with a payload tagged `tag`. */
export async function putItems(client: DynamoDBClient, TableName: string, n: number, tag: string, from = 0): Promise<void> {
  await Promise.all(
    Array.from({ length: n }, (_, k) =>
      client.send(
        new PutItemCommand({
          TableName,
          Item: { pk: { S: `p${from + k}` }, sk: { N: String(from + k) }, tag: { S: tag }, g: { S: `g${(from + k) % 3}` } },
        }),
      ),
    ),
  );
}

/**
 * A whole second that lies strictly between what was written before this call and what is
 * written after it returns: restoring (or exporting) "at" it must give exactly the earlier state,
 * whichever way the server rounds a time to its second. Costs up to ~2.1 s of waiting.
 */
export async function secondBetween(): Promise<Date> {
  const second = Math.ceil((Date.now() + 1) / 1000) * 1000;
  await sleep(second + 1100 - Date.now());
  return new Date(second);
}
