/**
 * Public surface of promotion: the one policy that judges a run, at the end of `wsp run` (its own
 * checks) and at `wsp promote` (the gates against the registry). Pure: plain values in, a verdict
 * out; reading and writing MLflow is tracking's, the protocol is in docs/architecture.md.
 */
export * from "./config";
export * from "./compare";
export * from "./runChecks";
export * from "./refusals";
export * from "./holdout";
export * from "./gates";
export * from "./verdict";
