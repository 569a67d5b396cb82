/**
 * `backtest/returns.csv`: the run's traded per-bar returns (the selected variant, costs
 * included), each row marked `oos` (positions from out-of-fold predictions) or `holdout` (the
 * final holdout). A sweep's `select` reads it back to compute the probability of backtest
 * overfitting across variants on the `oos` rows only: the holdout is not a selection set.
 *
 *   time,return,segment
 *   2015-01-05T00:00:00.000Z,0.00123,oos
 */
import type { ExperimentResult } from "./experimentResult";

export const RETURNS_ARTIFACT = "backtest/returns.csv";

export type ReturnSegment = "oos" | "holdout";

export interface ReturnSeries {
  /** Bar times, UTC epoch ms. */
  ts: Float64Array;
  returns: Float64Array;
}

export function returnsCsv(r: ExperimentResult): string {
  const { ts, returns } = r.backtest.run.simulation;
  const lines = ["time,return,segment"];
  for (let i = 0; i < ts.length; i++) {
    const segment: ReturnSegment = i < r.backtest.holdoutStart ? "oos" : "holdout";
    lines.push(`${new Date(ts[i]).toISOString()},${returns[i]},${segment}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The rows of one segment of a returns.csv; `source` names the file in errors. */
export function parseReturnsCsv(text: string, segment: ReturnSegment, source: string): ReturnSeries {
  const lines = text.split("\n").filter((l) => l !== "");
  if (lines[0] !== "time,return,segment") {
    throw new Error(`${source}: expected the header time,return,segment, got ${JSON.stringify(lines[0] ?? "")}`);
  }
  const ts: number[] = [];
  const returns: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const [time, value, seg] = lines[i].split(",");
    if (seg !== "oos" && seg !== "holdout") throw new Error(`${source}:${i + 1}: segment ${JSON.stringify(seg)}`);
    if (seg !== segment) continue;
    const t = Date.parse(time);
    const x = Number(value);
    if (!Number.isFinite(t) || value === "" || Number.isNaN(x)) {
      throw new Error(`${source}:${i + 1}: expected an ISO time and a number, got ${JSON.stringify(lines[i])}`);
    }
    ts.push(t);
    returns.push(x);
  }
  return { ts: Float64Array.from(ts), returns: Float64Array.from(returns) };
}
