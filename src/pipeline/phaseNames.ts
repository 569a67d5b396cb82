/**
 * The runner's phases in the order they run (docs/architecture.md, "The experiment runner, by
 * phases"), and the steps a progress hook is told about: every phase, then `record`, the tracked
 * run's record steps (trackExperiment.ts).
 */
export const PHASES = [
  "data",
  "features",
  "labels",
  "rows",
  "splits",
  "training",
  "calibration",
  "ensemble",
  "signals",
  "backtest",
  "leakage",
  "control",
  "gates",
] as const;
export type PhaseName = (typeof PHASES)[number];

export const PROGRESS_STEPS = [...PHASES, "record"] as const;
export type ProgressStep = (typeof PROGRESS_STEPS)[number];
