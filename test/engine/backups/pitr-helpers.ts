// Shared pieces of the PITR tests: databases on a clock the test moves, a scratch data folder,
// and the table state `tableAt` returns decoded into plain items, so tests compare tables by value.
import * as fs from 'node:fs';
import { Database, type DatabaseOptions } from '../../../src/engine/database';
import { Table, type TableMeta } from '../../../src/engine/table';
import type { PitrContents } from '../../../src/engine/backups/pitr';
import { tempDir } from '../helpers';

/** A clock a test sets; every database of the test reads it. */
export class Clock {
  constructor(public ms = Date.UTC(2026, 0, 1)) {}
  readonly now = (): number => this.ms;
  advance(ms: number): number {
    this.ms += ms;
    return this.ms;
  }
}

export function options(clock: Clock, extra: DatabaseOptions = {}): DatabaseOptions {
  return { now: clock.now, throttling: false, ttlSweepIntervalMs: 0, ...extra };
}

export function openMemory(clock: Clock, extra: DatabaseOptions = {}): Promise<Database> {
  return Database.open('', { ...options(clock, extra), inMemory: true });
}

/** Runs `fn` with a fresh data folder, removed afterwards whatever happens. */
export async function withDataDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = tempDir('dw-pitr-');
  try {
    return await fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The items of a table state as JSON texts, in key order. */
export function decodeContents(meta: TableMeta, contents: PitrContents): string[] {
  const table = new Table(meta);
  table.codec.restore(contents.dictionary);
  return contents.values.map((v) => JSON.stringify(sortedItem(table.codec.decode(v))));
}

/** The items of a live table as JSON texts, in key order. */
export function liveItems(db: Database, name: string): string[] {
  const table = db.table(name);
  const { values } = table.index.snapshot();
  return values.map((v) => JSON.stringify(sortedItem(table.codec.decode(v))));
}

/** An item with its attributes in name order, so equal items print equally. */
export function sortedItem(item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1)));
}

export async function simpleTable(db: Database, name = 'Tab'): Promise<void> {
  await db.execute('CreateTable', {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  });
}

export async function enablePitr(db: Database, name = 'Tab', days?: number): Promise<unknown> {
  return db.execute('UpdateContinuousBackups', {
    TableName: name,
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, ...(days === undefined ? {} : { RecoveryPeriodInDays: days }) },
  });
}
