import { define, perBar, type RowFiller, RowFillerStream } from "./_shared/describe";
import type { IndicatorDescriptor } from "./descriptor";
import type { OhlcvBar } from "./indicator";

const BAR_SHAPE = ["gap", "range", "body", "closeLocation", "upperWick", "lowerWick"] as const;

/** Shape of one bar relative to its prices, in BAR_SHAPE order; `gap` uses the previous close. */
function barShapeAt(o: number, h: number, l: number, c: number, prevClose: number, row: Float64Array): void {
  row[0] = o / prevClose - 1;
  row[1] = (h - l) / c;
  row[2] = c / o - 1;
  row[3] = h > l ? (c - l) / (h - l) : Number.NaN;
  row[4] = (h - Math.max(o, c)) / c;
  row[5] = (Math.min(o, c) - l) / c;
}

class BarShapeFiller implements RowFiller {
  private prev = Number.NaN;
  fill(bar: OhlcvBar, row: Float64Array): void {
    barShapeAt(bar.open, bar.high, bar.low, bar.close, this.prev, row);
    this.prev = bar.close;
  }
}

/** Gap from the previous close, range, body, close location and wicks of each bar. */
export const barShapeIndicator: IndicatorDescriptor = define({
  name: "bar_shape",
  family: "microstructure",
  params: [],
  outputs: BAR_SHAPE,
  warmUp: () => 1,
  catalogId: null,
  batch: (b) =>
    perBar(BAR_SHAPE, b.close.length, (i, row) =>
      barShapeAt(b.open[i], b.high[i], b.low[i], b.close[i], i > 0 ? b.close[i - 1] : Number.NaN, row),
    ),
  stream: () => new RowFillerStream(BAR_SHAPE, new BarShapeFiller()),
});
