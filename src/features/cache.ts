/**
 * On-disk feature cache, content-addressed: the file name is the SHA-256 of the code version,
 * the parsed features config and the bytes of every input series (bars, context, universe).
 *
 * The code version is the manual constant FEATURE_CODE_VERSION: bump it with any change to
 * src/features that changes values or names (a hash of the source files would need the files'
 * location, which src/ cannot take from import.meta, and would also change on comment edits).
 *
 * File: "WSPFEAT1" (8 bytes), header length (u32 LE), header JSON (code version, key, rows,
 * names, report, SHA-256 of the payload), zero padding to a multiple of 8, then the payload:
 * ts and each column as Float64 (little-endian). A file that is truncated, fails its checksum,
 * or names another key or code version is rebuilt, never trusted. Writes go to a temporary
 * file renamed into place, so a reader never sees half a file.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Bars } from "../data";
import type { FeatureInput, FeatureResult } from "./featureResult";
import type { FeaturesConfig } from "./featuresConfig";
import type { RegimesConfig } from "./regimes";

export const FEATURE_CODE_VERSION = "features-2026-11-26.1";
const MAGIC = "WSPFEAT1";

export function defaultFeatureCacheDir(): string {
  return join(process.cwd(), ".wsp", "cache", "features");
}

function hashBars(h: ReturnType<typeof createHash>, bars: Bars): void {
  h.update(`${bars.ticker}\u0000${bars.timeframe}\u0000${bars.ts.length}\u0000`);
  for (const col of [bars.ts, bars.open, bars.high, bars.low, bars.close, bars.volume, bars.adjClose]) {
    if (col === null) h.update("null");
    else h.update(new Uint8Array(col.buffer, col.byteOffset, col.byteLength));
  }
}

/** `regimes`: the settings of `features.regimes` columns, when the config asks for any. */
export function featureCacheKey(config: FeaturesConfig, input: FeatureInput, regimes?: RegimesConfig): string {
  const h = createHash("sha256");
  h.update(`${FEATURE_CODE_VERSION}\u0000${JSON.stringify(config)}\u0000`);
  if (regimes !== undefined) h.update(`regimes ${JSON.stringify(regimes)}\u0000`);
  hashBars(h, input.bars);
  for (const t of Object.keys(input.context ?? {}).sort()) {
    h.update(`context ${t}\u0000`);
    hashBars(h, (input.context as Record<string, Bars>)[t]);
  }
  if (input.universe) {
    for (const t of [...input.universe.keys()].sort()) {
      h.update(`universe ${t}\u0000`);
      hashBars(h, input.universe.get(t) as Bars);
    }
  }
  return h.digest("hex");
}

interface Header {
  codeVersion: string;
  key: string;
  rows: number;
  names: string[];
  report: FeatureResult["report"];
  sha256: string;
}

export type CacheState = "absent" | "hit" | "corrupt" | "stale";

function pathOf(key: string, dir: string): string {
  return join(dir, `${key}.wspf`);
}

/** The cached result for `key`, or why there is none (absent, corrupt, stale). */
export function readFeatureCache(
  key: string,
  dir = defaultFeatureCacheDir(),
): { state: CacheState; result?: FeatureResult } {
  const path = pathOf(key, dir);
  if (!existsSync(path)) return { state: "absent" };
  const buf = readFileSync(path);
  if (buf.length < 12 || buf.toString("latin1", 0, 8) !== MAGIC) return { state: "corrupt" };
  const headerLength = buf.readUInt32LE(8);
  if (12 + headerLength > buf.length) return { state: "corrupt" };
  let header: Header;
  try {
    header = JSON.parse(buf.toString("utf8", 12, 12 + headerLength)) as Header;
  } catch {
    return { state: "corrupt" };
  }
  if (header.codeVersion !== FEATURE_CODE_VERSION || header.key !== key) return { state: "stale" };
  const start = Math.ceil((12 + headerLength) / 8) * 8;
  const cols = header.names.length + 1;
  const bytes = header.rows * cols * 8;
  if (buf.length !== start + bytes) return { state: "corrupt" };
  const payload = buf.subarray(start);
  if (createHash("sha256").update(payload).digest("hex") !== header.sha256) return { state: "corrupt" };
  // Copy into an 8-byte aligned buffer (the file buffer's offset need not be aligned).
  const all = new Float64Array(header.rows * cols);
  new Uint8Array(all.buffer).set(payload);
  const rows = header.rows;
  const columns = header.names.map((_, j) => all.subarray((j + 1) * rows, (j + 2) * rows));
  return {
    state: "hit",
    result: { frame: { ts: all.subarray(0, rows), names: header.names, columns }, report: header.report },
  };
}

export function writeFeatureCache(key: string, result: FeatureResult, dir = defaultFeatureCacheDir()): void {
  mkdirSync(dir, { recursive: true });
  const { frame } = result;
  const rows = frame.ts.length;
  const payload = Buffer.alloc(rows * (frame.columns.length + 1) * 8);
  const view = new Float64Array(payload.buffer, payload.byteOffset, payload.length / 8);
  view.set(frame.ts, 0);
  for (let j = 0; j < frame.columns.length; j++) view.set(frame.columns[j], (j + 1) * rows);
  const header: Header = {
    codeVersion: FEATURE_CODE_VERSION,
    key,
    rows,
    names: [...frame.names],
    report: result.report,
    sha256: createHash("sha256").update(payload).digest("hex"),
  };
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const start = Math.ceil((12 + json.length) / 8) * 8;
  const head = Buffer.alloc(start);
  head.write(MAGIC, 0, "latin1");
  head.writeUInt32LE(json.length, 8);
  json.copy(head, 12);
  const path = pathOf(key, dir);
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(tmp, Buffer.concat([head, payload]));
  renameSync(tmp, path);
}
