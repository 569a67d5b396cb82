/** Lines over time: prices, indicators, equity curves (with an optional log scale for equity). */
import type { Timeframe } from "../data";
import { type Figure, plainNumbers } from "./figure";
import { timeLabels, timeRangeBreaks } from "./timeAxis";

export interface LineSeries {
  name: string;
  /** Bar open times, UTC epoch ms (the `Bars.ts` convention). */
  ts: ArrayLike<number>;
  values: ArrayLike<number>;
}

export interface LineOptions {
  title?: string;
  timeframe?: Timeframe;
  yTitle?: string;
  logY?: boolean;
  height?: number;
  /** Horizontal reference lines (thresholds, a baseline), dashed across the first series' span. */
  levels?: readonly { name: string; value: number }[];
}

/** A level as a two-point dashed line from the first to the last label of `x`. */
function levelTrace(level: { name: string; value: number }, x: string[]) {
  return {
    type: "scatter",
    mode: "lines",
    name: level.name,
    x: [x[0], x[x.length - 1]],
    y: [level.value, level.value],
    line: { dash: "dash", width: 1 },
  };
}

export function lineFigure(series: LineSeries[], opts: LineOptions = {}): Figure {
  const timeframe = opts.timeframe ?? "1d";
  const lines = series.map((s, i) => {
    if (s.ts.length !== s.values.length) {
      throw new RangeError(`series[${i}] (${s.name}): ts has ${s.ts.length} points but values has ${s.values.length}`);
    }
    return {
      type: "scatter",
      mode: "lines",
      name: s.name,
      x: timeLabels(s.ts, timeframe),
      y: plainNumbers(s.values),
    };
  });
  const span = lines[0]?.x ?? [];
  const levels = span.length === 0 ? [] : (opts.levels ?? []).map((l) => levelTrace(l, span));
  return {
    data: [...lines, ...levels],
    layout: {
      title: { text: opts.title ?? "" },
      height: opts.height ?? 450,
      margin: { l: 60, r: 20, t: 50, b: 40 },
      xaxis: { rangebreaks: timeRangeBreaks(timeframe) },
      yaxis: { title: { text: opts.yTitle ?? "" }, type: opts.logY ? "log" : "linear" },
    },
  };
}

/** An equity curve (and optionally a benchmark's), both rebased to 1 at the first bar. */
export function equityFigure(
  ts: ArrayLike<number>,
  equity: ArrayLike<number>,
  opts: LineOptions & { benchmark?: { name: string; values: ArrayLike<number> } } = {},
): Figure {
  const rebase = (v: ArrayLike<number>): Float64Array => {
    const out = new Float64Array(v.length);
    const base = v[0];
    for (let i = 0; i < v.length; i++) out[i] = v[i] / base;
    return out;
  };
  const series: LineSeries[] = [{ name: "strategy", ts, values: rebase(equity) }];
  if (opts.benchmark) series.push({ name: opts.benchmark.name, ts, values: rebase(opts.benchmark.values) });
  return lineFigure(series, { title: "equity", yTitle: "growth of 1", ...opts });
}
