/**
 * The gates of `wsp promote`, decided from what the run, its champion, its control runs and the
 * trial ledger hold at the decision (read by tracking/promotion.ts). All must pass for the version
 * to become champion; docs/architecture.md ("Promotion") gives the protocol.
 */
import { DSR_LABEL, deflatedSharpe, type SharpeInputs } from "../backtest";
import { beats, beatThreshold, bestOf, formatValue as fmt } from "./compare";
import type { GoNoGoGateName, PromotionSettings } from "./config";
import { type GoNoGoFigures, goNoGoGates, NO_FIGURES } from "./goNoGo";
import { describeWindow, type HoldoutWindow, windowStamp } from "./holdout";

export type GateName = "beats_champion" | "min_deflated_sharpe" | "beats_control" | "run_checks" | GoNoGoGateName;

export interface Gate {
  gate: GateName;
  passed: boolean;
  /** The challenger's value (the metric, the DSR, the metric vs the control); NaN when missing. */
  value: number;
  /** What it was compared with (champion + margin, the minimum DSR, the best control). NaN when none. */
  threshold: number;
  detail: string;
}

/** A metric as read from a run: the key found (null when none) and its value (NaN when none). */
export interface MetricReading {
  key: string | null;
  value: number;
}

/** The champion the run is judged against. */
export type ChampionStanding =
  | { kind: "none" }
  | { kind: "self"; version: string }
  | { kind: "other"; version: string; holdout: MetricReading };

/** The trial ledger's count and per-basis Sharpe variances, at the decision. */
export interface TrialStats {
  count: number;
  sharpeVariance: number;
  activeSharpeVariance: number;
}

/**
 * A retrain's comparison with the champion: both predict the bars after the champion's final
 * holdout (which trained nothing of it and selected it), among the challenger's own holdout rows
 * (which trained nothing of the challenger). beats_champion is decided there, not on the final
 * holdouts, which differ between the two runs.
 */
export interface ForwardComparison {
  /** The forward rows' first and last bar times; null when no labelled bar follows the champion's holdout yet. */
  window: HoldoutWindow | null;
  rows: number;
  /** The champion's final-holdout end, after which the window starts. */
  after: number;
  /** Both models' value of the metric's forward twin (`forward_logloss`) on the window's rows. */
  challenger: MetricReading;
  champion: MetricReading;
}

/** Everything the gates read, as plain values. */
export interface PromotionEvidence {
  settings: PromotionSettings;
  /** The run's value of `settings.metric` (its promoted model's first). */
  metric: MetricReading;
  /** Its final-holdout twin (the metric itself when the run lacks the twin). */
  holdout: MetricReading;
  /** The holdout twin's name, for the detail when the run has neither. */
  holdoutMetric: string;
  champion: ChampionStanding;
  dsr: {
    /** The deflated Sharpe the run logged, on the settings' basis, and the trials it counted. */
    logged: MetricReading;
    loggedTrials: number;
    /** Its inputs on the basis (NaN fields when the run logged none). */
    inputs: SharpeInputs;
    /** The experiment's ledger now (its variances fall back on 1/inputs.nObs). */
    ledger: TrialStats;
  };
  /** The control runs' values of `settings.metric`; null when `beat_control` is off. */
  controls: { runs: number; values: number[] } | null;
  /** The run's own verdict tag (`wsp.gates`) and, when refused, why. */
  runChecks: { verdict: string | undefined; refused: string | null };
  /** Set by a retrain: beats_champion compares on this forward window instead of the final holdouts. */
  forward?: ForwardComparison;
  /** The figures the go/no-go gates read (the run's metrics), when `settings.goNoGo` switches any on. */
  goNoGo?: GoNoGoFigures;
}

export interface DsrDecision {
  logged: { value: number; trials: number };
  /** Recomputed with the ledger now; null when the run logged no Sharpe inputs. */
  decision: { value: number; trials: number; sharpeVariance: number } | null;
}

/** The deflated Sharpe as logged and as recomputed now from the run's inputs and the ledger. */
export function dsrAtDecision(e: PromotionEvidence): DsrDecision {
  const { inputs, ledger } = e.dsr;
  const logged = { value: e.dsr.logged.value, trials: e.dsr.loggedTrials };
  if (!Object.values(inputs).every(Number.isFinite) || !(inputs.nObs > 1)) return { logged, decision: null };
  // Runs recorded before the basis existed carry the absolute one.
  const sharpeVariance =
    (e.settings.dsrBasis ?? "absolute") === "active" ? ledger.activeSharpeVariance : ledger.sharpeVariance;
  const { dsr } = deflatedSharpe({ ...inputs, nTrials: ledger.count, sharpeVariance });
  return { logged, decision: { value: dsr, trials: ledger.count, sharpeVariance } };
}

