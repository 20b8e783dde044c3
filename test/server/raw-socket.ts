// Raw bytes over a real socket, for framing tests: what came back, parsed into responses, and
// whether the server closed the connection. Never waits longer than `boundMs`.
import { connect } from 'node:net';

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface Exchange {
  responses: WireResponse[];
  /** The server closed (or reset) the connection before `boundMs`. */
  closed: boolean;
  /** Bytes after the last complete response (a cut-off answer). */
  trailing: number;
}

/** Splits what a server wrote into Content-Length framed responses. */
export function parseResponses(bytes: Buffer): { responses: WireResponse[]; trailing: number } {
  const responses: WireResponse[] = [];
  let at = 0;
  for (;;) {
    const end = bytes.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const lines = bytes.subarray(at, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
    const length = Number(headers['content-length'] ?? 0);
    if (bytes.length < end + 4 + length) break;
    responses.push({ status: Number(lines[0]!.split(' ')[1]), headers, body: bytes.subarray(end + 4, end + 4 + length).toString('utf8') });
    at = end + 4 + length;
  }
  return { responses, trailing: bytes.length - at };
}

/** Writes `parts` (one after another, a turn apart) and collects the answer until close or `boundMs`. */
export function exchange(port: number, parts: Buffer[], boundMs: number): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let finished = false;
    const finish = (closed: boolean): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parseResponses(Buffer.concat(received)), closed });
    };
    const timer = setTimeout(() => finish(false), boundMs);
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.on('connect', () => {
      let i = 0;
      const next = (): void => {
        if (finished || i >= parts.length) return;
        socket.write(parts[i++]!);
        setImmediate(next);
      };
      next();
    });
  });
}
