// Stream records from log records: one per put or delete mutation of a table with a stream,
// shaped exactly as DynamoDB Streams writes them (eventID, eventName, eventVersion, eventSource,
// awsRegion, dynamodb {ApproximateCreationDateTime, Keys, NewImage, OldImage, SequenceNumber,
// SizeBytes, StreamViewType}, and userIdentity {Type, PrincipalId} for TTL deletions: the Streams
// API's capitalised member names, which the AWS SDKs read; Lambda's events spell them type and
// principalId).
//
// Three renderings of the same record: JSON as UTF-8 bytes written straight from the log's bytes
// of the images (the endpoint's GetRecords, recordBytes; see codec/json-bytes.ts), JSON text
// written from the encoded images (recordJson: what recordBytes falls back to, and must equal
// byte for byte), and plain objects (in-process callers, subscriptions). All come from
// `StreamEntry`, a mutation and where it sits in the log, so they cannot disagree.
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
import { asciiBytes as ascii, jsonSafe, keyValue, type ByteOut, type KeyBytes } from '../codec/json-bytes';
import { LoggedDelete, LoggedPut, type LoggedChange } from './log-frames';
import type { AttributeValue, Item } from '../types/attribute-value';
import { attributeValueSize, utf8Length } from '../types/attribute-validation';
import { sequenceNumber, type StreamViewType } from './model';

// Module-level copies of imported functions called for every record (see log/reader.ts: run from
// source, each read of an imported binding is a getter call).
const itemSize = encodedItemSize;
const valueSize = attributeValueSize;
const sequenceText = sequenceNumber;
const Put = LoggedPut;
const Delete = LoggedDelete;
const safeBytes = jsonSafe;

/** A put or delete as the log holds it, or as a stream's frame decoder reads it (no key text). */
export type ItemMutation = Extract<Mutation, { kind: 'put' | 'delete' }> | LoggedChange;

/** One change of an item, where the log holds it. */
export interface StreamEntry {
  lsn: number;
  /** The mutation's index in its log record (the low part of the sequence number). */
  index: number;
  /** Milliseconds since the epoch. */
  time: number;
  origin: Origin | undefined;
  mutation: ItemMutation;
  /** The UTF-16 length of the mutation's encoded key (part of approximateBytes). */
  keyUnits: number;
}

/** What rendering a stream's records needs: the table's codec and key names, the view type, and names. */
export interface RecordContext {
  codec: ItemCodec;
  schema: KeySchemaInfo;
  viewType: StreamViewType;
  region: string;
  /** The key attribute names' UTF-8 bytes (part of every record's SizeBytes). */
  keyNameBytes: number;
  /** Made on first use by recordJson. */
  parts?: JsonParts;
  /** The same as bytes, made on first use by recordBytes. */
  byteParts?: ByteParts;
  /** 11 hex digits that set this stream's eventIDs apart from another's (see eventIdPrefix). */
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
  /** The Streams API's member names (capitalised; Lambda's event format writes them in lower case). */
  userIdentity?: { Type: 'Service'; PrincipalId: 'dynamodb.amazonaws.com' };
}

