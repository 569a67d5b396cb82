/** The steps of a feature plan (featurePlan.ts): a leaf, so the exclusion and family rules read them without a cycle. */
import type { Timeframe } from "../data";
import type { IndicatorDescriptor, Params } from "./indicators/descriptor";
import type { Transform } from "./transforms";

export type Source =
  | { readonly kind: "base" }
  | { readonly kind: "timeframe"; readonly timeframe: Timeframe }
  | { readonly kind: "context"; readonly ticker: string };

export interface ChainPlan {
  readonly transforms: readonly Transform[];
  /** Full column name, prefix included. */
  readonly name: string;
}

export interface OutputPlan {
  /** Key in the indicator's batch result. */
  readonly output: string;
  /** Column name of the untransformed output, prefix included. */
  readonly name: string;
  readonly raw: boolean;
  readonly chains: readonly ChainPlan[];
}

export interface IndicatorStep {
  readonly kind: "indicator";
  /** Where the entry sits in the config, for errors: `features.set[3] (rsi)`. */
  readonly path: string;
  readonly def: IndicatorDescriptor;
  readonly params: Params;
  readonly source: Source;
  readonly outputs: readonly OutputPlan[];
  /** Preset entries are skipped (and reported) when the input lacks what they need. */
  readonly optional: boolean;
}

export interface ColumnStep {
  readonly kind: "column";
  readonly path: string;
  readonly column: string;
  readonly chains: readonly ChainPlan[];
}

export type PlanStep = IndicatorStep | ColumnStep;
