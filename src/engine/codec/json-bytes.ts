// Writing DynamoDB JSON as UTF-8 bytes, straight from an encoded item as the log stores it
// (the item string's UTF-8 bytes), for the endpoint's GetRecords: decoding each image into a JS
// string, building the record's text from it and encoding that text back to UTF-8 cost about
// 1.5 us a record, most of a drain's server time.
//
// The encoded item (layout in item-codec.ts) is a string whose varint digits are characters
// 0x00-0xFF and whose text lengths count UTF-16 units; in its UTF-8 bytes a digit is one byte
// (below 0x80) or two, and a text is found by counting units over its bytes (a four-byte sequence
// is two units). The log writes a string as UTF-8 only when it is well-formed, so these bytes
// never hold a lone surrogate; a string with one is stored as UTF-16 and never comes here.
//
// Invariants:
// - What ByteJson writes is, byte for byte, the UTF-8 encoding of the text ItemCodec.toJson
//   (and records.ts's recordJson) writes for the same item: a property test holds them together.
// - Anything it does not write the same way itself (a text needing JSON escapes, an item whose
//   names are inline rather than in a shape) makes it return false, having written nothing the
//   caller keeps: the caller then takes the string path. It never throws on such input.
import type { AttributeValue } from '../types/attribute-value';

/** A growing byte buffer that a page of records is written into. */
export class ByteOut {
  buf: Buffer;
  pos = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Makes room for `n` more bytes. */
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  /** Any text, as UTF-8 (at most three bytes a UTF-16 unit). */
  text(s: string): void {
    this.room(s.length * 3);
    this.pos += this.buf.utf8Write(s, this.pos);
  }

  /** src[start, end): short runs byte by byte, cheaper than a call into the runtime. */
  bytes(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.room(n);
    const buf = this.buf;
    let pos = this.pos;
    if (n < 48) for (let i = start; i < end; i++) buf[pos++] = src[i];
    else {
      buf.set(src.subarray(start, end), pos);
      pos += n;
    }
    this.pos = pos;
  }

