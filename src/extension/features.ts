// Features the workspace database does not have yet. The form and the tree say so in these same
// words, before anything is submitted, instead of an error after it.
import type { Connection } from './connection';
import { isUnsupported } from './connection';

export const NOT_YET_AVAILABLE = 'Not yet available in the workspace database';
/** short form for tree descriptions; the tooltip carries NOT_YET_AVAILABLE */
export const NOT_YET_AVAILABLE_SHORT = 'not yet available';

/**
 * What the tree says where a database lacks an API: the workspace database "not yet" (it is still
 * growing), a remote service plainly that it does not offer it (DynamoDB Local has no backups,
 * point-in-time recovery or export, and answers them as unknown operations).
 */
export function unavailableText(connection: Pick<Connection, 'kind' | 'label'>): { text: string; tooltip: string } {
  if (connection.kind !== 'remote') return { text: NOT_YET_AVAILABLE_SHORT, tooltip: NOT_YET_AVAILABLE };
  return { text: 'not supported by this service', tooltip: `${connection.label} does not offer this API: it answers it as an unknown operation` };
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
