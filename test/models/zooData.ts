/** Test helper for the model zoo: label spans of the SPY rows (each label spans bar t → t+1). */
import type { LabelSpans } from "../../src/validation";
import type { SpyData } from "./spyFeatures";

export function spySpans(spy: SpyData, y: Float64Array, rows?: Int32Array): LabelSpans {
  const idx = rows ?? Int32Array.from({ length: spy.X.nRows }, (_, i) => i);
  const n = spy.X.nRows;
  return {
    startIdx: Int32Array.from(idx, (r) => spy.barIndex[r]),
    endIdx: Int32Array.from(idx, (r) => spy.barIndex[r] + 1),
    startTime: Float64Array.from(idx, (r) => spy.ts[r]),
    endTime: Float64Array.from(idx, (r) => (r + 1 < n ? spy.ts[r + 1] : spy.ts[r] + 86_400_000)),
    y: Float64Array.from(idx, (r) => y[r]),
  };
}
