/**
 * What every phase is given besides the previous phases' outputs: the config, the caller's hooks
 * and the timer that draws the progress bars and keeps each phase's seconds. Phases share no
 * other state: each returns its outputs (and its notes) and the runner passes them on.
 */
import type { ExperimentConfig } from "../config";
import type { RunHooks } from "../experimentResult";
import type { PhaseTimer } from "../progress";

export interface PhaseContext {
  config: ExperimentConfig;
  hooks: RunHooks;
  timer: PhaseTimer;
}
