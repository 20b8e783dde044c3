// Measurements shared by the benches that work on data folders: the bytes a folder really holds,
// CPU time, and the median and rounding the JSON results use.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Bytes up to the last non-zero byte of every file in the folder and its subfolders (segments may be preallocated with zeros). */
export function writtenBytes(dir: string): number {
  let total = 0;
  const buf = Buffer.alloc(1 << 20);
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    const stat = fs.statSync(file);
    if (stat.isDirectory()) total += writtenBytes(file);
    if (!stat.isFile()) continue;
    const fd = fs.openSync(file, 'r');
    try {
      // From the end backwards, a chunk at a time, to the last non-zero byte.
      for (let end = stat.size; end > 0; ) {
        const start = Math.max(0, end - buf.length);
        fs.readSync(fd, buf, 0, end - start, start);
        let i = end - start - 1;
        while (i >= 0 && buf[i] === 0) i--;
        if (i >= 0) {
          total += start + i + 1;
          break;
        }
        end = start;
      }
    } finally {
      fs.closeSync(fd);
    }
  }
  return total;
}

/** CPU time (user and system, all threads) since `start`, in ms. */
export function cpuMs(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const round = (x: number, digits = 0): number => Math.round(x * 10 ** digits) / 10 ** digits;
