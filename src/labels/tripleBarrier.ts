import { type Bars3, BarrierRun, type BarrierRunOptions } from "./barrierRun";
import { type BarrierLabelSet, DIRECTION_3, DIRECTION_BINARY, LabelError } from "./labelSet";

// The labels stage's public surface names these with the triple-barrier labeller.
export type { Bars3 } from "./barrierRun";
export type { BarrierWidths } from "./barrierWidths";

export interface TripleBarrierOptions extends BarrierRunOptions {
  /**
   * `three_class` (default): upper -> BULLISH, lower -> BEARISH, vertical -> NEUTRAL.
   * `binary`: upper -> UP, lower -> DOWN, vertical -> by the sign of the return at the horizon.
   */
  output?: "three_class" | "binary";
}

/**
 * Triple-barrier labels (López de Prado, AFML ch. 3). Entry at close[t]; the upper barrier at
 * close[t]·(1+upper), the lower at close[t]·(1-lower), touched by a bar's high / low; the
 * vertical barrier at t+horizon. A bar that touches both barriers counts as the lower (worse)
 * one. `ret` is the barrier return when a barrier is touched (fills at the barrier level,
 * ignoring gaps through it) and the close-to-close return at the vertical barrier.
 * Rows whose vertical barrier lies past the last bar are absent even when a barrier is touched
 * earlier: keeping only the early touches would bias the last labels toward big moves.
 */
export function tripleBarrierLabels(bars: Bars3, opts: TripleBarrierOptions): BarrierLabelSet {
  const name = "tripleBarrierLabels";
  const run = new BarrierRun(name, bars, opts);
  const output = opts.output ?? "three_class";
  if (output !== "three_class" && output !== "binary") {
    throw new LabelError(name, `output must be three_class or binary, got ${output}`);
  }
  const binary = output === "binary";
  const yOf = (r: number, b: number) => (binary ? (b === 0 ? (r > 0 ? 1 : 0) : b > 0 ? 1 : 0) : b + 1);
  for (let t = 0; t + opts.horizon < bars.ts.length; t++) run.label(t, 1, yOf);
  return {
    kind: "triple_barrier",
    classes: binary ? DIRECTION_BINARY : DIRECTION_3,
    barrier: run.barrier,
    ...run.cols,
    lostToNaN: run.lostToNaN,
  };
}
