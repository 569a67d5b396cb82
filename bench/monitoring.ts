/**
 * `npm run bench -- monitoring` (issue 18). Each figure is one function in its own
 * `bench/_monitoring<Figure>.ts` returning its JSON keys; `FIGURES` lists them, and the last line
 * is every figure's keys in one JSON object. A figure is added by writing its file and one entry
 * in `FIGURES` (`paper_replay_bars_per_s` goes here next to `drift_check_s`).
 */
import { driftCheckSeconds } from "./_monitoringDrift";

const FIGURES: { name: string; run: () => Record<string, number> | Promise<Record<string, number>> }[] = [
  { name: "drift check: 200 features x 10,000 rows against a profile (goal < 1 s)", run: driftCheckSeconds },
];

const all: Record<string, number> = {};
for (const f of FIGURES) {
  const figures = await f.run();
  console.log(
    `${f.name}: ${Object.entries(figures)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")}`,
  );
  Object.assign(all, figures);
}
console.log(JSON.stringify(all));
