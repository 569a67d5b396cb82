/**
 * What every indicator file exports besides its batch function and streaming class: a
 * descriptor. It names the indicator as a feature spec writes it, declares its parameters
 * (defaults and ranges, checked before anything runs), its outputs, its warm-up, and wires the
 * batch function over whole `Bars` and the streaming twin that gives the same values bar by
 * bar. The feature registry is the list of these descriptors; the indicator catalog (default
 * parameters, reference fixtures, benchmark) is derived from it. A leaf: types only.
 */
import { type Bars, MAX_WINDOW_BARS, type Timeframe } from "../../data";
import type { OhlcvBar } from "./indicator";

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

export type IndicatorFamily =
  | "trend"
  | "momentum"
  | "volatility"
  | "volume"
  | "returns"
  | "microstructure"
  | "cross_asset";

export type FeatureFamily = IndicatorFamily | "calendar" | "breadth";

/** Inputs besides the bars: the benchmark close visible at each bar (NaN before it starts), the universe and the breadth proxy ETFs. */
export interface BatchEnv {
  readonly benchmark: Float64Array | null;
  readonly universe: Map<string, Bars> | null;
  readonly proxies: readonly Bars[];
}

/**
 * The state of a streaming twin: one bar (and the benchmark close visible at it, NaN when
 * none) in, the outputs at that bar out. Its state lives in its fields (class instances, no
 * closures over mutable variables), so that a live stream can copy it to replace a bar.
 */
export interface StreamCore {
  update(bar: OhlcvBar, benchmark: number): Record<string, number>;
}

/**
 * The streaming twin of a cross-sectional indicator: the members' daily bars go in as they close
 * (universe names, proxy ETFs), and `at` gives the outputs of a base bar's date.
 */
export interface CrossSectionStep {
  pushUniverse(ticker: string, ts: number, price: number): void;
  pushProxy(ticker: string, ts: number, price: number): void;
  at(ts: number): Record<string, number>;
}

export interface IndicatorDescriptor {
  readonly name: string;
  readonly family: FeatureFamily;
  readonly params: readonly ParamDef[];
  /** Output keys of `batch` and of the stream's rows, in column order. */
  readonly outputs: readonly string[];
  /**
   * Bars before every output has a value on clean bars (the index of the first full row):
   * a stream is stable once it has seen more bars than this.
   */
  warmUp(params: Params, timeframe: Timeframe): number;
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
  readonly stream: ((params: Params, timeframe: Timeframe) => StreamCore) | null;
  /** The streaming twin of a cross-sectional indicator (null for the others). */
  readonly crossSection: ((params: Params) => CrossSectionStep) | null;
  /**
   * The default instance in the indicator catalog (benchmark, TA-Lib/numpy reference
   * fixtures): its id there and the library outputs it holds (without the distances and
   * positions the feature layer adds). Null for features that are not library indicators.
   */
  readonly catalog: { readonly id: string; readonly outputs: readonly string[] } | null;
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

/**
 * A parameter's value as the indicators receive it. An integer parameter is re-made with `| 0`:
 * the ParamDef objects share one hidden class whose `default` field also holds reals and
 * strings, so V8 boxes the integers read from it as doubles, and a double window length slows
 * the indexing in every loop over the window (a third slower on CCI).
 */
export function paramValue(def: ParamDef, value: ParamValue): ParamValue {
  return def.kind === "int" ? (value as number) | 0 : value;
}

/** The `period` parameter most indicators take. */
export const period = (def: number, min = 1): ParamDef[] => [int("period", def, min)];

/** A numeric parameter (the plan has checked kinds and ranges). */
export function num(p: Params, key: string): number {
  return p[key] as number;
}
