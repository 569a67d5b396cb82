/**
 * The 12-regime grid of docs/architecture.md on daily bars: VIX tercile (low/mid/high) × breadth
 * (above/below `breadthThreshold`, from the universe or the flagged ETF proxy) × ATR(14)/close
 * above/below its 252-session median. id = 4·vix + 2·breadthAbove + atrAbove.
 *
 * VIX terciles are the percentile rank of today's VIX within an EXPANDING window of all VIX
 * history up to today (default) or a trailing window: never the full sample, whose cut-offs
 * would carry future VIX levels into the past.
 */
import type { Bars } from "../../data";
import { DAY_MS, isoDate } from "../../data";
import type { Breadth } from "../breadth";
import type { OhlcvBar } from "../indicators/indicator";
import { NatrStream, natr } from "../indicators/natr";
import { PercentileRankStream, percentileRank } from "../indicators/percentileRank";
import { ExpandingPercentileStream, expandingPercentile } from "./expandingPercentile";
import { type GridRegimeConfig, gridRegimeConfigSchema } from "./regimeConfig";
import { type RegimeColumns, type RegimeLabels, regimeColumns } from "./regimeLabels";
import { RollingMedianStream, rollingMedian } from "./rollingMedian";

export const VIX_TERCILES = ["vix_low", "vix_mid", "vix_high"] as const;

export const GRID_REGIMES: readonly string[] = VIX_TERCILES.flatMap((v) =>
  ["breadth_below", "breadth_above"].flatMap((b) => [`${v}.${b}.atr_below`, `${v}.${b}.atr_above`]),
);

/** Short headers of GRID_REGIMES for tables (`H B+ A-`: high VIX, breadth above, ATR/close below its median). */
export const GRID_REGIME_CODES: readonly string[] = ["L", "M", "H"].flatMap((v) =>
  ["B-", "B+"].flatMap((b) => [`${v} ${b} A-`, `${v} ${b} A+`]),
);

export const GRID_REGIME_LEGEND =
  "L/M/H: VIX tercile low/mid/high; B+/B-: breadth above/below the threshold; A+/A-: ATR/close above/below its 1-year median";

export interface GridRegime extends RegimeLabels {
  /** Percentile rank of the VIX close (as of the session) within its window. */
  vixPercentile: Float64Array;
  /** 0 low, 1 mid, 2 high; NaN where undefined. */
  vixTercile: Float64Array;
  /** Breadth share used (see `breadthProxy`). */
  breadthShare: Float64Array;
  /** 1 where the breadth share is above the threshold, else 0; NaN where undefined. */
  breadthAbove: Float64Array;
  /** 1 where breadth came from the SPY/QQQ/IWM/DIA proxy, 0 from the universe, NaN where none. */
  breadthProxy: Float64Array;
  /** 100 · ATR/close. */
  atrRatio: Float64Array;
  /** 1 where ATR/close is above its rolling median, else 0; NaN in warm-up. */
  atrAbove: Float64Array;
}

export class RegimeInputError extends Error {
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(`${input}: ${message}`);
    this.name = "RegimeInputError";
  }
}

/**
 * VIX values as of each session: the VIX row with the latest date ≤ the session (the VIX file
 * has rows on some exchange holidays and misses a few sessions). Older than `maxStaleDays`
 * calendar days is an error naming the session: the VIX does not cover the range.
 */
function vixAsOf(ts: Float64Array, vix: Bars, values: Float64Array, maxStaleDays: number): Float64Array {
  const out = new Float64Array(ts.length).fill(Number.NaN);
  let j = -1;
  for (let i = 0; i < ts.length; i++) {
    while (j + 1 < vix.ts.length && vix.ts[j + 1] <= ts[i]) j++;
    if (j < 0) continue;
    checkStale(
      ts[i],
      vix.ts[j],
      maxStaleDays,
      `VIX covers ${isoDate(vix.ts[0])}..${isoDate(vix.ts[vix.ts.length - 1])}`,
    );
    out[i] = values[j];
  }
  return out;
}

function checkStale(session: number, vixTs: number, maxStaleDays: number, covers: string): void {
  if (session - vixTs > maxStaleDays * DAY_MS) {
    throw new RegimeInputError(
      "VIX",
      `no VIX value within ${maxStaleDays} days before the session ${isoDate(session)} (latest earlier VIX row: ${isoDate(vixTs)}; ${covers}); end the data before the VIX ends or supply a VIX covering the range`,
    );
  }
}

/** One session's grid: the id (−1 undefined) and its factors (NaN undefined). */
export interface GridRegimeRow {
  id: number;
  vixTercile: number;
  breadthAbove: number;
  atrAbove: number;
}

function gridRow(p: number, share: number, atrRatio: number, median: number, c: GridRegimeConfig): GridRegimeRow {
  const v = Number.isNaN(p) ? Number.NaN : p <= 1 / 3 ? 0 : p <= 2 / 3 ? 1 : 2;
  const b = Number.isNaN(share) ? Number.NaN : share > c.breadthThreshold ? 1 : 0;
  const a = Number.isNaN(median) ? Number.NaN : atrRatio > median ? 1 : 0;
  const id = Number.isNaN(v) || Number.isNaN(b) || Number.isNaN(a) ? -1 : 4 * v + 2 * b + a;
  return { id, vixTercile: v, breadthAbove: b, atrAbove: a };
}

