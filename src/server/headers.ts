// One pass over the raw request headers picks out the few the protocol needs, without building
// Node's lower-cased `req.headers` object.

/** The media types the JSON protocol accepts, and the Content-Type each answers with. */
export enum Media {
  None = 0,
  AmzJson10 = 1,
  AmzJson11 = 2,
  Json = 3,
  Other = 4,
}

export const RESPONSE_CONTENT_TYPE: readonly string[] = [
  'application/x-amz-json-1.0',
  'application/x-amz-json-1.0',
  'application/x-amz-json-1.1',
  'application/json',
  'application/x-amz-json-1.0',
];

export function mediaOf(contentType: string): Media {
  if (contentType === 'application/x-amz-json-1.0') return Media.AmzJson10;
  const semi = contentType.indexOf(';');
  const essence = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  switch (essence) {
    case 'application/x-amz-json-1.0':
      return Media.AmzJson10;
    case 'application/x-amz-json-1.1':
      return Media.AmzJson11;
    case 'application/json':
      return Media.Json;
    default:
      return Media.Other;
  }
}

export type Compression = 'gzip' | 'deflate';

/** The compression a Content-Encoding value names (case and surrounding spaces ignored). */
export function compressionOf(value: string): Compression | undefined {
  const v = value.trim().toLowerCase();
  return v === 'gzip' || v === 'deflate' ? v : undefined;
}

export class RequestHeaders {
  target: string | undefined = undefined;
  media: Media = Media.None;
  /** -1 when there is no Content-Length header (chunked or no body). */
  contentLength = -1;
  chunked = false;
  /** Content-Encoding gzip or deflate (DynamoDB accepts request bodies compressed either way); undefined for none or any other. */
  compression: Compression | undefined = undefined;
  authorized = false;
  origin: string | undefined = undefined;
  host: string | undefined = undefined;
  /** A Content-Length that is not a plain decimal of at most 15 digits (a framing error). */
  badLength = false;
  corsRequestHeaders: string | undefined = undefined;
  corsRequestMethod: string | undefined = undefined;
  /** Read here, in the one pass, for the request recorder (the only other header it may see). */
  userAgent: string | undefined = undefined;

  /** The raw name/value list, for an authorizer that needs every header. */
  constructor(readonly raw: string[]) {
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!;
      // Dispatch on length first so that most headers cost one comparison.
      switch (name.length) {
        case 12:
          if (name === 'X-Amz-Target' || name.toLowerCase() === 'x-amz-target') this.target = raw[i + 1];
          else if (name === 'Content-Type' || name.toLowerCase() === 'content-type') this.media = mediaOf(raw[i + 1]!);
          break;
        case 13:
          if (name === 'Authorization' || name.toLowerCase() === 'authorization') this.authorized = raw[i + 1]!.length > 0;
          break;
        case 14:
          if (name === 'Content-Length' || name.toLowerCase() === 'content-length') {
            const value = raw[i + 1]!;
            // 15 digits stay exact in a double; anything longer or not all digits is refused.
            if (value.length > 0 && value.length <= 15 && /^\d+$/.test(value)) this.contentLength = Number(value);
            else this.badLength = true;
          }
          break;
        case 16:
          if (name.toLowerCase() === 'content-encoding') this.compression = compressionOf(raw[i + 1]!);
          break;
        case 17:
          if (name.toLowerCase() === 'transfer-encoding') this.chunked = true;
          break;
        case 6:
          if (name.toLowerCase() === 'origin') this.origin = raw[i + 1];
          break;
        case 10:
          if (name === 'User-Agent' || name.toLowerCase() === 'user-agent') this.userAgent = raw[i + 1];
          break;
        case 4:
          if (name === 'Host' || name.toLowerCase() === 'host') this.host = raw[i + 1];
          break;
        case 29:
          if (name.toLowerCase() === 'access-control-request-method') this.corsRequestMethod = raw[i + 1];
          break;
        case 30:
          if (name.toLowerCase() === 'access-control-request-headers') this.corsRequestHeaders = raw[i + 1];
          break;
      }
    }
  }

  get hasBody(): boolean {
    return this.contentLength > 0 || this.chunked;
  }

  /** A body whose content type the JSON protocol does not take (DynamoDB answers 404). */
  get bodyNotJson(): boolean {
    return this.hasBody && (this.media === Media.None || this.media === Media.Other);
  }
}

/** Presigned-URL style authentication: X-Amz-Algorithm among the query parameters. */
export function hasQueryAuth(url: string | undefined): boolean {
  if (url === undefined) return false;
  const q = url.indexOf('?');
  return q >= 0 && url.indexOf('X-Amz-Algorithm', q) > 0;
}
