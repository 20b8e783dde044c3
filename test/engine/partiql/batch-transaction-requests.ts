// A fixed session of BatchExecuteStatement and ExecuteTransaction requests (with the
// ExecuteStatements that set their stage), recorded against DynamoDB Local by record-oracle.ts
// into fixtures/oracle-batch-transaction.json and replayed by batch-transaction.test.ts.
export const TX_TABLE = {
  TableName: 'pq_tx',
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
  BillingMode: 'PAY_PER_REQUEST',
};

// DynamoDB Local remembers tokens for 10 minutes across recordings: each recording uses its own
// (the fixture keeps the one used, and the replay sends it).
const TOKEN = `pq-${Date.now()}`;

const S = (Statement: string, extra: Record<string, unknown> = {}) => ({ Statement, ...extra });

export const REQUESTS: [string, Record<string, unknown>][] = [
  ['ExecuteStatement', S("INSERT INTO pq_tx VALUE {'pk': 'a', 'sk': 1, 'x': 1}")],
  ['ExecuteStatement', S("INSERT INTO pq_tx VALUE {'pk': 'a', 'sk': 2, 'x': 2, 'm': {'k': 'v'}}")],
  // Transactions of writes: all or nothing.
  ['ExecuteTransaction', { TransactStatements: [S("INSERT INTO pq_tx VALUE {'pk': 'a', 'sk': 1}"), S("UPDATE pq_tx SET x = 5 WHERE pk = 'a' AND sk = 9")] }],
  ['ExecuteTransaction', { TransactStatements: [S("INSERT INTO pq_tx VALUE {'pk': 'a', 'sk': 3, 'x': 3}"), S("UPDATE pq_tx SET x = x + 10 WHERE pk = 'a' AND sk = 1"), S("DELETE FROM pq_tx WHERE pk = 'a' AND sk = 2")] }],
  ['ExecuteStatement', S("SELECT * FROM pq_tx WHERE pk = 'a'")],
  ['ExecuteTransaction', { TransactStatements: [S("UPDATE pq_tx SET x = 0 WHERE pk = 'a' AND sk = 1 AND x = 99", { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }), S("DELETE FROM pq_tx WHERE pk = 'a' AND sk = 3")] }],
  ['ExecuteTransaction', { TransactStatements: [S("EXISTS(SELECT * FROM pq_tx WHERE pk = 'a' AND sk = 1 AND x = 11)"), S("INSERT INTO pq_tx VALUE {'pk': 'b', 'sk': 1, 'x': 7}")] }],
  ['ExecuteTransaction', { TransactStatements: [S("EXISTS(SELECT * FROM pq_tx WHERE pk = 'a' AND sk = 1 AND x = 12)"), S("INSERT INTO pq_tx VALUE {'pk': 'b', 'sk': 2}")] }],
  ['ExecuteTransaction', { TransactStatements: [S("EXISTS(SELECT * FROM pq_tx WHERE pk = 'a' AND sk = 1)")] }],
  ['ExecuteTransaction', { TransactStatements: [S("UPDATE pq_tx SET x = 1 WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW *")] }],
  ['ExecuteTransaction', { TransactStatements: [S("UPDATE pq_tx SET x = 1 WHERE pk = 'a' AND sk = 1"), S("DELETE FROM pq_tx WHERE pk = 'a' AND sk = 1")] }],
  ['ExecuteTransaction', { TransactStatements: [S("INSERT INTO pq_tx VALUE {'pk': 'c', 'sk': 1}"), S("SELECT * FROM pq_tx WHERE pk = 'a' AND sk = 1")] }],
  ['ExecuteTransaction', { TransactStatements: [S("SELECT * FROM pq_tx WHERE pk = 'a'")] }],
  // Transactions of reads.
  ['ExecuteTransaction', { TransactStatements: [S("SELECT * FROM pq_tx WHERE pk = 'a' AND sk = 1"), S("SELECT x FROM pq_tx WHERE pk = ? AND sk = ?", { Parameters: [{ S: 'b' }, { N: '1' }] }), S("SELECT * FROM pq_tx WHERE pk = 'z' AND sk = 1")] }],
  // Idempotency.
  ['ExecuteTransaction', { TransactStatements: [S("UPDATE pq_tx SET x = x + 1 WHERE pk = 'b' AND sk = 1")], ClientRequestToken: TOKEN }],
  ['ExecuteTransaction', { TransactStatements: [S("UPDATE pq_tx SET x = x + 1 WHERE pk = 'b' AND sk = 1")], ClientRequestToken: TOKEN }],
  ['ExecuteStatement', S("SELECT x FROM pq_tx WHERE pk = 'b' AND sk = 1")],
  ['ExecuteTransaction', { TransactStatements: [S("UPDATE pq_tx SET x = x + 2 WHERE pk = 'b' AND sk = 1")], ClientRequestToken: TOKEN }],
  // Batches: each statement on its own.
  ['BatchExecuteStatement', { Statements: [S("SELECT * FROM pq_tx WHERE pk = 'a' AND sk = 1"), S("SELECT * FROM pq_tx WHERE pk = 'a'"), S("SELECT * FROM pq_tx WHERE pk = 'a' AND sk = 8"), S("SELECT x FROM pq_tx WHERE pk = 'b' AND sk = 1"), S("SELECT x FROM pq_nope WHERE pk = 'b' AND sk = 1")] }],
  ['BatchExecuteStatement', { Statements: [S("INSERT INTO pq_tx VALUE {'pk': 'a', 'sk': 1}"), S("UPDATE pq_tx SET x = 1 WHERE pk = 'zz' AND sk = 1"), S("DELETE FROM pq_tx WHERE pk = 'q' AND sk = 3"), S("UPDATE pq_tx SET x = 1 WHERE pk = 'b' AND sk = 1 AND x = 100", { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }), S("UPDATE pq_nope SET x = 1 WHERE pk = 'a' AND sk = 1"), S("UPDATE pq_tx SET x = 1 WHERE pk = 'a'"), S("INSERT INTO pq_tx VALUE {'pk': 'd', 'sk': 9}"), S("UPDATE pq_tx SET y = 'new' WHERE pk = 'a' AND sk = 3 RETURNING ALL NEW *")] }],
  ['ExecuteStatement', S("SELECT * FROM pq_tx")],
  ['ExecuteStatement', S("SELECT sk, x FROM pq_tx WHERE pk IN ['b', 'q', 'a'] AND sk < 9")],
  ['ExecuteStatement', S("SELECT * FROM pq_tx WHERE pk IN [?, 'd'] AND x IS MISSING", { Parameters: [{ S: 'a' }] })],
  ['ExecuteStatement', S("SELECT sk FROM pq_tx WHERE pk = 'b' OR pk = 'a' OR pk = 'zz'")],
  ['ExecuteStatement', S("SELECT sk FROM pq_tx WHERE pk IN ['a'] AND sk IN [1, 2]")],
  // Refusals of the whole batch. (DynamoDB Local applies a batch's writes to one item before it
  // refuses the duplicates, which DynamoDB does not: nothing reads that item afterwards.)
  ['BatchExecuteStatement', { Statements: [S("SELECT * FROM pq_tx WHERE pk = 'a' AND sk = 1"), S("INSERT INTO pq_tx VALUE {'pk': 'e', 'sk': 1}")] }],
  ['BatchExecuteStatement', { Statements: [S("UPDATE pq_tx SET x = 1 WHERE pk = 'a' AND sk = 1"), S("UPDATE pq_tx SET x = 2 WHERE pk = 'a' AND sk = 1")] }],
  ['BatchExecuteStatement', { Statements: [S("SELECT * FROM pq_tx WHERE pk = 'a' AND sk = 1"), S("SELECT x FROM pq_tx WHERE pk = 'a' AND sk = 1")] }],
];
