/**
 * The real market data shipped in `data/`: daily/<T>.csv, intraday/<T>_<tf>.csv[.gz] and the
 * universe file. The data directory comes from an explicit argument or is found from
 * `process.cwd()` upwards (notebooks run in notebooks/, the CLI at the root), never from
 * `import.meta`, which notebooks (CommonJS through tslab) do not have.
 */
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { type Bars, type Timeframe, isTimeframe } from "./bars";
import { loadCsv, loadLongCsv } from "./csv";
import { DataFormatError } from "./dataFormatError";
import { directoryProblem } from "./pathProblem";

export interface BundledFile {
  ticker: string;
  timeframe: Timeframe;
  path: string;
}

/** The bundled data directory: `dataDir` if given, else the nearest `data/` with `daily/` from the cwd upwards. */
export function resolveDataDir(dataDir?: string): string {
  if (dataDir !== undefined) {
    const abs = resolve(dataDir);
    const problem = directoryProblem(abs);
    if (problem !== null) throw new DataFormatError(abs, null, null, null, problem);
    if (!existsSync(join(abs, "daily")) && !existsSync(join(abs, "intraday"))) {
      throw new DataFormatError(abs, null, null, null, "not a data directory (no daily/ or intraday/ inside)");
    }
    return abs;
  }
  let dir = process.cwd();
  for (;;) {
    const candidate = join(dir, "data");
    if (existsSync(join(candidate, "daily"))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new DataFormatError(
    join(process.cwd(), "data"),
    null,
    null,
    null,
    "no bundled data directory (data/daily) in the working directory or its parents; pass dataDir",
  );
}

/** Every bundled single-ticker file, by ticker and timeframe. */
export function listBundled(dataDir?: string): BundledFile[] {
  const root = resolveDataDir(dataDir);
  const out: BundledFile[] = [];
  const daily = join(root, "daily");
  if (existsSync(daily)) {
    for (const f of readdirSync(daily).sort()) {
      const m = /^([^_]+)\.csv(\.gz)?$/.exec(f);
      if (m) out.push({ ticker: m[1], timeframe: "1d", path: join(daily, f) });
    }
  }
  const intraday = join(root, "intraday");
  if (existsSync(intraday)) {
    for (const f of readdirSync(intraday).sort()) {
      const m = /^([^_]+)_([0-9]+[mhdw])\.csv(\.gz)?$/.exec(f);
      if (m && isTimeframe(m[2])) out.push({ ticker: m[1], timeframe: m[2], path: join(intraday, f) });
    }
  }
  return out;
}

/** Load a bundled ticker at a bundled timeframe; an unknown pair lists what exists. */
export function loadBundled(ticker: string, timeframe: Timeframe = "1d", dataDir?: string): Bars {
  const files = listBundled(dataDir);
  const hit = files.find((f) => f.ticker === ticker && f.timeframe === timeframe);
  if (hit) return loadCsv(hit.path, { ticker, timeframe });
  const byTicker = new Map<string, string[]>();
  for (const f of files) byTicker.set(f.ticker, [...(byTicker.get(f.ticker) ?? []), f.timeframe]);
  const available = [...byTicker].map(([t, tfs]) => `${t} (${tfs.join(", ")})`).join("; ");
  const reason = byTicker.has(ticker)
    ? `no bundled ${timeframe} file for ${ticker}; it has ${byTicker.get(ticker)!.join(", ")} (resample a finer one with resample())`
    : `unknown ticker ${ticker}`;
  throw new DataFormatError(resolveDataDir(dataDir), null, null, null, `${reason}. Available: ${available}`);
}

/** The survivorship-biased 480-stock S&P 500 universe (daily, 2015-01-12 → 2020-01-10), one `Bars` per ticker. */
export function loadUniverse(dataDir?: string): Map<string, Bars> {
  const dir = join(resolveDataDir(dataDir), "universe");
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => /\.csv(\.gz)?$/.test(f)) : [];
  if (files.length !== 1) {
    throw new DataFormatError(dir, null, null, null, `expected exactly one universe CSV, found ${files.length}`);
  }
  return loadLongCsv(join(dir, files[0]), { timeframe: "1d" });
}