const TTL_IDENTITY = { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' } as const;
const TTL_IDENTITY_JSON = JSON.stringify(TTL_IDENTITY);

export function eventIdPrefix(streamArn: string): string {
  return createHash('sha1').update(streamArn).digest('hex').slice(0, 11);
}

/** 32 characters, as DynamoDB's eventIDs: the stream's prefix and the record's 21-digit sequence number. */
function eventId(ctx: RecordContext, sequence: string): string {
  return ctx.idPrefix + sequence;
}

/** Whether the mutation is one of an item's (not a table's). */
export function isItemMutation(m: Mutation | LoggedChange): m is ItemMutation {
  return m.kind === 'put' || m.kind === 'delete';
}

/** Whether a put or delete changed the item (a put of an equal item did not: it has no record). */
export function changesItem(codec: ItemCodec, m: ItemMutation): boolean {
  if (m.kind === 'delete' || m.old === undefined) return true;
  if (m instanceof Put) {
    // Compared as the log's bytes, so that no image becomes a string unless the sizes agree.
    const bytes = m.bytes;
    if (bytes.compare(bytes, m.oldAt, m.oldEnd, m.itemAt, m.itemEnd) === 0) return false;
    const reader = codec.byteJson;
    if (reader.size(bytes, m.oldAt) !== reader.size(bytes, m.itemAt)) return true;
  }
  if (m.old === m.item) return false;
  // Equal data has equal sizes: most real changes end here without decoding anything.
  if (itemSize(m.old) !== itemSize(m.item)) return true;
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

/** The key attribute names, partition first. */
function keyNames(schema: KeySchemaInfo): string[] {
  return schema.sortName === undefined ? [schema.partitionName] : [schema.partitionName, schema.sortName];
}

/** The key attribute values, in keyNames order. */
function keyOf(ctx: RecordContext, m: ItemMutation): AttributeValue[] {
  const image = m.kind === 'put' ? m.item : m.old;
  const sort = ctx.schema.sortName;
  const partition = ctx.codec.attribute(image, ctx.schema.partitionName)!;
  return sort === undefined ? [partition] : [partition, ctx.codec.attribute(image, sort)!];
}

function sizeOf(ctx: RecordContext, keys: AttributeValue[], newImage: string | undefined, oldImage: string | undefined): number {
  let size = ctx.keyNameBytes;
  for (let i = 0; i < keys.length; i++) size += valueSize(keys[i]);
  if (newImage !== undefined) size += itemSize(newImage);
  if (oldImage !== undefined) size += itemSize(oldImage);
  return size;
}

/** The parts of a record's JSON text that are the same for every record of a stream, made once per page. */
interface JsonParts {
  /** After eventName: the constant members up to ApproximateCreationDateTime's value. */
  afterName: string;
  /** Before each key value: `,"Keys":{"pk":` then `,"sk":`. */
  keyOpenings: string[];
  /** From after SizeBytes' value to the end of `dynamodb`. */
  tail: string;
}

function jsonParts(ctx: RecordContext): JsonParts {
  return (ctx.parts ??= {
    afterName: '","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":' + JSON.stringify(ctx.region) + ',"dynamodb":{"ApproximateCreationDateTime":',
    keyOpenings: keyNames(ctx.schema).map((name, i) => (i === 0 ? ',"Keys":{' : ',') + JSON.stringify(name) + ':'),
    tail: ',"StreamViewType":"' + ctx.viewType + '"}',
  });
}

/** DynamoDB sends the time in epoch seconds. */
function creationTime(e: StreamEntry): number {
  return Math.floor(e.time / 1000);
}

/** The record as JSON text, written from the encoded images. */
export function recordJson(ctx: RecordContext, e: StreamEntry): string {
  const m = e.mutation;
  const parts = jsonParts(ctx);
  const [newImage, oldImage] = images(ctx.viewType, m);
  const keys = keyOf(ctx, m);
  const sequence = sequenceText(e.lsn, e.index);
  let out = '{"eventID":"' + eventId(ctx, sequence) + '","eventName":"' + eventName(m) + parts.afterName + creationTime(e);
  for (let i = 0; i < keys.length; i++) out += parts.keyOpenings[i] + JSON.stringify(keys[i]);
  out += '}';
  if (newImage !== undefined) out += ',"NewImage":' + ctx.codec.toJson(newImage);
  if (oldImage !== undefined) out += ',"OldImage":' + ctx.codec.toJson(oldImage);
  out += ',"SequenceNumber":"' + sequence + '","SizeBytes":' + sizeOf(ctx, keys, newImage, oldImage) + parts.tail;
  if (e.origin === 'ttl') out += ',"userIdentity":' + TTL_IDENTITY_JSON;
  return out + '}';
}

/**
 * The record's JSON (the text recordJson writes) as UTF-8 bytes at the end of `out`, written from
 * the log's bytes of its images (see json-bytes.ts); false, with nothing written, when the record
 * must go the string way: its images are not the log's bytes (in memory, the log's tail, a frame
 * decodeRecord read), or something in them needs escaping.
 */
export function recordBytes(ctx: RecordContext, e: StreamEntry, out: ByteOut): boolean {
  const m = e.mutation;
  let src: Buffer;
  let newAt = -1;
  let oldAt = -1;
  if (m instanceof Put) {
    src = m.bytes;
    if (ctx.viewType === 'NEW_IMAGE' || ctx.viewType === 'NEW_AND_OLD_IMAGES') newAt = m.itemAt;
    if (ctx.viewType === 'OLD_IMAGE' || ctx.viewType === 'NEW_AND_OLD_IMAGES') oldAt = m.oldAt;
  } else if (m instanceof Delete) {
    src = m.bytes;
    if (ctx.viewType === 'OLD_IMAGE' || ctx.viewType === 'NEW_AND_OLD_IMAGES') oldAt = m.oldAt;
  } else return false;
  const reader = ctx.codec.byteJson;
  const image = m.kind === 'put' ? m.itemAt : m.oldAt;
  const partition = reader.attribute(src, image, ctx.schema.partitionName);
  if (partition === undefined || !safeKey(src, partition)) return false;
  let sort: KeyBytes | undefined;
  if (ctx.schema.sortName !== undefined) {
    sort = reader.attribute(src, image, ctx.schema.sortName);
    if (sort === undefined || !safeKey(src, sort)) return false;
  }
  let size = ctx.keyNameBytes + keyBytesSize(src, partition) + (sort === undefined ? 0 : keyBytesSize(src, sort));
  if (newAt >= 0) size += reader.size(src, newAt);
  if (oldAt >= 0) size += reader.size(src, oldAt);
  const mark = out.pos;
  const parts = byteParts(ctx);
  out.put(parts.eventId);
  // The sequence number's 21 digits (sequenceNumber's, written from the numbers), kept to be written again.
  const sequenceAt = out.pos;
  if (e.index < 1000) {
    out.digits(e.lsn, 18);
    out.digits(e.index, 3);
  } else out.ascii(sequenceText(e.lsn, e.index));
  const sequenceLength = out.pos - sequenceAt;
  out.put(parts.eventName[eventName(m)]);
  out.digits(creationTime(e));
  out.put(parts.keyOpenings[0][partition.tag]);
  out.bytes(src, partition.start, partition.end);
  if (sort !== undefined) {
    out.put(parts.keyOpenings[1][sort.tag]);
    out.bytes(src, sort.start, sort.end);
  }
  if (newAt >= 0) {
    out.put(KEYS_CLOSE_NEW_IMAGE);
    if (!reader.write(src, newAt, out)) {
      out.pos = mark;
      return false;
    }
  } else out.put(KEYS_CLOSE);
  if (oldAt >= 0) {
    out.put(OLD_IMAGE);
    if (!reader.write(src, oldAt, out)) {
      out.pos = mark;
      return false;
    }
  }
  out.put(SEQUENCE);
  out.again(sequenceAt, sequenceLength);
  out.put(SIZE);
  out.digits(size);
  out.put(e.origin === 'ttl' ? parts.ttlTail : parts.tail);
  return true;
}

/**
 * recordJson's constant text as UTF-8 bytes, made once per page for recordBytes, joined into as
 * few pieces as possible (each piece is a copy of its own).
 */
interface ByteParts {
  /** `{"eventID":"` and the stream's id prefix. */
  eventId: Buffer;
  /** From the end of eventID to ApproximateCreationDateTime's value, by event name. */
  eventName: Record<StreamRecord['eventName'], Buffer>;
  /** Before each key value, by the value's tag (S, J, N, B): its name and type; the second closes the first value. */
  keyOpenings: Array<Record<number, Buffer>>;
  /** After SizeBytes' value to the record's end, without and with the TTL identity. */
  tail: Buffer;
  ttlTail: Buffer;
}

function byteParts(ctx: RecordContext): ByteParts {
  if (ctx.byteParts !== undefined) return ctx.byteParts;
  const parts = jsonParts(ctx);
  const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
  const byTag = (before: string): Record<number, Buffer> => ({ 83: utf8(before + '{"S":"'), 74: utf8(before + '{"S":"'), 78: utf8(before + '{"N":"'), 66: utf8(before + '{"B":"') });
  const eventName = (name: string): Buffer => utf8('","eventName":"' + name + parts.afterName);
  return (ctx.byteParts = {
    eventId: utf8('{"eventID":"' + ctx.idPrefix),
    eventName: { INSERT: eventName('INSERT'), MODIFY: eventName('MODIFY'), REMOVE: eventName('REMOVE') },
    keyOpenings: parts.keyOpenings.map((opening, i) => byTag((i === 0 ? '' : '"}') + opening)),
    tail: utf8(parts.tail + '}'),
    ttlTail: utf8(parts.tail + ',"userIdentity":' + TTL_IDENTITY_JSON + '}'),
  });
}

// The constant bytes of every record between its parts, in the order recordJson writes them.
const KEYS_CLOSE = ascii('"}}');
const KEYS_CLOSE_NEW_IMAGE = ascii('"}},"NewImage":');
const OLD_IMAGE = ascii(',"OldImage":');
const SEQUENCE = ascii(',"SequenceNumber":"');
const SIZE = ascii('","SizeBytes":');

/** Whether a key's text goes between JSON quotes as it is (a J text always does; an S text is checked). */
function safeKey(src: Buffer, key: KeyBytes): boolean {
  return key.tag !== 83 || safeBytes(src, key.start, key.end);
}

/** A key value's size by DynamoDB's rules: a string's UTF-8 length is its bytes'. */
function keyBytesSize(src: Buffer, key: KeyBytes): number {
  return key.tag === 83 || key.tag === 74 ? key.end - key.start : valueSize(keyValue(src, key));
}

/** The record as a plain object (the same record recordJson writes). */
export function recordObject(ctx: RecordContext, e: StreamEntry): StreamRecord {
  const m = e.mutation;
  const [newImage, oldImage] = images(ctx.viewType, m);
  const keys = keyOf(ctx, m);
  const sequence = sequenceText(e.lsn, e.index);
  const dynamodb: StreamRecord['dynamodb'] = {
    ApproximateCreationDateTime: creationTime(e),
    Keys: Object.fromEntries(keyNames(ctx.schema).map((name, i) => [name, keys[i]])),
    SequenceNumber: sequence,
    SizeBytes: sizeOf(ctx, keys, newImage, oldImage),
    StreamViewType: ctx.viewType,
  };
  if (newImage !== undefined) dynamodb.NewImage = ctx.codec.decode(newImage);
  if (oldImage !== undefined) dynamodb.OldImage = ctx.codec.decode(oldImage);
  const record: StreamRecord = {
    eventID: eventId(ctx, sequence),
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
  // Images still in the log's bytes are counted in UTF-8 bytes (no string is made to count units).
  if (m instanceof Put) return 320 + 2 * (e.keyUnits + m.itemEnd - m.itemAt + (m.oldAt < 0 ? 0 : m.oldEnd - m.oldAt));
  if (m instanceof Delete) return 320 + 2 * (e.keyUnits + m.oldEnd - m.oldAt);
  return 320 + 2 * (e.keyUnits + (m.kind === 'put' ? m.item.length : 0) + (m.old?.length ?? 0));
}

/** What rendering the records of a stream of a table with this codec and key schema needs. */
export function newRecordContext(codec: ItemCodec, schema: KeySchemaInfo, viewType: StreamViewType, region: string, streamArn: string): RecordContext {
  let keyNameBytes = 0;
  for (const name of keyNames(schema)) keyNameBytes += utf8Length(name);
  return { codec, schema, viewType, region, keyNameBytes, idPrefix: eventIdPrefix(streamArn) };
}
