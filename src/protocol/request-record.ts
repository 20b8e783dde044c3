// One request as the request inspector keeps it: what the endpoint (or the explorer, in process)
// was asked, what it answered, what it cost and who asked. Produced by the server's recorder
// (src/server/inspector/), shown by the inspector panel (webview/inspector/), turned into code by
// src/protocol/request-code.ts. Plain JSON, so it crosses to a webview as it is.
//
// Invariants: `id` only grows within one recorder; nothing secret is ever in a record (no
// Authorization header, no credentials, no signature: the recorder keeps only the headers listed
// in `client`); `request` and `response` are the wire JSON (DynamoDB JSON), cut to the recorder's
// size cap, with `requestTruncated` / `responseTruncated` saying so. A truncated request cannot be
// replayed or turned into code: consumers check the flag.

/** How a request ended, as the inspector groups and colours it. */
export type RequestStatus =
  | 'ok'
  | 'conditional-check-failed' // ConditionalCheckFailedException
  | 'transaction-canceled' // TransactionCanceledException
  | 'throttled' // ProvisionedThroughputExceededException, ThrottlingException, RequestLimitExceeded
  | 'validation' // ValidationException, SerializationException and other client errors
  | 'not-found' // ResourceNotFoundException
  | 'in-use' // ResourceInUseException
  | 'error'; // anything else (a server-side failure)

/**
 * Capacity units a request consumed: the table's and each index's, as ConsumedCapacity INDEXES reports them.
 * `read` / `write` are the totals (CapacityUnits: the table and every index together, what is billed);
 * `indexes` is each index's share of them, so do not add the two.
 */
export interface RecordedCapacity {
  read: number;
  write: number;
  /** index name -> its units (GSIs and LSIs alike) */
  indexes?: Record<string, { read: number; write: number }>;
}

export interface RequestRecord {
  /** grows by one per recorded request */
  id: number;
  /** epoch ms when the request's body was complete */
  time: number;
  /** ms from then to the answer's first byte */
  durationMs: number;
  /** 'DynamoDB_20120810' or 'DynamoDBStreams_20120810' */
  target: string;
  /** the operation as the client named it ('PutItem', 'Query', ...) */
  operation: string;
  /** the table (or the first table, for batches and transactions) and the index, when named */
  table?: string;
  tables?: string[];
  index?: string;
  /** one line for the list: the key, or the key condition and filter, with names and values substituted */
  summary: string;
  status: RequestStatus;
  httpStatus: number;
  /** DynamoDB's exception name and message, for a refused request */
  errorType?: string;
  errorMessage?: string;
  /** what the request consumed, whether or not the client asked for ReturnConsumedCapacity */
  capacity?: RecordedCapacity;
  /** on-demand list price of `capacity`, in USD (src/protocol/capacity.ts onDemandPrice) */
  costUsd?: number;
  /** items returned (Count) and examined (ScannedCount), for reads that report them */
  count?: number;
  scannedCount?: number;
  requestBytes: number;
  responseBytes: number;
  client: {
    /** the User-Agent header, as sent */
    userAgent?: string;
    /** parsed from it: 'aws-sdk-js' 3.700.0, 'Boto3' 1.35.0, 'aws-cli' 1.45.11 ... */
    sdk?: string;
    sdkVersion?: string;
    /** the explorer's own request (in process, or marked by it), shown apart in the inspector */
    explorer: boolean;
  };
  /** the request's JSON as received (undefined when recording bodies is off); when requestTruncated, the first
   *  RECORDER_DEFAULTS.bodyBytes characters of its text, as a string (and so for a body that was not JSON) */
  request?: unknown;
  requestTruncated?: boolean;
  /** the answer's JSON (undefined when recording bodies is off: errorType and errorMessage are kept even then);
   *  when responseTruncated, the first characters of its text, as a string */
  response?: unknown;
  responseTruncated?: boolean;
}

/** The recorder's defaults (VS Code settings and CLI flags override them). */
export const RECORDER_DEFAULTS = {
  /** records kept, oldest dropped first */
  capacity: 10_000,
  /** request or response JSON longer than this is cut (the record keeps its size and a flag) */
  bodyBytes: 16 * 1024,
} as const;
