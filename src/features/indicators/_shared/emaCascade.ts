import { EmaStream } from "../ema";
import { checkPeriod } from "../indicator";
import { eachCleanRun } from "./cleanRuns";
import { requireBars } from "./requireBars";
import { ValueStream } from "./valueStream";

/** Bars per block of the fused cascade: its level buffers stay in cache and are reused. */
const BLOCK = 2048;
/** Deepest cascade the fused loop carries (T3's six levels). */
const MAX_DEPTH = 6;

/**
 * Writes an indicator over bars [from, to) of `out` from the cascade's levels: level d at bar i is
 * levels[d][i − shift], at bar i − 1 levels[d][i − 1 − shift]. A module-level function, its
 * parameters in `constants`: a closure made per call would be compiled anew on every call.
 */
export type CascadeCombine = (
  levels: readonly Float64Array[],
  shift: number,
  from: number,
  to: number,
  out: Float64Array,
  constants: Float64Array,
) => void;

const NO_CONSTANTS = new Float64Array(0);

/**
 * The EMA cascade behind DEMA, TEMA, T3 and TRIX: E1 = EMA(x), E2 = EMA(E1), … E_depth, each
 * seeded with the SMA of its first `period` inputs (TA-Lib's seeding), so the last level's first
 * value is depth·(period−1) bars into each clean run. `combine` writes the indicator from the
 * levels, with `constants` (T3's weights); the indicator's own file keeps its formula and TA-Lib's
 * operation order. `extra` bars of warm-up past the last level's first value are for an indicator
 * that reads earlier values of the levels (TRIX's one-bar rate of change).
 *
 * All levels advance together bar by bar (their recursions overlap in the CPU instead of running
 * one full pass each) into small per-block buffers, so no full-length array but the output is
 * allocated. Each level repeats emaRun's arithmetic exactly, its two-bar steps paired from its own
 * first recursive bar, so the values are those of one emaRun per level. The kernels are
 * module-level functions of arrays and numbers: optimised code inside a per-call closure, or
 * depending on a per-call object's shape, was discarded by garbage collection and recompiled
 * (tens of ms of CPU) on the next call.
 */
export function emaCascade(
  indicator: string,
  close: Float64Array,
  period: number,
  depth: number,
  combine: CascadeCombine,
  extra = 0,
  constants: Float64Array = NO_CONSTANTS,
): Float64Array {
  checkPeriod(indicator, "period", period, 1);
  if (depth > MAX_DEPTH) throw new RangeError(`an EMA cascade has at most ${MAX_DEPTH} levels`);
  const n = close.length;
  const lag = depth * (period - 1) + extra;
  requireBars(indicator, n, lag, `period=${period}`);
  const out = new Float64Array(n);
  // Level d's values over a block at 1 + i − b0, slot 0 the bar before it; unused levels get
  // empty buffers, so that the fused loop's level variables are all arrays.
  const levels = Array.from({ length: MAX_DEPTH }, (_, d) => new Float64Array(d < depth ? BLOCK + 1 : 0));
  // Per level: the SMA seed's running sum, then the recursion's state.
  const state = new Float64Array(MAX_DEPTH);
  eachCleanRun([close], [out], lag, (s, e) => {
    if (s + lag < e) cascadeRun(close, period, depth, lag, s, e, levels, state, combine, constants, out);
  });
  return out;
}

/** The indicator from the cascade's levels over one clean run [s, e), block by block. */
function cascadeRun(
  close: Float64Array,
  period: number,
  depth: number,
  lag: number,
  s: number,
  e: number,
  levels: readonly Float64Array[],
  state: Float64Array,
  combine: CascadeCombine,
  constants: Float64Array,
  out: Float64Array,
): void {
  state.fill(0);
  for (let b0 = s; b0 < e; b0 += BLOCK) {
    const b1 = Math.min(e, b0 + BLOCK);
    advanceCascade(close, period, depth, s, b0, b1, levels, state);
    if (b1 > s + lag) combine(levels, b0 - 1, Math.max(b0, s + lag), b1, out, constants);
    for (let d = 0; d < depth; d++) levels[d][0] = levels[d][b1 - b0];
  }
}

