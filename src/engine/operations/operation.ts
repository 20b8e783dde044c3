import type { Database } from '../database';
import type { Spec } from '../validation/shape';

/** One DynamoDB API operation: its input shape (validated before `run`) and its behaviour. */
export interface Operation<I = any> {
  readonly name: string;
  readonly members: Record<string, Spec>;
  run(db: Database, input: I): unknown;
}
