// Records fixtures/oracle-statements.json by running the generated session against DynamoDB
// Local over raw HTTP (so the error type is the wire's __type, not an SDK's renaming):
//   ORACLE_ENDPOINT=http://localhost:8000 node --import tsx test/engine/partiql/record-oracle.ts
// and fixtures/oracle-batch-transaction.json from the fixed session in batch-transaction-requests.ts.
// DynamoDB Local 3.3.0 (java -jar DynamoDBLocal.jar -inMemory). Not run by the test suite.
import { writeFileSync } from 'node:fs';
import { generate, TABLES } from './generate';
import { REQUESTS, TX_TABLE } from './batch-transaction-requests';

const endpoint = process.env.ORACLE_ENDPOINT ?? 'http://localhost:8000';

async function call(op: string, body: unknown): Promise<{ ok: boolean; json: any }> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${op}`,
      authorization: 'AWS4-HMAC-SHA256 Credential=key/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify(body),
  });
  return { ok: res.ok, json: await res.json() };
}

async function main() {
  for (const t of TABLES) {
    await call('DeleteTable', { TableName: t.TableName });
    const r = await call('CreateTable', t);
    if (!r.ok) throw new Error(JSON.stringify(r.json));
  }
  const cases = generate(16, Number(process.env.ORACLE_COUNT ?? 400));
  const recorded = [];
  for (const c of cases) {
    const { ordered, ...request } = c;
    const r = await call('ExecuteStatement', request);
    const expect = r.ok
      ? { items: r.json.Items, nextToken: r.json.NextToken !== undefined }
      : { errorType: String(r.json.__type).split('#').pop(), error: r.json.message ?? r.json.Message };
    recorded.push({ request, ...(ordered ? { ordered } : {}), expect });
  }
  writeFileSync(new URL('./fixtures/oracle-statements.json', import.meta.url), JSON.stringify(recorded, null, 1) + '\n');
  console.log(`recorded ${recorded.length} statements`);

  await call('DeleteTable', { TableName: TX_TABLE.TableName });
  const created = await call('CreateTable', TX_TABLE);
  if (!created.ok) throw new Error(JSON.stringify(created.json));
  const session = [];
  for (const [operation, request] of REQUESTS) {
    const r = await call(operation, request);
    const expect = r.ok ? { result: r.json } : { errorType: String(r.json.__type).split('#').pop(), error: r.json.message ?? r.json.Message, ...(r.json.CancellationReasons ? { reasons: r.json.CancellationReasons } : {}) };
    session.push({ operation, request, expect });
  }
  writeFileSync(new URL('./fixtures/oracle-batch-transaction.json', import.meta.url), JSON.stringify(session, null, 1) + '\n');
  console.log(`recorded ${session.length} batch and transaction requests`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
