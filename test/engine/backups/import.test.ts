// ImportTable, DescribeImport and ListImports against the engine: DYNAMODB_JSON, ION and CSV
// objects (gzip or not) into a new table, bad lines counted in ErrorCount rather than failing the
// import, a previous export's data folder round-tripping its table, the name taken while the
// import runs, and DynamoDB's errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Database } from '../../../src/engine/database';
import { Clock, enablePitr, liveItems, openMemory, options, simpleTable, withDataDir } from './pitr-helpers';
import { exportTable, importTable, keyedBy, rejectsWith, settledExport, settledImport, withBuckets } from './transfer-helpers';

function writeObject(root: string, bucket: string, key: string, body: string | Buffer): void {
  const file = path.join(root, bucket, ...key.split('/'));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, body);
}

async function scanAll(db: Database, table: string): Promise<Record<string, Record<string, unknown>>[]> {
  const out = (await db.execute('Scan', { TableName: table })) as { Items: Record<string, Record<string, unknown>>[] };
  return out.Items.sort((a, b) => (String(a.pk.S) < String(b.pk.S) ? -1 : 1));
}

test('a DYNAMODB_JSON import creates the table from every object under the prefix, counting bad lines as errors', async () => {
  await withBuckets(async (root) => {
    const db = await openMemory(new Clock(), { bucketsRoot: root });
    const lines = [
      '{"Item":{"pk":{"S":"a"},"n":{"N":"1"}}}',
      'not json at all',
      '{"Item":{"n":{"N":"2"}}}',
      '{"Item":{"pk":{"N":"3"}}}',
      '{"Item":{"pk":{"S":"b"},"bad":{"N":"x"}}}',
      '{"Nope":{}}',
      '',
      '{"Item":{"pk":{"S":"c"},"m":{"M":{"x":{"SS":["1","2"]}}}}}',
    ];
    writeObject(root, 'src-bucket', 'in/part-1.json', lines.join('\n'));
    writeObject(root, 'src-bucket', 'in/deeper/part-2.json', '{"Item":{"pk":{"S":"d"}}}\n');
    writeObject(root, 'src-bucket', 'elsewhere/part-3.json', '{"Item":{"pk":{"S":"not-under-prefix"}}}\n');
    const started = await importTable(db, {
      S3BucketSource: { S3Bucket: 'src-bucket', S3KeyPrefix: 'in/' },
      InputFormat: 'DYNAMODB_JSON',
      TableCreationParameters: keyedBy('Imported'),
    });
    assert.equal(started.ImportStatus, 'IN_PROGRESS');
    assert.match(started.ImportArn as string, /^arn:aws:dynamodb:us-east-1:000000000000:table\/Imported\/import\/\d{14}-[0-9a-f]{8}$/);
    const done = await settledImport(db, started.ImportArn as string);
    assert.equal(done.ImportStatus, 'COMPLETED', String(done.FailureMessage));
    assert.equal(done.ImportedItemCount, 3);
    assert.equal(done.ErrorCount, 5);
    assert.equal(done.ProcessedItemCount, 8);
    assert.ok((done.ProcessedSizeBytes as number) > 0);
    assert.deepEqual(
      (await scanAll(db, 'Imported')).map((i) => i.pk.S),
      ['a', 'c', 'd'],
    );
    const table = ((await db.execute('DescribeTable', { TableName: 'Imported' })) as { Table: { TableStatus: string; TableArn: string } }).Table;
    assert.equal(table.TableStatus, 'ACTIVE');
    assert.equal(table.TableArn, done.TableArn);
    await db.close();
  });
});

