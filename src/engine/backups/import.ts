// ImportTable: a new table filled from the objects under a key prefix of a bucket folder
// (buckets.ts), in DYNAMODB_JSON, ION or CSV, each object uncompressed, GZIP or ZSTD (ZSTD only
// where Node's zlib has it: Node 22.15 and later; elsewhere the request is refused, saying so).
//
// The table is created through restore.ts's createTableWithItems, called before the request is
// answered: the name is taken at once (the table is CREATING), the objects are read and parsed in
// the background as the items are consumed, and the table appears whole and ACTIVE, or not at
// all. A line (a CSV row) that cannot be read, or whose item does not fit the new table (key
// attributes, index key types, 400 KB), is counted in ErrorCount and skipped, as DynamoDB does;
// it never fails the import.
//
// Invariants: the import is in the catalog (transfers.ts) before the request is answered; a crash
// leaves no half table (restore.ts), and the next open settles the catalog entry from whether the
// table exists. ION and DYNAMODB_JSON objects are read a line at a time (as DynamoDB's exports
// write them: one item per line).
import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import type { Database } from '../database';
import { DynamoDBError, validation } from '../errors';
import { newTableMeta, type CreateTableInput } from '../operations/create-table';
import { checkItemKey, checkItemSize } from '../operations/common';
import { checkIndexKeysForPut } from '../indexes';
import { Table } from '../table';
import type { Item } from '../types/attribute-value';
import { itemSize } from '../types/attribute-validation';
import { Bucket } from './buckets';
import { LineError, parseCsvText, parseIonLine, parseJsonLine, type InputFormat } from './formats';
import { createTableWithItems, refuseNameTaken } from './restore';
import { defined, transferId, transfers, type Description } from './transfers';

const gunzipAsync = promisify(zlib.gunzip);

type Compression = 'GZIP' | 'ZSTD' | 'NONE';

export interface ImportRequest {
  ClientToken?: string;
  S3BucketSource: { S3Bucket: string; S3BucketOwner?: string; S3KeyPrefix?: string };
  InputFormat: InputFormat;
  InputFormatOptions?: { Csv?: { Delimiter?: string; HeaderList?: string[] } };
  InputCompressionType?: Compression;
  TableCreationParameters: Omit<CreateTableInput, 'TableClass' | 'DeletionProtectionEnabled' | 'StreamSpecification' | 'LocalSecondaryIndexes'> & {
    OnDemandThroughput?: unknown;
    SSESpecification?: unknown;
  };
}

/** Lines (or CSV rows) parsed between two yields to the event loop. */
const LINES_PER_TURN = 2_000;

/** Starts an import; returns its description once it is in the catalog (IN_PROGRESS, or FAILED when the prefix holds no object). */
export function startImport(db: Database, input: ImportRequest): Description {
  const compression = input.InputCompressionType ?? 'NONE';
  const decompress = decompressor(compression);
  if (input.InputFormatOptions?.Csv !== undefined && input.InputFormat !== 'CSV') {
    throw validation('InputFormatOptions.Csv can only be given with InputFormat CSV');
  }
  const params = input.TableCreationParameters;
  const meta = newTableMeta(db, params);
  const catalog = transfers(db);
  const repeat = sameClientToken(catalog.imports.values(), input);
  if (repeat !== undefined) return repeat;
  refuseNameTaken(db, meta.name);

  const source = input.S3BucketSource;
  const bucket = Bucket.open(db, source.S3Bucket, false);
  const keys = bucket.list(source.S3KeyPrefix ?? '');
  const now = db.now();
  const id = transferId(now);
  const description: Description = defined({
    ImportArn: `${meta.arn}/import/${id}`,
    ImportStatus: 'IN_PROGRESS',
    TableArn: meta.arn,
    TableId: meta.id,
    ClientToken: input.ClientToken ?? randomBytes(16).toString('hex'),
    S3BucketSource: source,
    ErrorCount: 0,
    CloudWatchLogGroupArn: `arn:aws:logs:${db.region}:${db.accountId}:log-group:/aws-dynamodb/imports:*`,
    InputFormat: input.InputFormat,
    InputFormatOptions: input.InputFormatOptions,
    InputCompressionType: compression,
    TableCreationParameters: params,
    StartTime: now / 1000,
    ProcessedSizeBytes: 0,
    ProcessedItemCount: 0,
    ImportedItemCount: 0,
  });
  catalog.imports.set(description.ImportArn as string, description);
  if (keys.length === 0) {
    Object.assign(description, { ImportStatus: 'FAILED', EndTime: now / 1000, FailureCode: 'InvalidS3Prefix', FailureMessage: `No objects found under ${source.S3Bucket}/${source.S3KeyPrefix ?? ''}` });
    catalog.save();
    return { ...description };
  }
  catalog.save();
  const checker = new Table(meta);
  const items = readItems(bucket, keys, input, decompress, checker, description);
  // Called now, not later: it takes the table's name before this request is answered.
  createTableWithItems(db, meta, items, { origin: 'restore' }).then(
    (table) => {
      Object.assign(description, { ImportStatus: 'COMPLETED', EndTime: db.now() / 1000, ImportedItemCount: table.itemCount });
      saveUnlessClosed(db);
    },
    (e: unknown) => {
      Object.assign(description, {
        ImportStatus: 'FAILED',
        EndTime: db.now() / 1000,
        FailureCode: e instanceof DynamoDBError ? e.type : 'InternalServerError',
        FailureMessage: (e as Error).message,
      });
      saveUnlessClosed(db);
    },
  );
  return { ...description };
}

