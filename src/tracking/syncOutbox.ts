/**
 * `wsp mlflow sync`: replays the outbox (see outbox.ts) to the server, oldest run first so that
 * parents exist before their children. Safe to interrupt and to run again: progress is kept per
 * entry and every entry is idempotent on the server. Runs another live process is writing (its
 * pid in the run's `lock`) are left alone.
 */
import type { MlflowClient } from "./mlflowClient";
import { listOutboxRuns } from "./outbox";
import { drainOutboxRun } from "./outboxReplay";
import { ERROR_TAG } from "./recorder";

const ABANDONED =
  "abandoned: the process recording this run exited without ending it; ended KILLED when its outbox was replayed";

export interface SyncedRun {
  localId: string;
  serverRunId: string | null;
  /** synced: complete on the server, outbox removed; pending: the server or the parent run was unavailable; locked: a live process owns it; failed: its log is corrupt or the server refused to create the run. */
  state: "synced" | "pending" | "locked" | "failed";
  applied: number;
  total: number;
  rejected: { index: number; op: string; error: string }[];
  reason: string | null;
}

export async function syncOutbox(
  client: MlflowClient,
  outboxDir: string,
  onRun: (run: SyncedRun) => void = () => {},
): Promise<SyncedRun[]> {
  const out: SyncedRun[] = [];
  for (const run of listOutboxRuns(outboxDir)) {
    let total = 0;
    let report: SyncedRun;
    if (!run.tryLock()) {
      const p = run.progress();
      try {
        total = run.entries().length;
      } catch {
        // Its writer is still appending; a corrupt log is reported once it is free.
      }
      report = {
        localId: run.localId,
        serverRunId: p.serverRunId,
        state: "locked",
        applied: p.applied,
        total,
        rejected: [],
        reason: "another live process is writing or replaying this run",
      };
    } else {
      try {
        const entries = run.entries();
        total = entries.length;
        if (entries[entries.length - 1]?.op !== "end") {
          run.dropTornTail();
          // Unlocked and not ended: the process recording it died. End it so it does not show as RUNNING forever.
          run.append({ op: "tags", tags: { [ERROR_TAG]: ABANDONED } });
          run.append({ op: "end", status: "KILLED", endTime: Date.now() });
          total += 2;
        }
        const r = await drainOutboxRun(client, run);
        report = {
          localId: run.localId,
          serverRunId: r.serverRunId,
          state: r.complete ? "synced" : "pending",
          applied: r.applied,
          total,
          rejected: r.rejected,
          reason: r.unavailable,
        };
        if (r.complete) run.remove();
      } catch (err) {
        // A corrupt log, or the server refused to create the run: report it and go on with the others.
        const p = run.progress();
        report = {
          localId: run.localId,
          serverRunId: p.serverRunId,
          state: "failed",
          applied: p.applied,
          total,
          rejected: [],
          reason: err instanceof Error ? err.message : String(err),
        };
      } finally {
        run.unlock();
      }
    }
    out.push(report);
    onRun(report);
  }
  return out;
}
