// Table tags (TagResource, UntagResource, ListTagsOfResource and CreateTable's Tags): the rules a
// tag list must follow, the resource an ARN names, and the paging of ListTagsOfResource.
//
// Invariants: a table's tags live in its metadata (`TableMeta.tags`), so they are logged,
// checkpointed and recovered with it; they are kept sorted by key with each key once, which makes
// a page token (the last key returned) stable while tags change between pages. Restores build
// fresh metadata (backups/overrides.ts) and so never carry the source's tags, as in DynamoDB.
// Rules follow DynamoDB's "Tagging restrictions": at most 50 tags, keys of 1 to 128 characters and
// values of 0 to 256 (checked by the member specs), letters, digits, white space and `+ - = . _ : /`,
// and the `aws:` prefix reserved (in any case) for keys.
import { DynamoDBError, resourceNotFound, validation } from './errors';
import type { Database } from './database';
import type { Table } from './table';
import type { Spec } from './validation/shape';

export interface Tag {
  Key: string;
  Value: string;
}

export const MAX_TAGS = 50;
/** Tags per ListTagsOfResource page; a table's 50 tags take several pages, so clients meet NextToken. */
export const TAGS_PAGE_SIZE = 10;

const TAG_KEY: Spec = { type: 'string', required: true, min: 1, max: 128 };
const TAG: Spec = {
  type: 'structure',
  members: { Key: TAG_KEY, Value: { type: 'string', required: true, min: 0, max: 256 } },
};
/** A Tags member (TagResource's, required; CreateTable's, optional). */
export const TAG_LIST: Spec = { type: 'list', member: TAG };
export const TAG_KEY_LIST: Spec = { type: 'list', required: true, member: TAG_KEY };
export const RESOURCE_ARN: Spec = { type: 'string', required: true, min: 1, max: 1283 };

const ALLOWED = /^[\p{L}\p{Z}\p{N}+\-=._:/]*$/u;

function reserved(key: string): boolean {
  return key.length >= 4 && key.slice(0, 4).toLowerCase() === 'aws:';
}

function checkKey(key: string): void {
  if (reserved(key)) throw validation(`Tag keys starting with 'aws:' are reserved for AWS use and cannot be used: ${key}`);
  if (!ALLOWED.test(key)) {
    throw validation(`Invalid tag key: ${key}. Tag keys may contain only letters, numbers, white space and + - = . _ : /`);
  }
}

/** Refuses a tag list DynamoDB refuses (TagResource's and CreateTable's). */
export function checkTags(tags: readonly Tag[]): void {
  if (tags.length === 0) throw validation('The list of tags is empty: at least one tag must be given');
  for (const t of tags) {
    checkKey(t.Key);
    if (!ALLOWED.test(t.Value)) {
      throw validation(`Invalid tag value: ${t.Value}. Tag values may contain only letters, numbers, white space and + - = . _ : /`);
    }
  }
}

/** Refuses UntagResource's keys DynamoDB refuses (the reserved prefix; an absent key is not an error). */
export function checkTagKeys(keys: readonly string[]): void {
  if (keys.length === 0) throw validation('The list of tag keys is empty: at least one tag key must be given');
  for (const k of keys) checkKey(k);
}

/** `current` with `added` set (a key given again takes the later value), sorted by key; refused above 50 tags. */
export function withTags(current: readonly Tag[] | undefined, added: readonly Tag[]): Tag[] {
  const byKey = new Map((current ?? []).map((t) => [t.Key, t.Value]));
  for (const t of added) byKey.set(t.Key, t.Value);
  if (byKey.size > MAX_TAGS) {
    throw validation(`Too many tags: a resource can have at most ${MAX_TAGS} tags, and this request would leave it with ${byKey.size}`);
  }
  return sortedTags(byKey);
}

/** `current` without `keys`, sorted by key. */
export function withoutTags(current: readonly Tag[] | undefined, keys: readonly string[]): Tag[] {
  const byKey = new Map((current ?? []).map((t) => [t.Key, t.Value]));
  for (const k of keys) byKey.delete(k);
  return sortedTags(byKey);
}

function sortedTags(byKey: Map<string, string>): Tag[] {
  return [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([Key, Value]) => ({ Key, Value }));
}

/**
 * The table `arn` names. DynamoDB's error classes: an ARN not starting with `arn:` or not naming a
 * table of this region is a ValidationException, another account's is an AccessDeniedException, a
 * table that does not exist is a ResourceNotFoundException (whose message keeps DynamoDB's
 * "ResourcArn" spelling, which clients match on).
 */
export function tableOfArn(db: Database, arn: string): Table {
  if (!arn.startsWith('arn:')) throw validation(`Invalid TableArn: ARNs must start with 'arn:': ${arn}`);
  const parts = arn.split(':');
  if (parts.length < 6 || parts[2] !== 'dynamodb') throw validation(`Invalid TableArn: ${arn} is not a DynamoDB resource ARN`);
  const [, , , region, account] = parts;
  const resource = parts.slice(5).join(':');
  const match = /^table\/([a-zA-Z0-9_.-]{3,255})$/.exec(resource);
  if (match === null) throw validation(`Invalid TableArn: ${arn} does not name a DynamoDB table`);
  if (account !== db.accountId) {
    throw new DynamoDBError('AccessDeniedException', `User is not authorized to access the resource ${arn} of account ${account}`);
  }
  if (region !== db.region) throw validation(`Invalid TableArn: ${arn} names a table in region ${region}, not in ${db.region}`);
  const table = db.tables.get(match[1]!);
  if (table === undefined || table.meta.arn !== arn || db.creating.has(match[1]!)) {
    throw resourceNotFound(`Requested resource not found: ResourcArn: ${arn} not found`);
  }
  return table;
}

/** One page of `tags` after the key a NextToken carries. */
export function tagsPage(tags: readonly Tag[], nextToken: string | undefined): { Tags: Tag[]; NextToken?: string } {
  let start = 0;
  if (nextToken !== undefined) {
    const after = keyOfToken(nextToken);
    while (start < tags.length && tags[start]!.Key <= after) start++;
  }
  const page = tags.slice(start, start + TAGS_PAGE_SIZE);
  const more = start + TAGS_PAGE_SIZE < tags.length;
  return more ? { Tags: page, NextToken: tokenOfKey(page[page.length - 1]!.Key) } : { Tags: page };
}

const TOKEN_PREFIX = 'tags:';

function tokenOfKey(key: string): string {
  return Buffer.from(TOKEN_PREFIX + key, 'utf8').toString('base64url');
}

function keyOfToken(token: string): string {
  const text = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  if (!text.startsWith(TOKEN_PREFIX)) throw validation(`Invalid NextToken: ${token}`);
  return text.slice(TOKEN_PREFIX.length);
}
