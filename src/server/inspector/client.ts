// Who sent a request, read from its User-Agent: the SDK (or tool) and its version. Only the
// User-Agent is ever looked at; every other header (Authorization, X-Amz-Security-Token, ...)
// is left where it is and never reaches a record.

/** Marks the explorer's own HTTP requests (a remote or shared connection adds it to its User-Agent). */
export const EXPLORER_USER_AGENT = 'dynamo-workspace-explorer';

/** Tried in order: the first that matches names the client (aws-cli sends botocore after itself, boto3 before). */
const PRODUCTS: readonly RegExp[] = [
  /(?:^|\s)(aws-cli)\/([^\s#]+)/,
  /(?:^|\s)(Boto3)\/([^\s#]+)/i,
  /(?:^|\s)(aws-sdk-[A-Za-z0-9-]+)\/([^\s#]+)/,
  /(?:^|\s)(Botocore)\/([^\s#]+)/i,
  /^([A-Za-z][\w.-]*)\/([^\s#]+)/,
];

export interface ClientInfo {
  sdk?: string;
  sdkVersion?: string;
}

/** The SDK and version a User-Agent names: 'aws-sdk-js/3.700.0 ua/2.1 ...' -> aws-sdk-js 3.700.0. */
export function parseUserAgent(userAgent: string | undefined): ClientInfo {
  if (userAgent === undefined || userAgent === '') return {};
  for (const re of PRODUCTS) {
    const m = re.exec(userAgent);
    if (m) return { sdk: m[1], sdkVersion: m[2] };
  }
  return {};
}
