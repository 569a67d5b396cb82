/**
 * What a feature spec entry can name: an indicator with declared, checked parameters and named
 * outputs, a batch function over whole `Bars` and a streaming twin giving the same values bar by
 * bar. The registry (featureRegistry.ts) holds them all; the indicator library's catalog has
 * only default parameters, this layer makes every parameter configurable.
 */
import { type Bars, MAX_WINDOW_BARS, type Timeframe } from "../data/bars";
import type { IndicatorFamily, OhlcvBar } from "./indicators";

export type ParamValue = number | string;
export type Params = Readonly<Record<string, ParamValue>>;

export interface ParamDef {
  readonly name: string;
  /** int / real: a number in [min, max]; choice: one of `choices`; ticker: a series name (context). */
  readonly kind: "int" | "real" | "choice" | "ticker";
  /** Used when the spec leaves the parameter out; `undefined` makes it required. */
  readonly default: ParamValue | undefined;
  readonly min?: number;
  readonly max?: number;
  readonly choices?: readonly string[];
}

export type FeatureFamily = IndicatorFamily | "calendar" | "breadth";

/** Inputs besides the bars: the benchmark close visible at each bar (NaN before it starts), the universe and the breadth proxy ETFs. */
export interface BatchEnv {
  readonly benchmark: Float64Array | null;
  readonly universe: Map<string, Bars> | null;
  readonly proxies: readonly Bars[];
}

export type StreamStep = (bar: OhlcvBar, benchmark: number) => Record<string, number>;

/**
 * The streaming twin of a cross-sectional indicator: the members' daily bars go in as they close
 * (universe names, proxy ETFs), and `at` gives the outputs of a base bar's date.
 */
export interface CrossSectionStep {
  pushUniverse(ticker: string, ts: number, price: number): void;
  pushProxy(ticker: string, ts: number, price: number): void;
  at(ts: number): Record<string, number>;
}

export interface FeatureIndicator {
  readonly name: string;
  readonly family: FeatureFamily;
  readonly params: readonly ParamDef[];
  /** Output keys of `batch` and of the stream's rows, in column order. */
  readonly outputs: readonly string[];
  readonly needsVolume: boolean;
  /** Reads the benchmark close (the `benchmark` ticker parameter). */
  readonly needsBenchmark: boolean;
  /** Reads the universe or the breadth proxy ETFs (cross-sectional; daily bars). */
  readonly needsUniverse: boolean;
  /** Only meaningful on intraday bars (minutes since open, session segment). */
  readonly intradayOnly: boolean;
  /** Computed on the base bars only (calendar and cross-sectional features), never on a higher timeframe. */
  readonly baseOnly: boolean;
  /**
   * Bars of `bars.timeframe`; outputs as long as the bars. `wanted` (default all) lets an
   * indicator skip or reuse the memory of outputs nobody reads; those it leaves out may be
   * missing or hold other values.
   */
  batch(bars: Bars, params: Params, env: BatchEnv, wanted?: readonly string[]): Record<string, Float64Array>;
  /** Null for a cross-sectional indicator (breadth): its twin is `crossSection`, fed by the members. */
  stream: ((params: Params, timeframe: Timeframe) => StreamStep) | null;
  /** The streaming twin of a cross-sectional indicator (null for the others). */
  crossSection: ((params: Params) => CrossSectionStep) | null;
}

export function int(name: string, def: number | undefined, min = 1, max = MAX_WINDOW_BARS): ParamDef {
  return { name, kind: "int", default: def, min, max };
}

export function real(name: string, def: number | undefined, min: number, max: number): ParamDef {
  return { name, kind: "real", default: def, min, max };
}

export function ticker(name: string, def: string | undefined): ParamDef {
  return { name, kind: "ticker", default: def };
}
