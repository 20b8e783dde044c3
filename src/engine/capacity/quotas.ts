// Provisioned-throughput quotas, as DynamoDB enforces them on CreateTable and UpdateTable and
// reports them through DescribeLimits: per table (and per GSI) 40,000 RCU and 40,000 WCU, per
// account (every PROVISIONED table and its GSIs in the region) 80,000 each, by default.
//
// Besides matching DynamoDB, the quotas bound everything the capacity model sizes by throughput
// (partitions, token buckets): no number a client sends can make the engine allocate more.
// Invariants: a table whose meta passes `checkThroughputQuotas` has table and GSI rates within
// the per-table quota; only values a request raises are checked, so lowering the quotas (a
// database option) never blocks other changes to a table already above them.
import { DynamoDBError } from '../errors';
import type { TableMeta } from '../table';

export interface CapacityQuotas {
  accountMaxReadCapacityUnits: number;
  accountMaxWriteCapacityUnits: number;
  tableMaxReadCapacityUnits: number;
  tableMaxWriteCapacityUnits: number;
}

export const DEFAULT_QUOTAS: CapacityQuotas = {
  accountMaxReadCapacityUnits: 80000,
  accountMaxWriteCapacityUnits: 80000,
  tableMaxReadCapacityUnits: 40000,
  tableMaxWriteCapacityUnits: 40000,
};

/** What the quota checks need of a database: its region, its quotas option and its tables' metas. */
export interface QuotaSource {
  readonly region: string;
  readonly options: { capacityQuotas?: Partial<CapacityQuotas> };
  readonly tables: ReadonlyMap<string, { readonly meta: TableMeta }>;
}

export function quotasOf(db: QuotaSource): CapacityQuotas {
  return { ...DEFAULT_QUOTAS, ...db.options.capacityQuotas };
}

type Kind = 'Read' | 'Write';

/** The rate of `kind` a table or a GSI is provisioned with (0 if it has none). */
function rate(of: { read?: number; write?: number } | undefined, kind: Kind): number {
  return (kind === 'Read' ? of?.read : of?.write) ?? 0;
}

const limitExceeded = (message: string): DynamoDBError => new DynamoDBError('LimitExceededException', message);

/** Provisioned units of a table and its GSIs (0 for an on-demand table). */
function reserved(meta: TableMeta | undefined, kind: Kind): number {
  if (meta === undefined || meta.billingMode !== 'PROVISIONED') return 0;
  let units = rate(meta, kind);
  for (const i of meta.indexes ?? []) if (i.kind === 'GSI') units += rate(i, kind);
  return units;
}

function gsiOf(meta: TableMeta | undefined, name: string) {
  return meta?.indexes?.find((m) => m.name === name && m.kind === 'GSI');
}

/**
 * Throws DynamoDB's LimitExceededException when `next` (the meta a CreateTable or UpdateTable is
 * about to commit) raises a table's or a GSI's throughput above the per-table quota, or the
 * account's reserved throughput above the account quota. `current` is the table's meta before
 * the change (undefined for CreateTable).
 */
export function checkThroughputQuotas(db: QuotaSource, next: TableMeta, current: TableMeta | undefined): void {
  if (next.billingMode !== 'PROVISIONED') return;
  const q = quotasOf(db);
  for (const kind of ['Read', 'Write'] as const) {
    const max = q[`tableMax${kind}CapacityUnits`];
    const units = rate(next, kind);
    if (units > max && units > rate(current?.billingMode === 'PROVISIONED' ? current : undefined, kind)) {
      throw limitExceeded(`The requested ${kind}CapacityUnits, ${units}, is above the per table maximum for the account in ${db.region}. Per table maximum: ${max}.`);
    }
    for (const i of next.indexes ?? []) {
      if (i.kind !== 'GSI') continue;
      const u = rate(i, kind);
      if (u > max && u > rate(gsiOf(current, i.name), kind)) {
        throw limitExceeded(`The requested ${kind}CapacityUnits for index ${i.name}, ${u}, is above the per index maximum for the account in ${db.region}. Per index maximum: ${max}.`);
      }
    }
  }
  for (const kind of ['Read', 'Write'] as const) {
    const limit = q[`accountMax${kind}CapacityUnits`];
    const requested = reserved(next, kind);
    const before = reserved(current, kind);
    if (requested <= before) continue;
    let others = 0;
    for (const [name, t] of db.tables) if (name !== next.name) others += reserved(t.meta, kind);
    if (others + requested > limit) {
      throw limitExceeded(
        `This request would have caused the ${kind}CapacityUnits limit to be exceeded for the account in ${db.region}. Current ${kind}CapacityUnits reserved by the account: ${others + before}. Limit: ${limit}. Requested: ${requested}.`,
      );
    }
  }
}
