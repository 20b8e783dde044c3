// Reading a log record's payload as bytes, for frame decoders that make less than decodeRecord
// does (a stream's records: streams/log-frames.ts; a restore's history: backups/history-frames.ts).
// The layout is records.ts's; nothing here decides a frame is bad: what it cannot read (a varint
// running off the payload, a table id written as UTF-16) throws FALL_BACK, and the decoder hands
// the frame to decodeRecord, which decodes it or throws as it always has.

/** Thrown when a frame is for decodeRecord (caught by the decoder, never escapes it). */
export const FALL_BACK = Symbol('fall back to decodeRecord');

/** A cursor over one payload at a time: `buf[pos, limit)`. */
export class FrameBytes {
  buf: Buffer = Buffer.alloc(0);
  pos = 0;
  limit = 0;

  /** Starts on the payload buf[start, end). */
  at(buf: Buffer, start: number, end: number): void {
    this.buf = buf;
    this.pos = start;
    this.limit = end;
  }

  varint(): number {
    const buf = this.buf;
    let c = buf[this.pos++];
    if (c < 128) return c;
    let n = c & 127;
    let scale = 128;
    for (;;) {
      if (this.pos >= this.limit) throw FALL_BACK;
      c = buf[this.pos++];
      n += (c & 127) * scale;
      if (c < 128) return n;
      scale *= 128;
    }
  }

  /** Moves past a text; with `units`, returns its UTF-16 length (a key's), else 0. */
  skipText(units = false): number {
    const v = this.varint();
    if (v % 2 === 1) {
      this.pos += v - 1;
      return (v - 1) / 2;
    }
    const start = this.pos;
    const end = start + v / 2;
    this.pos = end;
    if (!units) return 0;
    let n = 0;
    const buf = this.buf;
    // Every UTF-8 sequence is one unit but a four-byte one (a surrogate pair), which is two.
    for (let p = start; p < end; p++) {
      const b = buf[p];
      if ((b & 0xc0) !== 0x80) n += b >= 0xf0 ? 2 : 1;
    }
    return n;
  }

  /** Whether the table id here is `wanted`'s bytes (compared as bytes, no string made), moving past it. */
  isTable(wanted: Buffer): boolean {
    const v = this.varint();
    // Ids are ASCII: one written as UTF-16 is a frame for decodeRecord.
    if (v % 2 === 1) throw FALL_BACK;
    const length = v / 2;
    const start = this.pos;
    this.pos += length;
    if (length !== wanted.length) return false;
    const buf = this.buf;
    for (let i = 0; i < length; i++) if (buf[start + i] !== wanted[i]) return false;
    return true;
  }

  /** Moves past the rest of a put (after its table id): key, new image, old image if any, dictionary additions. */
  skipPut(): void {
    this.skipText();
    this.skipText();
    if (this.buf[this.pos++] === 1) this.skipText();
    this.skipDictionary();
  }

  /** Moves past the rest of a delete (after its table id): key and old image. */
  skipDelete(): void {
    this.skipText();
    this.skipText();
  }

  /** Moves past a put's dictionary additions (most often two zero counts). */
  skipDictionary(): void {
    const buf = this.buf;
    if (buf[this.pos] === 0 && buf[this.pos + 1] === 0) {
      this.pos += 2;
      return;
    }
    for (let n = this.varint(); n > 0; n--) {
      this.varint();
      this.skipText();
    }
    for (let n = this.varint(); n > 0; n--) {
      this.varint();
      for (let k = this.varint(); k > 0; k--) this.varint();
    }
  }
}
