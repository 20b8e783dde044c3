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

/** Runs of at least these many bytes are copied by the runtime rather than in JS (measured on the GetRecords bench). */
const LONG_RUN = 64;
const LONG_CONSTANT = 24;

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

  /**
   * src[start, end). Short runs (a name, a key) byte by byte, cheaper than a call into the
   * runtime; long ones by TypedArray set (the view it needs costs less than copying them in JS,
   * which runs at about a byte a nanosecond).
   */
  bytes(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.room(n);
    const buf = this.buf;
    let pos = this.pos;
    if (n >= LONG_RUN) {
      buf.set(src.subarray(start, end), pos);
      this.pos = pos + n;
      return;
    }
    for (let i = start; i < end; i++) buf[pos++] = src[i];
    this.pos = pos;
  }

  /** A text of ASCII characters only (digits, ids), one byte each. */
  ascii(s: string): void {
    const n = s.length;
    this.room(n);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < n; i++) buf[pos++] = s.charCodeAt(i);
    this.pos = pos;
  }

  /**
   * A non-negative integer below 2^53 in decimal, padded with zeros to `width` digits: written
   * from the number, so that no string is made of it.
   */
  digits(n: number, width = 1): void {
    // Below 2^31 (every lsn, time in seconds and size in practice) integer division is much cheaper than Math.floor.
    const small = n < 2147483648;
    let count = 1;
    if (small) for (let m = n; m >= 10; m = (m / 10) | 0) count++;
    else for (let m = n; m >= 10; m = Math.floor(m / 10)) count++;
    const zeros = count < width ? width - count : 0;
    this.room(zeros + count);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < zeros; i++) buf[pos++] = 48;
    pos += count;
    this.pos = pos;
    if (small) {
      for (let i = 0; i < count; i++) {
        const q = (n / 10) | 0;
        buf[--pos] = 48 + n - q * 10;
        n = q;
      }
      return;
    }
    for (let i = 0; i < count; i++) {
      const q = Math.floor(n / 10);
      buf[--pos] = 48 + n - q * 10;
      n = q;
    }
  }

  /** Copies `length` bytes already written, from `from`, to the end (a value written twice). */
  again(from: number, length: number): void {
    this.room(length);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = from; i < from + length; i++) buf[pos++] = buf[i];
    this.pos = pos;
  }

  /** A constant's bytes (a whole array: set needs no view of it). */
  put(constant: Uint8Array): void {
    const n = constant.length;
    this.room(n);
    if (n >= LONG_CONSTANT) {
      this.buf.set(constant, this.pos);
      this.pos += n;
      return;
    }
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < n; i++) buf[pos++] = constant[i];
    this.pos = pos;
  }

  /** The bytes written so far (sharing memory with the buffer). */
  result(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

/** The bytes of a constant ASCII text (JSON punctuation and member names). */
export const asciiBytes = (s: string): Buffer => Buffer.from(s, 'latin1');
const ascii = asciiBytes;
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
const COMMA = ascii(',');
const QUOTE = ascii('"');
const COMMA_QUOTE = ascii(',"');
const NAME_END = ascii('":');
const OBJECT_CLOSE = ascii('}');
const EMPTY_OBJECT = ascii('{}');
const SCALAR_OBJECT_CLOSE = ascii('"}}');
/** 1, 2, 3 for the tags of values written without a check (J, N, B), by tag; S is checked, so it goes through value(). */
const SCALAR_KINDS: Array<number | undefined> = [];
SCALAR_KINDS[74] = 1;
SCALAR_KINDS[78] = 2;
SCALAR_KINDS[66] = 3;

/** A key attribute found in an encoded item's bytes: its tag and its text's bytes. */
export interface KeyBytes {
  tag: number;
  start: number;
  end: number;
}

/**
 * Reads one encoded item's UTF-8 bytes and writes its JSON; one instance per codec (it holds
 * the position while reading). `shapeNames` gives a shape's attribute names (undefined for an
 * unknown shape), `openings` the bytes ahead of each of its n values as ItemCodec's jsonOpenings
 * lays them out (8n entries: `{"a":`, then with `{"S":"`, `{"N":"`, `{"B":"`; the same 4n again
 * starting with the `"}` that closes a scalar before them).
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
    const n = openings.length >> 3;
    if (n === 0) {
      out.put(EMPTY_OBJECT);
      return true;
    }
    // As ItemCodec.toJson: a scalar (J, N, B) is its opening with the type, then its text; its
    // closing `"}` goes out with the next opening (or the end), so one constant per attribute.
    let afterScalar = 0;
    for (let i = 0; i < n; i++) {
      const at = afterScalar + 4 * i;
      const kind = SCALAR_KINDS[src[this.pos]];
      if (kind === undefined) {
        out.put(openings[at]);
        afterScalar = 0;
        if (!this.value(out)) {
          out.pos = mark;
          return false;
        }
        continue;
      }
      this.pos++;
      out.put(openings[at + kind]);
      this.copyText(out);
      afterScalar = 4 * n;
    }
    out.put(afterScalar === 0 ? OBJECT_CLOSE : SCALAR_OBJECT_CLOSE);
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
    return this.unitsEnd(this.varint());
  }

  /** Moves past the bytes of `units` UTF-16 units from pos and returns where they end; textStart is where they start. */
  private unitsEnd(units: number): number {
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
    out.put(open);
    this.copyText(out);
    out.put(SCALAR_CLOSE);
  }

  /**
   * Copies a text that needs no escaping (J, N, B) to `out`. Where its bytes are all ASCII (almost
   * every text) a unit is a byte, found by one quick pass; else textEnd's count finds its end.
   */
  private copyText(out: ByteOut): void {
    const units = this.varint();
    const src = this.src;
    const start = this.pos;
    const asciiEnd = start + units;
    let i = start;
    while (i < asciiEnd && src[i] < 0x80) i++;
    // All ASCII: a unit is a byte. Otherwise count the units from the start.
    const end = i === asciiEnd ? i : this.unitsEnd(units);
    this.pos = end;
    out.bytes(src, start, end);
  }

  private value(out: ByteOut): boolean {
    const tag = this.src[this.pos++];
    switch (tag) {
      case 74 /* J */:
        this.scalar(out, S_OPEN);
        return true;
      case 83 /* S */:
        out.put(S_OPEN);
        if (!this.safeText(out)) return false;
        out.put(SCALAR_CLOSE);
        return true;
      case 78 /* N */:
        this.scalar(out, N_OPEN);
        return true;
      case 66 /* B */:
        this.scalar(out, B_OPEN);
        return true;
      case 84 /* T */:
        out.put(TRUE);
        return true;
      case 70 /* F */:
        out.put(FALSE);
        return true;
      case 48 /* 0 */:
        out.put(NULL);
        return true;
      case 76 /* L */: {
        const n = this.varint();
        out.put(L_OPEN);
        for (let i = 0; i < n; i++) {
          if (i > 0) out.put(COMMA);
          if (!this.value(out)) return false;
        }
        out.put(L_CLOSE);
        return true;
      }
      case 77 /* M */: {
        const n = this.varint();
        out.put(M_OPEN);
        for (let i = 0; i < n; i++) {
          out.put(i === 0 ? QUOTE : COMMA_QUOTE);
          if (!this.safeText(out)) return false;
          out.put(NAME_END);
          if (!this.value(out)) return false;
        }
        out.put(M_CLOSE);
        return true;
      }
      case 115 /* s */: {
        const n = this.varint();
        out.put(SS_OPEN);
        for (let i = 0; i < n; i++) {
          out.put(i === 0 ? QUOTE : COMMA_QUOTE);
          if (!this.safeText(out)) return false;
          out.put(QUOTE);
        }
        out.put(L_CLOSE);
        return true;
      }
      case 110 /* n */:
      case 98 /* b */: {
        const n = this.varint();
        const open = tag === 110 ? NS_OPEN : BS_OPEN;
        out.put(open);
        for (let i = 0; i < n; i++) {
          if (i > 0) out.put(SET_JOIN);
          const end = this.textEnd();
          out.bytes(this.src, this.textStart, end);
        }
        out.put(SET_CLOSE);
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
