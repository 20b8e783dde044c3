import type { Operation } from './operation';
import { createTable } from './create-table';
import { startImport, type ImportRequest } from '../backups/import';
import { CLIENT_TOKEN, OPAQUE_STRUCTURE, S3_BUCKET, S3_BUCKET_OWNER, S3_PREFIX, required } from '../validation/members';

const table = createTable.members;

export const importTable: Operation<ImportRequest> = {
  name: 'ImportTable',
  members: {
    ClientToken: CLIENT_TOKEN,
    S3BucketSource: {
      type: 'structure',
      required: true,
      members: { S3BucketOwner: S3_BUCKET_OWNER, S3Bucket: required(S3_BUCKET), S3KeyPrefix: S3_PREFIX },
    },
    InputFormat: { type: 'string', required: true, enum: ['DYNAMODB_JSON', 'ION', 'CSV'] },
    InputFormatOptions: {
      type: 'structure',
      members: {
        Csv: {
          type: 'structure',
          members: {
            Delimiter: { type: 'string', min: 1, max: 1, pattern: /^[,;:|\t ]$/, patternText: '[,;:|\\t ]' },
            HeaderList: { type: 'list', min: 1, max: 255, member: { type: 'string', min: 1, max: 65536 } },
          },
        },
      },
    },
    InputCompressionType: { type: 'string', enum: ['GZIP', 'ZSTD', 'NONE'] },
    // CreateTable's members, as far as an import's new table takes them.
    TableCreationParameters: {
      type: 'structure',
      required: true,
      members: {
        TableName: table.TableName,
        AttributeDefinitions: table.AttributeDefinitions,
        KeySchema: table.KeySchema,
        BillingMode: table.BillingMode,
        ProvisionedThroughput: table.ProvisionedThroughput,
        OnDemandThroughput: OPAQUE_STRUCTURE,
        SSESpecification: table.SSESpecification,
        GlobalSecondaryIndexes: table.GlobalSecondaryIndexes,
      },
    },
  },
  run(db, input) {
    return { ImportTableDescription: startImport(db, input) };
  },
};
