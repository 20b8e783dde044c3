// `log.mark`: what the running writer knows about the durability of its current segment, kept
// beside the segments so that recovery can tell a torn write from damage (FORMAT.md, "Where a
// segment ends").
//
// - `synced`: every byte of the segment before this offset was on disk when the mark was written
//   (written only after the data's own sync returned). A frame that fails before it cannot be a
//   torn write of the crash: the open is refused.
// - `end` (0 when open-ended): written when the log failed, before any append hears of it: the
//   log ends exactly here, and whatever a refused write left after it is not read.
//
// Invariants: two slots written alternately, each with a sequence number and its own CRC, so a
// write torn by a crash leaves the other slot, the previous mark, whole; a mark lags what is on
// disk (never leads it), so an old mark only makes recovery less strict, never wrong. A mark
// names its segment by number and header CRC: one for another segment, or another incarnation of
// that number, says nothing.
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { readBytes, type FileHandle, type FileSystem } from './file-system';

export const MARK_FILE = 'log.mark';
const MAGIC = 0x4b4d5744; // 'DWMK' little-endian
const SLOT_BYTES = 36;
const SLOT_STRIDE = 64;

export interface EndMark {
  seq: number;
  segment: number;
  headerCrc: number;
  synced: number;
  end: number;
}

function encodeSlot(m: EndMark): Buffer {
  const b = Buffer.alloc(SLOT_BYTES);
  b.writeUInt32LE(MAGIC, 0);
  b.writeUInt32LE(m.seq >>> 0, 4);
  b.writeUInt32LE(m.segment, 8);
  b.writeUInt32LE(m.headerCrc >>> 0, 12);
  b.writeDoubleLE(m.synced, 16);
  b.writeDoubleLE(m.end, 24);
  b.writeUInt32LE(crc32(b.subarray(0, 32)), 32);
  return b;
}

function decodeSlot(b: Buffer): EndMark | undefined {
  if (b.length < SLOT_BYTES || b.readUInt32LE(0) !== MAGIC || crc32(b.subarray(0, 32)) !== b.readUInt32LE(32)) return undefined;
  return { seq: b.readUInt32LE(4), segment: b.readUInt32LE(8), headerCrc: b.readUInt32LE(12), synced: b.readDoubleLE(16), end: b.readDoubleLE(24) };
}

/** The newest whole mark in `dir`, if any. */
export function readEndMark(fs: FileSystem, dir: string): EndMark | undefined {
  const file = path.join(dir, MARK_FILE);
  if (!fs.exists(file)) return undefined;
  const b = readBytes(fs, file, 0, SLOT_STRIDE * 2);
  const slots = [decodeSlot(b.subarray(0, SLOT_BYTES)), decodeSlot(b.subarray(SLOT_STRIDE, SLOT_STRIDE + SLOT_BYTES))].filter((m) => m !== undefined);
  return slots.sort((a, b) => b.seq - a.seq)[0];
}

/** Writes marks for one writer: one at a time, each made durable before the next starts. */
export class EndMarkWriter {
  private handle: FileHandle | undefined;
  private seq: number;
  private busy: Promise<void> = Promise.resolve();
  private final = false;

  constructor(
    private readonly fs: FileSystem,
    private readonly dir: string,
  ) {
    this.seq = (readEndMark(fs, dir)?.seq ?? 0) + 1;
  }

  private open(): FileHandle {
    if (this.handle === undefined) {
      const file = path.join(this.dir, MARK_FILE);
      const created = !this.fs.exists(file);
      this.handle = this.fs.open(file, { create: true });
      // Without its folder entry on disk the file is not there after a crash: only less strict.
      if (created) this.fs.syncDir(this.dir);
    }
    return this.handle;
  }

  /** Records in the background that the segment is on disk up to `synced`; a failure is ignored (the mark just lags). */
  synced(segment: number, headerCrc: number, synced: number): Promise<void> {
    this.busy = this.busy.then(async () => {
      if (this.final) return;
      const slot = encodeSlot({ seq: this.seq, segment, headerCrc, synced, end: 0 });
      const at = (this.seq++ % 2) * SLOT_STRIDE;
      try {
        const h = this.open();
        await h.writeAsync(slot, at);
        await h.datasyncAsync();
      } catch {
        // The mark stays where it was: recovery is less strict, not wrong.
      }
    });
    return this.busy;
  }

  /**
   * Records, synchronously and durably, that the log ends at `end` (the log failed). Returns
   * whether it is on disk; nothing more is marked afterwards.
   */
  ended(segment: number, headerCrc: number, synced: number, end: number): boolean {
    if (this.final) return false;
    this.final = true;
    const slot = encodeSlot({ seq: this.seq, segment, headerCrc, synced, end });
    const at = (this.seq++ % 2) * SLOT_STRIDE;
    try {
      const h = this.open();
      h.write(slot, at);
      h.datasync();
      return true;
    } catch {
      return false;
    }
  }

  /** The folder is no longer this writer's: nothing more is marked in it. */
  stop(): void {
    this.final = true;
  }

  async close(): Promise<void> {
    await this.busy;
    this.handle?.close();
    this.handle = undefined;
  }
}
