// Shard iterators: the opaque strings GetShardIterator hands out and GetRecords takes. One
// carries everything a read needs, so the engine keeps no state per consumer: the stream ARN and
// shard id, the next position (the lsn and mutation index of the next record), when it was issued
// (it expires ITERATOR_LIFETIME_MS later, by db.now()), and a hint of where in the log that
// position is (segment, offset, running CRC), so that paging through a long stream never reads a
// segment again from its start.
//
// Layout: `<stream arn>|1|<base64url of fields>`, the fields `|`-separated and ending in a check
// (the first 16 hex digits of a SHA-256 over the ARN and the other fields). The check makes a
// garbled or truncated iterator a ValidationException rather than a read at a random place; it is
// not a secret (a hand-made iterator can only point into a stream its maker can read anyway, and a
// wrong log hint is caught by the log's running CRC and ignored).
import { createHash } from 'node:crypto';
import { DynamoDBError, validation } from '../errors';
import type { LogPosition } from '../log';
import { ITERATOR_LIFETIME_MS } from './model';
import type { StreamPosition } from './reader';

export interface ShardIterator {
  streamArn: string;
  shardId: string;
  position: StreamPosition;
  /** Milliseconds since the epoch. */
  issuedAt: number;
  hint?: LogPosition;
}

const VERSION = '1';

function check(streamArn: string, fields: string): string {
  return createHash('sha256').update(streamArn).update('\n').update(fields).digest('hex').slice(0, 16);
}

export function encodeIterator(it: ShardIterator): string {
  const h = it.hint;
  const fields = [it.shardId, it.position.lsn, it.position.index, it.issuedAt, h?.segment ?? '', h?.offset ?? '', h?.crc ?? '', h?.lsn ?? ''].join('|');
  const payload = Buffer.from(`${fields}|${check(it.streamArn, fields)}`).toString('base64url');
  return `${it.streamArn}|${VERSION}|${payload}`;
}

export function invalidIterator(): DynamoDBError {
  return validation('Invalid ShardIterator');
}

const INTEGER = /^\d{1,16}$/;

function integer(s: string): number | undefined {
  if (!INTEGER.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The iterator's contents; ValidationException "Invalid ShardIterator" for anything that is not one of ours, intact. */
export function decodeIterator(text: string): ShardIterator {
  const parts = text.split('|');
  if (parts.length !== 3 || parts[1] !== VERSION) throw invalidIterator();
  const [streamArn, , payload] = parts;
  const fields = Buffer.from(payload, 'base64url').toString('utf8').split('|');
  if (fields.length !== 9) throw invalidIterator();
  const sum = fields.pop()!;
  if (sum !== check(streamArn, fields.join('|'))) throw invalidIterator();
  const [shardId, lsnText, indexText, issuedText, ...hintText] = fields;
  const lsn = integer(lsnText);
  const index = integer(indexText);
  const issuedAt = integer(issuedText);
  if (lsn === undefined || index === undefined || issuedAt === undefined) throw invalidIterator();
  const it: ShardIterator = { streamArn, shardId, position: { lsn, index }, issuedAt };
  const [segment, offset, crc, hintLsn] = hintText.map(integer);
  if (segment !== undefined && offset !== undefined && crc !== undefined && hintLsn !== undefined) it.hint = { segment, offset, crc, lsn: hintLsn };
  return it;
}

/** ExpiredIteratorException once the iterator is older than its lifetime at `now`. */
export function checkNotExpired(it: ShardIterator, now: number): void {
  if (now - it.issuedAt > ITERATOR_LIFETIME_MS) throw new DynamoDBError('ExpiredIteratorException', 'Shard iterator has expired');
}