test('a GZIP CSV import types key attributes by the key schema, takes HeaderList and Delimiter, and counts rows it cannot take', async () => {
  await withBuckets(async (root) => {
    const db = await openMemory(new Clock(), { bucketsRoot: root });
    const csv = ['u1;1;Ann;"x;y"', 'u2;2;;plain', 'u3;notanumber;Bo;z', 'u4;4;too;many;cells', ';5;nokey;z'].join('\n');
    writeObject(root, 'csv-bucket', 'people.csv.gz', gzipSync(csv));
    const started = await importTable(db, {
      S3BucketSource: { S3Bucket: 'csv-bucket' },
      InputFormat: 'CSV',
      InputCompressionType: 'GZIP',
      InputFormatOptions: { Csv: { Delimiter: ';', HeaderList: ['pk', 'sk', 'name', 'note'] } },
      TableCreationParameters: keyedBy('People', 'N'),
    });
    const done = await settledImport(db, started.ImportArn as string);
    assert.equal(done.ImportStatus, 'COMPLETED', String(done.FailureMessage));
    assert.equal(done.ProcessedItemCount, 5);
    assert.equal(done.ErrorCount, 3);
    assert.equal(done.ImportedItemCount, 2);
    assert.deepEqual(await scanAll(db, 'People'), [
      { pk: { S: 'u1' }, sk: { N: '1' }, name: { S: 'Ann' }, note: { S: 'x;y' } },
      { pk: { S: 'u2' }, sk: { N: '2' }, note: { S: 'plain' } },
    ]);
    await db.close();
  });
});

test('a CSV import without HeaderList reads the attribute names from each object\'s first row; an unclosed quote is an error, not a failure', async () => {
  await withBuckets(async (root) => {
    const db = await openMemory(new Clock(), { bucketsRoot: root });
    writeObject(root, 'csv-bucket', 'data/a.csv', 'pk,color\nk1,red\nk2,blue\n');
    writeObject(root, 'csv-bucket', 'data/b.csv', 'color,pk\n"unclosed,k3\n');
    const started = await importTable(db, { S3BucketSource: { S3Bucket: 'csv-bucket', S3KeyPrefix: 'data' }, InputFormat: 'CSV', TableCreationParameters: keyedBy('Colors') });
    const done = await settledImport(db, started.ImportArn as string);
    assert.equal(done.ImportStatus, 'COMPLETED', String(done.FailureMessage));
    assert.equal(done.ImportedItemCount, 2);
    assert.equal(done.ErrorCount, 1);
    assert.deepEqual(await scanAll(db, 'Colors'), [
      { pk: { S: 'k1' }, color: { S: 'red' } },
      { pk: { S: 'k2' }, color: { S: 'blue' } },
    ]);
    await db.close();
  });
});

for (const format of ['DYNAMODB_JSON', 'ION'] as const) {
  test(`importing a ${format} export's data folder gives back the exported table, item for item`, async () => {
    await withBuckets(async (root) => {
      const clock = new Clock();
      const db = await openMemory(clock, { bucketsRoot: root });
      await simpleTable(db);
      await enablePitr(db);
      for (let i = 0; i < 250; i++) {
        await db.execute('PutItem', {
          TableName: 'Tab',
          Item: { pk: { S: `k${i}` }, n: { N: `${i}.25` }, b: { B: 'AAEC' }, s: { SS: ['p', `q${i}`] }, l: { L: [{ NULL: true }, { BOOL: false }, { M: { deep: { NS: ['-1', '1E+10'] } } }] } },
        });
      }
      clock.advance(1000);
      const exported = await settledExport(db, (await exportTable(db, { TableArn: db.table('Tab').meta.arn, S3Bucket: 'round', S3Prefix: 'p', ExportFormat: format })).ExportArn as string);
      assert.equal(exported.ExportStatus, 'COMPLETED', String(exported.FailureMessage));
      const id = (exported.ExportArn as string).split('/').pop();
      const started = await importTable(db, {
        S3BucketSource: { S3Bucket: 'round', S3KeyPrefix: `p/AWSDynamoDB/${id}/data/` },
        InputFormat: format,
        InputCompressionType: 'GZIP',
        TableCreationParameters: keyedBy('Copy'),
      });
      const done = await settledImport(db, started.ImportArn as string);
      assert.equal(done.ImportStatus, 'COMPLETED', String(done.FailureMessage));
      assert.equal(done.ErrorCount, 0);
      assert.equal(done.ImportedItemCount, 250);
      assert.deepEqual(liveItems(db, 'Copy'), liveItems(db, 'Tab'));
      await db.close();
    });
  });
}

