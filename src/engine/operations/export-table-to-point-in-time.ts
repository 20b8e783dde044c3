import type { Operation } from './operation';
import { startExport, type ExportRequest } from '../backups/export';
import { CLIENT_TOKEN, S3_BUCKET, S3_BUCKET_OWNER, S3_PREFIX, TABLE_ARN, TIMESTAMP, required } from '../validation/members';

export const exportTableToPointInTime: Operation<ExportRequest> = {
  name: 'ExportTableToPointInTime',
  members: {
    TableArn: required(TABLE_ARN),
    ExportTime: TIMESTAMP,
    ClientToken: CLIENT_TOKEN,
    S3Bucket: required(S3_BUCKET),
    S3BucketOwner: S3_BUCKET_OWNER,
    S3Prefix: S3_PREFIX,
    S3SseAlgorithm: { type: 'string', enum: ['AES256', 'KMS'] },
    S3SseKmsKeyId: { type: 'string', min: 1, max: 2048 },
    ExportFormat: { type: 'string', enum: ['DYNAMODB_JSON', 'ION'] },
    ExportType: { type: 'string', enum: ['FULL_EXPORT', 'INCREMENTAL_EXPORT'] },
    IncrementalExportSpecification: {
      type: 'structure',
      members: { ExportFromTime: TIMESTAMP, ExportToTime: TIMESTAMP, ExportViewType: { type: 'string', enum: ['NEW_IMAGE', 'NEW_AND_OLD_IMAGES'] } },
    },
  },
  run(db, input) {
    return startExport(db, input).then((d) => ({ ExportDescription: d }));
  },
};
