// One keep-alive connection carrying one request at a time, for benchmark calls whose answer the
// next call needs (paging through a Scan, following NextShardIterator), on the raw socket the
// load generator uses (raw-client.ts), so node:http's client does not weigh on the figures.
import { connect } from 'node:net';
import { encodeRequest } from './raw-client';

export function rawConnection(host: string, port: number) {
  const socket = connect({ host, port, noDelay: true });
  let pending: Buffer = Buffer.alloc(0);
  let waiting: ((body: Buffer) => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    const head = pending.indexOf('\r\n\r\n');
    if (head < 0) return;
    const m = /content-length: *(\d+)/i.exec(pending.subarray(0, head).toString('latin1'));
    const length = head + 4 + Number(m ? m[1] : 0);
    if (pending.length < length) return;
    const body = pending.subarray(head + 4, length);
    pending = pending.subarray(length);
    const w = waiting;
    waiting = undefined;
    w?.(body);
  });
  const ready = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return {
    /**
     * Sends `DynamoDB_20120810.<op>` (or the Streams target with `streams`) and parses the answer:
     * all of it, or with `lean` only the members after `leanFrom` (the paging members, which the
     * endpoint writes after the big Items or Records array), counting the array's entries by `leanCount`.
     */
    async send(operation: string, body: unknown, service: 'dynamodb' | 'streams' = 'dynamodb', lean?: { from: string; count: string }): Promise<any> {
      await ready;
      const answer = new Promise<Buffer>((resolve) => (waiting = resolve));
      const target = service === 'streams' ? `DynamoDBStreams_20120810.${operation}` : `DynamoDB_20120810.${operation}`;
      socket.write(encodeRequest({ target, body: JSON.stringify(body) }));
      const bytes = await answer;
      const text = bytes.toString('utf8');
      if (text.startsWith('{"__type"')) throw new Error(`${operation}: ${text}`);
      let parsed: any;
      if (lean === undefined) {
        parsed = JSON.parse(text);
      } else {
        const at = text.lastIndexOf(`"${lean.from}"`);
        parsed = at < 0 ? {} : JSON.parse('{' + text.slice(at));
        // Entries of the array, which ends before the paging members (a LastEvaluatedKey holds the key too).
        const end = at < 0 ? text.length : at;
        let n = 0;
        for (let i = text.indexOf(lean.count); i >= 0 && i < end; i = text.indexOf(lean.count, i + 1)) n++;
        parsed.$count = n;
        const seq = text.lastIndexOf('"SequenceNumber":"');
        if (seq >= 0) parsed.$lastSequence = text.slice(seq + 18, text.indexOf('"', seq + 18));
      }
      parsed.$bytes = bytes.length;
      return parsed;
    },
    close: () => socket.end(),
  };
}

export type Connection = ReturnType<typeof rawConnection>;
