/**
 * What a feature computation takes and gives: the input series, the frame and its report. A
 * leaf, so that the cache can store results without importing the computation.
 */
import type { Bars } from "../data";
import type { FeatureFrame } from "./featureFrame";
import type { NanReport } from "./nanPolicy";

export interface FeatureInput {
  /** The base bars: the frame has one row per bar. */
  bars: Bars;
  /** Context series by ticker (VIX, the benchmark, breadth proxy ETFs). */
  context?: Record<string, Bars>;
  /** Daily bars per ticker of a stock universe (cs_rank, breadth). */
  universe?: Map<string, Bars>;
}

export interface SkippedEntry {
  path: string;
  reason: string;
}

export interface FeatureReport {
  columns: number;
  names: string[];
  /** Optional preset entries left out because the input lacks what they need. */
  skipped: SkippedEntry[];
  nan: NanReport;
  cache: "off" | "hit" | "miss" | "rebuilt";
}

export interface FeatureResult {
  frame: FeatureFrame;
  report: FeatureReport;
}