test('while an import runs its table is CREATING and the name is taken; a taken name is ResourceInUseException', async () => {
  await withBuckets(async (root) => {
    const db = await openMemory(new Clock(), { bucketsRoot: root });
    const big = Array.from({ length: 20_000 }, (_, i) => `{"Item":{"pk":{"S":"k${i}"}}}`).join('\n');
    writeObject(root, 'bulk', 'x.json', big);
    const started = await importTable(db, { S3BucketSource: { S3Bucket: 'bulk' }, InputFormat: 'DYNAMODB_JSON', TableCreationParameters: keyedBy('Bulk') });
    const described = ((await db.execute('DescribeTable', { TableName: 'Bulk' })) as { Table: { TableStatus: string } }).Table;
    assert.equal(described.TableStatus, 'CREATING');
    await rejectsWith(db.execute('CreateTable', { ...keyedBy('Bulk') }), 'ResourceInUseException');
    await rejectsWith(importTable(db, { S3BucketSource: { S3Bucket: 'bulk' }, InputFormat: 'DYNAMODB_JSON', TableCreationParameters: keyedBy('Bulk') }), 'ResourceInUseException');
    const done = await settledImport(db, started.ImportArn as string);
    assert.equal(done.ImportedItemCount, 20_000);
    await simpleTable(db, 'Taken');
    await rejectsWith(importTable(db, { S3BucketSource: { S3Bucket: 'bulk' }, InputFormat: 'DYNAMODB_JSON', TableCreationParameters: keyedBy('Taken') }), 'ResourceInUseException', /Taken/);
    await db.close();
  });
});

