/**
 * A handful of leak-free features built inside the tests (the feature-set module is not
 * there yet): lagged log returns and rolling volatility, each using closes <= t only.
 */
import { rollingVolatility } from "../../src/labels";

export function logReturn(close: Float64Array, lag: number): Float64Array {
  const out = new Float64Array(close.length).fill(Number.NaN);
  for (let t = lag; t < close.length; t++) out[t] = Math.log(close[t] / close[t - lag]);
  return out;
}

export interface Feature {
  name: string;
  values: Float64Array;
}

export function simpleFeatures(close: Float64Array): Feature[] {
  return [
    { name: "ret_1", values: logReturn(close, 1) },
    { name: "ret_5", values: logReturn(close, 5) },
    { name: "ret_20", values: logReturn(close, 20) },
    { name: "vol_20", values: rollingVolatility(close, 20) },
  ];
}
