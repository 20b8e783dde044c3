// Stream records from log records: one per put or delete mutation of a table with a stream,
// shaped exactly as DynamoDB Streams writes them (eventID, eventName, eventVersion, eventSource,
// awsRegion, dynamodb {ApproximateCreationDateTime, Keys, NewImage, OldImage, SequenceNumber,
// SizeBytes, StreamViewType}, and userIdentity for TTL deletions).
//
// Two renderings of the same record: JSON text written straight from the encoded images (the
// endpoint's GetRecords, where a million records must not each become an object tree first), and
// plain objects (in-process callers, subscriptions). Both come from `StreamEntry`, a mutation and
// where it sits in the log, so they cannot disagree.
//
// Invariants:
// - A write that changed nothing (old and new images equal as DynamoDB data: attribute order and
//   set order do not matter) has no record.
// - eventID is a function of the stream and the sequence number: the same record read twice, or
//   after a reopen, has the same id; two records never share one.
// - SizeBytes is the size (DynamoDB's item-size rules) of Keys plus the images the view type
//   includes, which is what DynamoDB Local reports and DynamoDB documents as the record's size.
import { createHash } from 'node:crypto';
import type { ItemCodec } from '../codec/item-codec';
import { encodedItemSize } from '../codec/item-codec';
import type { KeySchemaInfo } from '../codec/key-codec';
import { valuesEqual } from '../expressions';
import type { Mutation, Origin } from '../log';
import type { AttributeValue, Item } from '../types/attribute-value';
import { attributeValueSize, utf8Length } from '../types/attribute-validation';
import { sequenceNumber, type StreamViewType } from './model';

export type ItemMutation = Extract<Mutation, { kind: 'put' | 'delete' }>;

/** One change of an item, where the log holds it. */
export interface StreamEntry {
  lsn: number;
  /** The mutation's index in its log record (the low part of the sequence number). */
  index: number;
  /** Milliseconds since the epoch. */
  time: number;
  origin: Origin | undefined;
  mutation: ItemMutation;
}

/** What rendering a stream's records needs: the table's codec and key names, the view type, and names. */
export interface RecordContext {
  codec: ItemCodec;
  schema: KeySchemaInfo;
  viewType: StreamViewType;
  region: string;
  /** 12 hex digits that set this stream's eventIDs apart from another's (see eventIdPrefix). */
  idPrefix: string;
}

export interface StreamRecord {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  eventVersion: '1.1';
  eventSource: 'aws:dynamodb';
  awsRegion: string;
  dynamodb: {
    ApproximateCreationDateTime: number;
    Keys: Item;
    NewImage?: Item;
    OldImage?: Item;
    SequenceNumber: string;
    SizeBytes: number;
    StreamViewType: StreamViewType;
  };
  userIdentity?: { type: 'Service'; principalId: 'dynamodb.amazonaws.com' };
}

const TTL_IDENTITY = { type: 'Service', principalId: 'dynamodb.amazonaws.com' } as const;
const TTL_IDENTITY_JSON = JSON.stringify(TTL_IDENTITY);

export function eventIdPrefix(streamArn: string): string {
  return createHash('sha1').update(streamArn).digest('hex').slice(0, 12);
}

function eventId(ctx: RecordContext, e: StreamEntry): string {
  return ctx.idPrefix + (e.lsn * 1000 + e.index).toString(16).padStart(20, '0');
}

/** Whether the mutation is one of an item's (not a table's). */
export function isItemMutation(m: Mutation): m is ItemMutation {
  return m.kind === 'put' || m.kind === 'delete';
}

/** Whether a put or delete changed the item (a put of an equal item did not: it has no record). */
export function changesItem(codec: ItemCodec, m: ItemMutation): boolean {
  if (m.kind === 'delete' || m.old === undefined) return true;
  if (m.old === m.item) return false;
  // Equal data has equal sizes: most real changes end here without decoding anything.
  if (encodedItemSize(m.old) !== encodedItemSize(m.item)) return true;
  return !valuesEqual({ M: codec.decode(m.old) }, { M: codec.decode(m.item) });
}

function eventName(m: ItemMutation): StreamRecord['eventName'] {
  return m.kind === 'delete' ? 'REMOVE' : m.old === undefined ? 'INSERT' : 'MODIFY';
}

