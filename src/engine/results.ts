// Operation results may hold stored items still in their encoded form (EncodedItem), at the top
// level or in a top-level array, or a whole member rendered on demand (a Rendered value: GetRecords'
// Records). In-process callers get plain objects; the HTTP endpoint gets JSON text written from
// the encodings, skipping the object tree.
import { EncodedItem } from './codec/item-codec';

/** A top-level result member that writes its own JSON text, or becomes a plain value for in-process callers. */
export abstract class Rendered {
  abstract json(): string;
  abstract decode(): unknown;
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

export function resultToJson(result: unknown): string {
  if (result === null || typeof result !== 'object') return JSON.stringify(result);
  const obj = result as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const k in obj) {
    const v = obj[k];
    if (v === undefined) continue;
    out += (first ? '"' : ',"') + k + '":';
    first = false;
    if (v instanceof EncodedItem || v instanceof Rendered) out += v.json();
    else if (Array.isArray(v)) {
      out += '[';
      for (let i = 0; i < v.length; i++) {
        const e = v[i];
        out += (i === 0 ? '' : ',') + (e instanceof EncodedItem ? e.json() : JSON.stringify(e));
      }
      out += ']';
    } else out += JSON.stringify(v);
  }
  return out + '}';
}
