// StreamSpecification on CreateTable and UpdateTable: the member's shape, DynamoDB's rules for it
// (as a table of refusals with DynamoDB's messages, checked in DynamoDB's order), and the table's
// streams after the request. Messages are DynamoDB Local's (test/engine/streams/fixtures/
// control-oracle.json); a view type outside the enum is refused by the shape, as DynamoDB's
// validation does (DynamoDB Local accepts it).
//
// Invariants: only the latest stream can be enabled; disabling then enabling makes a new stream;
// a table name's stream labels only grow, even across a deletion and a re-creation within one
// millisecond (the ARN is the table's ARN plus the label, and a deleted table's stream stays
// readable), so an ARN never names two streams.
import type { Database } from '../database';
import { validation } from '../errors';
import type { TableMeta } from '../table';
import type { Spec } from '../validation/shape';
import { enabledStream } from './catalog';
import type { StreamState, StreamViewType } from './model';
import { disableStream, newStream } from './shards';

/** The members DynamoDB reads; the enum in the order DynamoDB's validation message lists it. */
export const STREAM_SPECIFICATION: Spec = {
  type: 'structure',
  members: {
    StreamEnabled: { type: 'boolean' },
    StreamViewType: { type: 'string', enum: ['NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES', 'KEYS_ONLY'] },
  },
};

export interface StreamSpecificationInput {
  StreamEnabled?: boolean;
  StreamViewType?: StreamViewType;
}

/** What a rule sees: the request's specification and, on UpdateTable, the table. */
interface Context {
  spec: StreamSpecificationInput;
  table: TableMeta | undefined;
}

/** DynamoDB's refusals, in the order it checks them. */
const RULES: readonly { refuses(c: Context): boolean; message: string }[] = [
  { refuses: ({ spec }) => spec.StreamEnabled === undefined, message: 'Stream StreamEnabled was null' },
  {
    refuses: ({ spec }) => spec.StreamEnabled === true && spec.StreamViewType === undefined,
    message: 'Invalid StreamViewType: Stream ViewType must not be null or empty when enabling streams.',
  },
  {
    refuses: ({ spec }) => spec.StreamEnabled === false && spec.StreamViewType !== undefined,
    message: 'Invalid StreamViewType: Stream StreamEnabled was false but a StreamViewType was present.',
  },
  // Changing the view type is refused the same way: the stream must be disabled first.
  { refuses: ({ spec, table }) => spec.StreamEnabled === true && table !== undefined && enabledStream(table) !== undefined, message: 'Table already has an enabled stream' },
  { refuses: ({ spec, table }) => spec.StreamEnabled === false && table !== undefined && enabledStream(table) === undefined, message: 'Table has no stream to disable' },
];

/** Throws DynamoDB's ValidationException if the specification breaks a rule (`table` absent on CreateTable). */
export function checkStreamSpecification(spec: StreamSpecificationInput, table: TableMeta | undefined): void {
  for (const rule of RULES) if (rule.refuses({ spec, table })) throw validation(rule.message);
}

/**
 * The table's streams once the checked specification applies, or undefined when nothing
 * changes (CreateTable with StreamEnabled false). `lsn` is the lsn of the record that will carry
 * the change: read db.nextLsn synchronously right before that record's commit.
 */
export function streamsAfter(db: Database, meta: TableMeta, spec: StreamSpecificationInput, lsn: number): StreamState[] | undefined {
  const streams = meta.streams ?? [];
  if (spec.StreamEnabled === true) {
    const enabledAt = enablingTime(db, meta.name, db.now());
    return [...streams, newStream(meta.arn, spec.StreamViewType!, enabledAt, lsn)];
  }
  const enabled = enabledStream(meta);
  if (enabled === undefined) return undefined;
  return [...streams.slice(0, -1), disableStream(enabled, db.now(), lsn)];
}

/** The streams of a table being deleted by the record at `lsn`: its enabled stream disabled there, or undefined if it has none. */
export function streamsOnDelete(db: Database, meta: TableMeta, lsn: number): StreamState[] | undefined {
  if (enabledStream(meta) === undefined) return undefined;
  return streamsAfter(db, meta, { StreamEnabled: false }, lsn);
}

/** `now`, or one millisecond after the latest stream any table of this name (live or deleted) enabled, if that is later. */
function enablingTime(db: Database, tableName: string, now: number): number {
  let latest = -Infinity;
  const consider = (meta: TableMeta): void => {
    for (const s of meta.streams ?? []) latest = Math.max(latest, s.enabledAt);
  };
  const live = db.tables.get(tableName);
  if (live !== undefined) consider(live.meta);
  for (const table of db.retiredTables.values()) if (table.name === tableName) consider(table.meta);
  return Math.max(now, latest + 1);
}
