// ExportTableToPointInTime: a table as it was at a time (full) or its changes over a period
// (incremental), written into a bucket folder (buckets.ts) in the layout DynamoDB writes to S3:
//
//   <prefix>/AWSDynamoDB/<ExportId>/_started                empty, written first
//   <prefix>/AWSDynamoDB/<ExportId>/data/<random>.json.gz   full export data (.ion.gz for ION)
//   <prefix>/AWSDynamoDB/data/<random>.json.gz              incremental export data (shared folder)
//   <prefix>/AWSDynamoDB/<ExportId>/manifest-files.json     one line per data file
//   <prefix>/AWSDynamoDB/<ExportId>/manifest-files.md5      (and .checksum) its MD5, hex
//   <prefix>/AWSDynamoDB/<ExportId>/manifest-summary.json   the summary, written last
//   <prefix>/AWSDynamoDB/<ExportId>/manifest-summary.md5    (and .checksum)
//
// A full export is the table as it was at ExportTime (pitr.ts's stateAt); an incremental one
// reads the history between ExportFromTime and ExportToTime (the log, or memory's history).
//
// The request is answered at once with the export IN_PROGRESS; the files are written in the
// background, a slice of items at a time (the event loop is never held for long), and the export
// becomes COMPLETED (or FAILED) in the catalog (transfers.ts).
//
// Invariants: the contents are taken when the request is made (a later write is not in the
// export); every data file is durable (fsync) before manifest-files.json names it, and that
// before manifest-summary.json names it, so a crash leaves either a complete export or one
// without a summary manifest (FAILED at the next open), never a manifest naming a missing file.
// Work stops when the database closes (the export is FAILED at the next open).
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Database } from '../database';
import { DynamoDBError, validation } from '../errors';
import { ItemCodec, encodedItemSize } from '../codec/item-codec';
import { schemaOf, type Table } from '../table';
import { DAY_MS, findTable, pitrWindow, stateAt, whenSettled, type PitrContents } from './pitr';
import type { Item } from '../types/attribute-value';
import { Bucket, syncFolder, writeFileDurably } from './buckets';
import { dataFile, type Change, type ExportFormat } from './formats';
import { defined, transferId, transfers, type Description } from './transfers';

const gzipAsync = promisify(gzip);

/** Items per data file (DynamoDB writes one or more per partition). */
export const ITEMS_PER_FILE = 100_000;
/** Items turned into text between two yields to the event loop. */
const SLICE_ITEMS = 5_000;

const MIN_INCREMENTAL_MS = 15 * 60_000;

