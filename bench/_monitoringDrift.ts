/**
 * `drift_check_s`: one `driftCheck` of 200 features × 10,000 live rows against a profile built
 * from a 5,000-row training window (so each KS test pits the profile's 2,000-value sample against
 * 10,000 live values: scipy's default would still be exact at these sizes). Features are seeded
 * Gaussians with varied scales; 20 of them are shifted by 0.5 sd live, so the check also walks
 * the wider KS bands that drifted features cost. Median of 5 timed runs after a warm-up.
 */
import { buildReferenceProfile, driftCheck, INITIAL_BAND_STATE } from "../src/monitoring";

const FEATURES = 200;
const LIVE_ROWS = 10_000;
const TRAIN_ROWS = 5_000;

function gaussians(seed: number, n: number, mean: number, sd: number): Float64Array {
  let s = seed >>> 0;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  return Float64Array.from(
    { length: n },
    () => mean + sd * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()),
  );
}

/** Wall seconds (the figure), and this process's CPU seconds beside it: the machine is shared, wall time is not ours alone. */
export function driftCheckSeconds(): { drift_check_s: number; drift_check_cpu_s: number; drifted_features: number } {
  const names = Array.from({ length: FEATURES }, (_, j) => `f${j}`);
  const scale = (j: number) => 1 + (j % 7);
  const train = names.map((_, j) => gaussians(1 + j, TRAIN_ROWS, 0, scale(j)));
  const profile = buildReferenceProfile({
    variant: "bench",
    window: { start: "2015-01-02T00:00:00.000Z", end: "2034-10-31T00:00:00.000Z" },
    features: { names, columns: train },
    probabilities: { values: gaussians(999, TRAIN_ROWS, 0.5, 0.05), width: 1 },
    baseline: { accuracy: 0.55, ece: 0.02, rows: TRAIN_ROWS },
    topFeatures: names.slice(0, 10),
  });
  const live = Object.fromEntries(
    names.map((name, j) => [name, gaussians(10_000 + j, LIVE_ROWS, j % 10 === 5 ? 0.5 * scale(j) : 0, scale(j))]),
  );
  const predicted = gaussians(20_000, LIVE_ROWS, 0.5, 0.05);
  const once = () =>
    driftCheck({ profile, features: live, predicted, rollingAccuracy: 0.54, bandState: INITIAL_BAND_STATE });
  once();
  const times: number[] = [];
  const cpu: number[] = [];
  let drifted = 0;
  for (let k = 0; k < 5; k++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = once();
    times.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
    drifted = r.features.filter((f) => f.ks?.drifted).length;
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[2];
  return { drift_check_s: median(times), drift_check_cpu_s: median(cpu), drifted_features: drifted };
}