/**
 * The streaming twin of {@link gridRegime}: VIX bars pushed as they become visible (each once, in
 * order), then `update(bar, breadthShare)` per daily session gives the batch's row at that
 * session; the breadth share is the caller's (BreadthStream, the twin of breadth()).
 */
export class GridRegimeStream {
  private readonly c: GridRegimeConfig;
  private readonly vixPercentile: { next(x: number): number };
  private vix: { ts: number; percentile: number } | null = null;
  private firstVix = Number.NaN;
  private readonly natr: NatrStream;
  private readonly median: RollingMedianStream;

  constructor(config: Partial<GridRegimeConfig> = {}) {
    this.c = gridRegimeConfigSchema.parse(config);
    this.vixPercentile =
      this.c.vixWindow === "expanding"
        ? new ExpandingPercentileStream(this.c.vixMinHistory)
        : new PercentileRankStream(this.c.vixWindow);
    this.natr = new NatrStream(this.c.atrPeriod);
    this.median = new RollingMedianStream(this.c.atrMedianWindow);
  }

  pushVix(ts: number, close: number): void {
    if (Number.isNaN(this.firstVix)) this.firstVix = ts;
    this.vix = { ts, percentile: this.vixPercentile.next(close) };
  }

  update(bar: OhlcvBar, breadthShare: number): GridRegimeRow {
    const vix = this.vix;
    if (vix) checkStale(bar.ts, vix.ts, this.c.maxVixStaleDays, `VIX streamed from ${isoDate(this.firstVix)}`);
    const atrRatio = this.natr.update(bar);
    const median = this.median.next(atrRatio);
    return gridRow(vix ? vix.percentile : Number.NaN, breadthShare, atrRatio, median, this.c);
  }
}

export function gridRegime(
  bars: Bars,
  context: { vix: Bars; breadth: Breadth },
  config: Partial<GridRegimeConfig> = {},
): GridRegime {
  const c = gridRegimeConfigSchema.parse(config);
  if (bars.timeframe !== "1d" || context.vix.timeframe !== "1d") {
    throw new RegimeInputError(
      bars.timeframe !== "1d" ? bars.ticker : "VIX",
      "the regime grid is defined on daily bars (1d); align the daily regimes onto finer bars with the multi-timeframe alignment (visible after the session closes)",
    );
  }
  const n = bars.ts.length;
  const { breadth } = context;
  if (breadth.ts.length !== n || breadth.ts.some((t, i) => t !== bars.ts[i])) {
    throw new RegimeInputError("breadth", `must be computed on the bars' dates (${bars.ticker}, ${n} sessions)`);
  }
  const vixClose = context.vix.close;
  const vixPct =
    c.vixWindow === "expanding"
      ? expandingPercentile(vixClose, c.vixMinHistory)
      : vixClose.length >= c.vixWindow
        ? percentileRank(vixClose, c.vixWindow)
        : new Float64Array(vixClose.length).fill(Number.NaN);
  const vixPercentile = vixAsOf(bars.ts, context.vix, vixPct, c.maxVixStaleDays);
  const atrRatio =
    n > c.atrPeriod ? natr(bars.high, bars.low, bars.close, c.atrPeriod) : new Float64Array(n).fill(Number.NaN);
  const median = rollingMedian(atrRatio, c.atrMedianWindow);
  const out: GridRegime = {
    scheme: "regime_grid",
    ts: bars.ts,
    ids: new Int32Array(n),
    names: GRID_REGIMES,
    vixPercentile,
    vixTercile: new Float64Array(n),
    breadthShare: breadth.aboveShare,
    breadthAbove: new Float64Array(n),
    breadthProxy: breadth.proxy,
    atrRatio,
    atrAbove: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const row = gridRow(vixPercentile[i], breadth.aboveShare[i], atrRatio[i], median[i], c);
    out.vixTercile[i] = row.vixTercile;
    out.breadthAbove[i] = row.breadthAbove;
    out.atrAbove[i] = row.atrAbove;
    out.ids[i] = row.id;
  }
  return out;
}

/**
 * The grid as feature columns: `regime_grid` (id) and its parts `regime_grid_vix_tercile`,
 * `regime_grid_breadth_above`, `regime_grid_breadth_proxy`, `regime_grid_atr_above`; with
 * `oneHot`, one 0/1 column per regime as well.
 */
export function gridRegimeColumns(grid: GridRegime, options: { oneHot?: boolean } = {}): RegimeColumns {
  const out = regimeColumns(grid, options);
  out.names.push(
    `${grid.scheme}_vix_tercile`,
    `${grid.scheme}_breadth_above`,
    `${grid.scheme}_breadth_proxy`,
    `${grid.scheme}_atr_above`,
  );
  out.columns.push(grid.vixTercile, grid.breadthAbove, grid.breadthProxy, grid.atrAbove);
  return out;
}
