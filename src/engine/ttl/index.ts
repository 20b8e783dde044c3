// Time to live (UpdateTimeToLive, DescribeTimeToLive and the sweeper). The public surface:
// - `TtlSweeper` (db.ttl): `status(table)`, `sweepNow()`, started at open, stopped at close;
//   options `ttlSweepIntervalMs` (default 5 s, 0 for none) and `ttlTransitionMs` (how long a
//   change stays ENABLING/DISABLING, default 1 s).
// - `ttlChange`: DynamoDB's rules for a TimeToLiveSpecification against the table's state.
// - expiry.ts: when an item expires (pure); expiry-index.ts: items by expiry time, per table.
import type { Spec } from '../validation/shape';
import type { TtlMeta, TtlStatus } from './expiry';

export { TtlSweeper, DEFAULT_TTL_SWEEP_INTERVAL_MS, expiredDeletions, type SweepResult } from './sweeper';
export { DEFAULT_TTL_TRANSITION_MS, MAX_PAST_SECONDS, isExpired, ttlStatus, type TtlMeta, type TtlStatus } from './expiry';

export interface TtlSpecification {
  Enabled: boolean;
  AttributeName: string;
}

/** UpdateTimeToLive's TimeToLiveSpecification, with the API's constraints (both members required, a name of 1 to 255 characters). */
export const TTL_SPECIFICATION: Spec = {
  type: 'structure',
  required: true,
  members: {
    Enabled: { type: 'boolean', required: true },
    AttributeName: { type: 'string', required: true, min: 1, max: 255 },
  },
};

/** Why DynamoDB refuses `spec` on a table in this TTL state, or undefined if it accepts it. */
export function ttlChange(current: TtlMeta | undefined, status: TtlStatus, spec: TtlSpecification): string | undefined {
  // A change is still settling (DynamoDB: for up to an hour): no other change meanwhile.
  if (status === 'ENABLING' || status === 'DISABLING') return 'Time to live has been modified multiple times within a fixed interval';
  if (status === 'ENABLED') {
    if (current!.attributeName !== spec.AttributeName) return 'TimeToLive is active on a different AttributeName';
    if (spec.Enabled) return 'TimeToLive is already enabled';
    return undefined;
  }
  return spec.Enabled ? undefined : 'TimeToLive is already disabled';
}