export interface ExportRequest {
  TableArn: string;
  ExportTime?: number;
  ClientToken?: string;
  S3Bucket: string;
  S3BucketOwner?: string;
  S3Prefix?: string;
  S3SseAlgorithm?: 'AES256' | 'KMS';
  S3SseKmsKeyId?: string;
  ExportFormat?: ExportFormat;
  ExportType?: 'FULL_EXPORT' | 'INCREMENTAL_EXPORT';
  IncrementalExportSpecification?: { ExportFromTime?: number; ExportToTime?: number; ExportViewType?: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES' };
}

/** Starts an export; resolves with its description (IN_PROGRESS) once it is in the catalog. */
export async function startExport(db: Database, input: ExportRequest): Promise<Description> {
  // The history read below must hold every write acknowledged so far (pitr.ts).
  await whenSettled(db);
  const table = findTable(db, { tableArn: input.TableArn });
  const meta = table.meta;
  const now = db.now();
  const window = pitrWindow(db, meta.name);
  if (window === undefined) {
    throw new DynamoDBError('PointInTimeRecoveryUnavailableException', `Point in time recovery is not enabled for table '${meta.name}'`);
  }
  const exportType = input.ExportType ?? 'FULL_EXPORT';
  const format = input.ExportFormat ?? 'DYNAMODB_JSON';
  const catalog = transfers(db);
  const repeat = sameClientToken(catalog.exports.values(), input);
  if (repeat !== undefined) return repeat;

  let exportTime: number;
  let incremental: { from: number; to: number; view: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES' } | undefined;
  if (exportType === 'FULL_EXPORT') {
    if (input.IncrementalExportSpecification !== undefined) throw validation('IncrementalExportSpecification can only be given with ExportType INCREMENTAL_EXPORT');
    exportTime = input.ExportTime === undefined ? now : timestampMs(input.ExportTime, 'ExportTime');
    if (exportTime < window.earliest || exportTime > window.latest) {
      throw new DynamoDBError(
        'InvalidExportTimeException',
        `Export time ${iso(exportTime)} is not within the point in time recovery window of table '${meta.name}': ${iso(window.earliest)} to ${iso(window.latest)}`,
      );
    }
  } else {
    incremental = incrementalPeriod(input, window, meta.name);
    exportTime = incremental.to;
  }

  const bucket = Bucket.open(db, input.S3Bucket, true);
  const prefix = normalPrefix(input.S3Prefix);
  const id = transferId(now);
  const exportFolder = `${prefix}AWSDynamoDB/${id}/`;
  const description: Description = defined({
    ExportArn: `${meta.arn}/export/${id}`,
    ExportStatus: 'IN_PROGRESS',
    StartTime: now / 1000,
    TableArn: meta.arn,
    TableId: meta.id,
    ExportTime: exportTime / 1000,
    ClientToken: input.ClientToken ?? randomBytes(16).toString('hex'),
    S3Bucket: input.S3Bucket,
    S3Prefix: input.S3Prefix,
    S3BucketOwner: input.S3BucketOwner,
    S3SseAlgorithm: input.S3SseAlgorithm ?? 'AES256',
    S3SseKmsKeyId: input.S3SseKmsKeyId,
    ExportFormat: format,
    ExportType: exportType,
  });
  if (incremental !== undefined) {
    description.IncrementalExportSpecification = { ExportFromTime: incremental.from / 1000, ExportToTime: incremental.to / 1000, ExportViewType: incremental.view };
  }
  // The contents are fixed now, before the request is answered.
  const source: Source =
    incremental === undefined
      ? { kind: 'full', ...contentsAt(db, table, exportTime) }
      : { kind: 'incremental', changes: changesOf(db, table, incremental.from, incremental.to, incremental.view) };
  // _started proves the bucket writable before the export is promised.
  writeFileDurably(bucket.file(`${exportFolder}_started`, true), '');
  catalog.exports.set(description.ExportArn as string, description);
  catalog.save();
  void runExport(db, bucket, prefix, exportFolder, description, source, format);
  return { ...description };
}

/** An export's description by ARN, or ExportNotFoundException. */
export function describeExport(db: Database, arn: string): Description {
  const d = transfers(db).exports.get(arn);
  if (d === undefined) throw new DynamoDBError('ExportNotFoundException', `Export not found: ${arn}`);
  return { ...d };
}

type Source = ({ kind: 'full' } & PitrContents & { codec: ItemCodec }) | { kind: 'incremental'; changes: Change[] };

async function runExport(db: Database, bucket: Bucket, prefix: string, exportFolder: string, description: Description, source: Source, format: ExportFormat): Promise<void> {
  const catalog = transfers(db);
  try {
    const extension = format === 'ION' ? '.ion.gz' : '.json.gz';
    const dataFolder = source.kind === 'full' ? `${exportFolder}data/` : `${prefix}AWSDynamoDB/data/`;
    const count = source.kind === 'full' ? source.values.length : source.changes.length;
    const files: { itemCount: number; md5Checksum: string; etag: string; dataFileS3Key: string }[] = [];
    let billed = 0;
    // At least one file, as DynamoDB writes one even for an empty partition.
    for (let start = 0; start === 0 || start < count; start += ITEMS_PER_FILE) {
      const end = Math.min(count, start + ITEMS_PER_FILE);
      const content = dataFile(format);
      for (let i = start; i < end; i++) {
        if (source.kind === 'full') {
          const encoded = source.values[i];
          billed += encodedItemSize(encoded);
          content.item(() => source.codec.decode(encoded), format === 'DYNAMODB_JSON' ? source.codec.toJson(encoded) : undefined);
        } else content.change(source.changes[i]);
        if ((i - start) % SLICE_ITEMS === SLICE_ITEMS - 1) await yieldOrStop(db);
      }
      const body = await gzipAsync(Buffer.from(content.text()));
      const key = `${dataFolder}${randomBytes(13).toString('hex')}${extension}`;
      const file = bucket.file(key, true);
      fs.writeFileSync(file, body);
      const fd = fs.openSync(file, 'r');
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      const md5 = createHash('md5').update(body);
      const digest = md5.digest();
      files.push({ itemCount: end - start, md5Checksum: digest.toString('base64'), etag: digest.toString('hex'), dataFileS3Key: key });
      await yieldOrStop(db);
    }
    // The data files' names are durable before a manifest names them.
    syncFolder(bucket.folderOf(dataFolder, true)!);
    const manifestFiles = files.map((f) => JSON.stringify(f) + '\n').join('');
    writeManifest(bucket, `${exportFolder}manifest-files`, manifestFiles);
    const endTime = db.now();
    const itemCount = files.reduce((n, f) => n + f.itemCount, 0);
    const summary: Record<string, unknown> = {
      version: source.kind === 'full' ? '2020-06-30' : '2023-08-01',
      exportArn: description.ExportArn,
      startTime: iso((description.StartTime as number) * 1000),
      endTime: iso(endTime),
      tableArn: description.TableArn,
      tableId: description.TableId,
      exportTime: iso((description.ExportTime as number) * 1000),
      s3Bucket: description.S3Bucket,
      s3Prefix: description.S3Prefix ?? null,
      s3SseAlgorithm: description.S3SseAlgorithm,
      s3SseKmsKeyId: description.S3SseKmsKeyId ?? null,
      manifestFilesS3Key: `${exportFolder}manifest-files.json`,
      billedSizeBytes: billed,
      itemCount,
      outputFormat: format,
      exportType: description.ExportType,
    };
    if (source.kind === 'incremental') {
      const spec = description.IncrementalExportSpecification as Record<string, number | string>;
      summary.exportFromTime = iso((spec.ExportFromTime as number) * 1000);
      summary.exportToTime = iso((spec.ExportToTime as number) * 1000);
      summary.outputView = spec.ExportViewType;
    }
    writeManifest(bucket, `${exportFolder}manifest-summary`, JSON.stringify(summary));
    Object.assign(description, {
      ExportStatus: 'COMPLETED',
      EndTime: endTime / 1000,
      ExportManifest: `${exportFolder}manifest-summary.json`,
      ItemCount: itemCount,
      BilledSizeBytes: billed,
    });
  } catch (e) {
    Object.assign(description, {
      ExportStatus: 'FAILED',
      EndTime: db.now() / 1000,
      FailureCode: e instanceof DynamoDBError ? e.type : 'InternalServerError',
      FailureMessage: e instanceof Stopped ? 'The database was closed before the export finished' : (e as Error).message,
    });
  }
  // Once the database is closed its folder may be another process's: the next open marks an
  // export it finds IN_PROGRESS as FAILED instead.
  if (!db.isClosed) catalog.save();
}

/** A manifest and its checksum files, each durable before the next is written. */
function writeManifest(bucket: Bucket, base: string, text: string): void {
  writeFileDurably(bucket.file(`${base}.json`, true), text);
  const md5 = createHash('md5').update(text).digest('hex');
  writeFileDurably(bucket.file(`${base}.md5`, true), md5);
  writeFileDurably(bucket.file(`${base}.checksum`, true), md5);
}

class Stopped extends Error {}

function yieldOrStop(db: Database): Promise<void> {
  return new Promise((resolve, reject) => setImmediate(() => (db.isClosed ? reject(new Stopped()) : resolve())));
}

// ---------------------------------------------------------------------------------------------
// What is exported

/** The table's items as they were at `time` (pitr.ts), with a codec that decodes them. */
function contentsAt(db: Database, table: Table, time: number): PitrContents & { codec: ItemCodec } {
  const { contents } = stateAt(db, table, time);
  const codec = new ItemCodec();
  codec.restore(contents.dictionary);
  return { ...contents, codec };
}

/**
 * Each item changed in [from, to): its keys, its image at `to` (none if deleted) and, for
 * NEW_AND_OLD_IMAGES, its image at `from` (none if it did not exist), read from the log.
 */
function changesOf(db: Database, table: Table, from: number, to: number, view: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES'): Change[] {
  const byKey = new Map<string, { first: string | undefined; last: string | undefined; time: number }>();
  const tableId = table.meta.id;
  for (const record of db.pitr.history(from)) {
    if (record.time >= to) break;
    if (record.time < from) continue;
    for (const m of record.mutations) {
      if (m.tableId !== tableId || (m.kind !== 'put' && m.kind !== 'delete')) continue;
      const after = m.kind === 'put' ? m.item : undefined;
      const seen = byKey.get(m.key);
      if (seen === undefined) byKey.set(m.key, { first: m.old, last: after, time: record.time });
      else {
        seen.last = after;
        seen.time = record.time;
      }
    }
  }
  const schema = schemaOf(table.meta);
  const codec = table.codec;
  const changes: Change[] = [];
  for (const { first, last, time } of byKey.values()) {
    const image = codec.decode((last ?? first)!);
    const keys: Item = { [schema.partitionName]: image[schema.partitionName] };
    if (schema.sortName !== undefined) keys[schema.sortName] = image[schema.sortName];
    const change: Change = { keys, time };
    if (last !== undefined) change.newImage = codec.decode(last);
    if (view === 'NEW_AND_OLD_IMAGES' && first !== undefined) change.oldImage = codec.decode(first);
    changes.push(change);
  }
  return changes;
}

// ---------------------------------------------------------------------------------------------
// Request checks

function incrementalPeriod(input: ExportRequest, window: { earliest: number; latest: number }, table: string): { from: number; to: number; view: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES' } {
  const spec = input.IncrementalExportSpecification;
  if (input.ExportTime !== undefined) throw validation('ExportTime cannot be given with ExportType INCREMENTAL_EXPORT');
  if (spec?.ExportFromTime === undefined || spec.ExportToTime === undefined) {
    throw validation('IncrementalExportSpecification with ExportFromTime and ExportToTime is required when ExportType is INCREMENTAL_EXPORT');
  }
  const from = timestampMs(spec.ExportFromTime, 'ExportFromTime');
  const to = timestampMs(spec.ExportToTime, 'ExportToTime');
  if (to <= from) throw validation('ExportToTime must be later than ExportFromTime');
  if (to - from < MIN_INCREMENTAL_MS) throw validation('The period between ExportFromTime and ExportToTime must be at least 15 minutes');
  if (to - from > DAY_MS) throw validation('The period between ExportFromTime and ExportToTime must be at most 24 hours');
  if (from < window.earliest || to > window.latest) {
    throw new DynamoDBError(
      'InvalidExportTimeException',
      `The export period ${iso(from)} to ${iso(to)} is not within the point in time recovery window of table '${table}': ${iso(window.earliest)} to ${iso(window.latest)}`,
    );
  }
  return { from, to, view: spec.ExportViewType ?? 'NEW_AND_OLD_IMAGES' };
}

/** The export a repeated ClientToken names (the same request again), or ExportConflictException for a different request. */
function sameClientToken(exports: Iterable<Description>, input: ExportRequest): Description | undefined {
  if (input.ClientToken === undefined) return undefined;
  for (const d of exports) {
    if (d.ClientToken !== input.ClientToken) continue;
    const same =
      d.TableArn === input.TableArn &&
      d.S3Bucket === input.S3Bucket &&
      d.S3Prefix === input.S3Prefix &&
      d.ExportFormat === (input.ExportFormat ?? 'DYNAMODB_JSON') &&
      d.ExportType === (input.ExportType ?? 'FULL_EXPORT');
    if (!same) throw new DynamoDBError('ExportConflictException', `There was a conflict when writing to the specified S3 bucket: ClientToken ${input.ClientToken} was used for a different export`);
    return { ...d };
  }
  return undefined;
}

/** A JSON timestamp member (epoch seconds, fractions allowed) in milliseconds. */
export function timestampMs(value: unknown, member: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new DynamoDBError('SerializationException', `${member} must be a timestamp (seconds since the epoch)`);
  }
  return Math.round(value * 1000);
}

/** "" or the prefix with one trailing '/'. */
function normalPrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix === '') return '';
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
