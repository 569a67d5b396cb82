import { eachCleanRun } from "./_shared/cleanRuns";
import { RollingExtreme, rollingMaxRun, rollingMinRun } from "./_shared/rollingExtremes";
import { requireBars } from "./_shared/requireBars";
import { checkPeriod, checkSameLength, IndicatorError, type OhlcvBar, type StreamingIndicator } from "./indicator";
import { type IndicatorDescriptor, int, num } from "./descriptor";
import { multi } from "./_shared/describe";

export interface IchimokuOutput<T> {
  /** conversion line: (highest high + lowest low)/2 over `tenkanPeriod` bars */
  readonly tenkan: T;
  /** base line: the same over `kijunPeriod` bars */
  readonly kijun: T;
  /** leading span A, NOT shifted forward: (tenkan + kijun)/2 at the bar it is computed */
  readonly senkouA: T;
  /** leading span B, NOT shifted forward: midpoint over `senkouBPeriod` bars */
  readonly senkouB: T;
}

function checkIchimoku(tenkan: number, kijun: number, senkouB: number): void {
  checkPeriod("ichimoku", "tenkanPeriod", tenkan, 1);
  checkPeriod("ichimoku", "kijunPeriod", kijun, 1);
  checkPeriod("ichimoku", "senkouBPeriod", senkouB, 1);
  if (tenkan > kijun)
    throw new IndicatorError("ichimoku", `parameter tenkanPeriod must be <= kijunPeriod (${kijun}), got ${tenkan}`);
}

/**
 * Ichimoku lines as features. Chart plots shift the senkou spans `kijunPeriod` bars forward;
 * here each value sits at the bar whose data produced it (shifting forward would only move it to
 * a future row, and shifting the other way is look-ahead). The chikou span is omitted: it is
 * today's close plotted `kijunPeriod` bars back, so as a value at bar t it would be the close of
 * bar t+kijun — look-ahead by definition. First values: tenkan at tenkan−1, kijun and senkou A
 * at kijun−1, senkou B at senkouB−1.
 */
export function ichimoku(
  high: Float64Array,
  low: Float64Array,
  tenkanPeriod = 9,
  kijunPeriod = 26,
  senkouBPeriod = 52,
): IchimokuOutput<Float64Array> {
  checkIchimoku(tenkanPeriod, kijunPeriod, senkouBPeriod);
  const n = checkSameLength("ichimoku", { high, low });
  requireBars(
    "ichimoku",
    n,
    Math.max(kijunPeriod, senkouBPeriod) - 1,
    `kijunPeriod=${kijunPeriod}, senkouBPeriod=${senkouBPeriod}`,
  );
  const tenkan = new Float64Array(n);
  const kijun = new Float64Array(n);
  const senkouA = new Float64Array(n);
  const senkouB = new Float64Array(n);
  const hh = new Float64Array(n);
  const ll = new Float64Array(n);
  const midpoint = (s: number, e: number, period: number, out: Float64Array) => {
    rollingMaxRun(high, s, e, period, hh);
    rollingMinRun(low, s, e, period, ll);
    for (let i = s + period - 1; i < e; i++) out[i] = (hh[i] + ll[i]) / 2;
  };
  eachCleanRun(
    [high, low],
    [tenkan, kijun, senkouA, senkouB],
    [tenkanPeriod - 1, kijunPeriod - 1, kijunPeriod - 1, senkouBPeriod - 1],
    (s, e) => {
      midpoint(s, e, tenkanPeriod, tenkan);
      midpoint(s, e, kijunPeriod, kijun);
      midpoint(s, e, senkouBPeriod, senkouB);
      for (let i = s + kijunPeriod - 1; i < e; i++) senkouA[i] = (tenkan[i] + kijun[i]) / 2;
    },
  );
  return { tenkan, kijun, senkouA, senkouB };
}

export class IchimokuStream implements StreamingIndicator<IchimokuOutput<number>> {
  private readonly windows: RollingExtreme[];

  constructor(
    readonly tenkanPeriod = 9,
    readonly kijunPeriod = 26,
    readonly senkouBPeriod = 52,
  ) {
    checkIchimoku(tenkanPeriod, kijunPeriod, senkouBPeriod);
    this.windows = [tenkanPeriod, kijunPeriod, senkouBPeriod].flatMap((p) => [
      new RollingExtreme(p, true),
      new RollingExtreme(p, false),
    ]);
  }

  update(bar: OhlcvBar): IchimokuOutput<number> {
    const { high, low } = bar;
    const w = this.windows;
    if (Number.isNaN(high) || Number.isNaN(low)) {
      for (const x of w) x.reset();
      return { tenkan: Number.NaN, kijun: Number.NaN, senkouA: Number.NaN, senkouB: Number.NaN };
    }
    const tenkan = (w[0].push(high) + w[1].push(low)) / 2;
    const kijun = (w[2].push(high) + w[3].push(low)) / 2;
    const senkouB = (w[4].push(high) + w[5].push(low)) / 2;
    return { tenkan, kijun, senkouA: (tenkan + kijun) / 2, senkouB };
  }
}

export const ichimokuIndicator: IndicatorDescriptor = multi({
  name: "ichimoku",
  family: "trend",
  params: [int("tenkan", 9), int("kijun", 26), int("senkou", 52)],
  outputs: ["tenkan", "kijun", "senkouA", "senkouB"],
  warmUp: (p) => Math.max(num(p, "tenkan"), num(p, "kijun"), num(p, "senkou")) - 1,
  catalogId: "ichimoku_9_26_52",
  batch: (b, p) => ichimoku(b.high, b.low, num(p, "tenkan"), num(p, "kijun"), num(p, "senkou")),
  stream: (p) => new IchimokuStream(num(p, "tenkan"), num(p, "kijun"), num(p, "senkou")),
});
