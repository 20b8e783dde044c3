// What the log tests share: the table they write to.

/** A table keyed by a string `pk`, on demand (no throttling in the way of a test's writes). */
export const THINGS = {
  TableName: 'Things',
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  BillingMode: 'PAY_PER_REQUEST',
};
