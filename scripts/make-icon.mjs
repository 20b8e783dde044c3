// Draws media/icon.png (the Marketplace/extension-list icon, 128x128) without any image library:
// a database cylinder over a table grid, antialiased by 4x4 supersampling, written as a PNG.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const S = 128;
const SS = 4;
const bg = [0x1e, 0x3a, 0x5f];
const fg = [0x4f, 0xc3, 0xf7];
const light = [0xe3, 0xf2, 0xfd];

function shade(x, y) {
  // rounded square background
  const r = 22;
  const cx = Math.min(Math.max(x, r), S - r);
  const cy = Math.min(Math.max(y, r), S - r);
  if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) return null;
  // cylinder: body from y=34 to y=86, ellipses rx=34 ry=10 centred at x=54
  const ex = (x - 54) / 34;
  const top = (y - 34) / 10;
  const bottom = (y - 86) / 10;
  const inBody = Math.abs(ex) <= 1 && y >= 34 && y <= 86;
  const inTop = ex * ex + top * top <= 1;
  const inBottom = ex * ex + bottom * bottom <= 1;
  const tableX = x >= 62 && x <= 112 && y >= 62 && y <= 108;
  if (tableX) {
    const border = x < 66 || x > 108 || y < 66 || y > 104;
    const grid = Math.abs(y - 78) < 2 || Math.abs(y - 91) < 2 || Math.abs(x - 80) < 2;
    return border || grid ? fg : light;
  }
  if (inTop) return ex * ex + top * top > 0.7 ? fg : light;
  if (inBody || inBottom) {
    const band = Math.abs((y - 52) / 10 - 0) < 0.25 || Math.abs((y - 69) / 10) < 0.25;
    return band ? light : fg;
  }
  return bg;
}

const raw = Buffer.alloc(S * (S * 4 + 1));
for (let y = 0; y < S; y++) {
  raw[y * (S * 4 + 1)] = 0;
  for (let x = 0; x < S; x++) {
    let r = 0, g = 0, b = 0, a = 0;
    for (let sy = 0; sy < SS; sy++)
      for (let sx = 0; sx < SS; sx++) {
        const c = shade(x + (sx + 0.5) / SS, y + (sy + 0.5) / SS);
        if (c) { r += c[0]; g += c[1]; b += c[2]; a += 255; }
      }
    const n = SS * SS;
    const o = y * (S * 4 + 1) + 1 + x * 4;
    const cover = a / 255;
    raw[o] = cover ? Math.round(r / cover) : 0;
    raw[o + 1] = cover ? Math.round(g / cover) : 0;
    raw[o + 2] = cover ? Math.round(b / cover) : 0;
    raw[o + 3] = Math.round(a / n);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(crc(body));
  return Buffer.concat([len, body, sum]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(S, 0);
ihdr.writeUInt32BE(S, 4);
ihdr[8] = 8;
ihdr[9] = 6;
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
writeFileSync(new URL('../media/icon.png', import.meta.url), png);
console.log(`media/icon.png: ${png.length} bytes`);