  /** The bytes written so far (sharing memory with the buffer). */
  result(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

const ascii = (s: string): Buffer => Buffer.from(s, 'latin1');
const S_OPEN = ascii('{"S":"');
const N_OPEN = ascii('{"N":"');
const B_OPEN = ascii('{"B":"');
const SCALAR_CLOSE = ascii('"}');
const TRUE = ascii('{"BOOL":true}');
const FALSE = ascii('{"BOOL":false}');
const NULL = ascii('{"NULL":true}');
const L_OPEN = ascii('{"L":[');
const L_CLOSE = ascii(']}');
const M_OPEN = ascii('{"M":{');
const M_CLOSE = ascii('}}');
const SS_OPEN = ascii('{"SS":[');
const NS_OPEN = ascii('{"NS":["');
const BS_OPEN = ascii('{"BS":["');
const SET_JOIN = ascii('","');
const SET_CLOSE = ascii('"]}');

/** A key attribute found in an encoded item's bytes: its tag and its text's bytes. */
export interface KeyBytes {
  tag: number;
  start: number;
  end: number;
}

/**
 * Reads one encoded item's UTF-8 bytes and writes its JSON; one instance per codec (it holds
 * the position while reading). `shapeNames` gives a shape's attribute names (undefined for an
 * unknown shape), `openings` the bytes ahead of each of its values (`{"a":`, then `,"b":`).
 */
export class ByteJson {
  private src: Uint8Array = new Uint8Array(0);
  private pos = 0;
  /** Where the text that textEnd last moved past starts (after its length). */
  private textStart = 0;

  constructor(
    private readonly shapeNames: (shapeId: number) => string[] | undefined,
    private readonly openings: (shapeId: number) => Buffer[],
  ) {}

  /** The item size recorded at the start of the encoding (encodedItemSize). */
  size(src: Uint8Array, at: number): number {
    this.src = src;
    this.pos = at;
    return this.varint();
  }

  /** Writes the item at src[at..] as JSON into `out`; false (nothing kept) if it must go the string way. */
  write(src: Uint8Array, at: number, out: ByteOut): boolean {
    const mark = out.pos;
    this.src = src;
    this.pos = at;
    this.varint();
    const shapeId = this.varint();
    if (shapeId === 0 || this.shapeNames(shapeId) === undefined) return false;
    const openings = this.openings(shapeId);
    if (openings.length === 0) {
      out.text('{}');
      return true;
    }
    for (let i = 0; i < openings.length; i++) {
      out.bytes(openings[i], 0, openings[i].length);
      if (!this.value(out)) {
        out.pos = mark;
        return false;
      }
    }
    out.text('}');
    return true;
  }

  /** The top-level attribute `wanted` of the item at src[at..]: a scalar's tag and text bytes, or undefined. */
  attribute(src: Uint8Array, at: number, wanted: string): KeyBytes | undefined {
    this.src = src;
    this.pos = at;
    this.varint();
    const names = this.shapeNames(this.varint());
    if (names === undefined) return undefined;
    for (let i = 0; i < names.length; i++) {
      if (names[i] === wanted) {
        const tag = src[this.pos++];
        if (tag !== 83 && tag !== 74 && tag !== 78 && tag !== 66) return undefined;
        const end = this.textEnd();
        return { tag, start: this.textStart, end };
      }
      this.skip();
    }
    return undefined;
  }

  /** One varint digit: a character 0x00-0xFF, one UTF-8 byte or two. */
  private digit(): number {
    const b = this.src[this.pos++];
    if (b < 0x80) return b;
    return ((b & 0x1f) << 6) | (this.src[this.pos++] & 0x3f);
  }

  private varint(): number {
    let c = this.digit();
    if (c < 128) return c;
    let n = c & 127;
    let scale = 128;
    for (;;) {
      c = this.digit();
      n += (c & 127) * scale;
      if (c < 128) return n;
      scale *= 128;
    }
  }

  /** Moves past a text (its length in UTF-16 units, then its bytes) and returns where it ends; textStart is where it starts. */
  private textEnd(): number {
    const units = this.varint();
    const src = this.src;
    let p = this.pos;
    this.textStart = p;
    let u = 0;
    while (u < units) {
      const b = src[p];
      if (b < 0x80) {
        p++;
        u++;
      } else if (b < 0xe0) {
        p += 2;
        u++;
      } else if (b < 0xf0) {
        p += 3;
        u++;
      } else {
        p += 4;
        u += 2;
      }
    }
    this.pos = p;
    return p;
  }

  /** A text that JSON may need to escape: written between quotes as it is, or false if it needs escapes. */
  private safeText(out: ByteOut): boolean {
    const end = this.textEnd();
    if (!jsonSafe(this.src, this.textStart, end)) return false;
    out.bytes(this.src, this.textStart, end);
    return true;
  }

  private scalar(out: ByteOut, open: Buffer): void {
    const end = this.textEnd();
    out.bytes(open, 0, open.length);
    out.bytes(this.src, this.textStart, end);
    out.bytes(SCALAR_CLOSE, 0, 2);
  }

  private value(out: ByteOut): boolean {
    const tag = this.src[this.pos++];
    switch (tag) {
      case 74 /* J */:
        this.scalar(out, S_OPEN);
        return true;
      case 83 /* S */:
        out.bytes(S_OPEN, 0, S_OPEN.length);
        if (!this.safeText(out)) return false;
        out.bytes(SCALAR_CLOSE, 0, 2);
        return true;
      case 78 /* N */:
        this.scalar(out, N_OPEN);
        return true;
      case 66 /* B */:
        this.scalar(out, B_OPEN);
        return true;
      case 84 /* T */:
        out.bytes(TRUE, 0, TRUE.length);
        return true;
      case 70 /* F */:
        out.bytes(FALSE, 0, FALSE.length);
        return true;
      case 48 /* 0 */:
        out.bytes(NULL, 0, NULL.length);
        return true;
      case 76 /* L */: {
        const n = this.varint();
        out.bytes(L_OPEN, 0, L_OPEN.length);
        for (let i = 0; i < n; i++) {
          if (i > 0) out.text(',');
          if (!this.value(out)) return false;
        }
        out.bytes(L_CLOSE, 0, 2);
        return true;
      }
      case 77 /* M */: {
        const n = this.varint();
        out.bytes(M_OPEN, 0, M_OPEN.length);
        for (let i = 0; i < n; i++) {
          out.text(i === 0 ? '"' : ',"');
          if (!this.safeText(out)) return false;
          out.text('":');
          if (!this.value(out)) return false;
        }
        out.bytes(M_CLOSE, 0, 2);
        return true;
      }
      case 115 /* s */: {
        const n = this.varint();
        out.bytes(SS_OPEN, 0, SS_OPEN.length);
        for (let i = 0; i < n; i++) {
          out.text(i === 0 ? '"' : ',"');
          if (!this.safeText(out)) return false;
          out.text('"');
        }
        out.bytes(L_CLOSE, 0, 2);
        return true;
      }
      case 110 /* n */:
      case 98 /* b */: {
        const n = this.varint();
        const open = tag === 110 ? NS_OPEN : BS_OPEN;
        out.bytes(open, 0, open.length);
        for (let i = 0; i < n; i++) {
          if (i > 0) out.bytes(SET_JOIN, 0, 3);
          const end = this.textEnd();
          out.bytes(this.src, this.textStart, end);
        }
        out.bytes(SET_CLOSE, 0, 3);
        return true;
      }
      default:
        // Not a tag this writer knows: the string path decides (and reports a corrupt encoding).
        return false;
    }
  }

  private skip(): void {
    switch (this.src[this.pos++]) {
      case 83:
      case 74:
      case 78:
      case 66:
        this.textEnd();
        return;
      case 84:
      case 70:
      case 48:
        return;
      case 76: {
        const n = this.varint();
        for (let i = 0; i < n; i++) this.skip();
        return;
      }
      case 77: {
        const n = this.varint();
        for (let i = 0; i < n; i++) {
          this.textEnd();
          this.skip();
        }
        return;
      }
      default: {
        const n = this.varint();
        for (let i = 0; i < n; i++) this.textEnd();
      }
    }
  }
}

/** Whether UTF-8 bytes go between JSON quotes unchanged: no control character, quote or backslash (well-formed UTF-8 holds no surrogate). */
export function jsonSafe(src: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = src[i];
    if (b < 0x20 || b === 0x22 || b === 0x5c) return false;
  }
  return true;
}

/** A key value found by ByteJson.attribute as the AttributeValue it is (for its size). */
export function keyValue(src: Buffer, key: KeyBytes): AttributeValue {
  const text = src.utf8Slice(key.start, key.end);
  return key.tag === 78 ? { N: text } : key.tag === 66 ? { B: text } : { S: text };
}