/** Computes every level of the cascade over the clean run from `start` on bars [b0, b1). */
function advanceCascade(
  close: Float64Array,
  period: number,
  depth: number,
  start: number,
  b0: number,
  b1: number,
  levels: readonly Float64Array[],
  state: Float64Array,
): void {
  // Bar where the last level's recursion starts: from there on every level is past its seed.
  const steady = start + (depth - 1) * (period - 1) + period;
  let i = b0;
  for (; i < b1 && i < steady; i++) cascadeStep(close, period, depth, start, i, b0, levels, state);
  if (i + 1 < b1) i = cascadePairs(close, period, depth, start, i, b1, b0, levels, state);
  if (i < b1) cascadeStep(close, period, depth, start, i, b0, levels, state);
}

/**
 * One bar through every level that has started: seed sums, the seed, then emaRun's steps. Level
 * d's recursion starts at r = start + d·(period − 1) + period (emaRun's `start + period`); on the
 * second bar of a pair it needs the bar before's input, the previous level's value there.
 */
function cascadeStep(
  close: Float64Array,
  period: number,
  depth: number,
  start: number,
  i: number,
  b0: number,
  levels: readonly Float64Array[],
  state: Float64Array,
): void {
  // emaRun's constants, computed as it computes them.
  const k = 2 / (period + 1);
  const a = 1 - k;
  const a2 = a * a;
  const ak = a * k;
  const j = 1 + i - b0;
  let x = close[i];
  for (let d = 0; d < depth; d++) {
    const r = start + d * (period - 1) + period;
    if (i < r - period) return;
    let v: number;
    if (i < r) {
      state[d] += x;
      if (i < r - 1) return;
      v = state[d] = state[d] / period;
    } else if (((i - r) & 1) === 0) {
      v = state[d] * a + x * k;
    } else {
      const before = d === 0 ? close[i - 1] : levels[d - 1][j - 1];
      v = state[d] = state[d] * a2 + (before * ak + x * k);
    }
    levels[d][j] = v;
    x = v;
  }
}

/**
 * Bars [from, end) two at a time, once every level is past its seed; returns the first bar not
 * done. A level whose pair starts at the first bar of a step does emaRun's loop body; an odd one
 * finishes its pair on the first bar and starts the next on the second. The levels' states are
 * locals, so that their recursions overlap in the CPU.
 */
