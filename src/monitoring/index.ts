/** Public surface of monitoring: what a served model is checked against (pure: arrays in, figures out). */
export {
  type BaselineFigures,
  type LiveMetrics,
  type LiveOutcome,
  liveMetrics,
  ROLLING_WINDOW,
  type RegimeHitRate,
} from "./liveMetrics";
