// Child process of the export and import crash test: opens the data folder, starts one export of
// table Tab or one import of the bucket's items into a new table, prints "started <arn>", and
// then "done" once it is no longer IN_PROGRESS, until it is killed.
//   node child.js <dir> export|import <new table name>
import { Database } from '../../../src/engine/database';

const [dir, mode, target] = process.argv.slice(2);

async function main(): Promise<void> {
  const db = await Database.open(dir, { throttling: false, ttlSweepIntervalMs: 0 });
  let arn: string;
  if (mode === 'export') {
    const out = (await db.execute('ExportTableToPointInTime', { TableArn: db.table('Tab').meta.arn, S3Bucket: 'crash', S3Prefix: 'exports' })) as { ExportDescription: { ExportArn: string } };
    arn = out.ExportDescription.ExportArn;
  } else if (mode === 'import') {
    const out = (await db.execute('ImportTable', {
      S3BucketSource: { S3Bucket: 'crash', S3KeyPrefix: 'source/' },
      InputFormat: 'DYNAMODB_JSON',
      TableCreationParameters: {
        TableName: target,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      },
    })) as { ImportTableDescription: { ImportArn: string } };
    arn = out.ImportTableDescription.ImportArn;
  } else throw new Error(`mode must be export or import, not ${mode}`);
  process.stdout.write(`started ${arn}\n`);
  const describe = mode === 'export' ? () => db.execute('DescribeExport', { ExportArn: arn }) : () => db.execute('DescribeImport', { ImportArn: arn });
  for (;;) {
    const d = Object.values((await describe()) as Record<string, Record<string, unknown>>)[0];
    if (d.ExportStatus !== 'IN_PROGRESS' && d.ImportStatus !== 'IN_PROGRESS') break;
    await new Promise((r) => setTimeout(r, 10));
  }
  process.stdout.write('done\n');
  // Waits to be killed, holding the folder as a running owner would.
  setInterval(() => undefined, 1000);
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e));
  process.exit(1);
});
