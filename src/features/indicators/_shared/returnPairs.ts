/**
 * Rolling statistics of aligned one-bar log-return pairs (asset, benchmark) over the last
 * `period` pairs: the one loop behind rolling beta (`slope`) and rolling correlation
 * (`correlation`), batch and streaming alike. A NaN close on either side spoils the returns that
 * use it; windows containing them are NaN (RollingCovariance keeps them out of `ready`).
 */
import { checkPeriod, checkSameLength } from "../indicator";
import { RollingCovariance } from "./rollingCovariance";
import { requireBars } from "./requireBars";

export type PairStatistic = "slope" | "correlation";

function statOf(c: RollingCovariance, stat: PairStatistic): number {
  if (!c.ready) return Number.NaN;
  return stat === "slope" ? c.slope() : c.correlation();
}

/** The batch computation; `name` is the indicator's name in errors. */
export function rollingReturnPairs(
  name: string,
  stat: PairStatistic,
  close: Float64Array,
  benchmarkClose: Float64Array,
  period: number,
): Float64Array {
  checkPeriod(name, "period", period, 2);
  const n = checkSameLength(name, { close, benchmarkClose });
  requireBars(name, n, period, `period=${period}`);
  const out = new Float64Array(n);
  const c = new RollingCovariance(period);
  out[0] = Number.NaN;
  for (let i = 1; i < n; i++) {
    c.push(Math.log(close[i] / close[i - 1]), Math.log(benchmarkClose[i] / benchmarkClose[i - 1]));
    out[i] = statOf(c, stat);
  }
  return out;
}

/** The streaming twin: `update(close, benchmarkClose)` per aligned bar. */
export class ReturnPairsStream {
  private readonly c: RollingCovariance;
  private prev = Number.NaN;
  private prevBench = Number.NaN;
  private started = false;

  constructor(
    name: string,
    private readonly stat: PairStatistic,
    period: number,
  ) {
    checkPeriod(name, "period", period, 2);
    this.c = new RollingCovariance(period);
  }

  update(close: number, benchmarkClose: number): number {
    const first = !this.started;
    const r = Math.log(close / this.prev);
    const rb = Math.log(benchmarkClose / this.prevBench);
    this.started = true;
    this.prev = close;
    this.prevBench = benchmarkClose;
    if (first) return Number.NaN;
    this.c.push(r, rb);
    return statOf(this.c, this.stat);
  }
}
