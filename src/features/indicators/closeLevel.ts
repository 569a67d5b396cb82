import { define } from "./_shared/describe";
import type { IndicatorDescriptor, StreamCore } from "./descriptor";
import type { OhlcvBar } from "./indicator";

class CloseStream implements StreamCore {
  update(bar: OhlcvBar): Record<string, number> {
    return { value: bar.close };
  }
}

/** The close itself: a context series' level (`VIX/close`). */
export const closeIndicator: IndicatorDescriptor = define({
  name: "close",
  family: "returns",
  params: [],
  outputs: ["value"],
  warmUp: () => 0,
  catalogId: null,
  batch: (b) => ({ value: Float64Array.from(b.close) }),
  stream: () => new CloseStream(),
});
