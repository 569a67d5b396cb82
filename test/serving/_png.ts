/**
 * A minimal PNG reader for the page tests: 8-bit greyscale, RGB or RGBA, non-interlaced (what
 * Chromium's screenshots are), IDAT inflated with node's zlib and the five row filters undone.
 * Enough to count a screenshot's distinct colours without an image library.
 */
import { inflateSync } from "node:zlib";

export interface DecodedPng {
  width: number;
  height: number;
  /** Bytes per pixel. */
  channels: number;
  pixels: Uint8Array;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export function decodePng(png: Buffer): DecodedPng {
  SIGNATURE.forEach((b, i) => {
    if (png[i] !== b) throw new Error(`not a PNG: byte ${i} is ${png[i]}`);
  });
  let at = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString("latin1", at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [depth, colour, , , interlace] = [data[8], data[9], data[10], data[11], data[12]];
      channels = CHANNELS[colour] ?? 0;
      if (depth !== 8 || channels === 0 || interlace !== 0) {
        throw new Error(`PNG: bit depth ${depth}, colour type ${colour}, interlace ${interlace} not supported`);
      }
    } else if (type === "IDAT") idat.push(data);
    else if (type === "IEND") break;
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[out + x - channels] : 0;
      const b = y > 0 ? pixels[out - stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[out - stride + x - channels] : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
      if (predictor === undefined) throw new Error(`PNG: row ${y} has filter type ${filter}`);
      pixels[out + x] = (row[x] + predictor) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

/** Distinct pixel values (all channels together) in a rectangle of the image. */
export function distinctColours(img: DecodedPng, box = { x: 0, y: 0, width: img.width, height: img.height }): number {
  const seen = new Set<number>();
  for (let y = box.y; y < Math.min(img.height, box.y + box.height); y++) {
    for (let x = box.x; x < Math.min(img.width, box.x + box.width); x++) {
      let key = 0;
      const at = (y * img.width + x) * img.channels;
      for (let k = 0; k < img.channels; k++) key = key * 256 + img.pixels[at + k];
      seen.add(key);
    }
  }
  return seen.size;
}
