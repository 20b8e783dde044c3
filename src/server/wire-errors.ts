// Error bodies as DynamoDB writes them: {"__type": "<namespace>#<Name>", "message": "..."}.
// DynamoDB's own exceptions carry a lower-case `message`; the Coral framework's
// (SerializationException, UnknownOperationException) and a few modelled ones carry `Message`.
// The AWS SDKs read either spelling, but the modelled `Message` members are only filled from `Message`.
import { DynamoDBError } from '../engine/errors';

const CAPITALISED_MESSAGE = new Set([
  'SerializationException',
  'UnknownOperationException',
  'TransactionCanceledException',
  'IdempotentParameterMismatchException',
  'TransactionInProgressException',
  'InvalidEndpointException',
]);

/** A protocol error answered before or instead of the engine. */
export interface WireError {
  readonly status: number;
  readonly wireType: string;
  readonly name: string;
  readonly message: string | undefined;
  readonly extra?: Record<string, unknown> | undefined;
}

export const CORAL_SERVICE = 'com.amazon.coral.service#';
const DYNAMODB = 'com.amazonaws.dynamodb.v20120810#';

export function wire(status: number, namespace: string, name: string, message?: string): WireError {
  return { status, wireType: namespace + name, name, message };
}

/** Body is not JSON (DynamoDB sends no message). */
export const SERIALIZATION = wire(400, CORAL_SERVICE, 'SerializationException');
/** Body is JSON but its top level is a list. */
export const SERIALIZATION_LIST = wire(400, CORAL_SERVICE, 'SerializationException', 'Start of list found where not expected');
/** Body is JSON but its top level is a scalar. */
export const SERIALIZATION_SCALAR = wire(400, CORAL_SERVICE, 'SerializationException', 'Unexpected value at top level, expected a structure');
/** Missing or unrecognised X-Amz-Target (DynamoDB sends no message). */
export const UNKNOWN_OPERATION = wire(400, CORAL_SERVICE, 'UnknownOperationException');
export const MISSING_AUTHENTICATION_TOKEN = wire(400, CORAL_SERVICE, 'MissingAuthenticationTokenException', 'Request is missing Authentication Token');
export const INTERNAL_SERVER_ERROR = wire(500, DYNAMODB, 'InternalServerError', 'Internal server error');
/** A request refused by the endpoint's access rules (Host or Origin); never retried by SDKs. */
export function accessDenied(message: string): WireError {
  return wire(403, CORAL_SERVICE, 'AccessDeniedException', message);
}
/** A request body that is not UTF-8 text (DynamoDB refuses it rather than guessing). */
export const SERIALIZATION_UTF8 = wire(400, CORAL_SERVICE, 'SerializationException', 'Request body is not valid UTF-8');
/** A Content-Length that is not a plain decimal number (or too long to be one). */
export const BAD_CONTENT_LENGTH = wire(400, CORAL_SERVICE, 'SerializationException', 'Content-Length is not a valid decimal number of bytes');
/** Partially received requests already hold the endpoint's memory budget. */
export const OVERLOADED = wire(
  503,
  DYNAMODB,
  'ServiceUnavailable',
  'The endpoint is holding its limit of partially received request bodies; retry shortly',
);
/**
 * A body that did not arrive within the deadline. The client is sent an empty 408 (as node:http
 * sends); this names it in the request inspector's record.
 */
export const BODY_TIMED_OUT = wire(408, CORAL_SERVICE, 'RequestTimeout', 'The request body did not arrive in time; the connection was closed');
export const REQUEST_TOO_LARGE = wire(413, CORAL_SERVICE, 'RequestEntityTooLargeException', 'Request size exceeded 16777216 bytes');

/** Maps anything thrown by the engine to a wire error; undefined means "not a DynamoDB error". */
export function fromEngineError(err: unknown): WireError | undefined {
  if (err instanceof DynamoDBError) {
    return { status: err.statusCode, wireType: err.wireType, name: err.type, message: err.message, extra: err.extra };
  }
  // A DynamoDBError from another copy of the module (a second bundle) still has the same shape.
  if (typeof err === 'object' && err !== null) {
    const e = err as { type?: unknown; wireType?: unknown; statusCode?: unknown; message?: unknown; extra?: unknown };
    if (typeof e.type === 'string' && typeof e.wireType === 'string' && typeof e.statusCode === 'number') {
      return {
        status: e.statusCode,
        wireType: e.wireType,
        name: e.type,
        message: typeof e.message === 'string' ? e.message : undefined,
        extra: typeof e.extra === 'object' && e.extra !== null ? (e.extra as Record<string, unknown>) : undefined,
      };
    }
  }
  return undefined;
}

/** The JSON body of an error response. */
export function errorBody(err: WireError): string {
  const body: Record<string, unknown> = { __type: err.wireType };
  if (err.extra !== undefined) {
    for (const key of Object.keys(err.extra)) if (key !== '__type' && key !== 'message' && key !== 'Message') body[key] = err.extra[key];
  }
  if (err.message !== undefined && err.message !== '') {
    body[CAPITALISED_MESSAGE.has(err.name) ? 'Message' : 'message'] = err.message;
  }
  return JSON.stringify(body);
}
