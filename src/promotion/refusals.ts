/**
 * What `wsp promote` refuses before any gate: nothing is registered, and the error says why and
 * what to do instead (the CLI exits 1). The holdout's refusal is in holdout.ts.
 */

/** A run `wsp promote` will not register; the message says why and what to do instead. */
export class PromotionRefused extends Error {
  override readonly name = "PromotionRefused";
}

/** What the refusals read of a run. */
export interface RunStanding {
  runId: string;
  runName: string;
  /** The parent's run id when this is a child run. */
  parentRunId: string | null;
  /** MLflow's status: FINISHED, FAILED, KILLED, RUNNING, SCHEDULED. */
  status: string;
  /** The error a failed run recorded. */
  error: string | null;
  /** The runner's own verdict (leakage, signal); undefined for runs that carry none. */
  runChecks: string | undefined;
  /** The run's config switched the shuffled-label control off. */
  controlOff: boolean;
}

/** Why the run cannot be promoted whatever its gates say (a child, an unfinished run); null when it can. */
export function unfinishedRefusal(s: RunStanding): string | null {
  const id = s.runId;
  if (s.parentRunId) {
    return `run ${id} is a child run ("${s.runName}") of parent run ${s.parentRunId}; models are registered from the parent: wsp promote ${s.parentRunId}`;
  }
  if (s.status === "FAILED") {
    const why = s.error ? `: ${s.error.slice(0, 200)}` : "";
    return `run ${id} failed${why}; only a FINISHED run can be promoted (fix the cause and run the experiment again)`;
  }
  if (s.status === "KILLED") {
    return `run ${id} was killed before it finished (status KILLED); only a FINISHED run can be promoted`;
  }
  if (s.status !== "FINISHED") {
    return `run ${id} has not finished (status ${s.status}); promote it once it is FINISHED`;
  }
  return null;
}

/** A check the runner failed, as its `gates.json` records it. */
export interface FailedCheck {
  name?: string;
  detail?: string;
}

/**
 * Why the runner refused the run (`the runner's checks refused: signal (OOS AUC …); …`), null
 * when it did not. `failed` may be empty (the artifact was unreadable): the verdict alone refuses.
 */
export function runChecksRefusal(s: RunStanding, failed: readonly FailedCheck[]): string | null {
  if (s.runChecks !== "refused") return null;
  const why = failed.length ? `: ${failed.map((c) => `${c.name} (${c.detail})`).join("; ")}` : "";
  return `the runner's checks refused${why}`;
}

export interface RefusalOverrides {
  /** Register a run its own checks refused (tagged as forced; it cannot become champion). */
  force?: boolean;
  /** Accept a run whose config switched the shuffled-label control off. */
  allowNoControl?: boolean;
}

/** The run's own refusal (leakage, no signal) and a switched-off control, unless overridden; null when neither. */
export function ownRefusal(s: RunStanding, refusedChecks: string | null, o: RefusalOverrides): string | null {
  if (refusedChecks && !o.force) {
    return `run ${s.runId} is not registered: ${refusedChecks}. Pass --force to register it anyway (tagged wsp.forced; it cannot become champion)`;
  }
  if (s.controlOff && !o.allowNoControl) {
    return `run ${s.runId} is not registered: its config switched the shuffled-label control off (controls.shuffled_labels: false, tag wsp.control=none), so nothing shows its score beats chance. Run it with the control, or pass --allow-no-control`;
  }
  return null;
}
