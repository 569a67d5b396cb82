/**
 * The million-bar series of docs/architecture.md ("Shared definitions"): 1,000,000 one-minute SPY bars
 * built deterministically from data/intraday/SPY_1m.csv.gz. The real file comes first as it is
 * (regular-hours bars only); then its sessions are replayed end to end, as often as needed,
 * onto the calendar sessions that follow the last real one: each bar keeps its minute offset
 * from the session open (bars past an early close of the target day are dropped), and each
 * replay's prices are scaled so that its first open equals the previous close (prices continue
 * multiplicatively), rounded to 4 decimals so the CSV holds exactly the same numbers.
 *
 * Cached under .wsp/bench/ (Float64 binary, and the CSV for the pandas comparison); rebuilt if
 * missing. Files are written to a temporary name and renamed, so parallel benchmarks never
 * read a half-written cache.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Bars,
  DAY_MS,
  isoNewYork,
  loadCsv,
  newYorkDayOf,
  nextSession,
  sessionClose,
  sessionOpen,
} from "../src/data";

export const MILLION = 1_000_000;
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cacheDir = join(root, ".wsp", "bench");
const binPath = join(cacheDir, "million-1m.v1.f64");
/** CSV of the series in the bundled intraday format (timestamp with New York offset). */
export const MILLION_CSV_PATH = join(cacheDir, "million-1m.csv");
const COLS = 6;

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** Build the series from the bundled file, without the cache (the cache holds exactly this). */
export function buildMillionBars(): Bars {
  const src = loadCsv(join(root, "data", "intraday", "SPY_1m.csv.gz"), { ticker: "SPY", timeframe: "1m" });
  // Sessions of the source, regular-hours bars only (the file has 3 bars after two early closes).
  const sessions: { open: number; idx: number[] }[] = [];
  for (let i = 0; i < src.ts.length; i++) {
    const day = newYorkDayOf(src.ts[i]);
    const open = sessionOpen(day);
    if (src.ts[i] < open || src.ts[i] >= sessionClose(day)) continue;
    const last = sessions[sessions.length - 1];
    if (last && last.open === open) last.idx.push(i);
    else sessions.push({ open, idx: [i] });
  }
  const ts = new Float64Array(MILLION);
  const o = new Float64Array(MILLION);
  const h = new Float64Array(MILLION);
  const l = new Float64Array(MILLION);
  const c = new Float64Array(MILLION);
  const v = new Float64Array(MILLION);
  const srcVolume = src.volume!;
  let n = 0;
  let scale = 1;
  let replay = 0;
  let day = Math.floor(sessions[sessions.length - 1].open / DAY_MS) * DAY_MS;
  while (n < MILLION) {
    if (replay > 0) scale = c[n - 1] / src.open[sessions[0].idx[0]];
    for (const s of sessions) {
      let targetOpen = s.open;
      let targetClose = Number.POSITIVE_INFINITY;
      if (replay > 0) {
        day = nextSession(day);
        targetOpen = sessionOpen(day);
        targetClose = sessionClose(day);
      }
      for (const i of s.idx) {
        const t = targetOpen + (src.ts[i] - s.open);
        if (t >= targetClose) break;
        ts[n] = t;
        o[n] = round4(src.open[i] * scale);
        h[n] = round4(src.high[i] * scale);
        l[n] = round4(src.low[i] * scale);
        c[n] = round4(src.close[i] * scale);
        v[n] = srcVolume[i];
        if (++n === MILLION) break;
      }
      if (n === MILLION) break;
    }
    replay++;
  }
  return { ticker: "SPY", timeframe: "1m", ts, open: o, high: h, low: l, close: c, volume: v, adjClose: null };
}

function writeAtomic(path: string, chunks: Iterable<Uint8Array | string>): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    for (const chunk of chunks) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

function fromCache(): Bars | null {
  if (!existsSync(binPath) || statSync(binPath).size !== MILLION * COLS * 8) return null;
  const buf = readFileSync(binPath);
  const all = new Float64Array(buf.buffer, buf.byteOffset, MILLION * COLS);
  const col = (k: number) => all.slice(k * MILLION, (k + 1) * MILLION);
  return {
    ticker: "SPY",
    timeframe: "1m",
    ts: col(0),
    open: col(1),
    high: col(2),
    low: col(3),
    close: col(4),
    volume: col(5),
    adjClose: null,
  };
}

/** The 1,000,000-bar SPY 1-minute series (from the cache, built on first use). */
export function millionBars(): Bars {
  const cached = fromCache();
  if (cached) return cached;
  const bars = buildMillionBars();
  const cols = [bars.ts, bars.open, bars.high, bars.low, bars.close, bars.volume!];
  writeAtomic(
    binPath,
    cols.map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength)),
  );
  return bars;
}

/** Path of the series as CSV (`timestamp,open,high,low,close,volume`), written if missing or older than the cache. */
export function millionBarsCsv(): string {
  const b = millionBars();
  if (existsSync(MILLION_CSV_PATH) && statSync(MILLION_CSV_PATH).mtimeMs >= statSync(binPath).mtimeMs) {
    return MILLION_CSV_PATH;
  }
  function* lines(): Generator<string> {
    yield "timestamp,open,high,low,close,volume\n";
    let chunk = "";
    for (let i = 0; i < b.ts.length; i++) {
      chunk += `${isoNewYork(b.ts[i])},${b.open[i]},${b.high[i]},${b.low[i]},${b.close[i]},${b.volume![i]}\n`;
      if ((i & 8191) === 8191) {
        yield chunk;
        chunk = "";
      }
    }
    yield chunk;
  }
  writeAtomic(MILLION_CSV_PATH, lines());
  return MILLION_CSV_PATH;
}