test('ImportTable refuses bad parameters with DynamoDB errors, and an empty prefix gives a FAILED import and no table', async () => {
  await withBuckets(async (root) => {
    const db = await openMemory(new Clock(), { bucketsRoot: root });
    fs.mkdirSync(path.join(root, 'empty'));
    const base = { S3BucketSource: { S3Bucket: 'empty' }, InputFormat: 'DYNAMODB_JSON', TableCreationParameters: keyedBy('Tab1') };
    await rejectsWith(importTable(db, { ...base, InputFormat: 'XML' }), 'ValidationException', /enum value set: \[DYNAMODB_JSON, ION, CSV\]/);
    await rejectsWith(importTable(db, { ...base, InputCompressionType: 'ZSTD' }), 'ValidationException', /ZSTD/);
    await rejectsWith(importTable(db, { ...base, InputFormatOptions: { Csv: { Delimiter: ';' } } }), 'ValidationException', /CSV/);
    await rejectsWith(importTable(db, { ...base, InputFormat: 'CSV', InputFormatOptions: { Csv: { Delimiter: '#' } } }), 'ValidationException', /delimiter/);
    await rejectsWith(importTable(db, { ...base, TableCreationParameters: { ...keyedBy('Tab1'), AttributeDefinitions: [] } }), 'ValidationException', /AttributeDefinitions/);
    await rejectsWith(importTable(db, { ...base, S3BucketSource: { S3Bucket: 'missing-bucket' } }), 'ValidationException', /does not exist/);
    await rejectsWith(importTable(db, { ...base, S3BucketSource: { S3Bucket: 'empty', S3KeyPrefix: '../x' } }), 'ValidationException');
    await rejectsWith(importTable(db, { InputFormat: 'CSV' }), 'ValidationException', /s3BucketSource/);
    const failed = await importTable(db, base);
    assert.equal(failed.ImportStatus, 'FAILED');
    assert.match(String(failed.FailureMessage), /No objects/);
    await rejectsWith(db.execute('DescribeTable', { TableName: 'Tab1' }), 'ResourceNotFoundException');
    await rejectsWith(db.execute('DescribeImport', { ImportArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/Tab1/import/00000000000000-00000000' }), 'ImportNotFoundException');
    await db.close();
  });
});

test('ListImports pages by PageSize with a NextToken of DynamoDB\'s pattern, filtered by TableArn', async () => {
  await withBuckets(async (root) => {
    const db = await openMemory(new Clock(), { bucketsRoot: root });
    writeObject(root, 'many', 'a.json', '{"Item":{"pk":{"S":"a"}}}\n');
    const arns: string[] = [];
    for (let i = 0; i < 5; i++) {
      const d = await importTable(db, { S3BucketSource: { S3Bucket: 'many' }, InputFormat: 'DYNAMODB_JSON', TableCreationParameters: keyedBy(`Many${i}`) });
      arns.push(d.ImportArn as string);
      await settledImport(db, d.ImportArn as string);
    }
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = (await db.execute('ListImports', { PageSize: 2, ...(token ? { NextToken: token } : {}) })) as {
        ImportSummaryList: { ImportArn: string; ImportStatus: string; InputFormat: string }[];
        NextToken?: string;
      };
      assert.ok(page.ImportSummaryList.length <= 2);
      if (page.NextToken !== undefined) assert.match(page.NextToken, /^([0-9a-f]{16})+$/);
      for (const s of page.ImportSummaryList) {
        assert.equal(s.ImportStatus, 'COMPLETED');
        assert.equal(s.InputFormat, 'DYNAMODB_JSON');
        seen.push(s.ImportArn);
      }
      token = page.NextToken;
    } while (token !== undefined);
    assert.deepEqual(seen, arns);
    const one = (await db.execute('ListImports', { TableArn: db.table('Many3').meta.arn })) as { ImportSummaryList: { ImportArn: string }[] };
    assert.deepEqual(one.ImportSummaryList.map((s) => s.ImportArn), [arns[3]]);
    await rejectsWith(db.execute('ListImports', { NextToken: 'abc' }), 'ValidationException', /nextToken/);
    await db.close();
  });
});

test('an import into a data folder survives a reopen with its table and its catalog entry', async () => {
  await withDataDir(async (dir) => {
    const clock = new Clock();
    let db = await Database.open(dir, options(clock));
    writeObject(path.join(dir, 'buckets'), 'local', 'x.json', '{"Item":{"pk":{"S":"a"},"v":{"S":"kept"}}}\n');
    const started = await importTable(db, { S3BucketSource: { S3Bucket: 'local' }, InputFormat: 'DYNAMODB_JSON', TableCreationParameters: keyedBy('Durable') });
    const done = await settledImport(db, started.ImportArn as string);
    await db.close();
    db = await Database.open(dir, options(clock));
    assert.deepEqual(await settledImport(db, started.ImportArn as string), done);
    assert.deepEqual(await scanAll(db, 'Durable'), [{ pk: { S: 'a' }, v: { S: 'kept' } }]);
    await db.close();
  });
});

test('an import builds the GlobalSecondaryIndexes of TableCreationParameters, and an item whose index key has the wrong type is an error', async () => {
  await withBuckets(async (root) => {
    const db = await openMemory(new Clock(), { bucketsRoot: root });
    writeObject(root, 'gsi', 'x.json', ['{"Item":{"pk":{"S":"a"},"city":{"S":"Lyon"}}}', '{"Item":{"pk":{"S":"b"},"city":{"N":"7"}}}', '{"Item":{"pk":{"S":"c"},"city":{"S":"Lyon"}}}', '{"Item":{"pk":{"S":"d"}}}'].join('\n'));
    const params = {
      ...keyedBy('WithIndex'),
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'city', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [{ IndexName: 'byCity', KeySchema: [{ AttributeName: 'city', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
    };
    const done = await settledImport(db, (await importTable(db, { S3BucketSource: { S3Bucket: 'gsi' }, InputFormat: 'DYNAMODB_JSON', TableCreationParameters: params })).ImportArn as string);
    assert.equal(done.ImportStatus, 'COMPLETED', String(done.FailureMessage));
    assert.equal(done.ErrorCount, 1);
    assert.equal(done.ImportedItemCount, 3);
    const found = (await db.execute('Query', { TableName: 'WithIndex', IndexName: 'byCity', KeyConditionExpression: 'city = :c', ExpressionAttributeValues: { ':c': { S: 'Lyon' } } })) as { Items: { pk: { S: string } }[] };
    assert.deepEqual(found.Items.map((i) => i.pk.S).sort(), ['a', 'c']);
    await db.close();
  });
});

test('a repeated ImportTable ClientToken returns the same import, and the token on a different request is ImportConflictException', async () => {
  await withBuckets(async (root) => {
    const db = await openMemory(new Clock(), { bucketsRoot: root });
    writeObject(root, 'tok', 'x.json', '{"Item":{"pk":{"S":"a"}}}\n');
    const request = { ClientToken: 'same-token', S3BucketSource: { S3Bucket: 'tok' }, InputFormat: 'DYNAMODB_JSON', TableCreationParameters: keyedBy('Once') };
    const first = await importTable(db, request);
    await settledImport(db, first.ImportArn as string);
    const again = await importTable(db, request);
    assert.equal(again.ImportArn, first.ImportArn);
    await rejectsWith(importTable(db, { ...request, TableCreationParameters: keyedBy('Twice') }), 'ImportConflictException');
    await db.close();
  });
});
