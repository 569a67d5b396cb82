/**
 * Following a job in a terminal: a cli-progress bar by pipeline phase (on stderr, drawn only on
 * a terminal), then the result: a train job's run and its link, or the failure's reason (exit
 * code 1).
 */
import { SingleBar } from "cli-progress";
import type { PhaseProgress } from "./processorKit";
import type { JobHandle } from "./submit";

function asPhase(p: unknown): { percent: number; phase: string } {
  if (typeof p === "number") return { percent: p, phase: "" };
  if (p !== null && typeof p === "object" && "percent" in p && "phase" in p) {
    const pp = p as PhaseProgress;
    return { percent: pp.percent, phase: `${pp.phase} (${pp.step}/${pp.steps})` };
  }
  return { percent: 0, phase: "" };
}

/** One line per field of a job's result (a train job: run id, link, reused, metrics). */
export function describeResult(result: unknown): string {
  if (result === null || typeof result !== "object") return String(result);
  return Object.entries(result as Record<string, unknown>)
    .map(([k, v]) => `  ${k}: ${typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}`)
    .join("\n");
}

export async function followJob(handle: JobHandle): Promise<void> {
  const bar = new SingleBar({
    format: `${handle.queue.name} ${handle.id} |{bar}| {percentage}% {phase}`,
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: false,
  });
  const first = asPhase(handle.job.progress);
  bar.start(100, first.percent, { phase: first.phase });
  handle.on("progress", (p: unknown) => {
    const now = asPhase(p);
    bar.update(now.percent, { phase: now.phase });
  });
  try {
    const result = await handle.result();
    bar.update(100, { phase: "done" });
    bar.stop();
    console.log(`job ${handle.id} completed\n${describeResult(result)}`);
  } catch (err) {
    bar.stop();
    console.error(`job ${handle.id} failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