function cascadePairs(
  close: Float64Array,
  period: number,
  depth: number,
  start: number,
  from: number,
  end: number,
  b0: number,
  levels: readonly Float64Array[],
  state: Float64Array,
): number {
  const k = 2 / (period + 1);
  const a = 1 - k;
  const a2 = a * a;
  const ak = a * k;
  const L0 = levels[0];
  const L1 = levels[1];
  const L2 = levels[2];
  const L3 = levels[3];
  const L4 = levels[4];
  const L5 = levels[5];
  // Level d's pairs start d·(period − 1) bars after level 0's: with an even period, every other
  // level is odd.
  const o0 = ((from - start - period) & 1) === 1;
  const o1 = o0 !== ((period - 1) % 2 === 1);
  const o2 = o0;
  const o3 = o1;
  const o4 = o0;
  const o5 = o1;
  let p0 = state[0];
  let p1 = state[1];
  let p2 = state[2];
  let p3 = state[3];
  let p4 = state[4];
  let p5 = state[5];
  let i = from;
  for (; i + 1 < end; i += 2) {
    const j = 1 + i - b0;
    let x1 = close[i];
    let x2 = close[i + 1];
    let v1 = 0;
    let v2 = 0;
    if (depth > 0) {
      if (o0) {
        p0 = p0 * a2 + (close[i - 1] * ak + x1 * k);
        v1 = p0;
        v2 = p0 * a + x2 * k;
      } else {
        v1 = p0 * a + x1 * k;
        p0 = p0 * a2 + (x1 * ak + x2 * k);
        v2 = p0;
      }
      L0[j] = v1;
      L0[j + 1] = v2;
      x1 = v1;
      x2 = v2;
    }
    if (depth > 1) {
      if (o1) {
        p1 = p1 * a2 + (L0[j - 1] * ak + x1 * k);
        v1 = p1;
        v2 = p1 * a + x2 * k;
      } else {
        v1 = p1 * a + x1 * k;
        p1 = p1 * a2 + (x1 * ak + x2 * k);
        v2 = p1;
      }
      L1[j] = v1;
      L1[j + 1] = v2;
      x1 = v1;
      x2 = v2;
    }
    if (depth > 2) {
      if (o2) {
        p2 = p2 * a2 + (L1[j - 1] * ak + x1 * k);
        v1 = p2;
        v2 = p2 * a + x2 * k;
      } else {
        v1 = p2 * a + x1 * k;
        p2 = p2 * a2 + (x1 * ak + x2 * k);
        v2 = p2;
      }
      L2[j] = v1;
      L2[j + 1] = v2;
      x1 = v1;
      x2 = v2;
    }
    if (depth > 3) {
      if (o3) {
        p3 = p3 * a2 + (L2[j - 1] * ak + x1 * k);
        v1 = p3;
        v2 = p3 * a + x2 * k;
      } else {
        v1 = p3 * a + x1 * k;
        p3 = p3 * a2 + (x1 * ak + x2 * k);
        v2 = p3;
      }
      L3[j] = v1;
      L3[j + 1] = v2;
      x1 = v1;
      x2 = v2;
    }
    if (depth > 4) {
      if (o4) {
        p4 = p4 * a2 + (L3[j - 1] * ak + x1 * k);
        v1 = p4;
        v2 = p4 * a + x2 * k;
      } else {
        v1 = p4 * a + x1 * k;
        p4 = p4 * a2 + (x1 * ak + x2 * k);
        v2 = p4;
      }
      L4[j] = v1;
      L4[j + 1] = v2;
      x1 = v1;
      x2 = v2;
    }
    if (depth > 5) {
      if (o5) {
        p5 = p5 * a2 + (L4[j - 1] * ak + x1 * k);
        v1 = p5;
        v2 = p5 * a + x2 * k;
      } else {
        v1 = p5 * a + x1 * k;
        p5 = p5 * a2 + (x1 * ak + x2 * k);
        v2 = p5;
      }
      L5[j] = v1;
      L5[j + 1] = v2;
      x1 = v1;
      x2 = v2;
    }
  }
  state[0] = p0;
  state[1] = p1;
  state[2] = p2;
  state[3] = p3;
  state[4] = p4;
  state[5] = p5;
  return i;
}

/** Streaming twin of {@link emaCascade}: `combine` maps the levels at one bar to the value. */
export abstract class EmaCascadeStream extends ValueStream {
  private readonly emas: EmaStream[];
  private readonly levels: Float64Array;

  constructor(indicator: string, period: number, depth: number) {
    super();
    checkPeriod(indicator, "period", period, 1);
    this.emas = Array.from({ length: depth }, () => new EmaStream(period));
    this.levels = new Float64Array(depth);
  }

  reset(): void {
    for (const e of this.emas) e.reset();
  }

  protected step(x: number): number {
    let v = x;
    for (let d = 0; d < this.emas.length; d++) {
      v = this.emas[d].next(v);
      if (Number.isNaN(v)) return Number.NaN;
      this.levels[d] = v;
    }
    return this.combine(this.levels);
  }

  protected abstract combine(levels: Float64Array): number;
}
