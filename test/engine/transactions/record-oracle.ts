// Records transactions-oracle.json: the cases below sent to DynamoDB Local as raw JSON, with its
// answers. Run by hand (the tests replay the file and need no Java):
//   node --import tsx test/engine/transactions/record-oracle.ts http://localhost:<port>
// against a freshly started DynamoDB Local (it remembers ClientRequestTokens of an earlier run).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ORACLE_CASES } from './oracle-cases';

async function send(endpoint: string, op: string, body: unknown): Promise<unknown> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${op}`,
      authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status === 200) return json;
  const type = String(json.__type ?? '').split('#').pop();
  const out: Record<string, unknown> = { error: type, message: json.Message ?? json.message };
  if (json.CancellationReasons) out.CancellationReasons = json.CancellationReasons;
  if (json.Item) out.Item = json.Item;
  return out;
}

async function main(): Promise<void> {
  const endpoint = process.argv[2];
  if (!endpoint) throw new Error('usage: record-oracle.ts <DynamoDB Local endpoint>');
  const out: unknown[] = [];
  // Setup requests are sent too (they reset the tables), but not recorded.
  for (const c of ORACLE_CASES) {
    const expected = await send(endpoint, c.op, c.body);
    // Bodies stay in oracle-cases.ts (some carry 400 KB items): the file keeps label and answer.
    if (!c.setup) out.push({ label: c.label, op: c.op, expected });
  }
  const file = path.join(__dirname, 'fixtures', 'transactions-oracle.json');
  fs.writeFileSync(file, '[' + out.map((c) => JSON.stringify(c)).join(',\n') + ']\n');
  console.log(`${out.length} cases -> ${file}`);
}

void main();
