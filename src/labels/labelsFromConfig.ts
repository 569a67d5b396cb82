import { fixedHorizonLabels } from "./fixedHorizon";
import type { LabelsConfig } from "./labelsConfig";
import { LabelError, type LabelSet } from "./labelSet";
import { metaLabels } from "./metaLabels";
import { rollingVolatility } from "./rollingVolatility";
import { type Bars3, type BarrierWidths, tripleBarrierLabels } from "./tripleBarrier";

export interface LabelInputs {
  /** Regime id per bar (NaN while undefined), required by barriers with scale `regime`. */
  regime?: ArrayLike<number>;
  /** The primary side per bar (+1 / −1, 0 or NaN for none), required by `meta` labels (see `primary`). */
  side?: ArrayLike<number>;
  /** Session id per bar (intraday): labels whose window crosses sessions are absent. */
  session?: ArrayLike<number>;
}

function volWindow(scale: string): number {
  return Number(scale.slice(4));
}

function toWidths(
  b: { upper: number | number[]; lower: number | number[]; scale: string },
  bars: Bars3,
  inputs: LabelInputs,
): BarrierWidths {
  if (b.scale === "regime") {
    if (!inputs.regime)
      throw new LabelError("labels", "barriers.scale regime needs a regime id per bar (inputs.regime)");
    return { scale: "regime", regime: inputs.regime, upper: b.upper as number[], lower: b.lower as number[] };
  }
  if (b.scale === "fixed") return { scale: "fixed", upper: b.upper as number, lower: b.lower as number };
  return {
    scale: "volatility",
    volatility: rollingVolatility(bars.close, volWindow(b.scale)),
    upper: b.upper as number,
    lower: b.lower as number,
  };
}

/** Builds the labels a parsed `labels:` block describes (parse it with `labelsConfigSchema` first). */
export function labelsFromConfig(bars: Bars3, config: LabelsConfig, inputs: LabelInputs = {}): LabelSet {
  switch (config.kind) {
    case "fixed_horizon":
      return fixedHorizonLabels(bars.ts, bars.close, {
        horizon: config.horizon,
        classes: config.classes,
        threshold: config.classes === 3 ? (config.threshold ?? 0) : undefined,
        volatility: config.scale === "absolute" ? undefined : rollingVolatility(bars.close, volWindow(config.scale)),
        session: inputs.session,
      });
    case "triple_barrier":
      return tripleBarrierLabels(bars, {
        horizon: config.horizon,
        barriers: toWidths(config.barriers, bars, inputs),
        output: config.output,
        session: inputs.session,
      });
    case "meta": {
      if (!inputs.side) throw new LabelError("labels", "meta labels need the primary side per bar (inputs.side)");
      return metaLabels(bars, inputs.side, {
        horizon: config.horizon,
        barriers: toWidths(config.barriers, bars, inputs),
        session: inputs.session,
      });
    }
  }
}
