// Protocol-level limits of DynamoDB's HTTP endpoint.

/** DynamoDB rejects request bodies larger than 16 MiB with HTTP 413. Exactly 16 MiB is accepted. */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/** Default region named by the health check and by nothing else (no signature is verified). */
export const DEFAULT_REGION = 'us-east-1';

/** Idle keep-alive connections are kept this long (Node's default of 5 s races SDK connection reuse). */
export const KEEP_ALIVE_TIMEOUT_MS = 60_000;

/** After a 413 the rest of the upload is read and discarded for at most this long, then the socket is dropped. */
export const DISCARD_TIMEOUT_MS = 10_000;

/** The whole request head must arrive within this long of its first byte (slow-header clients). */
export const HEADER_TIMEOUT_MS = 10_000;

/** The whole body must arrive within this long of the end of its head (slow-body clients). */
export const BODY_TIMEOUT_MS = 30_000;

/** Connections open at once; the listener closes further ones as they arrive. */
export const MAX_CONNECTIONS = 1_000;

/** Bytes of partially received requests held across all connections; beyond it the request that
 *  would exceed it is refused with 503 and its connection closed, so memory stays bounded. */
export const MAX_PENDING_BODY_BYTES = 64 * 1024 * 1024;
