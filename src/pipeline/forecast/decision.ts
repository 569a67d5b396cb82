/**
 * What a forecast decides at a ticker's latest bar, by the same functions the backtest decides
 * with at that bar's close: the signal by the `signals:` thresholds (signalsFromProbabilities),
 * the entry's size by the `sizing:` rule (entryFraction, as simulate sizes entries), and the
 * stop-loss / take-profit by `backtest.stops` (stopLevels, widened when the bar's trend regime
 * is volatile, as the run's backtest widens them). "Online = offline": fed the risk inputs of
 * BarRiskStream and the regime of TrendRegimeStream at bar t, `decide` gives what the engine
 * decides at t's close (the signal and the fraction its entry at t + 1 gets).
 */
import {
  type BarRisk,
  type CostsConfig,
  entryFraction,
  riskReady,
  type SignalsConfig,
  type SizingConfig,
  type StopsConfig,
  sideProbabilities,
  signalsFromProbabilities,
  stopLevels,
} from "../../backtest";
import { TREND_REGIMES } from "../../features";
import { downProbability, upProbability } from "../sideProbabilities";
import type { Direction } from "./forecastTypes";

export interface DecisionConfig {
  signals: SignalsConfig;
  sizing: SizingConfig;
  /** The experiment's `backtest.stops`. */
  stops: StopsConfig;
  /** The cost options that make the engine wait for ATR or volatility before it enters. */
  costs: Pick<CostsConfig, "slippage_atr" | "impact">;
  /** Bars the label looks ahead: how long a signal stands when `signals.hold_bars` is null. */
  labelsHorizon: number;
}

interface DecisionBase {
  /** The most probable class; `flat` also when the top probability is shared. */
  readonly direction: Direction;
  /** Bars the signal stands: `signals.hold_bars`, else the label horizon. */
  readonly holdBars: number;
}

/** No threshold met: the engine does nothing (an open position runs on until its hold ends). */
export interface NoSignal extends DecisionBase {
  readonly action: "none";
  readonly signal: "none";
  readonly positionSize: 0;
  readonly stopLoss: null;
  readonly takeProfit: null;
}

/**
 * A signal the engine acts on by closing a position on the other side, without entering:
 * `long_only` (a short signal is an exit of a long), `warm_up` (the ATR or volatility the config
 * needs is not defined yet), `no_size` (the sizing rule gives no positive size, e.g. no Kelly edge).
 */
export interface ExitOnly extends DecisionBase {
  readonly action: "exit";
  readonly signal: "long" | "short";
  readonly reason: "long_only" | "warm_up" | "no_size";
  readonly positionSize: 0;
  readonly stopLoss: null;
  readonly takeProfit: null;
}

/**
 * An entry at the next bar (unless the position is already on that side, which the engine keeps
 * and whose hold it restarts). Stop and target are measured from this bar's close, not from the
 * engine's entry fill (the next bar's open, or close under close_delay): the fill is not known
 * when the forecast is made; the distances (k · ATR, widened) are the engine's, so a caller
 * shifts both levels by (fill − close) to get the engine's.
 */
export interface Entry extends DecisionBase {
  readonly action: "enter";
  readonly signal: "long" | "short";
  /**
   * Fraction of equity, after the per-position cap and the gross cap of a flat account. The
   * engine may still cut it: to `costs.max_participation` of the signal bar's volume (a count of
   * shares, so it needs the account's equity in currency), and to the gross room other open
   * tickers leave; a guard-rail pause (the account's own path) drops the entry.
   */
  readonly positionSize: number;
  readonly stopLoss: number | null;
  readonly takeProfit: number | null;
}

export type Decision = NoSignal | ExitOnly | Entry;

const VOLATILE = TREND_REGIMES.indexOf("volatile");

/**
 * `probs`: calibrated probabilities as the model gives them for one row: one value (binary
 * labels, P(up)) or three (down, flat, up). `risk`: BarRiskStream's value at the bar.
 * `regimeId`: TrendRegimeStream's id at the bar (−1 while undefined: never volatile).
 */
export function decide(
  config: DecisionConfig,
  probs: readonly number[],
  risk: BarRisk,
  regimeId: number,
  close: number,
): Decision {
  checkInputs(config, probs, regimeId, close);
  const width = probs.length;
  const up = Float64Array.of(upProbability(probs, 0, width));
  const down = Float64Array.of(downProbability(probs, 0, width));
  const code = signalsFromProbabilities(up, config.signals, down)[0];
  const base = { direction: directionOf(probs), holdBars: config.signals.hold_bars ?? config.labelsHorizon };
  if (code === 0) {
    return { ...base, action: "none", signal: "none", positionSize: 0, stopLoss: null, takeProfit: null };
  }
  const dir = code > 0 ? 1 : -1;
  const signal = dir > 0 ? "long" : "short";
  const exit = (reason: ExitOnly["reason"]): ExitOnly => ({
    ...base,
    action: "exit",
    signal,
    reason,
    positionSize: 0,
    stopLoss: null,
    takeProfit: null,
  });
  // The engine reads a short signal of a long-only config as "go flat" (barStep.ts, decide).
  if (dir < 0 && config.signals.long_only) return exit("long_only");
  const sizeConfig = { sizing: config.sizing, costs: config.costs, stops: config.stops };
  if (!riskReady(sizeConfig, risk)) return exit("warm_up");
  const probability = sideProbabilities(Int8Array.of(code), up, down)[0];
  // The engine caps an entry by the gross room left in the account: all of max_gross when the
  // account is flat (one ticker traded alone); other open positions would leave less.
  const size = Math.min(entryFraction(sizeConfig, risk, probability), config.sizing.max_gross);
  if (!(size > 0)) return exit("no_size");
  const levels = stopLevels(config.stops, close, dir, risk.atr, regimeId === VOLATILE);
  return { ...base, action: "enter", signal, positionSize: size, ...levels };
}

/**
 * The most probable class; `flat` on a tie (and for binary labels at P(up) = 0.5). `probs` as
 * the model gives them: P(up) alone for binary labels, else P(down), P(flat), P(up).
 */
export function directionOf(probs: readonly number[]): Direction {
  if (probs.length === 1) return probs[0] > 0.5 ? "up" : probs[0] < 0.5 ? "down" : "flat";
  const [down, flat, up] = probs;
  if (up > down && up > flat) return "up";
  if (down > up && down > flat) return "down";
  return "flat";
}

function checkInputs(config: DecisionConfig, probs: readonly number[], regimeId: number, close: number): void {
  if (probs.length !== 1 && probs.length !== 3) {
    throw new Error(
      `decide: probs has ${probs.length} values; expected 1 (binary labels: P(up)) or 3 (down, flat, up)`,
    );
  }
  probs.forEach((p, k) => {
    if (!(p >= 0 && p <= 1)) throw new Error(`decide: probs[${k}] = ${p} is not a probability in [0, 1]`);
  });
  if (!(Number.isInteger(regimeId) && regimeId >= -1 && regimeId < TREND_REGIMES.length)) {
    throw new Error(`decide: regimeId ${regimeId} is not −1 or an index into ${TREND_REGIMES.join(", ")}`);
  }
  if (!(close > 0 && Number.isFinite(close))) throw new Error(`decide: close ${close} is not a positive price`);
  if (!(Number.isInteger(config.labelsHorizon) && config.labelsHorizon >= 1)) {
    throw new Error(`decide: labelsHorizon ${config.labelsHorizon} is not a positive whole number of bars`);
  }
}
