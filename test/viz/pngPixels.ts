/**
 * A minimal PNG decoder for the tests (8-bit RGB/RGBA, non-interlaced: what Chromium writes), so
 * "the PNG is not blank" is checked on pixels rather than on file size.
 */
import { readFileSync } from "node:fs";
import { inflateSync } from "node:zlib";

export interface Pixels {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

export function readPng(path: string): Pixels {
  const buf = readFileSync(path);
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error(`${path}: not a PNG`);
  let off = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString("ascii", off + 4, off + 8);
    const body = buf.subarray(off + 8, off + 8 + len);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const depth = body[8];
      const color = body[9];
      if (depth !== 8 || (color !== 2 && color !== 6) || body[12] !== 0) {
        throw new Error(`${path}: unsupported PNG (depth ${depth}, color type ${color}, interlace ${body[12]})`);
      }
      channels = color === 6 ? 4 : 3;
    } else if (type === "IDAT") idat.push(body);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const data = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? data[row + x - channels] : 0;
      const b = y > 0 ? data[row - stride + x] : 0;
      const c = x >= channels && y > 0 ? data[row - stride + x - channels] : 0;
      let v = src[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      data[row + x] = v & 0xff;
    }
  }
  return { width, height, channels, data };
}

/** How many pixels lie within `tol` (per channel) of the RGB colour. */
export function countColor(px: Pixels, rgb: [number, number, number], tol = 40): number {
  let n = 0;
  for (let i = 0; i < px.data.length; i += px.channels) {
    if (
      Math.abs(px.data[i] - rgb[0]) <= tol &&
      Math.abs(px.data[i + 1] - rgb[1]) <= tol &&
      Math.abs(px.data[i + 2] - rgb[2]) <= tol
    ) {
      n++;
    }
  }
  return n;
}
