// The benchmark's data and requests: ~200-byte items, 10 items per partition for Query.
import { GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { encodeRequest } from './raw-client';

export const TABLE = 'bench';
export const OPS = ['PutItem', 'GetItem', 'Query'] as const;
export type Op = (typeof OPS)[number];

export interface WorkloadConfig {
  /** Partitions preloaded for GetItem and Query. */
  partitions: number;
  itemsPerPartition: number;
  /** Distinct pre-encoded requests per op (cycled). */
  distinctRequests: number;
}

export const DEFAULT_WORKLOAD: WorkloadConfig = { partitions: 1000, itemsPerPartition: 10, distinctRequests: 4096 };

export const pk = (p: number): string => `p${String(p).padStart(6, '0')}`;
export const sk = (s: number): string => `s${String(s).padStart(3, '0')}`;
/** Pads the item to about 200 bytes by DynamoDB's size rules (names + values). */
const filler = (seed: number): string => (seed.toString(36) + '-').repeat(40).slice(0, 170);

export function item(p: string, s: string, seed: number) {
  return { pk: { S: p }, sk: { S: s }, data: { S: filler(seed) }, n: { N: String(seed) } };
}

export const createTableBody = JSON.stringify({
  TableName: TABLE,
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  BillingMode: 'PAY_PER_REQUEST',
});

export function createTableRequest(): Buffer {
  return encodeRequest({ target: 'DynamoDB_20120810.CreateTable', body: createTableBody });
}

/** PutItems that load every partition. */
export function preloadRequests(cfg: WorkloadConfig): Buffer[] {
  const out: Buffer[] = [];
  for (let p = 0; p < cfg.partitions; p++) {
    for (let s = 0; s < cfg.itemsPerPartition; s++) {
      out.push(encodeRequest({ target: 'DynamoDB_20120810.PutItem', body: JSON.stringify({ TableName: TABLE, Item: item(pk(p), sk(s), p * 100 + s) }) }));
    }
  }
  return out;
}

function putInput(i: number) {
  // Writes go to their own partitions, overwriting in a cycle, so the table does not grow without bound.
  return { TableName: TABLE, Item: item(`w${String(i % 8192).padStart(6, '0')}`, sk(i % 10), i) };
}

function getInput(i: number, cfg: WorkloadConfig) {
  const p = (i * 7919) % cfg.partitions;
  return { TableName: TABLE, Key: { pk: { S: pk(p) }, sk: { S: sk(i % cfg.itemsPerPartition) } } };
}

function queryInput(i: number, cfg: WorkloadConfig) {
  return {
    TableName: TABLE,
    KeyConditionExpression: 'pk = :p',
    ExpressionAttributeValues: { ':p': { S: pk((i * 7919) % cfg.partitions) } },
  };
}

export function rawRequests(op: Op, cfg: WorkloadConfig): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < cfg.distinctRequests; i++) {
    const input = op === 'PutItem' ? putInput(i) : op === 'GetItem' ? getInput(i, cfg) : queryInput(i, cfg);
    out.push(encodeRequest({ target: `DynamoDB_20120810.${op}`, body: JSON.stringify(input) }));
  }
  return out;
}

export function sdkCommand(op: Op, cfg: WorkloadConfig): (i: number) => any {
  switch (op) {
    case 'PutItem':
      return (i) => new PutItemCommand(putInput(i));
    case 'GetItem':
      return (i) => new GetItemCommand(getInput(i, cfg));
    case 'Query':
      return (i) => new QueryCommand(queryInput(i, cfg));
  }
}
