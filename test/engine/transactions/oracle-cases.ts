// The requests of the transactions oracle (record-oracle.ts records DynamoDB Local's answers to
// them; oracle.test.ts replays them). Each case after setup reads or writes the two tables, so
// an answer depends on what the earlier cases left: the order matters.
export interface OracleCase {
  label?: string;
  op: string;
  body: Record<string, unknown>;
  setup?: boolean;
}

const S = (s: string) => ({ S: s });
const N = (n: number) => ({ N: String(n) });
const H = 'tx_h';
const HR = 'tx_hr';

const setup: OracleCase[] = [
  { op: 'DeleteTable', body: { TableName: H }, setup: true },
  { op: 'DeleteTable', body: { TableName: HR }, setup: true },
  {
    op: 'CreateTable', setup: true,
    body: { TableName: H, KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' },
  },
  {
    op: 'CreateTable', setup: true,
    body: {
      TableName: HR, BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
    },
  },
  { op: 'PutItem', body: { TableName: H, Item: { pk: S('a'), n: N(1), s: S('x') } }, setup: true },
  { op: 'PutItem', body: { TableName: H, Item: { pk: S('b'), n: N(2) } }, setup: true },
  { op: 'PutItem', body: { TableName: HR, Item: { pk: S('a'), sk: N(1), v: S('one') } }, setup: true },
];

const tw = (label: string, body: Record<string, unknown>): OracleCase => ({ label, op: 'TransactWriteItems', body });
const tg = (label: string, body: Record<string, unknown>): OracleCase => ({ label, op: 'TransactGetItems', body });
const get = (label: string, table: string, key: Record<string, unknown>): OracleCase => ({ label, op: 'GetItem', body: { TableName: table, Key: key, ConsistentRead: true } });
const put = (TableName: string, Item: Record<string, unknown>, more: Record<string, unknown> = {}) => ({ Put: { TableName, Item, ...more } });
const upd = (TableName: string, Key: Record<string, unknown>, UpdateExpression: string, more: Record<string, unknown> = {}) => ({ Update: { TableName, Key, UpdateExpression, ...more } });
const del = (TableName: string, Key: Record<string, unknown>, more: Record<string, unknown> = {}) => ({ Delete: { TableName, Key, ...more } });
const check = (TableName: string, Key: Record<string, unknown>, ConditionExpression: string, more: Record<string, unknown> = {}) => ({ ConditionCheck: { TableName, Key, ConditionExpression, ...more } });
const many = (n: number) => Array.from({ length: n }, (_, i) => put(H, { pk: S(`m${i}`) }));

export const ORACLE_CASES: OracleCase[] = [
  ...setup,
  // Successes, and what they leave.
  tw('a put, an update, a delete and a check over two tables commit together', {
    TransactItems: [put(H, { pk: S('c'), n: N(3) }), upd(H, { pk: S('a') }, 'SET n = n + :one', { ExpressionAttributeValues: { ':one': N(1) } }), del(H, { pk: S('b') }), check(HR, { pk: S('a'), sk: N(1) }, 'attribute_exists(v)')],
  }),
  get('the put is there', H, { pk: S('c') }),
  get('the update is there', H, { pk: S('a') }),
  get('the delete is done', H, { pk: S('b') }),
  tw('ReturnConsumedCapacity TOTAL reports two units per item, per table', {
    TransactItems: [put(H, { pk: S('d') }), put(HR, { pk: S('d'), sk: N(1) }), check(H, { pk: S('a') }, 'attribute_exists(pk)')],
    ReturnConsumedCapacity: 'TOTAL',
  }),
  tw('ReturnConsumedCapacity INDEXES reports the table units', { TransactItems: [put(H, { pk: S('e') })], ReturnConsumedCapacity: 'INDEXES' }),
  tw('ReturnItemCollectionMetrics SIZE on tables without local indexes returns nothing more', { TransactItems: [put(H, { pk: S('e2') })], ReturnItemCollectionMetrics: 'SIZE' }),
  // Cancellations: reasons in action order, nothing written.
  tw('a failed condition cancels the whole transaction with reasons in action order', {
    TransactItems: [put(H, { pk: S('f') }), check(H, { pk: S('a') }, 'n = :n', { ExpressionAttributeValues: { ':n': N(100) } }), del(H, { pk: S('c') })],
  }),
  get('nothing of the cancelled transaction is visible (put)', H, { pk: S('f') }),
  get('nothing of the cancelled transaction is visible (delete)', H, { pk: S('c') }),
  tw('ReturnValuesOnConditionCheckFailure ALL_OLD puts the item in its reason', {
    TransactItems: [check(H, { pk: S('a') }, 'attribute_not_exists(pk)', { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }), put(H, { pk: S('g') })],
  }),
  tw('ALL_OLD on an absent item gives a reason without Item', {
    TransactItems: [put(H, { pk: S('h') }), check(H, { pk: S('zz') }, 'attribute_exists(pk)', { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })],
  }),
  tw('two failed conditions are both reported', {
    TransactItems: [check(H, { pk: S('zz') }, 'attribute_exists(pk)'), upd(H, { pk: S('a') }, 'SET s = :s', { ConditionExpression: 'attribute_not_exists(pk)', ExpressionAttributeValues: { ':s': S('y') } })],
  }),
  tw('an update that puts a wrong type into an expression is a ValidationError reason', {
    TransactItems: [put(H, { pk: S('i') }), upd(H, { pk: S('a') }, 'SET n = s + :one', { ExpressionAttributeValues: { ':one': N(1) } })],
  }),
  tw('an item over 400 KB in an update is a ValidationError reason', {
    TransactItems: [put(H, { pk: S('j') }), upd(H, { pk: S('a') }, 'SET big = :big', { ExpressionAttributeValues: { ':big': S('x'.repeat(410 * 1024)) } })],
  }),
  tw('a put of an item over 400 KB is refused', { TransactItems: [put(H, { pk: S('k'), big: S('x'.repeat(410 * 1024)) })] }),
  tw('a condition failure and a validation error together', {
    TransactItems: [check(H, { pk: S('zz') }, 'attribute_exists(pk)'), upd(H, { pk: S('a') }, 'SET n = s + :one', { ExpressionAttributeValues: { ':one': N(1) } })],
  }),
  get('the item the refused updates name is unchanged', H, { pk: S('a') }),
  // Request validation.
  tw('an empty TransactItems is refused', { TransactItems: [] }),
  tw('more than 100 actions are refused', { TransactItems: many(101) }),
  tw('exactly 100 actions commit', { TransactItems: many(100) }),
  tw('two actions on one item are refused', { TransactItems: [put(H, { pk: S('l') }), del(H, { pk: S('l') })] }),
  tw('items adding up to more than 4 MB are refused', { TransactItems: Array.from({ length: 11 }, (_, i) => put(H, { pk: S(`big${i}`), big: S('x'.repeat(390 * 1024)) })) }),
  get('and none of them is written', H, { pk: S('big0') }),
  tw('an action with no operation is refused', { TransactItems: [{}] }),
  tw('an action with two operations is refused', { TransactItems: [{ ...put(H, { pk: S('m') }), ...del(H, { pk: S('m') }) }] }),
  tw('a missing table is refused', { TransactItems: [put('tx_missing', { pk: S('a') })] }),
  tw('a put without the key is refused', { TransactItems: [put(H, { n: N(1) })] }),
  tw('a delete with a key of the wrong type is refused', { TransactItems: [del(H, { pk: N(1) })] }),
  tw('an update of a key attribute is refused', { TransactItems: [upd(H, { pk: S('a') }, 'SET pk = :p', { ExpressionAttributeValues: { ':p': S('q') } })] }),
  tw('an unused expression attribute value is refused', { TransactItems: [put(H, { pk: S('n') }, { ConditionExpression: 'attribute_not_exists(pk)', ExpressionAttributeValues: { ':unused': N(1), } })] }),
  tw('a condition check without a condition is refused', { TransactItems: [{ ConditionCheck: { TableName: H, Key: { pk: S('a') } } }] }),
  tw('an update without an update expression is refused', { TransactItems: [{ Update: { TableName: H, Key: { pk: S('a') } } }] }),
  tw('a syntax error in a condition is refused', { TransactItems: [check(H, { pk: S('a') }, 'attribute_exists(')] }),
  tw('a bad ReturnValuesOnConditionCheckFailure is refused', { TransactItems: [check(H, { pk: S('a') }, 'attribute_exists(pk)', { ReturnValuesOnConditionCheckFailure: 'ALL_NEW' })] }),
  tw('a too long ClientRequestToken is refused', { TransactItems: [put(H, { pk: S('o') })], ClientRequestToken: 'x'.repeat(37) }),
  tw('an empty ClientRequestToken is refused', { TransactItems: [put(H, { pk: S('o') })], ClientRequestToken: '' }),
  tw('a bad ReturnConsumedCapacity is refused', { TransactItems: [put(H, { pk: S('o') })], ReturnConsumedCapacity: 'SOME' }),
  // Idempotency.
  tw('a first request with a token commits', { TransactItems: [upd(H, { pk: S('tok') }, 'ADD c :one', { ExpressionAttributeValues: { ':one': N(1) } })], ClientRequestToken: 'token-1' }),
  tw('the same request with the same token succeeds again', { TransactItems: [upd(H, { pk: S('tok') }, 'ADD c :one', { ExpressionAttributeValues: { ':one': N(1) } })], ClientRequestToken: 'token-1' }),
  get('and wrote once', H, { pk: S('tok') }),
  tw('the same token with another request is a mismatch', { TransactItems: [upd(H, { pk: S('tok') }, 'ADD c :two', { ExpressionAttributeValues: { ':two': N(2) } })], ClientRequestToken: 'token-1' }),
  tw('the same request and token asking for capacity reports it', { TransactItems: [upd(H, { pk: S('tok') }, 'ADD c :one', { ExpressionAttributeValues: { ':one': N(1) } })], ClientRequestToken: 'token-1', ReturnConsumedCapacity: 'TOTAL' }),
  // TransactGetItems.
  tg('gets over two tables return items in order, absent ones empty', {
    TransactItems: [{ Get: { TableName: H, Key: { pk: S('a') } } }, { Get: { TableName: H, Key: { pk: S('zz') } } }, { Get: { TableName: HR, Key: { pk: S('a'), sk: N(1) }, ProjectionExpression: 'v' } }],
  }),
  tg('gets report two read units per item', { TransactItems: [{ Get: { TableName: H, Key: { pk: S('a') } } }, { Get: { TableName: HR, Key: { pk: S('a'), sk: N(1) } } }], ReturnConsumedCapacity: 'TOTAL' }),
  tg('gets with a projection and names', { TransactItems: [{ Get: { TableName: H, Key: { pk: S('a') }, ProjectionExpression: '#n', ExpressionAttributeNames: { '#n': 'n' } } }] }),
  tg('an empty TransactItems is refused', { TransactItems: [] }),
  tg('more than 100 gets are refused', { TransactItems: Array.from({ length: 101 }, (_, i) => ({ Get: { TableName: H, Key: { pk: S(`g${i}`) } } })) }),
  tg('two gets of one item are refused', { TransactItems: [{ Get: { TableName: H, Key: { pk: S('a') } } }, { Get: { TableName: H, Key: { pk: S('a') } } }] }),
  tg('a get of a missing table is refused', { TransactItems: [{ Get: { TableName: 'tx_missing', Key: { pk: S('a') } } }] }),
  tg('a get with a wrong key is refused', { TransactItems: [{ Get: { TableName: H, Key: { nope: S('a') } } }] }),
  tg('a get item without Get is refused', { TransactItems: [{}] }),
  tg('an unused name is refused', { TransactItems: [{ Get: { TableName: H, Key: { pk: S('a') }, ExpressionAttributeNames: { '#n': 'n' } } }] }),
];
