// X-Amz-Target parsing: "DynamoDB_20120810.<Op>" and "DynamoDBStreams_20120810.<Op>".

export type Service = 'dynamodb' | 'streams';

export interface Route {
  readonly service: Service;
  readonly operation: string;
}

const DYNAMODB_PREFIX = 'DynamoDB_20120810.';
const STREAMS_PREFIX = 'DynamoDBStreams_20120810.';
const OPERATION_NAME = /^[A-Z][A-Za-z0-9]{0,63}$/;
const CACHE_LIMIT = 512;

const cache = new Map<string, Route>();

function parse(target: string): Route | undefined {
  let service: Service;
  let operation: string;
  if (target.startsWith(DYNAMODB_PREFIX)) {
    service = 'dynamodb';
    operation = target.slice(DYNAMODB_PREFIX.length);
  } else if (target.startsWith(STREAMS_PREFIX)) {
    service = 'streams';
    operation = target.slice(STREAMS_PREFIX.length);
  } else {
    return undefined;
  }
  if (!OPERATION_NAME.test(operation)) return undefined;
  return { service, operation };
}

/** The route a target names, or undefined when it names no service of ours (→ UnknownOperationException). */
export function routeOf(target: string | undefined): Route | undefined {
  if (target === undefined) return undefined;
  let route = cache.get(target);
  if (route !== undefined) return route;
  route = parse(target);
  if (route !== undefined && cache.size < CACHE_LIMIT) cache.set(target, route);
  return route;
}
