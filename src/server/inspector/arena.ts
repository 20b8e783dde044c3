// Bytes of recorded bodies, outside the JavaScript heap: one fixed buffer written round and round.
// Keeping each request's body and answer as its own Buffer or string meant tens of thousands of
// small heap objects alive for seconds, copied by every young-generation GC and then promoted:
// measured, the recorder's main cost. Here a body costs one copy into the ring and two numbers.
//
// Invariants: an entry is a position that only grows (absolute, across laps) and a length; its
// bytes are intact exactly while `pos - size <= start` (nothing written since has reached them);
// an entry never straddles the end of the buffer (one that would starts the next lap instead).

export class ByteArena {
  private buf: Buffer | undefined;
  /** Absolute position of the next write. */
  private pos = 0;

  constructor(readonly size: number) {}

  /** Copies `bytes` (or the first `max` of them) in; returns its start, or -1 when it cannot fit. */
  put(bytes: Buffer, max = bytes.length): number {
    return this.putRange(bytes, 0, Math.min(bytes.length, max));
  }

  /** Copies `length` bytes of `source` from `from` in; returns its start, or -1 when it cannot fit. */
  putRange(source: Buffer, from: number, length: number): number {
    const at = this.reserve(length);
    if (at < 0) return -1;
    source.copy(this.buf!, at % this.size, from, from + length);
    this.pos = at + length;
    return at;
  }

  /**
   * Writes `text` as UTF-8 (at most `max` bytes, whole characters only); returns [start, bytes
   * written], or -1 when it cannot fit. `expected` is its byte length when the caller knows it.
   */
  putText(text: string, max: number, expected: number): [number, number] | -1 {
    const room = Math.min(max, expected);
    const at = this.reserve(room);
    if (at < 0) return -1;
    const written = this.buf!.utf8Write(text, at % this.size, room);
    this.pos = at + written;
    return [at, written];
  }

  /** The bytes of an entry, or undefined once they have been written over. */
  get(start: number, length: number): Buffer | undefined {
    if (start < 0 || this.buf === undefined || this.pos - this.size > start) return undefined;
    const offset = start % this.size;
    return this.buf.subarray(offset, offset + length);
  }

  /** Where `length` bytes go: here, or at the start of the next lap. */
  private reserve(length: number): number {
    if (length > this.size) return -1;
    this.buf ??= Buffer.allocUnsafeSlow(this.size);
    const offset = this.pos % this.size;
    return offset + length <= this.size ? this.pos : this.pos + (this.size - offset);
  }
}
