/** OHLC candlesticks with a volume panel underneath sharing the time axis. */
import type { Bars } from "../data";
import { type Figure, plainNumbers } from "./figure";
import { timeLabels, timeRangeBreaks } from "./timeAxis";

export interface CandlestickOptions {
  title?: string;
  height?: number;
  /** Hide the range slider plotly adds under candlesticks (it doubles the drawing cost). */
  rangeSlider?: boolean;
}

export function candlestickFigure(bars: Bars, opts: CandlestickOptions = {}): Figure {
  const x = timeLabels(bars.ts, bars.timeframe);
  const up = "#26a69a";
  const down = "#ef5350";
  const data: Figure["data"] = [
    {
      type: "candlestick",
      name: bars.ticker,
      x,
      open: plainNumbers(bars.open),
      high: plainNumbers(bars.high),
      low: plainNumbers(bars.low),
      close: plainNumbers(bars.close),
      increasing: { line: { color: up } },
      decreasing: { line: { color: down } },
      xaxis: "x",
      yaxis: "y",
    },
  ];
  const hasVolume = bars.volume !== null;
  if (bars.volume) {
    const colors = new Array<string>(x.length);
    for (let i = 0; i < x.length; i++) colors[i] = bars.close[i] >= bars.open[i] ? up : down;
    data.push({
      type: "bar",
      name: "volume",
      x,
      y: plainNumbers(bars.volume),
      marker: { color: colors },
      xaxis: "x",
      yaxis: "y2",
    });
  }
  return {
    data,
    layout: {
      title: { text: opts.title ?? `${bars.ticker} ${bars.timeframe}` },
      height: opts.height ?? 600,
      showlegend: false,
      margin: { l: 60, r: 20, t: 50, b: 40 },
      xaxis: { rangeslider: { visible: opts.rangeSlider ?? false }, rangebreaks: timeRangeBreaks(bars.timeframe) },
      // Without volume the price panel takes the whole height.
      yaxis: { title: { text: "price" }, domain: hasVolume ? [0.3, 1] : [0, 1] },
      ...(hasVolume ? { yaxis2: { title: { text: "volume" }, domain: [0, 0.22] } } : {}),
    },
  };
}
