// Shared pieces of the export and import tests: a buckets folder per test, waiting for an export
// or import to leave IN_PROGRESS, and reading an export back from its manifests the way a client
// of S3 would (summary -> files manifest -> data files), checking the checksums on the way.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Database } from '../../../src/engine/database';
import { tempDir } from '../helpers';

/** Runs `fn` with a fresh buckets root, removed afterwards whatever happens. */
export async function withBuckets<T>(fn: (root: string) => Promise<T>): Promise<T> {
  const root = tempDir('dw-buckets-');
  try {
    return await fn(root);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

type Description = Record<string, unknown>;

/** Polls DescribeExport until the export is no longer IN_PROGRESS. */
export async function settledExport(db: Database, arn: string): Promise<Description> {
  for (;;) {
    const d = ((await db.execute('DescribeExport', { ExportArn: arn })) as { ExportDescription: Description }).ExportDescription;
    if (d.ExportStatus !== 'IN_PROGRESS') return d;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Polls DescribeImport until the import is no longer IN_PROGRESS. */
export async function settledImport(db: Database, arn: string): Promise<Description> {
  for (;;) {
    const d = ((await db.execute('DescribeImport', { ImportArn: arn })) as { ImportTableDescription: Description }).ImportTableDescription;
    if (d.ImportStatus !== 'IN_PROGRESS') return d;
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface ExportFiles {
  summary: Record<string, unknown>;
  files: { itemCount: number; md5Checksum: string; etag: string; dataFileS3Key: string }[];
  /** Every data line, decompressed, in file order (the Ion version marker removed). */
  lines: string[];
}

/** An export read back from `bucketFolder` through its summary manifest, every checksum checked. */
export function readExport(bucketFolder: string, manifestKey: string): ExportFiles {
  const at = (key: string): string => path.join(bucketFolder, ...key.split('/'));
  const summaryText = fs.readFileSync(at(manifestKey), 'utf8');
  const md5 = (data: string | Buffer): string => createHash('md5').update(data).digest('hex');
  assert.equal(fs.readFileSync(at(manifestKey.replace(/\.json$/, '.md5')), 'utf8'), md5(summaryText));
  const summary = JSON.parse(summaryText) as Record<string, unknown>;
  const filesText = fs.readFileSync(at(summary.manifestFilesS3Key as string), 'utf8');
  assert.equal(fs.readFileSync(at((summary.manifestFilesS3Key as string).replace(/\.json$/, '.md5')), 'utf8'), md5(filesText));
  const files = filesText
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as ExportFiles['files'][number]);
  const lines: string[] = [];
  for (const f of files) {
    const body = fs.readFileSync(at(f.dataFileS3Key));
    assert.equal(f.etag, md5(body), `etag of ${f.dataFileS3Key}`);
    assert.equal(f.md5Checksum, createHash('md5').update(body).digest('base64'));
    const text = gunzipSync(body).toString('utf8').replace(/^\$ion_1_0 /, '');
    const fileLines = text.split('\n').filter((l) => l !== '');
    assert.equal(fileLines.length, f.itemCount, `item count of ${f.dataFileS3Key}`);
    lines.push(...fileLines);
  }
  return { summary, files, lines };
}

export async function exportTable(db: Database, input: Record<string, unknown>): Promise<Description> {
  const out = (await db.execute('ExportTableToPointInTime', input)) as { ExportDescription: Description };
  return out.ExportDescription;
}

export async function importTable(db: Database, input: Record<string, unknown>): Promise<Description> {
  const out = (await db.execute('ImportTable', input)) as { ImportTableDescription: Description };
  return out.ImportTableDescription;
}

/** ImportTable's TableCreationParameters for a table keyed by string `pk` (and `sk`, when given). */
export function keyedBy(name: string, sortType?: 'S' | 'N'): Record<string, unknown> {
  const keys = [{ AttributeName: 'pk', KeyType: 'HASH' }];
  const defs = [{ AttributeName: 'pk', AttributeType: 'S' }];
  if (sortType !== undefined) {
    keys.push({ AttributeName: 'sk', KeyType: 'RANGE' });
    defs.push({ AttributeName: 'sk', AttributeType: sortType });
  }
  return { TableName: name, BillingMode: 'PAY_PER_REQUEST', KeySchema: keys, AttributeDefinitions: defs };
}

export { rejects as rejectsWith } from '../helpers';