/** Saves the catalog; once the database is closed its folder may be another process's, whose next open settles the entry. */
function saveUnlessClosed(db: Database): void {
  if (!db.isClosed) transfers(db).save();
}

/** An import's description by ARN, or ImportNotFoundException. */
export function describeImport(db: Database, arn: string): Description {
  const d = transfers(db).imports.get(arn);
  if (d === undefined) throw new DynamoDBError('ImportNotFoundException', `Import not found: ${arn}`);
  return { ...d };
}

/** The items of every object, in key order; counts what it reads in `progress` as it goes. */
async function* readItems(
  bucket: Bucket,
  keys: string[],
  input: ImportRequest,
  decompress: (data: Buffer) => Promise<Buffer>,
  checker: Table,
  progress: Description,
): AsyncGenerator<Item> {
  const counts = progress as { ProcessedSizeBytes: number; ProcessedItemCount: number; ErrorCount: number };
  const csv = input.InputFormatOptions?.Csv;
  for (const key of keys) {
    const raw = await fs.promises.readFile(bucket.file(key));
    counts.ProcessedSizeBytes += raw.length;
    let text: string;
    try {
      text = (await decompress(raw)).toString('utf8');
    } catch {
      // An object that does not decompress is one error, as one unreadable line would be.
      counts.ErrorCount++;
      continue;
    }
    const parsed: Iterable<Item | LineError> | AsyncIterable<Item | LineError> =
      input.InputFormat === 'CSV' ? parseCsvText(text, checker.schema, csv?.Delimiter ?? ',', csv?.HeaderList) : parseLines(text, input.InputFormat === 'ION' ? parseIonLine : parseJsonLine);
    let n = 0;
    for await (const result of parsed) {
      counts.ProcessedItemCount++;
      const item = result instanceof LineError ? undefined : fitting(checker, result);
      if (item === undefined) counts.ErrorCount++;
      else yield item;
      if (++n % LINES_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

function* parseLines(text: string, parse: (line: string) => Item | LineError): Generator<Item | LineError> {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    // The Ion version marker alone on a line is not an item.
    if (line !== '' && line !== '$ion_1_0') yield parse(line);
  }
}

/** The item if it fits the new table as a PutItem would have to (key, index key types, size). */
function fitting(checker: Table, item: Item): Item | undefined {
  try {
    checkItemKey(checker, item);
    checkIndexKeysForPut(checker, item);
    checkItemSize(itemSize(item));
    return item;
  } catch (e) {
    if (e instanceof DynamoDBError) return undefined;
    throw e;
  }
}

type ZstdZlib = { zstdDecompress?: (data: Buffer, callback: (e: Error | null, out: Buffer) => void) => void };

function decompressor(compression: Compression): (data: Buffer) => Promise<Buffer> {
  if (compression === 'NONE') return async (data) => data;
  if (compression === 'GZIP') return (data) => gunzipAsync(data);
  const zstd = (zlib as unknown as ZstdZlib).zstdDecompress;
  if (zstd === undefined) {
    throw validation(`InputCompressionType ZSTD is not supported here: this Node.js (${process.version}) has no zstd in zlib (Node 22.15 or later has); use GZIP or NONE`);
  }
  return promisify(zstd) as (data: Buffer) => Promise<Buffer>;
}

/** The import a repeated ClientToken names (the same request again), or ImportConflictException for a different request. */
function sameClientToken(imports: Iterable<Description>, input: ImportRequest): Description | undefined {
  if (input.ClientToken === undefined) return undefined;
  for (const d of imports) {
    if (d.ClientToken !== input.ClientToken) continue;
    const same =
      JSON.stringify(d.S3BucketSource) === JSON.stringify(input.S3BucketSource) &&
      d.InputFormat === input.InputFormat &&
      (d.TableCreationParameters as { TableName: string }).TableName === input.TableCreationParameters.TableName;
    if (!same) throw new DynamoDBError('ImportConflictException', `There was a conflict when importing from the specified S3 source: ClientToken ${input.ClientToken} was used for a different import`);
    return { ...d };
  }
  return undefined;
}
