// Ready-to-paste code for talking to a workspace endpoint.
export type SnippetKind = 'js' | 'python' | 'cli' | 'env';

export const SNIPPET_LABELS: Record<SnippetKind, string> = {
  js: 'AWS SDK for JavaScript v3',
  python: 'boto3 (Python)',
  cli: 'AWS CLI',
  env: 'Environment variables',
};

export function snippet(kind: SnippetKind, endpoint: string, tableName = 'MyTable'): string {
  switch (kind) {
    case 'js':
      return `import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';

const client = new DynamoDBClient({
  endpoint: '${endpoint}',
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const { Items } = await client.send(new ScanCommand({ TableName: '${tableName}' }));
`;
    case 'python':
      return `import boto3

dynamodb = boto3.client(
    "dynamodb",
    endpoint_url="${endpoint}",
    region_name="us-east-1",
    aws_access_key_id="local",
    aws_secret_access_key="local",
)
items = dynamodb.scan(TableName="${tableName}")["Items"]
`;
    case 'cli':
      return `AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws dynamodb scan --table-name ${tableName} --endpoint-url ${endpoint} --region us-east-1`;
    case 'env':
      return `AWS_ENDPOINT_URL_DYNAMODB=${endpoint}
AWS_REGION=us-east-1
AWS_DEFAULT_REGION=us-east-1
AWS_ACCESS_KEY_ID=local
AWS_SECRET_ACCESS_KEY=local
`;
  }
}
