// Features the workspace database does not have yet. The form and the tree say so in these same
// words, before anything is submitted, instead of an error after it.
import type { Connection } from './connection';
import { describeError, errorInfo, isUnsupported } from './connection';

export const NOT_YET_AVAILABLE = 'Not yet available in the workspace database';
/** short form for tree descriptions; the tooltip carries NOT_YET_AVAILABLE */
export const NOT_YET_AVAILABLE_SHORT = 'not yet available';

/**
 * How a row says that its database lacks an API: the workspace database "not yet", a remote
 * service plainly (DynamoDB Local has no backups or point-in-time recovery), never an error.
 */
export function missingApiText(connection: Pick<Connection, 'kind' | 'label'>, what: string): { text: string; tooltip: string } {
  if (connection.kind !== 'remote') return { text: NOT_YET_AVAILABLE_SHORT, tooltip: NOT_YET_AVAILABLE };
  return { text: 'not offered by this database', tooltip: `${connection.label} does not offer ${what}: it answers that API as an unknown operation. DynamoDB itself does; DynamoDB Local, for one, does not.` };
}

/** What a row shows when reading its feature failed: the feature missing, or another error. */
export type RowFailure = { kind: 'missing' | 'error'; text: string; tooltip: string };

export function rowFailure(connection: Pick<Connection, 'kind' | 'label'>, error: unknown, what: string): RowFailure {
  if (isUnsupported(error)) return { kind: 'missing', ...missingApiText(connection, what) };
  return { kind: 'error', text: `error: ${errorInfo(error).type}`, tooltip: describeError(error) };
}

/** Whether a request that changes nothing fails as an unknown operation; any other error means the operation is there. */
async function missing(send: () => Promise<unknown>): Promise<boolean> {
  try {
    await send();
    return false;
  } catch (e) {
    return isUnsupported(e);
  }
}

/** Whether the connection serves the Streams API (ListStreams). */
export function streamsMissing(connection: Connection): Promise<boolean> {
  return missing(() => connection.sendStreams('ListStreams', { Limit: 1 }));
}

export interface Unavailable {
  stream?: string;
  ttl?: string;
  backups?: string;
}

/**
 * What a connection cannot do, asked with requests that change nothing. Only the embedded
 * engine is known to lack these; remote services are asked too, since DynamoDB Local and
 * Alternator differ, but an error other than "unknown operation" means the feature is there.
 */
export async function unavailableFeatures(connection: Connection): Promise<Unavailable> {
  const out: Unavailable = {};
  if (connection.kind === 'remote') return out;
  const probeTable = '~feature-probe~';
  if (await streamsMissing(connection)) out.stream = NOT_YET_AVAILABLE;
  if (await missing(() => connection.send('DescribeTimeToLive', { TableName: probeTable }))) out.ttl = NOT_YET_AVAILABLE;
  if (await missing(() => connection.send('DescribeContinuousBackups', { TableName: probeTable }))) out.backups = NOT_YET_AVAILABLE;
  return out;
}
