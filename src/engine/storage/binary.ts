// Length-prefixed binary fields for log records and checkpoints.

export class BinaryWriter {
  buf: Buffer;
  pos = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Leaves `n` bytes to be filled in later (a frame header). */
  skip(n: number): void {
    this.ensure(n);
    this.pos += n;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  f64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  varint(n: number): void {
    this.ensure(8);
    while (n >= 128) {
      this.buf[this.pos++] = (n & 127) | 128;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }

  string(s: string): void {
    // utf8 keeps ASCII at one byte; the worst case is 3 bytes per UTF-16 unit.
    this.ensure(s.length * 3 + 8);
    if (s.length * 3 < 128) {
      // Certain to fit a one-byte length: no room to reserve and move back.
      const written = this.buf.utf8Write(s, this.pos + 1);
      this.buf[this.pos] = written;
      this.pos += 1 + written;
      return;
    }
    const start = this.pos;
    this.pos += 5; // room for the length varint, patched below
    const written = this.buf.utf8Write(s, this.pos);
    if (written < 128) {
      this.buf[start] = written;
      this.buf.copy(this.buf, start + 1, this.pos, this.pos + written);
      this.pos = start + 1 + written;
    } else {
      let n = written;
      let p = start;
      for (let i = 0; i < 4; i++) {
        this.buf[p++] = (n & 127) | 128;
        n = Math.floor(n / 128);
      }
      this.buf[p] = n;
      this.pos += written;
    }
  }

  /** Text without a length prefix, in a fixed-width encoding the reader knows. */
  raw(s: string, encoding: 'latin1' | 'utf16le'): void {
    const bytes = encoding === 'latin1' ? s.length : s.length * 2;
    this.ensure(bytes);
    this.buf.write(s, this.pos, bytes, encoding);
    this.pos += bytes;
  }

  json(v: unknown): void {
    this.string(JSON.stringify(v));
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

export class BinaryReader {
  pos: number;
  constructor(readonly buf: Buffer, start = 0, readonly end = buf.length) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  u8(): number {
    return this.buf[this.pos++];
  }

  f64(): number {
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  varint(): number {
    let c = this.buf[this.pos++];
    if (c < 128) return c;
    let n = c & 127;
    let scale = 128;
    for (;;) {
      c = this.buf[this.pos++];
      n += (c & 127) * scale;
      if (c < 128) return n;
      scale *= 128;
    }
  }

  string(): string {
    const len = this.varint();
    const start = this.pos;
    this.pos += len;
    return this.buf.utf8Slice(start, this.pos);
  }

  json<T>(): T {
    return JSON.parse(this.string()) as T;
  }
}

declare global {
  interface Buffer {
    utf8Write(s: string, offset?: number, length?: number): number;
    utf8Slice(start?: number, end?: number): string;
    latin1Slice(start?: number, end?: number): string;
  }
}
