// Operation results may hold stored items still in their encoded form (EncodedItem), at the top
// level or in a top-level array, or a whole member rendered on demand (a Rendered value: GetRecords'
// Records). In-process callers get plain objects; the HTTP endpoint gets JSON text written from
// the encodings, skipping the object tree: whole, or (resultToBody) in pieces that it writes one
// after another, so that a page of a megabyte is never joined into one string.
import { EncodedItem } from './codec/item-codec';

/** A top-level result member that writes its own JSON text, or becomes a plain value for in-process callers. */
export abstract class Rendered {
  abstract json(): string;
  abstract decode(): unknown;
  /** The same text as json(), in pieces that join to it: text, or its UTF-8 bytes. */
  pieces(): ReadonlyArray<string | Buffer> {
    return [this.json()];
  }
}

/**
 * A response body: JSON text, whole or as pieces that join to it. A large text made with `+=` is
 * a tree of many small strings; writing it out flattens it first into one string of its full size
 * (about a microsecond per GetRecords record, measured): pieces of tens of kilobytes are
 * flattened and written one by one while young instead.
 */
export type JsonBody = string | ReadonlyArray<string | Buffer>;

/** The body as one string (callers that need the text itself). */
export function bodyText(body: JsonBody): string {
  if (typeof body === 'string') return body;
  let out = '';
  for (const piece of body) out += typeof piece === 'string' ? piece : piece.toString('utf8');
  return out;
}

/** As resultToJson, but a Rendered member's pieces stay separate (the endpoint's GetRecords). */
export function resultToBody(result: unknown): JsonBody {
  if (result === null || typeof result !== 'object') return JSON.stringify(result);
  const obj = result as Record<string, unknown>;
  let rendered: Rendered | undefined;
  for (const k in obj) if (obj[k] instanceof Rendered) rendered = obj[k] as Rendered;
  if (rendered === undefined) return resultToJson(result);
  // Every member but the Rendered one is small: written as resultToJson writes them, around its pieces.
  const pieces: Array<string | Buffer> = [];
  let out = '{';
  let first = true;
  for (const k in obj) {
    const v = obj[k];
    if (v === undefined) continue;
    out += (first ? '"' : ',"') + k + '":';
    first = false;
    if (v === rendered) {
      pieces.push(out);
      for (const piece of rendered.pieces()) pieces.push(piece);
      out = '';
    } else out += memberJson(v);
  }
  pieces.push(out + '}');
  return pieces;
}

export function materialize(result: unknown): unknown {
  if (result === null || typeof result !== 'object') return result;
  const obj = result as Record<string, unknown>;
  for (const k in obj) {
    const v = obj[k];
    if (v instanceof EncodedItem || v instanceof Rendered) obj[k] = v.decode();
    else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (v[i] instanceof EncodedItem) v[i] = (v[i] as EncodedItem).decode();
    }
  }
  return obj;
}

/** One top-level member's value as JSON text. */
function memberJson(v: unknown): string {
  if (v instanceof EncodedItem || v instanceof Rendered) return v.json();
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) {
      const e = v[i];
      out += (i === 0 ? '' : ',') + (e instanceof EncodedItem ? e.json() : JSON.stringify(e));
    }
    return out + ']';
  }
  return JSON.stringify(v);
}

export function resultToJson(result: unknown): string {
  if (result === null || typeof result !== 'object') return JSON.stringify(result);
  const obj = result as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const k in obj) {
    const v = obj[k];
    if (v === undefined) continue;
    out += (first ? '"' : ',"') + k + '":' + memberJson(v);
    first = false;
  }
  return out + '}';
}
