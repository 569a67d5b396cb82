/**
 * Public surface of promotion: the one policy that judges a run, at the end of `wsp run` (its own
 * checks) and at `wsp promote` (the gates against the registry). Pure: plain values in, a verdict
 * out; reading and writing MLflow is tracking's, the protocol is in docs/architecture.md.
 */
export {
  defaultDirection,
  type Direction,
  type DsrBasis,
  holdoutTwin,
  promotionConfigSchema,
  type PromotionSettings,
  UNRECORDED_SETTINGS,
  forwardTwin,
  GO_NO_GO_GATES,
  type GoNoGoBasis,
  type GoNoGoGateName,
  type GoNoGoSettings,
} from "./config";
export { formatValue } from "./compare";
export { type GoNoGoFigures, goNoGoSettings } from "./goNoGo";
export { evaluateGates, type GateVerdict, ownChecksVerdict } from "./runChecks";
export {
  type FailedCheck,
  ownRefusal,
  PromotionRefused,
  type RefusalOverrides,
  runChecksRefusal,
  type RunStanding,
  unfinishedRefusal,
} from "./refusals";
export {
  describeWindow,
  type HoldoutRecord,
  holdoutRefusal,
  holdoutUse,
  type HoldoutUse,
  type HoldoutWindow,
  windowStamp,
} from "./holdout";
export type { ChampionStanding, ForwardComparison, Gate, MetricReading, PromotionEvidence } from "./gates";
export { CHALLENGER, CHAMPION, decidePromotion, type PromotionVerdict } from "./verdict";
