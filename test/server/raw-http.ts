// A minimal HTTP client for protocol tests: exact bytes in, status + headers + body out.
import { request, type IncomingHttpHeaders } from 'node:http';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json(): any;
}

export interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer | Iterable<Buffer>;
  /** Send the body with Transfer-Encoding: chunked. */
  chunked?: boolean;
}

export const SIGNED = {
  Authorization:
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=abcdef',
  'X-Amz-Date': '20240101T000000Z',
};

export function rawRequest(baseUrl: string, req: RawRequest = {}): Promise<RawResponse> {
  const url = new URL(req.path ?? '/', baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...(req.headers ?? {}) };
    let chunks: Buffer[] | undefined;
    if (req.body !== undefined) {
      if (typeof req.body === 'string' || Buffer.isBuffer(req.body)) chunks = [Buffer.from(req.body)];
      else chunks = [...req.body];
      if (req.chunked) headers['Transfer-Encoding'] = 'chunked';
      else headers['Content-Length'] = chunks.reduce((n, c) => n + c.length, 0);
    }
    const r = request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: req.method ?? 'POST', headers, agent: false },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => {
          const body = Buffer.concat(parts);
          const text = body.toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    if (chunks) for (const c of chunks) r.write(c);
    r.end();
  });
}

/** A POST as an SDK would send it: signed-looking, JSON 1.0, with a target. */
export function post(baseUrl: string, target: string | undefined, body: string | Buffer, extra: Record<string, string> = {}): Promise<RawResponse> {
  const headers: Record<string, string> = { ...SIGNED, 'Content-Type': 'application/x-amz-json-1.0', ...extra };
  if (target !== undefined) headers['X-Amz-Target'] = target;
  return rawRequest(baseUrl, { headers, body });
}