/** (a) beats the champion on the final holdout by the margin; no champion yet passes. */
function beatsChampion(e: PromotionEvidence): Gate {
  const { settings: s, holdout: mine, champion } = e;
  const mineKey = mine.key ?? e.holdoutMetric;
  const gate = "beats_champion";
  if (champion.kind === "none") {
    return {
      gate,
      passed: true,
      value: mine.value,
      threshold: Number.NaN,
      detail: `no champion yet (${mineKey} = ${fmt(mine.value)})`,
    };
  }
  if (champion.kind === "self") {
    const detail = `this run is already the champion (version ${champion.version})`;
    return { gate, passed: true, value: mine.value, threshold: mine.value, detail };
  }
  if (e.forward) return beatsChampionForward(e.forward, champion.version, s);
  const theirs = champion.holdout;
  const threshold = beatThreshold(theirs.value, s.direction, s.margin);
  return {
    gate,
    passed: beats(mine.value, theirs.value, s.direction, s.margin),
    value: mine.value,
    threshold,
    detail: `${mineKey} ${fmt(mine.value)} vs champion v${champion.version} ${theirs.key ?? "(missing)"} ${fmt(theirs.value)}, margin ${s.margin}: needs ${s.direction === "min" ? "<=" : ">="} ${fmt(threshold)} and strictly better`,
  };
}

/** (a) on a retrain's forward window: no window yet fails (the new version stays challenger). */
function beatsChampionForward(f: ForwardComparison, version: string, s: PromotionSettings): Gate {
  const gate = "beats_champion";
  const key = f.challenger.key ?? "the forward metric";
  if (f.window === null || f.rows === 0) {
    return {
      gate,
      passed: false,
      value: Number.NaN,
      threshold: Number.NaN,
      detail: `no forward window yet: no labelled bar after champion v${version}'s final holdout (ends ${windowStamp(f.after)}) to compare both on`,
    };
  }
  const mine = f.challenger.value;
  const threshold = beatThreshold(f.champion.value, s.direction, s.margin);
  return {
    gate,
    passed: beats(mine, f.champion.value, s.direction, s.margin),
    value: mine,
    threshold,
    detail: `forward window ${describeWindow(f.window)} (${f.rows} rows after champion v${version}'s holdout): ${key} ${fmt(mine)} vs champion ${fmt(f.champion.value)}, margin ${s.margin}: needs ${s.direction === "min" ? "<=" : ">="} ${fmt(threshold)} and strictly better`,
  };
}

/** (b) the deflated Sharpe, with the trials the experiment holds now; a missing value fails. */
function minDeflatedSharpe(e: PromotionEvidence, dsr: DsrDecision): Gate {
  const s = e.settings;
  const value = dsr.decision ? dsr.decision.value : dsr.logged.value;
  const trials = (n: number) => (Number.isFinite(n) ? `${n} trial${n === 1 ? "" : "s"}` : "trials unknown");
  const label = `${DSR_LABEL}${s.dsrBasis ? ` (${s.dsrBasis} returns)` : ""}`;
  return {
    gate: "min_deflated_sharpe",
    passed: Number.isFinite(value) && value >= s.minDeflatedSharpe,
    value,
    threshold: s.minDeflatedSharpe,
    detail: dsr.decision
      ? `${label} ${fmt(dsr.decision.value)} now (ledger: ${trials(dsr.decision.trials)}, Sharpe variance ${fmt(dsr.decision.sharpeVariance)}; logged ${fmt(dsr.logged.value)} with ${trials(dsr.logged.trials)}) needs >= ${s.minDeflatedSharpe}`
      : `${label} ${fmt(dsr.logged.value)} as logged (the run records no Sharpe inputs to recompute it) needs >= ${s.minDeflatedSharpe}`,
  };
}

/** (c) beats every shuffled-label control run (the best one counts) by the margin. */
function beatsControl(e: PromotionEvidence): Gate {
  const { settings: s, metric: mine } = e;
  const gate = "beats_control";
  if (e.controls === null) {
    return {
      gate,
      passed: true,
      value: mine.value,
      threshold: Number.NaN,
      detail: "disabled (promotion.beat_control = false)",
    };
  }
  const values = e.controls.values.filter((v) => !Number.isNaN(v));
  if (values.length === 0) {
    const detail =
      e.controls.runs === 0
        ? "no control run (a child tagged wsp.role=control or named control)"
        : `control run has no ${s.metric}`;
    return { gate, passed: false, value: mine.value, threshold: Number.NaN, detail };
  }
  const best = bestOf(values, s.direction);
  return {
    gate,
    passed: beats(mine.value, best, s.direction, s.margin),
    value: mine.value,
    threshold: beatThreshold(best, s.direction, s.margin),
    detail: `${s.metric} ${fmt(mine.value)} vs shuffled-label control ${fmt(best)}, margin ${s.margin}: needs a strict gain >= the margin`,
  };
}

/** (d) the runner did not refuse the run (suspected leakage, no signal); a run without a verdict passes. */
function runChecks(e: PromotionEvidence): Gate {
  const { verdict, refused } = e.runChecks;
  return {
    gate: "run_checks",
    passed: verdict !== "refused",
    value: verdict === "refused" ? 0 : 1,
    threshold: 1,
    detail:
      verdict === undefined ? "the run carries no wsp.gates verdict" : (refused ?? `the runner's checks ${verdict}`),
  };
}

/** The four gates in order, then the go/no-go gates switched on, and the deflated Sharpe they were decided with. */
export function decideGates(e: PromotionEvidence): { gates: Gate[]; dsr: DsrDecision } {
  const dsr = dsrAtDecision(e);
  const goNoGo = e.settings.goNoGo ? goNoGoGates(e.settings.goNoGo, e.goNoGo ?? NO_FIGURES) : [];
  return { gates: [beatsChampion(e), minDeflatedSharpe(e, dsr), beatsControl(e), runChecks(e), ...goNoGo], dsr };
}
