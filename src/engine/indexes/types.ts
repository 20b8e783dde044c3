// Secondary indexes as a table's metadata records them (persisted with the table's meta, in log
// records and checkpoints). Index contents are never persisted: they are rebuilt from the table.
import type { KeySchemaElement } from '../table';

export type IndexKind = 'GSI' | 'LSI';
export type ProjectionType = 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
/** CREATING (GSI added by UpdateTable, backfilling), ACTIVE, UPDATING (throughput change), DELETING. */
export type IndexStatus = 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETING';

export interface IndexProjection {
  type: ProjectionType;
  /** INCLUDE only: the non-key attributes copied into the index, as the request listed them. */
  nonKeyAttributes?: string[];
}

export interface IndexMeta {
  name: string;
  kind: IndexKind;
  keySchema: KeySchemaElement[];
  projection: IndexProjection;
  status: IndexStatus;
  /** GSIs of PROVISIONED tables. */
  read?: number;
  write?: number;
  lastIncrease?: number;
  lastDecrease?: number;
  decreasesToday?: number;
  /** Added by UpdateTable (DescribeTable then reports Backfilling). */
  addedLater?: boolean;
  /** Epoch seconds of the UpdateTable that added or is deleting it. */
  changedAt?: number;
}

/** What other engine modules (capacity, metrics) read about a table's indexes. */
export interface IndexInfo {
  name: string;
  kind: IndexKind;
  status: IndexStatus;
  keySchema: KeySchemaElement[];
  projection: IndexProjection;
  /** GSIs on PROVISIONED tables: their own provisioned throughput. */
  provisioned?: { read: number; write: number };
  /** A GSI being backfilled (CREATING, items of the table still being copied in). */
  backfilling: boolean;
  /** IndexSizeBytes and ItemCount as DescribeTable reports them. */
  sizeBytes: number;
  itemCount: number;
}

export const MAX_LSIS = 5;
export const MAX_GSIS = 20;
/** Projected non-key attributes across all of a table's indexes. */
export const MAX_PROJECTED_ATTRIBUTES = 100;
