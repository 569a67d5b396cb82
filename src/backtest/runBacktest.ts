/**
 * One call from calibrated probabilities (or ready signals) to trades, equity and the full
 * statistics table: signals.ts → simulate.ts → report.ts.
 */
import type { Bars } from "../data";
import { type EngineConfigInput, parseEngineConfig } from "./config";
import { type BacktestReport, backtestReport, type ReportOptions } from "./report";
import { sideProbabilities, signalsFromProbabilities } from "./signals";
import { type AssetInput, type SimulationResult, simulate } from "./simulate";

export interface ProbabilityInput {
  bars: Bars;
  /** Calibrated P(up) per bar; NaN where the model has no prediction. */
  pUp: Float64Array;
  /** P(down) per bar; defaults to 1 - pUp. */
  pDown?: Float64Array;
  dividends?: Float64Array;
  volatile?: Uint8Array;
}

export interface BacktestRun {
  simulation: SimulationResult;
  report: BacktestReport;
}

/** Signals from probabilities with the `signals:` thresholds; probability of the chosen side kept for Kelly. */
export function assetFromProbabilities(input: ProbabilityInput, config: EngineConfigInput = {}): AssetInput {
  const cfg = parseEngineConfig(config);
  if (input.pUp.length !== input.bars.ts.length) {
    throw new Error(
      `pUp for ${input.bars.ticker} has length ${input.pUp.length}, expected ${input.bars.ts.length} (one per bar)`,
    );
  }
  const signal = signalsFromProbabilities(input.pUp, cfg.signals, input.pDown);
  return {
    bars: input.bars,
    signal,
    probability: sideProbabilities(signal, input.pUp, input.pDown),
    dividends: input.dividends,
    volatile: input.volatile,
  };
}

export function runBacktest(
  input: AssetInput | AssetInput[],
  config: EngineConfigInput = {},
  report: ReportOptions = {},
): BacktestRun {
  const simulation = simulate(input, config);
  return { simulation, report: backtestReport(simulation, report) };
}
