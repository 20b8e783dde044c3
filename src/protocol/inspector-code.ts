// The inspector's "copy as code": a record's request as AWS SDK v3, boto3 or AWS CLI code, through
// the generators of src/protocol/request-code.ts. Refuses records it cannot turn into the same
// request (no body recorded, or cut to the recorder's cap).
import type { RequestRecord } from './request-record';
import type { CodeKind } from './inspector';
import { awsCliCommand, boto3Code, sdkV3Code } from './request-code';

/** The region the generated code signs for: the workspace endpoint accepts any. */
export const CODE_REGION = 'us-east-1';

export function requestCode(record: RequestRecord, kind: CodeKind, endpoint: string | undefined): string {
  if (record.request === undefined) throw new Error('This request was recorded without its body (dynamoWorkspace.inspector.bodies is off): there is nothing to turn into code.');
  if (record.requestTruncated) throw new Error('This request was larger than the recorder keeps: code made from it would not be the same request.');
  if (!endpoint) throw new Error('The endpoint is not running: the code would have nowhere to connect.');
  const target = { endpoint, region: CODE_REGION };
  if (kind === 'sdk-v3') return sdkV3Code(record, target);
  if (kind === 'boto3') return boto3Code(record, target);
  return awsCliCommand(record, target);
}
