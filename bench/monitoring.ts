/**
 * `npm run bench -- monitoring` (issue 18). Each figure is one function in its own
 * `bench/_monitoring<Figure>.ts` returning its JSON keys; `FIGURES` lists them, and the last line
 * is every figure's keys in one JSON object. A figure is added by writing its file and one entry
 * in `FIGURES`.
 */
import { driftCheckSeconds } from "./_monitoringDrift";
import { benchPaperReplay } from "./_monitoringPaper";

const FIGURES: { name: string; run: () => Record<string, number> | Promise<Record<string, number>> }[] = [
  { name: "drift check: 200 features x 10,000 rows against a profile (goal < 1 s)", run: driftCheckSeconds },
  {
    name: "paper replay: SPY's 1-minute bars through the online path, a 5-minute model (floor 200, goal 2,000 bars/s)",
    run: async () => ({ ...(await benchPaperReplay()) }),
  },
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