/** The images the view type includes: [new, old], each an encoded item or undefined. */
function images(viewType: StreamViewType, m: ItemMutation): [string | undefined, string | undefined] {
  const newImage = m.kind === 'put' && (viewType === 'NEW_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES') ? m.item : undefined;
  const oldImage = viewType === 'OLD_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES' ? m.old : undefined;
  return [newImage, oldImage];
}

/** The key attributes, partition first: [name, value] pairs. */
function keyOf(ctx: RecordContext, m: ItemMutation): [string, AttributeValue][] {
  const image = m.kind === 'put' ? m.item : m.old;
  const out: [string, AttributeValue][] = [[ctx.schema.partitionName, ctx.codec.attribute(image, ctx.schema.partitionName)!]];
  const sort = ctx.schema.sortName;
  if (sort !== undefined) out.push([sort, ctx.codec.attribute(image, sort)!]);
  return out;
}

function sizeOf(keys: [string, AttributeValue][], newImage: string | undefined, oldImage: string | undefined): number {
  let size = 0;
  for (const [name, value] of keys) size += utf8Length(name) + attributeValueSize(value);
  if (newImage !== undefined) size += encodedItemSize(newImage);
  if (oldImage !== undefined) size += encodedItemSize(oldImage);
  return size;
}

/** DynamoDB sends the time in epoch seconds. */
function creationTime(e: StreamEntry): number {
  return Math.floor(e.time / 1000);
}

/** The record as JSON text, written from the encoded images. */
export function recordJson(ctx: RecordContext, e: StreamEntry): string {
  const m = e.mutation;
  const [newImage, oldImage] = images(ctx.viewType, m);
  const keys = keyOf(ctx, m);
  let keysJson = '{';
  for (let i = 0; i < keys.length; i++) keysJson += (i === 0 ? '' : ',') + JSON.stringify(keys[i][0]) + ':' + JSON.stringify(keys[i][1]);
  let out =
    '{"eventID":"' +
    eventId(ctx, e) +
    '","eventName":"' +
    eventName(m) +
    '","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":' +
    JSON.stringify(ctx.region) +
    ',"dynamodb":{"ApproximateCreationDateTime":' +
    creationTime(e) +
    ',"Keys":' +
    keysJson +
    '}';
  if (newImage !== undefined) out += ',"NewImage":' + ctx.codec.toJson(newImage);
  if (oldImage !== undefined) out += ',"OldImage":' + ctx.codec.toJson(oldImage);
  out += ',"SequenceNumber":"' + sequenceNumber(e.lsn, e.index) + '","SizeBytes":' + sizeOf(keys, newImage, oldImage) + ',"StreamViewType":"' + ctx.viewType + '"}';
  if (e.origin === 'ttl') out += ',"userIdentity":' + TTL_IDENTITY_JSON;
  return out + '}';
}

/** The record as a plain object (the same record recordJson writes). */
export function recordObject(ctx: RecordContext, e: StreamEntry): StreamRecord {
  const m = e.mutation;
  const [newImage, oldImage] = images(ctx.viewType, m);
  const keys = keyOf(ctx, m);
  const dynamodb: StreamRecord['dynamodb'] = {
    ApproximateCreationDateTime: creationTime(e),
    Keys: Object.fromEntries(keys),
    SequenceNumber: sequenceNumber(e.lsn, e.index),
    SizeBytes: sizeOf(keys, newImage, oldImage),
    StreamViewType: ctx.viewType,
  };
  if (newImage !== undefined) dynamodb.NewImage = ctx.codec.decode(newImage);
  if (oldImage !== undefined) dynamodb.OldImage = ctx.codec.decode(oldImage);
  const record: StreamRecord = {
    eventID: eventId(ctx, e),
    eventName: eventName(m),
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: ctx.region,
    dynamodb,
  };
  if (e.origin === 'ttl') record.userIdentity = { ...TTL_IDENTITY };
  return record;
}

/** About how many bytes of JSON the record takes (GetRecords' 1 MB per call), without writing it. */
export function approximateBytes(e: StreamEntry): number {
  const m = e.mutation;
  return 320 + 2 * (m.key.length + (m.kind === 'put' ? m.item.length : 0) + (m.old?.length ?? 0));
}
