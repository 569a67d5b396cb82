/**
 * `track()` records a notebook's run in the suite's MLflow: tagged with the notebook's path from
 * the repository root, in the notebook's experiment, with its figures as self-contained HTML, its
 * tables as CSV and its metrics; a path that is not a notebook is refused by name.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NOTEBOOK_TAG, track } from "../../src/pipeline/index";
import { MlflowClient } from "../../src/tracking/index";
import { barFigure } from "../../src/viz/index";
import { testMlflowUri } from "../setup/testMlflow";

describe("track()", () => {
  let uri: string;
  let outboxDir: string;
  beforeAll(async () => {
    uri = await testMlflowUri();
    outboxDir = mkdtempSync(join(tmpdir(), "wsp-notebook-track-"));
  }, 120_000);
  afterAll(() => rmSync(outboxDir, { recursive: true, force: true }));

  it("logs figures, a table and metrics to a FINISHED run tagged with the notebook's path", async () => {
    const experiment = `test-notebook-track-${Date.now().toString(36)}`;
    const run = await track("notebooks/02-importance.ipynb", { experiment, trackingUri: uri, outboxDir });
    expect(run.notebook).toBe("notebooks/02-importance.ipynb");
    const fig = barFigure(["a", "b"], [{ name: "v", values: [1, 2] }], { title: "two bars" });
    const first = await run.figure("bars", fig);
    const second = await run.figure("bars-again", fig);
    // plotly.js inline once per notebook: the first figure's HTML carries it, later ones do not.
    expect(first).toContain("<script>");
    expect(first.length).toBeGreaterThan(second.length + 100_000);
    await run.table("scores", { name: ["a", "b,c"], value: [0.5, 1] });
    await run.metrics({ auc: 0.52 });
    const url = await run.end();
    expect(url).toContain(uri);

    const client = new MlflowClient({ trackingUri: uri });
    const exp = await client.getExperimentByName(experiment);
    const runs = await client.searchAllRuns({
      experimentIds: [exp?.experiment_id as string],
      filter: `tags.\`${NOTEBOOK_TAG}\` = 'notebooks/02-importance.ipynb'`,
    });
    expect(runs).toHaveLength(1);
    expect(runs[0].info.status).toBe("FINISHED");
    expect(runs[0].data.metrics?.find((m) => m.key === "auc")?.value).toBe(0.52);
    const runId = runs[0].info.run_id;
    const page = new TextDecoder().decode(await client.downloadArtifact(runId, "figures/bars.html"));
    expect(page).toContain("<!DOCTYPE html>");
    expect(page).toContain("two bars");
    const csv = new TextDecoder().decode(await client.downloadArtifact(runId, "tables/scores.csv"));
    expect(csv).toBe('name,value\na,0.5\n"b,c",1\n');
  }, 120_000);

  it("refuses a path that is not a notebook, or a notebook that does not exist, naming it", async () => {
    await expect(track("notebooks/README.md", { trackingUri: uri, outboxDir })).rejects.toThrow(
      'track: "notebooks/README.md" is not a notebook path',
    );
    await expect(track("notebooks/99-missing.ipynb", { trackingUri: uri, outboxDir })).rejects.toThrow(
      "track: no notebook at notebooks/99-missing.ipynb",
    );
  });
});
